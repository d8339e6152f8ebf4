import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { Node, Pod, Taint } from '../../../src/engine/api/types.ts';
import { POD_GC_PERIOD_MS, POD_GC_QUARANTINE_MS } from '../../../src/engine/controllers/pod-garbage-collector.ts';
import { condition, podManifest, testCluster, SECOND, MINUTE, type TestCluster } from './cluster-helpers.ts';

/** Every version of the pod the API server reported, in order. */
function history(tc: TestCluster, name: string): Pod[] {
  const seen: Pod[] = [];
  tc.client.watch<Pod>(R.pods, { namespace: 'default' }, (e) => {
    if (e.object.metadata.name === name) seen.push(e.object);
  });
  return seen;
}

const gcDeletes = (tc: TestCluster) =>
  tc.cluster.trace.entries.filter((e) => e.kind === 'request' && e.component === 'pod-garbage-collector-controller' && e.verb === 'delete').map((e) => (e.kind === 'request' ? e.name : ''));

describe('pod garbage collector', () => {
  it('runs every 20 s with a 40 s quarantine for missing nodes', () => {
    expect([POD_GC_PERIOD_MS, POD_GC_QUARANTINE_MS]).toEqual([20_000, 40_000]);
  });

  it('force-deletes the pods of a node that is gone, after the quarantine, marking them Failed with DisruptionTarget', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.pods, podManifest('p', { spec: { nodeName: 'node-2' } }));
    tc.advance(5 * SECOND);
    const seen = history(tc, 'p');
    tc.cluster.removeNode('node-2');
    tc.cluster.settle();
    tc.advance(POD_GC_QUARANTINE_MS - 1);
    expect(tc.pod('p')).toBeDefined();
    tc.advance(2 * POD_GC_PERIOD_MS + 1);
    expect(tc.pod('p')).toBeUndefined();
    const last = seen.at(-1)!;
    expect(last.status?.phase).toBe('Failed');
    expect(condition(last, 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    expect(gcDeletes(tc)).toEqual(['p']);
  });

  it('leaves pods alone when their node comes back within the quarantine', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.pods, podManifest('p', { spec: { nodeName: 'ghost' } }));
    tc.advance(25 * SECOND);
    tc.cluster.addNode({ name: 'ghost' });
    tc.advance(2 * MINUTE);
    expect(tc.pod('p')).toBeDefined();
    expect(gcDeletes(tc)).toEqual([]);
  });

  it('deletes terminated pods beyond the threshold, evicted ones first, then the oldest', () => {
    const tc = testCluster({ nodes: 0, controllers: { terminatedPodGCThreshold: 3 } });
    const finish = (name: string, phase: 'Succeeded' | 'Failed', reason?: string) => {
      tc.create(R.pods, podManifest(name));
      tc.client.patch(R.pods, 'default', name, { status: { phase, ...(reason ? { reason } : {}) } }, 'merge', { subresource: 'status' });
      tc.advance(SECOND);
    };
    finish('a', 'Succeeded');
    finish('b', 'Failed');
    finish('c', 'Succeeded');
    finish('d', 'Failed', 'Evicted');
    finish('e', 'Succeeded');
    tc.create(R.pods, podManifest('running'));
    tc.advance(POD_GC_PERIOD_MS);
    expect(tc.pods().map((p) => p.metadata.name).sort()).toEqual(['b', 'c', 'e', 'running']);
    expect(gcDeletes(tc)).toEqual(['d', 'a']);
  });

  it('does nothing to terminated pods with the threshold turned off (0)', () => {
    const tc = testCluster({ nodes: 0, controllers: { terminatedPodGCThreshold: 0 } });
    tc.create(R.pods, podManifest('a'));
    tc.client.patch(R.pods, 'default', 'a', { status: { phase: 'Succeeded' } }, 'merge', { subresource: 'status' });
    tc.advance(MINUTE);
    expect(tc.pod('a')).toBeDefined();
  });

  it('fails and force-deletes terminating pods that were never scheduled', () => {
    const tc = testCluster({ nodes: 0 });
    // A finalizer keeps the pod around after the collector's delete, so what it did can be seen.
    tc.create(R.pods, { ...podManifest('p'), metadata: { name: 'p', namespace: 'default', finalizers: ['example.com/keep'] } });
    tc.client.delete(R.pods, 'default', 'p');
    tc.advance(POD_GC_PERIOD_MS);
    const p = tc.pod('p')!;
    expect(p.status?.phase).toBe('Failed');
    expect(p.metadata.deletionGracePeriodSeconds).toBe(0);
    tc.client.patch(R.pods, 'default', 'p', { metadata: { finalizers: null } }, 'merge');
    tc.cluster.settle();
    expect(tc.pod('p')).toBeUndefined();
  });

  it.each<[string, Taint['effect']]>([
    ['NoExecute', 'NoExecute'],
    ['NoSchedule', 'NoSchedule'],
  ])('force-deletes terminating pods on a not-ready node with the out-of-service taint (%s)', (_what, effect) => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.pods, podManifest('p', { image: 'busybox', command: ['sh', '-c', 'sleep 3600'], spec: { nodeName: 'node-1' } }));
    tc.cluster.killNode('node-1');
    tc.until(() => (tc.get<Node>(R.nodes, 'node-1')!.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'Unknown'), 2 * MINUTE);
    tc.client.delete(R.pods, 'default', 'p');
    tc.cluster.settle();
    const seen = history(tc, 'p');
    tc.advance(2 * MINUTE);
    // Stuck Terminating on the dead node.
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeDefined();
    const n = tc.get<Node>(R.nodes, 'node-1')!;
    tc.client.patch(R.nodes, undefined, 'node-1', { spec: { taints: [...(n.spec?.taints ?? []), { key: 'node.kubernetes.io/out-of-service', value: 'nodeshutdown', effect }] } }, 'merge');
    tc.advance(POD_GC_PERIOD_MS);
    expect(tc.pod('p')).toBeUndefined();
    expect(condition(seen.at(-1), 'DisruptionTarget')).toMatchObject({ reason: 'DeletionByPodGC', message: 'PodGC: node is out-of-service' });
  });
});
