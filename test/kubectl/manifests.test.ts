import { describe, it, expect } from 'vitest';
import { parseManifests, readManifests } from '../../src/kubectl/manifests.ts';
import { KubectlError } from '../../src/kubectl/errors.ts';

const message = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(KubectlError);
    return (e as Error).message;
  }
  return 'no error';
};

describe('manifests', () => {
  it('reads several documents, skips empty ones and flattens Lists', () => {
    const objs = parseManifests(
      '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {enabled: "yes", flag: yes}\n---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: s}}\n- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}\n',
      'all.yaml',
    );
    expect(objs.map((o) => `${o.type.resource}/${o.object.metadata.name}`)).toEqual(['configmaps/a', 'services/s', 'deployments/d']);
    expect((objs[0].object as Record<string, any>).data).toEqual({ enabled: 'yes', flag: true });
    expect(objs.every((o) => o.source === 'all.yaml')).toBe(true);
  });

  it('names the file and the problem', () => {
    expect(message(() => parseManifests('kind: Pod\nmetadata: {name: p}\n', 'p.yaml'))).toBe(
      'error validating "p.yaml": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false',
    );
    expect(message(() => parseManifests('metadata: {name: p}\n', 'p.yaml'))).toBe(
      'error validating "p.yaml": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false',
    );
    expect(message(() => parseManifests('apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n', 'w.yaml'))).toBe(
      'resource mapping not found for name: "w" namespace: "" from "w.yaml": no matches for kind "Widget" in version "example.com/v1"\nensure CRDs are installed first',
    );
    expect(message(() => parseManifests('a: [1\n', 'bad.yaml'))).toMatch(/^error parsing bad\.yaml: error converting YAML to JSON: yaml: line \d+: /);
  });

  it('reports a missing file and reads directories', () => {
    const files: Record<string, string> = { 'm/a.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n', 'm/readme.md': '# no' };
    const ctx = {
      namespace: 'default',
      now: () => 0,
      readFile: (p: string) => {
        if (!(p in files)) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
        return files[p];
      },
      listDir: (p: string) => (p === 'm' ? ['readme.md', 'a.yaml'] : undefined),
    };
    expect(message(() => readManifests(ctx, ['nope.yaml']))).toBe('the path "nope.yaml" does not exist');
    expect(readManifests(ctx, ['m']).map((o) => o.object.metadata.name)).toEqual(['x']);
  });
});
