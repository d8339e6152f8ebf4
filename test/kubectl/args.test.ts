import { describe, it, expect } from 'vitest';
import { tokenize } from '../../src/kubectl/args/tokenize.ts';
import { parseFlags, FlagError, type FlagSpec } from '../../src/kubectl/args/flags.ts';
import { KubectlError } from '../../src/kubectl/errors.ts';

const specs: FlagSpec[] = [
  { name: 'namespace', short: 'n', kind: 'string' },
  { name: 'replicas', kind: 'int' },
  { name: 'all', kind: 'bool' },
  { name: 'all-namespaces', short: 'A', kind: 'bool' },
  { name: 'overwrite', kind: 'bool' },
  { name: 'filename', short: 'f', kind: 'stringSlice' },
  { name: 'output', short: 'o', kind: 'string' },
  { name: 'dry-run', kind: 'string', noOptDefault: 'unchanged' },
  { name: 'timeout', kind: 'duration' },
];

function error(args: string[]): string {
  try {
    parseFlags(args, specs);
  } catch (e) {
    expect(e).toBeInstanceOf(FlagError);
    return (e as Error).message;
  }
  throw new Error('expected a flag error');
}

describe('tokenize', () => {
  it('splits on blanks and honours quotes and escapes', () => {
    expect(tokenize(`kubectl get pods -o jsonpath='{.items[*].metadata.name}'`)).toEqual(['kubectl', 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(tokenize(`a "b c" 'd e' f\\ g "h\\"i"`)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i']);
    expect(tokenize(`-o=jsonpath="{range .items[*]}{.metadata.name}{\\"\\n\\"}{end}"`)).toEqual(['-o=jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}']);
    expect(tokenize('  ')).toEqual([]);
    expect(tokenize("''")).toEqual(['']);
  });
  it('refuses an unterminated quote', () => {
    expect(() => tokenize(`get 'pods`)).toThrow(KubectlError);
  });
});

describe('flags (pflag semantics)', () => {
  it('reads long, short, attached and interspersed forms', () => {
    const p = parseFlags(['scale', '-nshop', 'deploy/web', '--replicas=3', '--all', '-f', 'a.yaml,b.yaml', '-f=c.yaml', '-Ao', 'name'], specs);
    expect(p.positional).toEqual(['scale', 'deploy/web']);
    expect(p.values.get('namespace')).toBe('shop');
    expect(p.values.get('replicas')).toBe(3);
    expect(p.values.get('all')).toBe(true);
    expect(p.values.get('all-namespaces')).toBe(true);
    expect(p.values.get('output')).toBe('name');
    expect(p.values.get('filename')).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
  });
  it('keeps arguments after -- as positional', () => {
    const p = parseFlags(['web', '--', '--replicas', 'x'], specs);
    expect(p.positional).toEqual(['web', '--replicas', 'x']);
    expect(p.afterDash).toEqual(['--replicas', 'x']);
  });
  it('uses the no-option default and parses bools and durations', () => {
    expect(parseFlags(['--dry-run'], specs).values.get('dry-run')).toBe('unchanged');
    expect(parseFlags(['--dry-run=server'], specs).values.get('dry-run')).toBe('server');
    expect(parseFlags(['--overwrite=false'], specs).values.get('overwrite')).toBe(false);
    expect(parseFlags(['--timeout=1m30s'], specs).values.get('timeout')).toBe(90_000);
    expect(parseFlags(['--replicas', '0x10'], specs).values.get('replicas')).toBe(16);
  });
  it("words errors as pflag does", () => {
    expect(error(['--foo'])).toBe('unknown flag: --foo');
    expect(error(['-x'])).toBe("unknown shorthand flag: 'x' in -x");
    expect(error(['--replicas'])).toBe('flag needs an argument: --replicas');
    expect(error(['-n'])).toBe("flag needs an argument: 'n' in -n");
    expect(error(['--replicas=abc'])).toBe('invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax');
    expect(error(['--all=maybe'])).toBe('invalid argument "maybe" for "--all" flag: strconv.ParseBool: parsing "maybe": invalid syntax');
    expect(error(['--timeout=soon'])).toBe('invalid argument "soon" for "--timeout" flag: time: invalid duration "soon"');
  });
});
