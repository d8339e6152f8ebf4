import { describe, it, expect } from 'vitest';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidLabelValue,
  isValidPercent,
  isValidPortName,
  nameIsDNSSubdomain,
  validatePathSegmentName,
} from '../../../src/engine/api/validation/names.ts';
import { canonicalQuantity } from '../../../src/engine/api/validation/quantity-format.ts';
import { cronScheduleError } from '../../../src/engine/api/validation/cron-schedule.ts';

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035 =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QNAME =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('DNS names', () => {
  it.each([
    ['web', []],
    ['web.example.com', []],
    ['Web_1', [SUBDOMAIN]],
    ['-web', [SUBDOMAIN]],
    ['a'.repeat(254), ['must be no more than 253 characters']],
  ])('IsDNS1123Subdomain(%j)', (value, expected) => {
    expect(isDNS1123Subdomain(value)).toEqual(expected);
  });

  it.each([
    ['web-1', []],
    ['web.1', ['must not contain dots']],
    ['Web', [LABEL]],
    ['a'.repeat(64), ['must be no more than 63 characters']],
  ])('IsDNS1123Label(%j)', (value, expected) => {
    expect(isDNS1123Label(value)).toEqual(expected);
  });

  it.each([
    ['web', []],
    ['1web', [DNS1035]],
    ['web.svc', [DNS1035]],
  ])('IsDNS1035Label(%j)', (value, expected) => {
    expect(isDNS1035Label(value)).toEqual(expected);
  });

  it('masks a trailing dash of a generateName prefix', () => {
    expect(nameIsDNSSubdomain('web-', true)).toEqual([]);
    expect(nameIsDNSSubdomain('web-', false)).toEqual([SUBDOMAIN]);
  });

  it('path segment names', () => {
    expect(validatePathSegmentName('..', false)).toEqual(["may not be '..'"]);
    expect(validatePathSegmentName('a/b%c', false)).toEqual(["may not contain '/'", "may not contain '%'"]);
    expect(validatePathSegmentName('Any_Name', false)).toEqual([]);
  });
});

describe('qualified names and label values', () => {
  it.each([
    ['app', []],
    ['example.com/app', []],
    ['/app', ['prefix part must be non-empty']],
    ['example.com/', ['name part must be non-empty', QNAME]],
    ['Bad_Prefix/app', [`prefix part ${SUBDOMAIN}`]],
    ['a/b/c', [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]],
    ['-app', [QNAME]],
    ['a'.repeat(64), ['name part must be no more than 63 characters']],
  ])('IsQualifiedName(%j)', (value, expected) => {
    expect(isQualifiedName(value)).toEqual(expected);
  });

  it.each([
    ['', []],
    ['v1.2_3', []],
    ['-x', [LABEL_VALUE]],
    ['a'.repeat(64), ['must be no more than 63 characters']],
  ])('IsValidLabelValue(%j)', (value, expected) => {
    expect(isValidLabelValue(value)).toEqual(expected);
  });
});

describe('other formats', () => {
  it.each([
    ['key.name', []],
    ['a/b', ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]],
    ['..', ["must not be '..'"]],
    ['..x', ["must not start with '..'"]],
  ])('IsConfigMapKey(%j)', (value, expected) => {
    expect(isConfigMapKey(value)).toEqual(expected);
  });

  it.each([
    ['http', []],
    ['a'.repeat(16), ['must be no more than 15 characters']],
    ['HTTP', ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)']],
    ['80', ['must contain at least one letter (a-z)']],
    ['a--b', ['must not contain consecutive hyphens']],
    ['-ab', ['must not begin or end with a hyphen']],
  ])('IsValidPortName(%j)', (value, expected) => {
    expect(isValidPortName(value)).toEqual(expected);
  });

  it('relaxed environment variable names (on in 1.33)', () => {
    expect(isRelaxedEnvVarName('1.weird-Name!')).toEqual([]);
    expect(isRelaxedEnvVarName('A=B')).toEqual(["a valid environment variable name must consist only of printable ASCII characters other than '='"]);
  });

  it('percentages', () => {
    expect(isValidPercent('25%')).toEqual([]);
    expect(isValidPercent('25')).toEqual([
      "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]);
  });
});

describe('canonical quantities', () => {
  it.each([
    ['1000m', '1'],
    ['1500m', '1500m'],
    ['1.5', '1500m'],
    [0.5, '500m'],
    [2, '2'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1e3', '1e3'],
    ['12000', '12k'],
    ['1200', '1200'],
    ['100Ki', '100Ki'],
    ['512', '512'],
    ['0.1n', '1n'],
    ['0', '0'],
    ['1K', undefined],
  ])('%j prints as %j', (input, expected) => {
    expect(canonicalQuantity(input)).toBe(expected);
  });
});

describe('cron schedules (robfig/cron ParseStandard)', () => {
  it.each([
    ['*/5 * * * *', undefined],
    ['0 0 * * MON-FRI', undefined],
    ['@hourly', undefined],
    ['@every 5m', undefined],
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['0 0 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['@often', 'unrecognized descriptor: @often'],
    ['@every 5x', 'failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"'],
  ])('%j', (spec, expected) => {
    expect(cronScheduleError(spec)).toBe(expected);
  });
});
