import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { Node, Taint, Toleration } from '../../../src/engine/api/types.ts';
import { condition, podManifest, testCluster, SECOND, MINUTE, type TestCluster } from './cluster-helpers.ts';

const maintenance: Taint = { key: 'maintenance', value: 'true', effect: 'NoExecute' };
const taint = (tc: TestCluster, ...taints: Taint[]) => {
  tc.client.patch(R.nodes, undefined, 'node-1', { spec: { taints } }, 'merge');
  tc.cluster.settle();
};
const tolerate = (tolerationSeconds?: number, key = 'maintenance'): Toleration => ({ key, operator: 'Exists', effect: 'NoExecute', ...(tolerationSeconds !== undefined ? { tolerationSeconds } : {}) });
const evictionEvents = (tc: TestCluster, pod = 'p') => tc.events('Pod', pod).filter((e) => e.startsWith('TaintManagerEviction'));
// A shell as PID 1 ignores SIGTERM: an evicted pod stays Terminating for its 30 s grace period.
const runPod = (tc: TestCluster, tolerations: Toleration[] = [], name = 'p') =>
  tc.create(R.pods, podManifest(name, { image: 'busybox', command: ['sh', '-c', 'sleep 3600'], spec: { nodeName: 'node-1', tolerations } }));

describe('taint eviction controller', () => {
  it('deletes a pod that does not tolerate a NoExecute taint at once, marking it DisruptionTarget', () => {
    const tc = testCluster({ nodes: 2 });
    runPod(tc);
    taint(tc, maintenance);
    const pod = tc.pod('p')!;
    // Graceful deletion: deletionTimestamp is when the 30 s grace period ends.
    expect(pod.metadata.deletionTimestamp).toBe(tc.cluster.clock.iso(tc.cluster.clock.now() + 30 * SECOND));
    expect(condition(pod, 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });
    expect(evictionEvents(tc)).toEqual(['TaintManagerEviction: Marking for deletion Pod default/p']);
    const ev = tc.rawEvents().find((e) => e.reason === 'TaintManagerEviction')!;
    expect([ev.type, ev.source?.component]).toEqual(['Normal', 'taint-eviction-controller']);
    tc.advance(40 * SECOND);
    expect(tc.pod('p')).toBeUndefined();
  });

  it('waits tolerationSeconds for a pod that tolerates the taint for a while', () => {
    const tc = testCluster({ nodes: 1 });
    runPod(tc, [tolerate(30)]);
    taint(tc, maintenance);
    tc.advance(30 * SECOND - 1);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeUndefined();
    tc.advance(1);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBe(tc.cluster.clock.iso(tc.cluster.clock.now() + 30 * SECOND));
  });

  it('never evicts a pod tolerating the taint without tolerationSeconds', () => {
    const tc = testCluster({ nodes: 1 });
    runPod(tc, [tolerate()]);
    taint(tc, maintenance);
    tc.advance(60 * MINUTE);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeUndefined();
    expect(evictionEvents(tc)).toEqual([]);
  });

  it('evicts at once for tolerationSeconds of 0 or less', () => {
    for (const s of [0, -5]) {
      const tc = testCluster({ nodes: 1 });
      runPod(tc, [tolerate(s)]);
      taint(tc, maintenance);
      expect(tc.pod('p')!.metadata.deletionTimestamp).toBeDefined();
    }
  });

  it('uses the smallest tolerationSeconds of the tolerations that match the taints', () => {
    const tc = testCluster({ nodes: 1 });
    const other: Taint = { key: 'other', effect: 'NoExecute' };
    runPod(tc, [tolerate(100), tolerate(20, 'other'), { key: 'unrelated', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }]);
    taint(tc, maintenance, other);
    tc.advance(19 * SECOND);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeUndefined();
    tc.advance(SECOND);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeDefined();
  });

  it('evicts at once when any NoExecute taint is not tolerated', () => {
    const tc = testCluster({ nodes: 1 });
    runPod(tc, [tolerate(100)]);
    taint(tc, maintenance, { key: 'other', effect: 'NoExecute' });
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeDefined();
  });

  it('cancels the eviction when the taint goes first', () => {
    const tc = testCluster({ nodes: 1 });
    runPod(tc, [tolerate(60)]);
    taint(tc, maintenance);
    tc.advance(30 * SECOND);
    taint(tc);
    tc.advance(5 * MINUTE);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeUndefined();
    expect(evictionEvents(tc)).toEqual(['TaintManagerEviction: Cancelling deletion of Pod default/p']);
  });

  it('keeps the first deadline when taints change but stay tolerated', () => {
    const tc = testCluster({ nodes: 1 });
    runPod(tc, [tolerate(60), tolerate(60, 'other')]);
    taint(tc, maintenance);
    tc.advance(40 * SECOND);
    taint(tc, maintenance, { key: 'other', effect: 'NoExecute' });
    tc.advance(20 * SECOND);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeDefined();
  });

  it('ignores NoSchedule and PreferNoSchedule taints', () => {
    const tc = testCluster({ nodes: 1 });
    runPod(tc);
    taint(tc, { key: 'a', effect: 'NoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' });
    tc.advance(MINUTE);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeUndefined();
  });

  it('handles a pod bound to a node that is already tainted', () => {
    const tc = testCluster({ nodes: 1 });
    taint(tc, maintenance);
    runPod(tc, [tolerate(20)]);
    tc.advance(20 * SECOND - 1);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeUndefined();
    tc.advance(1);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeDefined();
  });

  it('records the cancellation when a pod waiting for eviction is deleted', () => {
    const tc = testCluster({ nodes: 1 });
    runPod(tc, [tolerate(300)]);
    taint(tc, maintenance);
    tc.client.delete(R.pods, 'default', 'p', { gracePeriodSeconds: 0 });
    tc.cluster.settle();
    tc.advance(10 * MINUTE);
    expect(evictionEvents(tc)).toEqual(['TaintManagerEviction: Cancelling deletion of Pod default/p']);
  });

  it('evicts pods from an unreachable node 300 s after the NoExecute taint (DefaultTolerationSeconds)', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.pods, podManifest('p', { spec: { nodeName: 'node-1' } }));
    expect(tc.pod('p')!.spec.tolerations).toEqual(
      expect.arrayContaining([
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ]),
    );
    tc.cluster.killNode('node-1');
    tc.until(() => (tc.get<Node>(R.nodes, 'node-1')!.spec?.taints ?? []).some((t) => t.effect === 'NoExecute'), 3 * MINUTE, 100);
    const taintedAt = tc.cluster.clock.now();
    tc.until(() => !!tc.pod('p')!.metadata.deletionTimestamp, 10 * MINUTE, 100);
    expect(tc.cluster.clock.now() - taintedAt).toBeGreaterThanOrEqual(300 * SECOND);
    expect(tc.cluster.clock.now() - taintedAt).toBeLessThanOrEqual(300 * SECOND + 100);
    // The node is gone, so nothing finishes the deletion: the pod stays Terminating.
    tc.advance(10 * MINUTE);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeDefined();
  });
});
