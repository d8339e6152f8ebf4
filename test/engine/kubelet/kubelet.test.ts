import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { Lease, Node } from '../../../src/engine/api/types.ts';
import { LEASE_DURATION_SECONDS, LEASE_RENEW_MS, NODE_STATUS_REPORT_MS, NODE_STATUS_UPDATE_MS } from '../../../src/engine/kubelet/kubelet.ts';
import { testCluster, SECOND, MINUTE, type TestCluster } from '../controllers/cluster-helpers.ts';

const lease = (tc: TestCluster, name = 'node-1') => tc.client.get<Lease>(R.leases, 'kube-node-lease', name);
const node = (tc: TestCluster, name = 'node-1') => tc.get<Node>(R.nodes, name)!;

describe('kubelet: node registration, lease and status', () => {
  it('uses the upstream periods', () => {
    expect([NODE_STATUS_UPDATE_MS, LEASE_RENEW_MS, LEASE_DURATION_SECONDS, NODE_STATUS_REPORT_MS]).toEqual([10_000, 10_000, 40, 300_000]);
  });

  it('registers its Node, Ready, with the kubelet\'s events', () => {
    const tc = testCluster({ nodes: 1 });
    const n = node(tc);
    expect(n.status!.conditions!.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    const events = tc.rawEvents().filter((e) => e.involvedObject.kind === 'Node' && e.source?.component === 'kubelet');
    expect(events.map((e) => `${e.reason}: ${e.message}`)).toEqual([
      'Starting: Starting kubelet.',
      'NodeAllocatableEnforced: Updated Node Allocatable limit across pods',
      'NodeHasSufficientMemory: Node node-1 status is now: NodeHasSufficientMemory',
      'NodeHasNoDiskPressure: Node node-1 status is now: NodeHasNoDiskPressure',
      'NodeHasSufficientPID: Node node-1 status is now: NodeHasSufficientPID',
      'NodeReady: Node node-1 status is now: NodeReady',
    ]);
    expect(events.every((e) => e.source?.host === 'node-1')).toBe(true);
  });

  it('holds a Lease in kube-node-lease, owned by its Node, renewed every 10 s', () => {
    const tc = testCluster({ nodes: 1 });
    const l = lease(tc);
    expect(l.spec).toMatchObject({ holderIdentity: 'node-1', leaseDurationSeconds: 40 });
    expect(l.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'node-1', uid: node(tc).metadata.uid }]);
    expect(l.spec!.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const renewals: string[] = [];
    tc.client.watch<Lease>(R.leases, { namespace: 'kube-node-lease' }, (e) => renewals.push(String(e.object.spec!.renewTime)));
    tc.advance(35 * SECOND);
    expect(renewals.map((r) => (Date.parse(r) - Date.parse(String(l.spec!.renewTime))) / 1000)).toEqual([10, 20, 30]);
  });

  it('posts an unchanged status only every 5 minutes: the Lease is the heartbeat', () => {
    const tc = testCluster({ nodes: 1 });
    const beats: string[] = [];
    tc.client.watch<Node>(R.nodes, {}, (e) => {
      const r = e.object.status?.conditions?.find((c) => c.type === 'Ready');
      if (r && beats.at(-1) !== r.lastHeartbeatTime) beats.push(String(r.lastHeartbeatTime));
    });
    tc.advance(11 * MINUTE);
    expect(beats.map((b) => Date.parse(b) - tc.cluster.clock.now() + 11 * MINUTE)).toEqual([5 * MINUTE, 10 * MINUTE]);
  });

  it('registers again when its Node object is deleted while it runs', () => {
    const tc = testCluster({ nodes: 1 });
    const uid = node(tc).metadata.uid;
    tc.client.delete(R.nodes, undefined, 'node-1');
    tc.cluster.settle();
    tc.advance(11 * SECOND);
    expect(node(tc).metadata.uid).not.toBe(uid);
  });

  it('stops renewing when dead and renews again when revived', () => {
    const tc = testCluster({ nodes: 1 });
    tc.advance(5 * SECOND);
    tc.cluster.killNode('node-1');
    const before = lease(tc).spec!.renewTime;
    tc.advance(MINUTE);
    expect(lease(tc).spec!.renewTime).toBe(before);
    tc.cluster.reviveNode('node-1');
    tc.cluster.settle();
    expect(lease(tc).spec!.renewTime).not.toBe(before);
    expect(node(tc).status!.conditions!.find((c) => c.type === 'Ready')!.status).toBe('True');
  });
});

