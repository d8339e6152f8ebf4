import { describe, expect, it } from 'vitest';
import { R, type KubeObject, type ResourceType, type Stored } from '../../src/engine/index.ts';
import { alwaysInvariants, settledInvariants } from '../../src/harness/workload-invariants.ts';
import type { View } from '../../src/harness/view.ts';

let uid = 0;
const obj = (kind: string, name: string, rest: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): Stored =>
  ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'default', uid: `u${++uid}`, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', ...meta }, ...rest }) as Stored;

function view(objects: Array<[ResourceType, Stored]>): View {
  return {
    now: Date.parse('2025-01-01T00:01:00Z'),
    list: <T extends KubeObject>(type: ResourceType) => objects.filter(([t]) => t === type).map(([, o]) => o) as Stored<T>[],
    get: <T extends KubeObject>(type: ResourceType, _ns: string | undefined, name: string) => objects.find(([t, o]) => t === type && o.metadata.name === name)?.[1] as Stored<T> | undefined,
  };
}
const ref = (o: Stored, kind: string) => [{ apiVersion: 'apps/v1', kind, name: o.metadata.name, uid: o.metadata.uid, controller: true }];

describe('workload invariants', () => {
  it('catch a rollout asking for more than replicas + maxSurge pods', () => {
    const d = obj('Deployment', 'web', { spec: { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } }, status: { observedGeneration: 1 } }, { generation: 1 });
    const rs = (name: string, n: number) => obj('ReplicaSet', name, { spec: { replicas: n } }, { ownerReferences: ref(d, 'Deployment'), annotations: { 'deployment.kubernetes.io/desired-replicas': '4' } });
    expect(alwaysInvariants(view([[R.deployments, d], [R.replicaSets, rs('a', 4)], [R.replicaSets, rs('b', 1)]]))).toEqual([]);
    expect(alwaysInvariants(view([[R.deployments, d], [R.replicaSets, rs('a', 4)], [R.replicaSets, rs('b', 2)]])).map((v) => v.invariant)).toEqual(['rollout-surge']);
  });

  it('catch a job over its parallelism and two daemon pods on one node', () => {
    const job = obj('Job', 'pi', { spec: { parallelism: 1 } });
    const ds = obj('DaemonSet', 'agent', { spec: {} });
    const pod = (name: string, owner: Stored, kind: string, node = 'node-1') => obj('Pod', name, { spec: { nodeName: node, containers: [] }, status: { phase: 'Running' } }, { ownerReferences: ref(owner, kind) });
    const found = alwaysInvariants(
      view([
        [R.jobs, job],
        [R.daemonSets, ds],
        [R.pods, pod('pi-1', job, 'Job')],
        [R.pods, pod('pi-2', job, 'Job')],
        [R.pods, pod('agent-1', ds, 'DaemonSet')],
        [R.pods, pod('agent-2', ds, 'DaemonSet')],
      ]),
    ).map((v) => v.invariant);
    expect(found).toEqual(['job-parallelism', 'daemonset-one-per-node']);
  });

  it('catch a StatefulSet pod without its identity, and a claim bound to a missing volume', () => {
    const set = obj('StatefulSet', 'db', { spec: { serviceName: 'db' } });
    const pod = obj('Pod', 'db-0', { spec: { hostname: 'other', subdomain: 'db', containers: [] }, status: { phase: 'Running' } }, { ownerReferences: ref(set, 'StatefulSet') });
    const pvc = obj('PersistentVolumeClaim', 'data', { spec: { volumeName: 'gone' }, status: { phase: 'Bound' } });
    expect(alwaysInvariants(view([[R.statefulSets, set], [R.pods, pod], [R.persistentVolumeClaims, pvc]])).map((v) => v.invariant)).toEqual(['statefulset-identity']);
    expect(settledInvariants(view([[R.persistentVolumeClaims, pvc]])).map((v) => v.invariant)).toEqual(['volume-binding']);
  });

  it('catch an autoscaler wanting more than its maximum', () => {
    const hpa = obj('HorizontalPodAutoscaler', 'api', { spec: { minReplicas: 1, maxReplicas: 3 }, status: { desiredReplicas: 5 } });
    expect(settledInvariants(view([[R.horizontalPodAutoscalers, hpa]])).map((v) => v.invariant)).toEqual(['autoscaler-bounds']);
  });
});
