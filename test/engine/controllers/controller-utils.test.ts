import { describe, it, expect } from 'vitest';
import type { Pod, PodTemplateSpec, Stored } from '../../../src/engine/api/types.ts';
import { EXPECTATIONS_TIMEOUT_MS, Expectations, computeHash, podFromTemplate, rankPodsForDeletion, safeEncode } from '../../../src/engine/controllers/controller-utils.ts';

const NOW = Date.UTC(2025, 0, 1, 12, 0, 0);
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace('.000Z', 'Z');

interface P {
  name: string;
  node?: string;
  phase?: string;
  /** Seconds since the pod became ready; undefined: not ready. */
  readySince?: number;
  cost?: string;
  restarts?: number;
  /** Seconds since creation. */
  age?: number;
}

function p(o: P): Stored<Pod> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: 'default',
      uid: `uid-${o.name}`,
      resourceVersion: '1',
      creationTimestamp: ago(o.age ?? 1000),
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      ...(o.phase !== '' ? { phase: (o.phase ?? 'Running') as 'Running' } : {}),
      conditions: o.readySince !== undefined ? [{ type: 'Ready', status: 'True', lastTransitionTime: ago(o.readySince) }] : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'c', image: 'nginx', imageID: '', ready: o.readySince !== undefined, restartCount: o.restarts ?? 0 }],
    },
  } as unknown as Stored<Pod>;
}

const order = (pods: Stored<Pod>[], related: Stored<Pod>[] = pods) => rankPodsForDeletion(pods, related, NOW).map((x) => x.metadata.name);

describe('rankPodsForDeletion (ActivePodsWithRanks, LogarithmicScaleDown)', () => {
  const ready = { node: 'n1', readySince: 1000 };
  it.each<[string, P[], string[]]>([
    ['unassigned before assigned', [{ name: 'b', ...ready }, { name: 'a', phase: 'Pending' }], ['a', 'b']],
    ['Pending before Unknown before Running', [{ name: 'r', node: 'n1' }, { name: 'u', node: 'n1', phase: 'Unknown' }, { name: 'p', node: 'n1', phase: 'Pending' }], ['p', 'u', 'r']],
    ['no phase counts as Pending', [{ name: 'u', node: 'n1', phase: 'Unknown' }, { name: 'x', node: 'n1', phase: '' }], ['x', 'u']],
    ['not ready before ready', [{ name: 'r', ...ready }, { name: 'n', node: 'n1' }], ['n', 'r']],
    ['lower pod-deletion-cost first', [{ name: 'hi', ...ready, cost: '100' }, { name: 'lo', ...ready, cost: '-5' }, { name: 'none', ...ready }], ['lo', 'none', 'hi']],
    ['deletion cost outranks readiness time', [{ name: 'fresh', node: 'n1', readySince: 5, cost: '10' }, { name: 'old', node: 'n1', readySince: 100_000 }], ['old', 'fresh']],
    ['ready for less time first', [{ name: 'long', node: 'n1', readySince: 10_000 }, { name: 'short', node: 'n1', readySince: 10 }], ['short', 'long']],
    ['more restarts first', [{ name: 'calm', ...ready }, { name: 'crashy', ...ready, restarts: 5 }], ['crashy', 'calm']],
    ['newer first', [{ name: 'old', node: 'n1', age: 100_000 }, { name: 'new', node: 'n1', age: 10 }], ['new', 'old']],
  ])('%s', (_what, pods, want) => {
    expect(order(pods.map(p))).toEqual(want);
  });

  it('prefers pods doubled up on a node with more related pods', () => {
    const a1 = p({ name: 'a1', node: 'a', readySince: 10 });
    const a2 = p({ name: 'a2', node: 'a', readySince: 10_000 });
    const b1 = p({ name: 'b1', node: 'b', readySince: 10 });
    // Related pods of sibling ReplicaSets count too: node b hosts three of them.
    const others = [p({ name: 'o1', node: 'b' }), p({ name: 'o2', node: 'b' })];
    expect(order([a1, a2, b1], [a1, a2, b1, ...others])).toEqual(['b1', 'a1', 'a2']);
  });

  it('compares readiness times in buckets of log2(nanoseconds): 70 s and 130 s are alike, so the uid decides before restarts', () => {
    // 2^36 ns = 68.7 s and 2^37 ns = 137.4 s: both ages fall in bucket 36.
    const x = p({ name: 'x', node: 'n1', readySince: 130, restarts: 0 });
    const y = p({ name: 'y', node: 'n1', readySince: 70, restarts: 9 });
    expect(order([y, x])).toEqual(['x', 'y']);
    // 60 s falls in bucket 35: more recently ready, so first.
    const z = p({ name: 'z', node: 'n1', readySince: 60 });
    expect(order([x, y, z])).toEqual(['z', 'x', 'y']);
  });

  it('falls through to restarts when readiness times are equal', () => {
    const x = p({ name: 'x', node: 'n1', readySince: 100 });
    const y = p({ name: 'y', node: 'n1', readySince: 100, restarts: 1 });
    expect(order([x, y])).toEqual(['y', 'x']);
  });

  it('compares creation times in the same buckets: same bucket means uid order', () => {
    const x = p({ name: 'x', node: 'n1', age: 80 });
    const y = p({ name: 'y', node: 'n1', age: 120 });
    expect(order([y, x])).toEqual(['x', 'y']);
    expect(order([p({ name: 'y', node: 'n1', age: 20 }), p({ name: 'x', node: 'n1', age: 200 })])).toEqual(['y', 'x']);
  });

  it('is a total, deterministic order', () => {
    const pods = ['e', 'c', 'a', 'd', 'b'].map((name) => p({ name, ...ready }));
    expect(order(pods)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('Expectations', () => {
  it('are satisfied once every expected creation and deletion was observed', () => {
    let now = 0;
    const e = new Expectations(() => now);
    expect(e.satisfied('k')).toBe(true);
    e.expect('k', 2, 1);
    expect(e.satisfied('k')).toBe(false);
    e.creationObserved('k');
    e.creationObserved('k');
    expect(e.satisfied('k')).toBe(false);
    e.deletionObserved('k');
    expect(e.satisfied('k')).toBe(true);
  });

  it('can be lowered for creations that failed', () => {
    const e = new Expectations(() => 0);
    e.expect('k', 3, 0);
    e.creationObserved('k');
    e.lower('k', 2, 0);
    expect(e.satisfied('k')).toBe(true);
  });

  it('expire after five minutes', () => {
    let now = 0;
    const e = new Expectations(() => now);
    e.expect('k', 1, 0);
    now = EXPECTATIONS_TIMEOUT_MS;
    expect(e.satisfied('k')).toBe(false);
    now = EXPECTATIONS_TIMEOUT_MS + 1;
    expect(e.satisfied('k')).toBe(true);
    expect(EXPECTATIONS_TIMEOUT_MS).toBe(300_000);
  });
});

describe('pods from templates and template hashes', () => {
  const template: PodTemplateSpec = {
    metadata: { labels: { app: 'web' }, annotations: { a: 'b' } },
    spec: { containers: [{ name: 'c', image: 'nginx' }] },
  };
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-abc', namespace: 'shop', uid: 'u1', resourceVersion: '1', creationTimestamp: ago(0) } } as Stored;
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'u1', controller: true, blockOwnerDeletion: true };

  it('builds a pod named after its owner, with the template labels, annotations and the controller reference', () => {
    const pod = podFromTemplate(template, owner, ref);
    expect(pod.metadata).toEqual({ generateName: 'web-abc-', namespace: 'shop', labels: { app: 'web' }, annotations: { a: 'b' }, ownerReferences: [ref] });
    pod.spec.containers[0].image = 'changed';
    expect(template.spec!.containers[0].image).toBe('nginx');
  });

  it('hashes templates stably into safe characters', () => {
    const h = computeHash(template);
    expect(h).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(computeHash(JSON.parse(JSON.stringify(template)))).toBe(h);
    expect(computeHash({ ...template, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } })).not.toBe(h);
    expect(computeHash(template, 1)).not.toBe(h);
    expect(computeHash(template, 1)).toBe(computeHash(template, 1));
  });

  it('safe-encodes bytes without vowels', () => {
    // rand.SafeEncodeString: each byte modulo 27 indexes "bcdfghjklmnpqrstvwxz2456789".
    expect(safeEncode('0123')).toBe('4567');
    expect(safeEncode('abc')).toBe('vwx');
  });
});
