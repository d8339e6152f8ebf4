import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { KubeObject, OwnerReference, ReplicaSet, Stored } from '../../../src/engine/api/types.ts';
import { deploymentManifest, replicaSetManifest, testCluster, SECOND, MINUTE, type TestCluster } from './cluster-helpers.ts';

const cm = (name: string, owners: OwnerReference[] = [], finalizers?: string[]): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', ownerReferences: owners, ...(finalizers ? { finalizers } : {}) } }) as KubeObject;
const refTo = (o: Stored, block?: boolean): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata.name, uid: o.metadata.uid, ...(block !== undefined ? { blockOwnerDeletion: block } : {}) });
const getCm = (tc: TestCluster, name: string) => tc.get<KubeObject>(R.configMaps, name);
const slowPods = { image: 'busybox', command: ['sh', '-c', 'sleep 3600'] };

describe('garbage collector', () => {
  it('background: deleting a ReplicaSet deletes its pods', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.replicaSets, replicaSetManifest('web', 2));
    tc.client.delete(R.replicaSets, 'default', 'web');
    tc.cluster.settle();
    expect(tc.get(R.replicaSets, 'web')).toBeUndefined();
    expect(tc.pods()).toEqual([]);
  });

  it('background: deleting a Deployment deletes its ReplicaSets and their pods', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.deployments, deploymentManifest('web', 2, slowPods));
    tc.client.delete(R.deployments, 'default', 'web');
    tc.cluster.settle();
    expect(tc.get(R.deployments, 'web')).toBeUndefined();
    expect(tc.client.list(R.replicaSets, { namespace: 'default' }).items).toEqual([]);
    expect(tc.pods().every((p) => p.metadata.deletionTimestamp)).toBe(true);
    tc.advance(31 * SECOND);
    expect(tc.pods()).toEqual([]);
  });

  it('foreground: the owner stays, with the foregroundDeletion finalizer, until its blocking dependents are gone', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.deployments, deploymentManifest('web', 2, slowPods));
    tc.client.delete(R.deployments, 'default', 'web', { propagationPolicy: 'Foreground' });
    tc.cluster.settle();
    tc.advance(10 * SECOND);
    // The pods take their 30 s grace period; everything above them waits.
    const d = tc.get(R.deployments, 'web')!;
    expect(d.metadata.deletionTimestamp).toBeDefined();
    expect(d.metadata.finalizers).toEqual(['foregroundDeletion']);
    const [rs] = tc.client.list<ReplicaSet>(R.replicaSets, { namespace: 'default' }).items;
    expect(rs.metadata.deletionTimestamp).toBeDefined();
    expect(rs.metadata.finalizers).toEqual(['foregroundDeletion']);
    expect(tc.pods()).toHaveLength(2);
    tc.advance(25 * SECOND);
    expect(tc.pods()).toEqual([]);
    expect(tc.client.list(R.replicaSets, { namespace: 'default' }).items).toEqual([]);
    expect(tc.get(R.deployments, 'web')).toBeUndefined();
  });

  it('foreground: dependents without blockOwnerDeletion are deleted but do not hold the owner', () => {
    const tc = testCluster({ nodes: 0 });
    const a = tc.create(R.configMaps, cm('a'));
    tc.create(R.configMaps, cm('b', [refTo(a, false)], ['example.com/keep']));
    tc.client.delete(R.configMaps, 'default', 'a', { propagationPolicy: 'Foreground' });
    tc.cluster.settle();
    expect(getCm(tc, 'a')).toBeUndefined();
    expect(getCm(tc, 'b')!.metadata.deletionTimestamp).toBeDefined();
  });

  it('foreground: a blocking dependent held by a finalizer holds the owner too', () => {
    const tc = testCluster({ nodes: 0 });
    const a = tc.create(R.configMaps, cm('a'));
    tc.create(R.configMaps, cm('b', [refTo(a, true)], ['example.com/keep']));
    tc.client.delete(R.configMaps, 'default', 'a', { propagationPolicy: 'Foreground' });
    tc.advance(MINUTE);
    expect(getCm(tc, 'a')!.metadata.finalizers).toEqual(['foregroundDeletion']);
    tc.client.patch(R.configMaps, 'default', 'b', { metadata: { finalizers: null } }, 'merge');
    tc.cluster.settle();
    expect(getCm(tc, 'b')).toBeUndefined();
    expect(getCm(tc, 'a')).toBeUndefined();
  });

  it('orphan: dependents lose their reference to the owner and stay', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.replicaSets, replicaSetManifest('web', 2));
    tc.client.delete(R.replicaSets, 'default', 'web', { propagationPolicy: 'Orphan' });
    tc.cluster.settle();
    expect(tc.get(R.replicaSets, 'web')).toBeUndefined();
    const pods = tc.pods();
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.ownerReferences ?? []).toEqual([]);
      expect(p.metadata.deletionTimestamp).toBeUndefined();
    }
  });

  it('removes the reference to a missing owner but keeps an object that has another owner', () => {
    const tc = testCluster({ nodes: 0 });
    const a = tc.create(R.configMaps, cm('a'));
    const b = tc.create(R.configMaps, cm('b'));
    tc.create(R.configMaps, cm('c', [refTo(a), refTo(b)]));
    tc.client.delete(R.configMaps, 'default', 'a');
    tc.cluster.settle();
    const c = getCm(tc, 'c')!;
    expect(c.metadata.deletionTimestamp).toBeUndefined();
    expect(c.metadata.ownerReferences).toEqual([refTo(b)]);
  });

  it('deletes an object whose only owner is gone, or replaced by another object of the same name', () => {
    const tc = testCluster({ nodes: 0 });
    const a = tc.create(R.configMaps, cm('a'));
    tc.create(R.configMaps, cm('b', [{ ...refTo(a), uid: 'not-the-uid-of-a' }]));
    tc.create(R.configMaps, cm('c', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'never-existed', uid: 'x' }]));
    tc.cluster.settle();
    expect(getCm(tc, 'b')).toBeUndefined();
    expect(getCm(tc, 'c')).toBeUndefined();
    expect(getCm(tc, 'a')).toBeDefined();
  });
});
