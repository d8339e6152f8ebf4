/**
 * The Eviction API (POST pods/{name}/eviction), pinned against upstream's
 * pkg/registry/core/pod/storage/eviction_test.go: which pods ignore budgets,
 * the 429 and its cause, the budget's decrement and condition, unready pods
 * and unhealthyPodEvictionPolicy, and the DisruptionTarget condition.
 */
import { describe, it, expect } from 'vitest';
import { miniCluster } from './controllers/mini-cluster.ts';
import { R } from '../../src/engine/api/kinds.ts';
import type { KubeObject, Pod } from '../../src/engine/api/types.ts';
import { StatusError } from '../../src/engine/api/errors.ts';
import { EVICTION_REFUSED } from '../../src/engine/apiserver/registry/eviction.ts';

interface Budget extends KubeObject {
  status?: Record<string, unknown> & { disruptionsAllowed?: number; disruptedPods?: Record<string, string>; conditions?: Array<{ type: string; status: string; reason: string }> };
}

function setup(o: { phase?: string; ready?: boolean; budget?: Record<string, unknown>; status?: Record<string, unknown>; grace?: number; labels?: Record<string, string> } = {}) {
  const c = miniCluster([]);
  const pod = c.client.create<Pod>(R.pods, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', labels: o.labels ?? { app: 'web' } },
    spec: { nodeName: 'node-1', terminationGracePeriodSeconds: o.grace ?? 0, containers: [{ name: 'app', image: 'nginx' }] },
  });
  c.client.updateStatus(R.pods, {
    ...pod,
    status: { ...pod.status, phase: o.phase ?? 'Running', conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  } as Pod);
  if (o.budget !== undefined) {
    const pdb = c.client.create<Budget>(R.podDisruptionBudgets, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, ...o.budget },
    } as Budget);
    if (o.status) c.client.updateStatus(R.podDisruptionBudgets, { ...pdb, status: { observedGeneration: 1, ...o.status } } as Budget);
  }
  const evict = (opts = {}) => c.client.evict('default', 'p', opts);
  const get = () => {
    try {
      return c.client.get<Pod>(R.pods, 'default', 'p');
    } catch {
      return undefined;
    }
  };
  const budget = () => c.client.get<Budget>(R.podDisruptionBudgets, 'default', 'web');
  return { c, evict, get, budget };
}

function refusal(fn: () => void): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('Eviction API', () => {
  it('deletes a pod no budget covers', () => {
    const t = setup({ budget: { minAvailable: 1 }, status: { disruptionsAllowed: 0 }, labels: { app: 'other' } });
    t.evict();
    expect(t.get()).toBeUndefined();
  });

  it('refuses with 429 when the budget allows no disruption, naming the budget in the cause', () => {
    const t = setup({ budget: { minAvailable: 1 }, status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } });
    const e = refusal(() => t.evict());
    expect(e.code).toBe(429);
    expect(e.reason).toBe('TooManyRequests');
    expect(e.message).toBe(EVICTION_REFUSED);
    expect(e.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(e.status.details?.causes).toEqual([{ reason: 'DisruptionBudget', message: 'The disruption budget web needs 1 healthy pods and has 1 currently' }]);
    expect(t.get()).toBeDefined();
  });

  it('refuses while the disruption controller has not seen the budget yet', () => {
    const t = setup({ budget: { minAvailable: 1 } });
    const e = refusal(() => t.evict());
    expect(e.code).toBe(429);
    expect(e.status.details).toEqual({ causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web is still being processed by the server.' }], retryAfterSeconds: 10 });
  });

  it('spends the budget: disruptionsAllowed goes down, the pod is recorded in disruptedPods', () => {
    const t = setup({ budget: { minAvailable: 1 }, status: { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 } });
    t.evict();
    expect(t.get()).toBeUndefined();
    const s = t.budget().status!;
    expect(s.disruptionsAllowed).toBe(0);
    expect(Object.keys(s.disruptedPods ?? {})).toEqual(['p']);
    expect(s.conditions).toEqual([expect.objectContaining({ type: 'DisruptionAllowed', status: 'False', reason: 'InsufficientPods' })]);
  });

  it('a dry run neither spends the budget nor deletes the pod', () => {
    const t = setup({ budget: { minAvailable: 1 }, status: { disruptionsAllowed: 1, currentHealthy: 2, desiredHealthy: 1 } });
    t.evict({ dryRun: true });
    expect(t.get()).toBeDefined();
    expect(t.budget().status!.disruptionsAllowed).toBe(1);
  });

  it.each(['Pending', 'Succeeded', 'Failed'])('ignores budgets for a %s pod', (phase) => {
    const t = setup({ phase, budget: { minAvailable: 1 }, status: { disruptionsAllowed: 0 } });
    t.evict();
    expect(t.get()).toBeUndefined();
  });

  it('marks the pod as a disruption target before the graceful delete', () => {
    const t = setup({ grace: 30, budget: { minAvailable: 0 }, status: { disruptionsAllowed: 1, currentHealthy: 1 } });
    t.evict();
    const pod = t.get()!;
    expect(pod.metadata.deletionTimestamp).toBeDefined();
    expect(pod.status?.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' });
  });

  it('refuses a pod that more than one budget covers', () => {
    const t = setup({ budget: { minAvailable: 0 }, status: { disruptionsAllowed: 1 } });
    t.c.client.create(R.podDisruptionBudgets, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'second', namespace: 'default' }, spec: { minAvailable: 0, selector: { matchLabels: { app: 'web' } } } } as KubeObject);
    const e = refusal(() => t.evict());
    expect(e.code).toBe(500);
    expect(e.message).toBe('This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
  });

  describe('unready pods', () => {
    it('IfHealthyBudget (the default): evicted without spending the budget while the application is healthy enough', () => {
      const t = setup({ ready: false, budget: { minAvailable: 2 }, status: { disruptionsAllowed: 0, currentHealthy: 2, desiredHealthy: 2, expectedPods: 3 } });
      t.evict();
      expect(t.get()).toBeUndefined();
      expect(t.budget().status!.disruptionsAllowed).toBe(0);
    });

    it('IfHealthyBudget: refused while the application is not healthy enough', () => {
      const t = setup({ ready: false, budget: { minAvailable: 2 }, status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2, expectedPods: 3 } });
      expect(refusal(() => t.evict()).code).toBe(429);
    });

    it('AlwaysAllow: evicted whatever the budget says', () => {
      const t = setup({ ready: false, budget: { minAvailable: 2, unhealthyPodEvictionPolicy: 'AlwaysAllow' }, status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 2, expectedPods: 3 } });
      t.evict();
      expect(t.get()).toBeUndefined();
    });
  });
});
