/**
 * The disruption controller, pinned against upstream's disruption_test.go:
 * expected pods, desired and current healthy, disruptions allowed, for
 * integer and percentage budgets over ReplicaSets, Deployments and
 * StatefulSets; disrupted pods; unmanaged pods; failed syncs; and the
 * DisruptionAllowed condition.
 */
import { describe, it, expect } from 'vitest';
import { miniCluster } from './mini-cluster.ts';
import { disruptionController, DELETION_TIMEOUT_MS } from '../../../src/engine/controllers/disruption.ts';
import { R, type ResourceType } from '../../../src/engine/api/kinds.ts';
import type { KubeObject, OwnerReference, Pod, Stored } from '../../../src/engine/api/types.ts';

interface Budget extends KubeObject {
  status?: { currentHealthy?: number; desiredHealthy?: number; expectedPods?: number; disruptionsAllowed?: number; observedGeneration?: number; disruptedPods?: Record<string, string>; conditions?: Array<{ type: string; status: string; reason: string; message: string }> };
}

function setup() {
  const c = miniCluster([disruptionController()]);
  let n = 0;
  const owner = (type: ResourceType, kind: string, name: string, replicas: number, apiVersion = 'apps/v1', extra: Record<string, unknown> = {}): OwnerReference => {
    const spec: Record<string, unknown> = kind === 'DaemonSet' ? {} : { replicas };
    const obj = c.client.create(type, {
      apiVersion,
      kind,
      metadata: { name, namespace: 'default', ...extra },
      spec: { ...spec, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } }, ...(kind === 'StatefulSet' ? { serviceName: 'web' } : {}) },
    } as KubeObject);
    return { apiVersion, kind, name, uid: obj.metadata.uid!, controller: true };
  };
  const pod = (ready: boolean, ref?: OwnerReference): Stored<Pod> => {
    const name = `pod-${++n}`;
    const p = c.client.create<Pod>(R.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app: 'web' }, ...(ref ? { ownerReferences: [ref] } : {}) },
      spec: { containers: [{ name: 'app', image: 'nginx' }] },
    });
    return c.client.updateStatus(R.pods, { ...p, status: { ...p.status, phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } } as Pod);
  };
  const setReady = (p: Stored<Pod>, ready: boolean) => {
    const cur = c.client.get<Pod>(R.pods, 'default', p.metadata.name);
    c.client.updateStatus(R.pods, { ...cur, status: { ...cur.status, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } } as Pod);
    c.settle();
  };
  const budget = (spec: Record<string, unknown>) => {
    c.client.create(R.podDisruptionBudgets, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } } as KubeObject);
    c.settle();
  };
  const status = () => c.client.get<Budget>(R.podDisruptionBudgets, 'default', 'web').status!;
  const summary = () => {
    const s = status();
    return { expected: s.expectedPods, desired: s.desiredHealthy, current: s.currentHealthy, allowed: s.disruptionsAllowed };
  };
  return { c, owner, pod, setReady, budget, status, summary };
}

describe('disruption controller', () => {
  it('TestUnavailable: an integer minAvailable counts the selected pods', () => {
    const t = setup();
    const pods = [t.pod(true), t.pod(true), t.pod(true), t.pod(true)];
    t.budget({ minAvailable: 3 });
    expect(t.summary()).toEqual({ expected: 4, desired: 3, current: 4, allowed: 1 });
    expect(t.status().observedGeneration).toBe(1);
    expect(t.status().conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '' })]);
    t.setReady(pods[0], false);
    expect(t.summary()).toEqual({ expected: 4, desired: 3, current: 3, allowed: 0 });
    expect(t.status().conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' })]);
  });

  it('TestReplicaSet: a percentage minAvailable uses the scale of the pods\' ReplicaSet, rounding up', () => {
    const t = setup();
    const rs = t.owner(R.replicaSets, 'ReplicaSet', 'web-rs', 10);
    for (let i = 0; i < 3; i++) t.pod(true, rs);
    t.budget({ minAvailable: '20%' });
    expect(t.summary()).toEqual({ expected: 10, desired: 2, current: 3, allowed: 1 });
  });

  it('a Deployment\'s scale counts for the pods of its ReplicaSets', () => {
    const t = setup();
    const d = t.owner(R.deployments, 'Deployment', 'web', 4);
    const rs = t.owner(R.replicaSets, 'ReplicaSet', 'web-abc', 4, 'apps/v1', { ownerReferences: [d] });
    for (let i = 0; i < 4; i++) t.pod(true, rs);
    t.budget({ maxUnavailable: '25%' });
    expect(t.summary()).toEqual({ expected: 4, desired: 3, current: 4, allowed: 1 });
  });

  it('TestStatefulSetController: maxUnavailable over a StatefulSet', () => {
    const t = setup();
    const ss = t.owner(R.statefulSets, 'StatefulSet', 'db', 3);
    for (let i = 0; i < 3; i++) t.pod(true, ss);
    t.budget({ maxUnavailable: 1 });
    expect(t.summary()).toEqual({ expected: 3, desired: 2, current: 3, allowed: 1 });
  });

  it('TestTwoControllers: the scales of several controllers add up', () => {
    const t = setup();
    const a = t.owner(R.replicaSets, 'ReplicaSet', 'a', 5);
    const b = t.owner(R.replicaSets, 'ReplicaSet', 'b', 5);
    for (let i = 0; i < 5; i++) t.pod(true, a);
    for (let i = 0; i < 4; i++) t.pod(true, b);
    t.budget({ minAvailable: '90%' });
    expect(t.summary()).toEqual({ expected: 10, desired: 9, current: 9, allowed: 0 });
  });

  it('counts no disruption while no pod is expected', () => {
    const t = setup();
    t.budget({ maxUnavailable: 1 });
    expect(t.summary()).toEqual({ expected: 0, desired: 0, current: 0, allowed: 0 });
  });

  it('reports pods without a controller, and counts only the controllers it found', () => {
    const t = setup();
    const rs = t.owner(R.replicaSets, 'ReplicaSet', 'web-rs', 2);
    t.pod(true, rs);
    t.pod(true, rs);
    t.pod(true);
    t.budget({ maxUnavailable: 1 });
    expect(t.summary()).toEqual({ expected: 2, desired: 1, current: 3, allowed: 2 });
    const events = t.c.client.list(R.events, { namespace: 'default' }).items as unknown as Array<{ reason: string; message: string }>;
    expect(events.find((e) => e.reason === 'UnmanagedPods')?.message).toContain('Pods selected by this PodDisruptionBudget (selector: &LabelSelector{MatchLabels:map[string]string{app: web,},');
  });

  it('fails safe, allowing nothing, when a controller has no scale (a DaemonSet)', () => {
    const t = setup();
    const ds = t.owner(R.daemonSets, 'DaemonSet', 'agent', 0);
    t.pod(true, ds);
    t.budget({ maxUnavailable: 1 });
    const s = t.status();
    expect(s.disruptionsAllowed).toBe(0);
    expect(s.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'SyncFailed', message: 'daemonsets.apps does not implement the scale subresource' })]);
  });

  it('TestUpdateDisruptedPods: a recently evicted pod is not healthy, for at most 2 minutes', () => {
    const t = setup();
    const pods = [t.pod(true), t.pod(true), t.pod(true)];
    t.budget({ minAvailable: 1 });
    expect(t.summary().current).toBe(3);
    // The Eviction API records the pod it lets go (dry run of the delete aside, as here when nobody deletes it).
    const pdb = t.c.client.get<Budget>(R.podDisruptionBudgets, 'default', 'web');
    t.c.client.updateStatus(R.podDisruptionBudgets, { ...pdb, status: { ...pdb.status, disruptionsAllowed: 1, disruptedPods: { [pods[0].metadata.name]: t.c.clock.iso() } } } as Budget);
    t.c.settle();
    expect(t.summary()).toMatchObject({ current: 2, allowed: 1 });
    t.c.advance(DELETION_TIMEOUT_MS + 1000);
    expect(t.summary()).toMatchObject({ current: 3, allowed: 2 });
    expect(t.status().disruptedPods).toBeUndefined();
  });
});
