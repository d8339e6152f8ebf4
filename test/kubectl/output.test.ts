import { describe, it, expect } from 'vitest';
import { parseOutputFormat, printGeneric, customColumns } from '../../src/kubectl/printers/output.ts';
import { parseTemplate, executeTemplate } from '../../src/kubectl/printers/jsonpath.ts';
import { goYaml, goJsonIndent } from '../../src/kubectl/printers/serialize.ts';
import { KubectlError } from '../../src/kubectl/errors.ts';

const ctx = { namespace: 'default', readFile: () => '', now: () => 0 };
const pods = [
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { app: 'web' } }, spec: { nodeName: 'node-1' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', labels: { app: 'db' } }, spec: {}, status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] } },
] as never[];

describe('YAML and JSON as kubectl writes them', () => {
  it('sorts keys, keeps lists flush and quotes what YAML 1.1 would misread', () => {
    const obj = { metadata: { resourceVersion: '12', creationTimestamp: '2025-01-01T00:00:00Z', name: 'web', annotations: { note: 'a\nb', on: 'yes' } }, kind: 'ConfigMap', apiVersion: 'v1', data: { empty: '', n: null, list: ['x'] } };
    expect(goYaml(obj)).toBe(
      [
        'apiVersion: v1',
        'data:',
        '  empty: ""',
        '  list:',
        '  - x',
        '  "n": null',
        'kind: ConfigMap',
        'metadata:',
        '  annotations:',
        '    note: |-',
        '      a',
        '      b',
        '    "on": "yes"',
        '  creationTimestamp: "2025-01-01T00:00:00Z"',
        '  name: web',
        '  resourceVersion: "12"',
        '',
      ].join('\n'),
    );
    expect(goJsonIndent({ b: 1, a: ['<x>'] })).toBe('{\n    "a": [\n        "\\u003cx\\u003e"\n    ],\n    "b": 1\n}\n');
  });

  it('wraps several objects, or a listed type, in a v1 List', () => {
    const out = printGeneric({ kind: 'yaml' }, pods.slice(0, 1), ['pod/a'], false);
    expect(out.startsWith('apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n')).toBe(true);
    expect(out.endsWith('kind: List\nmetadata:\n  resourceVersion: ""\n')).toBe(true);
    expect(printGeneric({ kind: 'json' }, [], [], false)).toBe('{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
    expect(printGeneric({ kind: 'name' }, pods, ['pod/a', 'pod/b'], false)).toBe('pod/a\npod/b\n');
  });
});

describe('jsonpath templates', () => {
  const list = { kind: 'List', items: pods };
  it.each([
    ['{.items[*].metadata.name}', 'a b'],
    ['{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', 'a\tRunning\nb\tPending\n'],
    ['{.items[?(@.status.phase=="Pending")].metadata.name}', 'b'],
    ['{.items[0].status.conditions[?(@.type=="Ready")].status}', 'True'],
    ['{.items[0].metadata.labels}', '{"app":"web"}'],
    ['{.items[1].spec.nodeName}', ''],
    ['kind: {.kind}', 'kind: List'],
    ['{$.items[1].metadata.name}', 'b'],
  ])('%s', (tpl, out) => {
    expect(executeTemplate(parseTemplate(tpl), list)).toBe(out);
  });

  it('reads escaped dots in keys and refuses malformed templates', () => {
    const obj = { metadata: { labels: { 'app.kubernetes.io/name': 'shop' } } };
    expect(executeTemplate(parseTemplate('{.metadata.labels.app\\.kubernetes\\.io/name}'), obj)).toBe('shop');
    expect(() => parseTemplate('{range .items[*]}{.a}')).toThrow('unclosed range');
    expect(() => parseTemplate('{.a')).toThrow();
  });
});

describe('custom columns and -o parsing', () => {
  it('prints headers and values, <none> for missing ones', () => {
    expect(customColumns('NAME:.metadata.name,NODE:.spec.nodeName,APP:{.metadata.labels.app}', pods, false)).toBe('NAME   NODE     APP\na      node-1   web\nb      <none>   db\n');
    expect(customColumns('NAME:metadata.name', pods, true)).toBe('a\nb\n');
  });

  it('refuses unknown formats and missing templates in kubectl words', () => {
    const err = (raw: string) => {
      try {
        parseOutputFormat(raw, ctx);
      } catch (e) {
        expect(e).toBeInstanceOf(KubectlError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err('foo')).toBe(
      'unable to match a printer suitable for the output format "foo", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml',
    );
    expect(err('jsonpath')).toBe('template format specified but no template given');
    expect(err('custom-columns=')).toBe('custom-columns format specified but no custom columns given');
    expect(() => customColumns('NAME', pods, false)).toThrow('unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>');
    expect(parseOutputFormat('jsonpath={.a}', ctx)).toEqual({ kind: 'jsonpath', arg: '{.a}' });
  });
});
