import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { Node, NodeCondition, Taint } from '../../../src/engine/api/types.ts';
import { DEFAULT_CONTROLLER_CONFIG } from '../../../src/engine/controllers/manager.ts';
import { zoneKey } from '../../../src/engine/controllers/node-lifecycle.ts';
import { condition, podManifest, testCluster, SECOND, MINUTE, type TestCluster } from './cluster-helpers.ts';

const node = (tc: TestCluster, name: string) => tc.get<Node>(R.nodes, name)!;
const ready = (tc: TestCluster, name: string) => (node(tc, name).status?.conditions ?? []).find((c) => c.type === 'Ready') as NodeCondition;
const taints = (tc: TestCluster, name: string): Taint[] => node(tc, name).spec?.taints ?? [];
const noExecute = (tc: TestCluster, name: string) => taints(tc, name).filter((t) => t.effect === 'NoExecute').map((t) => t.key);
const noSchedule = (tc: TestCluster, name: string) => taints(tc, name).filter((t) => t.effect === 'NoSchedule').map((t) => t.key);
const lastRenew = (tc: TestCluster, name: string) => Date.parse(String(tc.client.get<{ spec: { renewTime: string } } & Node>(R.leases, 'kube-node-lease', name).spec.renewTime));
const nodeEvents = (tc: TestCluster, name: string) =>
  tc.rawEvents().filter((e) => e.involvedObject.kind === 'Node' && e.involvedObject.name === name && e.source?.component === 'node-controller').map((e) => `${e.reason}: ${e.message}`);

describe('node lifecycle controller: an unreachable node', () => {
  it('uses the upstream timings: 50 s grace period, 5 s monitor period', () => {
    expect(DEFAULT_CONTROLLER_CONFIG.nodeMonitorGracePeriodMs).toBe(50_000);
    expect(DEFAULT_CONTROLLER_CONFIG.nodeMonitorPeriodMs).toBe(5_000);
    expect(DEFAULT_CONTROLLER_CONFIG.nodeStartupGracePeriodMs).toBe(60_000);
  });

  it('goes Ready=Unknown once nothing was heard from it for the grace period, with the upstream reason and message', () => {
    const tc = testCluster({ nodes: 3 });
    tc.advance(25 * SECOND);
    const before = ready(tc, 'node-2');
    tc.cluster.killNode('node-2');
    const heard = lastRenew(tc, 'node-2');
    tc.until(() => ready(tc, 'node-2').status !== 'True', 2 * MINUTE, 250);
    const at = tc.cluster.clock.now();
    // Noticed on the first 5 s monitor pass more than 50 s after the last heartbeat was seen.
    expect(at - heard).toBeGreaterThan(50 * SECOND);
    expect(at - heard).toBeLessThanOrEqual(60 * SECOND);
    const conditions = node(tc, 'node-2').status!.conditions!;
    const iso = tc.cluster.clock.iso(at);
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      const c = conditions.find((x) => x.type === type)!;
      expect(c).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: iso });
    }
    // The heartbeat time stays the last one the kubelet posted.
    expect(ready(tc, 'node-2').lastHeartbeatTime).toBe(before.lastHeartbeatTime);
    expect(nodeEvents(tc, 'node-2')).toContain('NodeNotReady: Node node-2 status is now: NodeNotReady');
    // Other nodes are fine.
    expect(ready(tc, 'node-1').status).toBe('True');
  });

  it('marks the pods on it not ready, with a NodeNotReady event', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.pods, podManifest('p', { spec: { nodeName: 'node-2' } }));
    expect(condition(tc.pod('p'), 'Ready')).toMatchObject({ status: 'True' });
    tc.cluster.killNode('node-2');
    tc.until(() => ready(tc, 'node-2').status === 'Unknown', 2 * MINUTE);
    expect(condition(tc.pod('p'), 'Ready')).toMatchObject({ status: 'False', lastTransitionTime: tc.cluster.clock.iso() });
    const ev = tc.rawEvents().find((e) => e.involvedObject.name === 'p' && e.reason === 'NodeNotReady')!;
    expect([ev.type, ev.message, ev.source?.component]).toEqual(['Warning', 'Node is not ready', 'node-controller']);
  });

  it('taints it unreachable:NoSchedule at once and unreachable:NoExecute one monitor period later, with timeAdded', () => {
    const tc = testCluster({ nodes: 3 });
    tc.cluster.killNode('node-2');
    tc.until(() => ready(tc, 'node-2').status === 'Unknown', 2 * MINUTE);
    const unknownAt = tc.cluster.clock.now();
    expect(noSchedule(tc, 'node-2')).toEqual(['node.kubernetes.io/unreachable']);
    expect(noExecute(tc, 'node-2')).toEqual([]);
    tc.until(() => noExecute(tc, 'node-2').length > 0, MINUTE, 100);
    const taintedAt = tc.cluster.clock.now();
    expect(taintedAt - unknownAt).toBeGreaterThanOrEqual(5 * SECOND);
    expect(taintedAt - unknownAt).toBeLessThanOrEqual(5 * SECOND + 200);
    const t = taints(tc, 'node-2').find((x) => x.effect === 'NoExecute')!;
    expect(t).toEqual({ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: tc.cluster.clock.iso(Math.floor(taintedAt / 1000) * 1000) });
  });

  it('lifts the taints when the node comes back', () => {
    const tc = testCluster({ nodes: 3 });
    tc.cluster.killNode('node-2');
    tc.until(() => noExecute(tc, 'node-2').length > 0, 3 * MINUTE);
    tc.cluster.reviveNode('node-2');
    tc.until(() => taints(tc, 'node-2').length === 0, MINUTE);
    expect(ready(tc, 'node-2').status).toBe('True');
    expect(tc.elapsed()).toBeLessThan(3 * MINUTE);
  });

  it('swaps unreachable for not-ready when the kubelet reports Ready=False', () => {
    const tc = testCluster({ nodes: 3 });
    tc.cluster.killNode('node-2');
    tc.until(() => noExecute(tc, 'node-2').length > 0, 3 * MINUTE);
    // The node reports itself not ready (as a kubelet with a broken runtime would).
    const n = node(tc, 'node-2');
    tc.client.updateStatus(R.nodes, {
      ...n,
      status: {
        ...n.status,
        conditions: n.status!.conditions!.map((c) =>
          c.type === 'Ready' ? { ...c, status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down', lastHeartbeatTime: tc.cluster.clock.iso(), lastTransitionTime: tc.cluster.clock.iso() } : c,
        ),
      },
    });
    tc.advance(6 * SECOND);
    expect(noExecute(tc, 'node-2')).toEqual(['node.kubernetes.io/not-ready']);
    expect(noSchedule(tc, 'node-2')).toContain('node.kubernetes.io/not-ready');
    expect(noSchedule(tc, 'node-2')).not.toContain('node.kubernetes.io/unreachable');
  });
});

describe('node lifecycle controller: NoSchedule taints mirror the node', () => {
  it('a cordoned node gets unschedulable:NoSchedule, removed on uncordon', () => {
    const tc = testCluster({ nodes: 1 });
    tc.client.patch(R.nodes, undefined, 'node-1', { spec: { unschedulable: true } }, 'merge');
    tc.cluster.settle();
    expect(taints(tc, 'node-1')).toEqual([{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule', timeAdded: tc.cluster.clock.iso() }]);
    tc.client.patch(R.nodes, undefined, 'node-1', { spec: { unschedulable: false } }, 'merge');
    tc.cluster.settle();
    expect(taints(tc, 'node-1')).toEqual([]);
  });

  it.each([
    ['MemoryPressure', 'True', 'node.kubernetes.io/memory-pressure'],
    ['DiskPressure', 'True', 'node.kubernetes.io/disk-pressure'],
    ['PIDPressure', 'True', 'node.kubernetes.io/pid-pressure'],
    ['NetworkUnavailable', 'True', 'node.kubernetes.io/network-unavailable'],
  ])('%s=%s gives %s:NoSchedule', (type, status, key) => {
    const tc = testCluster({ nodes: 1 });
    const n = node(tc, 'node-1');
    const conditions = [...(n.status!.conditions ?? []).filter((c) => c.type !== type), { type, status, lastHeartbeatTime: tc.cluster.clock.iso(), lastTransitionTime: tc.cluster.clock.iso() }];
    tc.client.updateStatus(R.nodes, { ...n, status: { ...n.status, conditions } });
    tc.cluster.settle();
    expect(noSchedule(tc, 'node-1')).toEqual([key]);
  });

  it('keeps taints it does not manage', () => {
    const tc = testCluster({ nodes: [{ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }] });
    tc.client.patch(R.nodes, undefined, 'node-1', { spec: { unschedulable: true } }, 'merge');
    tc.cluster.settle();
    expect(noSchedule(tc, 'node-1')).toEqual(['dedicated', 'node.kubernetes.io/unschedulable']);
  });
});

describe('node lifecycle controller: disruption and eviction rates', () => {
  it('taints one node per 10 s in a zone (0.1 nodes per second)', () => {
    const tc = testCluster({ nodes: 5 });
    tc.cluster.killNode('node-1');
    tc.cluster.killNode('node-2');
    tc.until(() => noExecute(tc, 'node-1').length + noExecute(tc, 'node-2').length === 2, 5 * MINUTE, 100);
    const added = ['node-1', 'node-2'].map((n) => Date.parse(taints(tc, n).find((t) => t.effect === 'NoExecute')!.timeAdded!)).sort();
    expect(added[1] - added[0]).toBe(10 * SECOND);
  });

  it('zones have their own rate limiters', () => {
    const tc = testCluster({ nodes: [{ zone: 'a' }, { zone: 'a' }, { zone: 'a' }, { zone: 'b' }, { zone: 'b' }, { zone: 'b' }] });
    tc.cluster.killNode('node-1');
    tc.cluster.killNode('node-4');
    tc.until(() => noExecute(tc, 'node-1').length + noExecute(tc, 'node-4').length === 2, 5 * MINUTE, 100);
    expect(taints(tc, 'node-1').find((t) => t.effect === 'NoExecute')!.timeAdded).toBe(taints(tc, 'node-4').find((t) => t.effect === 'NoExecute')!.timeAdded);
  });

  it('stops tainting in a small zone in partial disruption (more than 2 and at least 55% of its nodes down)', () => {
    const tc = testCluster({ nodes: 5 });
    for (const n of ['node-1', 'node-2', 'node-3']) tc.cluster.killNode(n);
    tc.advance(4 * MINUTE);
    expect(['node-1', 'node-2', 'node-3'].map((n) => ready(tc, n).status)).toEqual(['Unknown', 'Unknown', 'Unknown']);
    // All three went Unknown in the same monitor pass: the zone was in partial disruption before
    // any of them was queued for tainting, and a zone of 50 nodes or fewer then taints nothing.
    expect(['node-1', 'node-2', 'node-3'].filter((n) => noExecute(tc, n).length > 0)).toEqual([]);
    expect(noSchedule(tc, 'node-3')).toContain('node.kubernetes.io/unreachable');
  });

  it('enters full disruption mode when every node is down: no NoExecute taints at all', () => {
    const tc = testCluster({ nodes: 3 });
    tc.create(R.pods, podManifest('p', { spec: { nodeName: 'node-1' } }));
    for (const n of ['node-1', 'node-2', 'node-3']) tc.cluster.killNode(n);
    tc.advance(10 * MINUTE);
    for (const n of ['node-1', 'node-2', 'node-3']) {
      expect(ready(tc, n).status).toBe('Unknown');
      expect(noExecute(tc, n)).toEqual([]);
    }
    // Nothing is evicted.
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeUndefined();
  });

  it('names zones by region and zone labels', () => {
    const n = (labels: Record<string, string>) => ({ metadata: { name: 'x', labels } }) as Node;
    expect(zoneKey(n({}))).toBe('');
    expect(zoneKey(n({ 'topology.kubernetes.io/zone': 'a' }))).toBe(':\u0000:a');
    expect(zoneKey(n({ 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'a' }))).toBe('r:\u0000:a');
    expect(zoneKey(n({ 'failure-domain.beta.kubernetes.io/zone': 'b' }))).toBe(':\u0000:b');
  });
});

describe('node lifecycle controller: events', () => {
  it('registers each node, and records its removal, as node-controller', () => {
    const tc = testCluster({ nodes: 2 });
    tc.advance(10 * SECOND);
    expect(nodeEvents(tc, 'node-1')).toEqual(['RegisteredNode: Node node-1 event: Registered Node node-1 in Controller']);
    tc.cluster.removeNode('node-2');
    tc.advance(10 * SECOND);
    expect(nodeEvents(tc, 'node-2')).toEqual(['RegisteredNode: Node node-2 event: Registered Node node-2 in Controller', 'RemovingNode: Node node-2 event: Removing Node node-2 from Controller']);
  });
});
