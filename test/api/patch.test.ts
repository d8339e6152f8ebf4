import { describe, it, expect } from 'vitest';
import { applyPatch } from '../../src/engine/api/patch.ts';
import { createThreeWayMergePatch, createTwoWayMergePatch, createThreeWayJsonMergePatch } from '../../src/engine/api/patch-diff.ts';
import { getLastApplied, withLastApplied, goJson, LAST_APPLIED_ANNOTATION } from '../../src/engine/api/last-applied.ts';
import { StatusError } from '../../src/engine/api/errors.ts';

type Loose = any;

function deployment(containers: unknown[], extra: Record<string, unknown> = {}): Loose {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers } },
      ...extra,
    },
  };
}

function statusOf(f: () => unknown): { reason: string; code: number; message: string } {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(StatusError);
    const s = (e as StatusError).status;
    return { reason: s.reason, code: s.code, message: s.message };
  }
  throw new Error('expected a StatusError');
}

describe('JSON merge patch (RFC 7386)', () => {
  it('merges maps, deletes on null and replaces lists', () => {
    const obj = { a: { b: 1, c: 2 }, list: [1, 2, 3], keep: 'x' };
    const out = applyPatch(obj, { a: { b: null, d: 4 }, list: [9] }, 'merge');
    expect(out).toEqual({ a: { c: 2, d: 4 }, list: [9], keep: 'x' });
    expect(obj).toEqual({ a: { b: 1, c: 2 }, list: [1, 2, 3], keep: 'x' });
  });
  it('replaces containers wholesale, unlike a strategic merge', () => {
    const d = deployment([{ name: 'a', image: 'a:1' }, { name: 'b', image: 'b:1' }]);
    const out = applyPatch(d, { spec: { template: { spec: { containers: [{ name: 'a', image: 'a:2' }] } } } }, 'merge', 'Deployment');
    expect(out.spec.template.spec.containers).toEqual([{ name: 'a', image: 'a:2' }]);
  });
  it('accepts a JSON string and refuses malformed JSON as BadRequest', () => {
    expect(applyPatch({ a: 1 }, '{"a":2}', 'merge')).toEqual({ a: 2 });
    expect(statusOf(() => applyPatch({ a: 1 }, '{"a":', 'merge'))).toMatchObject({ reason: 'BadRequest', code: 400 });
    expect(statusOf(() => applyPatch({ a: 1 }, [1], 'merge')).message).toBe(
      'json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies add, replace, remove and test', () => {
    const out = applyPatch(
      { spec: { replicas: 1, list: ['a'] }, metadata: { labels: { x: '1' } } },
      [
        { op: 'test', path: '/spec/replicas', value: 1 },
        { op: 'replace', path: '/spec/replicas', value: 5 },
        { op: 'add', path: '/spec/list/-', value: 'b' },
        { op: 'remove', path: '/metadata/labels/x' },
      ],
      'json',
    );
    expect(out).toEqual({ spec: { replicas: 5, list: ['a', 'b'] }, metadata: { labels: {} } });
  });
  it('refuses an operation that cannot apply with the server\'s 422', () => {
    expect(statusOf(() => applyPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 2 }], 'json'))).toEqual({
      reason: 'Invalid',
      code: 422,
      message: 'the server rejected our request due to an error in our request',
    });
    expect(statusOf(() => applyPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }], 'json')).code).toBe(422);
    expect(statusOf(() => applyPatch({ a: 1 }, { op: 'add' }, 'json')).reason).toBe('BadRequest');
  });
});

describe('strategic merge patch', () => {
  const two = () =>
    deployment([
      { name: 'web', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] },
      { name: 'side', image: 'busybox' },
    ]);

  it('merges containers by name and env by name', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27', env: [{ name: 'B', value: '3' }, { name: 'C', value: '4' }] }] } } } };
    const out = applyPatch(two(), patch, 'strategic', 'Deployment');
    const [web, side] = out.spec.template.spec.containers as Array<Record<string, unknown>>;
    expect(web.image).toBe('nginx:1.27');
    expect(web.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    expect(web.ports).toEqual([{ containerPort: 80 }]);
    expect(side).toEqual({ name: 'side', image: 'busybox' });
  });

  it('merges ports by containerPort and appends new ones', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 443 }] }] } } } };
    const out = applyPatch(two(), patch, 'strategic', 'Deployment');
    expect((out.spec.template.spec.containers[0] as { ports: unknown }).ports).toEqual([{ containerPort: 80, name: 'http' }, { containerPort: 443 }]);
  });

  it('treats tolerations and node taints as atomic lists', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }], tolerations: [{ key: 'a', operator: 'Exists' }] } };
    const out = applyPatch(pod, { spec: { tolerations: [{ key: 'b', operator: 'Exists' }] } }, 'strategic', 'Pod');
    expect(out.spec.tolerations).toEqual([{ key: 'b', operator: 'Exists' }]);
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, spec: { taints: [{ key: 'a', effect: 'NoSchedule' }] } };
    expect(applyPatch(node, { spec: { taints: [{ key: 'b', effect: 'NoExecute' }] } }, 'strategic', 'Node').spec.taints).toEqual([{ key: 'b', effect: 'NoExecute' }]);
  });

  it('merges finalizers as a set and ownerReferences by uid', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a', 'b'], ownerReferences: [{ uid: '1', name: 'x' }] } };
    const out = applyPatch(obj, { metadata: { finalizers: ['b', 'c'], ownerReferences: [{ uid: '2', name: 'y' }] } }, 'strategic', 'ConfigMap');
    expect(out.metadata.finalizers).toEqual(['a', 'b', 'c']);
    // items only the patch names go before the live ones, as upstream merges them
    expect(out.metadata.ownerReferences).toEqual([{ uid: '2', name: 'y' }, { uid: '1', name: 'x' }]);
  });

  it('merges conditions by type', () => {
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'DiskPressure', status: 'False' }] } };
    const out = applyPatch(node, { status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }, 'strategic', 'Node');
    expect(out.status.conditions).toEqual([{ type: 'Ready', status: 'Unknown' }, { type: 'DiskPressure', status: 'False' }]);
  });

  it('deletes a key on null and list items on $patch: delete', () => {
    const patch = { metadata: { labels: { app: null } }, spec: { template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } } } };
    const out = applyPatch(two(), patch, 'strategic', 'Deployment');
    expect(out.metadata.labels).toEqual({});
    expect(out.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['web']);
  });

  it('replaces a list on $patch: replace and a map on $patch: replace', () => {
    const list = { spec: { template: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } } } };
    expect(applyPatch(two(), list, 'strategic', 'Deployment').spec.template.spec.containers).toEqual([{ name: 'only', image: 'x' }]);
    const map = { metadata: { labels: { $patch: 'replace', tier: 'front' } } };
    expect(applyPatch(two(), map, 'strategic', 'Deployment').metadata.labels).toEqual({ tier: 'front' });
  });

  it('applies $deleteFromPrimitiveList and $setElementOrder', () => {
    const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['a', 'b', 'c'] } };
    expect(applyPatch(obj, { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } }, 'strategic', 'ConfigMap').metadata.finalizers).toEqual(['a', 'c']);
    const order = { spec: { template: { spec: { '$setElementOrder/containers': [{ name: 'side' }, { name: 'web' }] } } } };
    expect(applyPatch(two(), order, 'strategic', 'Deployment').spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['side', 'web']);
  });

  it('puts items only the patch names first and keeps live items in live order', () => {
    const d = deployment([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    const out = applyPatch(d, { spec: { template: { spec: { containers: [{ name: 'd' }, { name: 'b', image: 'x' }] } } } }, 'strategic', 'Deployment');
    expect(out.spec.template.spec.containers).toEqual([{ name: 'd' }, { name: 'a' }, { name: 'b', image: 'x' }, { name: 'c' }]);
  });

  it('clears keys outside $retainKeys (deployment strategy)', () => {
    const d = deployment([{ name: 'web' }], { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%' } } });
    const out = applyPatch(d, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, 'strategic', 'Deployment');
    expect(out.spec.strategy).toEqual({ type: 'Recreate' });
    expect(statusOf(() => applyPatch(d, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, 'strategic', 'Deployment'))).toEqual({
      reason: 'BadRequest',
      code: 400,
      message: 'invalid patch format of retainKeys',
    });
  });

  it('adds a missing field without leaving directives in it', () => {
    const d = deployment([{ name: 'web' }]);
    const out = applyPatch(d, { spec: { template: { spec: { volumes: [{ name: 'v', emptyDir: {} }, { name: 'gone', $patch: 'delete' }] } } } }, 'strategic', 'Deployment');
    expect(out.spec.template.spec.volumes).toEqual([{ name: 'v', emptyDir: {} }]);
  });

  it('refuses list items without their merge key and unknown directives', () => {
    expect(statusOf(() => applyPatch(two(), { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }, 'strategic', 'Deployment'))).toMatchObject({
      code: 500,
      message: 'Internal error occurred: map: map[image:x] does not contain declared merge key: name',
    });
    expect(statusOf(() => applyPatch(two(), { metadata: { $patch: 'bogus' } }, 'strategic', 'Deployment')).message).toContain('unknown patch type: bogus');
  });

  it('merges maps and replaces lists for kinds without tagged fields', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b: '2' } };
    expect(applyPatch(cm, { data: { a: null, c: '3' } }, 'strategic', 'ConfigMap').data).toEqual({ b: '2', c: '3' });
  });
});

describe('patching a stored (frozen) object', () => {
  const freeze = <T>(v: T): T => {
    if (v && typeof v === 'object') {
      for (const x of Object.values(v)) freeze(x);
      Object.freeze(v);
    }
    return v;
  };
  const stored = () =>
    freeze({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });

  it('leaves the original as it was, whatever the patch type', () => {
    const merge = stored();
    expect(applyPatch(merge, { metadata: { labels: { b: '2' } } }, 'merge')).toMatchObject({ metadata: { labels: { a: '1', b: '2' } } });
    expect(merge.metadata.labels).toEqual({ a: '1' });
    const json = stored();
    expect(applyPatch(json, [{ op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.25' }], 'json')).toMatchObject({ spec: { containers: [{ image: 'nginx:1.25' }] } });
    expect(json.spec.containers[0].image).toBe('nginx:1.27');
    const strategic = stored();
    const patched = applyPatch(strategic, { status: { conditions: [{ type: 'PodScheduled', status: 'True' }] } }, 'strategic', 'Pod');
    expect(patched.status.conditions.map((c) => c.type).sort()).toEqual(['PodScheduled', 'Ready']);
    expect(strategic.status.conditions).toHaveLength(1);
  });
});

describe('two-way and three-way merge patches', () => {
  it('two-way patch turns original into modified', () => {
    const a = deployment([{ name: 'web', image: 'nginx:1', env: [{ name: 'A', value: '1' }] }, { name: 'side' }]);
    const b = deployment([{ name: 'side', image: 'b' }, { name: 'new' }], { paused: true });
    (b.metadata as Record<string, unknown>).labels = { app: 'web', tier: 'x' };
    const p = createTwoWayMergePatch(a, b, 'Deployment');
    expect(applyPatch(a, p, 'strategic', 'Deployment')).toEqual(b);
  });

  it('is empty when the manifest did not change, whatever the server added', () => {
    const manifest = withLastApplied(deployment([{ name: 'web', image: 'nginx' }]));
    const live = JSON.parse(JSON.stringify(manifest));
    live.metadata.uid = 'u1';
    live.spec.template.spec.containers[0].imagePullPolicy = 'Always';
    live.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    live.status = { replicas: 3 };
    expect(createThreeWayMergePatch(getLastApplied(live), manifest, live, 'Deployment')).toEqual({});
  });

  it('deletes what the last manifest had and the new one lacks, keeps what others added', () => {
    const v1 = withLastApplied({ ...deployment([{ name: 'web', image: 'nginx:1' }, { name: 'side', image: 'b' }]) });
    const live = JSON.parse(JSON.stringify(v1));
    live.metadata.labels.owner = 'someone-else';
    const v2Raw = deployment([{ name: 'web', image: 'nginx:2' }]);
    (v2Raw.metadata as { labels: Record<string, string> }).labels = {};
    const v2 = withLastApplied(v2Raw);
    const patch = createThreeWayMergePatch(getLastApplied(live), v2, live, 'Deployment');
    const out = applyPatch(live, patch, 'strategic', 'Deployment');
    expect(out.metadata.labels).toEqual({ owner: 'someone-else' });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'web', image: 'nginx:2' }]);
    expect(getLastApplied(out)).toEqual(getLastApplied(v2));
  });

  it('resets a field changed on the server when the manifest sets it', () => {
    const v1 = withLastApplied(deployment([{ name: 'web' }]));
    const live = JSON.parse(JSON.stringify(v1));
    live.spec.replicas = 5;
    const patch = createThreeWayMergePatch(getLastApplied(live), v1, live, 'Deployment');
    expect(patch).toEqual({ spec: { replicas: 3 } });
  });

  it('JSON three-way merge keeps additions and the manifest\'s deletions', () => {
    const patch = createThreeWayJsonMergePatch({ a: 1, b: 2 }, { a: 1, c: 3 }, { a: 1, b: 2, x: 9 });
    expect(patch).toEqual({ b: null, c: 3 });
  });
});

describe('last-applied-configuration', () => {
  it('records the object as Go encodes it, with empty annotations and a newline', () => {
    const out: Loose = withLastApplied({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c', namespace: 'default' }, data: { b: '<x>', a: '1' } });
    expect(out.metadata.annotations?.[LAST_APPLIED_ANNOTATION]).toBe(
      '{"apiVersion":"v1","data":{"a":"1","b":"\\u003cx\\u003e"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"c","namespace":"default"}}\n',
    );
    expect(getLastApplied(out)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { annotations: {}, name: 'c', namespace: 'default' }, data: { a: '1', b: '<x>' } });
  });
  it('does not nest a previous annotation and reads garbage as absent', () => {
    const once: Loose = withLastApplied({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' } });
    const twice: Loose = withLastApplied(once);
    expect(twice.metadata.annotations?.[LAST_APPLIED_ANNOTATION]).toBe(once.metadata.annotations?.[LAST_APPLIED_ANNOTATION]);
    expect(getLastApplied({ metadata: { annotations: { [LAST_APPLIED_ANNOTATION]: '{bad' } } })).toBeUndefined();
    expect(goJson({ b: [2, { d: 1, c: 0 }], a: '&' })).toBe('{"a":"\\u0026","b":[2,{"c":0,"d":1}]}\n');
  });
});
