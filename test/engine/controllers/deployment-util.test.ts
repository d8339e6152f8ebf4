import { describe, it, expect } from 'vitest';
import type { Deployment, DeploymentStatus, ReplicaSet, Stored } from '../../../src/engine/api/types.ts';
import {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  equalIgnoreHash,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newCondition,
  newRSNewReplicas,
  proportion,
  resolveFenceposts,
  scaledValue,
  setCondition,
  setNewReplicaSetAnnotations,
} from '../../../src/engine/controllers/deployment-util.ts';

type Strategy = Deployment['spec']['strategy'];

function dep(replicas: number, o: { surge?: number | string; unavailable?: number | string; type?: 'Recreate'; status?: DeploymentStatus; annotations?: Record<string, string>; progressDeadlineSeconds?: number; generation?: number } = {}): Stored<Deployment> {
  const strategy: Strategy = o.type === 'Recreate' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.surge ?? '25%', maxUnavailable: o.unavailable ?? '25%' } };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', uid: 'd', resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', generation: o.generation ?? 1, annotations: o.annotations },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      strategy,
      ...(o.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
    },
    status: o.status ?? {},
  } as Stored<Deployment>;
}

function rs(name: string, replicas: number, annotations: Record<string, string> = {}): Stored<ReplicaSet> {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', uid: name, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', annotations },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  } as Stored<ReplicaSet>;
}

describe('scaledValue (GetScaledValueFromIntOrPercent)', () => {
  it.each<[number | string, number, boolean, number]>([
    [3, 10, true, 3],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['25%', 4, false, 1],
    ['25%', 1, true, 1],
    ['25%', 1, false, 0],
    ['33%', 3, true, 1],
    ['33%', 3, false, 0],
    ['0%', 10, true, 0],
    ['100%', 7, false, 7],
    ['150%', 2, true, 3],
  ])('%s of %i (round up %s) is %i', (v, total, up, want) => {
    expect(scaledValue(v, total, up)).toBe(want);
  });
});

describe('resolveFenceposts', () => {
  it.each<[string, number, number | string, number | string, number, number]>([
    ['defaults on 10 replicas', 10, '25%', '25%', 3, 2],
    ['defaults on 4 replicas', 4, '25%', '25%', 1, 1],
    ['defaults on 1 replica: surge rounds up, unavailable down', 1, '25%', '25%', 1, 0],
    ['defaults on 0 replicas: both 0, so unavailable becomes 1', 0, '25%', '25%', 0, 1],
    ['a percentage rounding to 0 with no surge', 5, 0, '10%', 0, 1],
    ['absolute values', 10, 2, 0, 2, 0],
  ])('%s', (_what, replicas, surge, unavailable, wantSurge, wantUnavailable) => {
    expect(resolveFenceposts(dep(replicas, { surge, unavailable }))).toEqual({ surge: wantSurge, unavailable: wantUnavailable });
  });

  it('MaxUnavailable is 0 for Recreate or no replicas, and never above the replicas', () => {
    expect(maxUnavailable(dep(10, { type: 'Recreate' }))).toBe(0);
    expect(maxUnavailable(dep(0))).toBe(0);
    expect(maxUnavailable(dep(3, { surge: 0, unavailable: 5 }))).toBe(3);
    expect(maxSurge(dep(10, { type: 'Recreate' }))).toBe(0);
    expect(maxSurge(dep(10))).toBe(3);
  });
});

describe('newRSNewReplicas', () => {
  it.each<[string, Stored<Deployment>, Array<Stored<ReplicaSet>>, number, number]>([
    ['Recreate: all at once', dep(5, { type: 'Recreate' }), [rs('old', 5)], 0, 5],
    ['surge from nothing: up to maxSurge above the desired total', dep(10), [rs('old', 10)], 0, 3],
    ['no room above the surge limit', dep(10), [rs('old', 10)], 3, 3],
    ['never above the desired replicas', dep(10), [rs('old', 2)], 8, 10],
    ['limited by the total over all sets', dep(10, { surge: 1, unavailable: 1 }), [rs('a', 4), rs('b', 4)], 2, 3],
  ])('%s', (_what, d, olds, current, want) => {
    const newRS = rs('new', current);
    expect(newRSNewReplicas(d, [...olds, newRS], newRS)).toBe(want);
  });
});

describe('proportional scaling (GetProportion)', () => {
  it('gives each set its share of the new size, by the max-replicas annotation', () => {
    // Scaled from 10 (+2 surge = 12) to 15 (+2 = 17) mid-rollout: 5 more replicas to hand out.
    const d = dep(15, { surge: 2, unavailable: 0 });
    const newRS = rs('new', 7, { [MAX_REPLICAS_ANNOTATION]: '12' });
    const oldRS = rs('old', 5, { [MAX_REPLICAS_ANNOTATION]: '12' });
    // new: round(7 * 17 / 12) - 7 = 3; old: round(5 * 17 / 12) - 5 = 2, capped by what is left.
    expect(proportion(newRS, d, 5, 0)).toBe(3);
    expect(proportion(oldRS, d, 5, 3)).toBe(2);
    expect(proportion(oldRS, d, 5, 4)).toBe(1);
  });

  it('scales down proportionally, never removing more than asked', () => {
    const d = dep(5, { surge: 1, unavailable: 0 });
    const a = rs('a', 6, { [MAX_REPLICAS_ANNOTATION]: '11' });
    // round(6 * 6 / 11) - 6 = round(3.27) - 6 = -3
    expect(proportion(a, d, -5, 0)).toBe(-3);
    expect(proportion(a, d, -5, -4)).toBe(-1);
  });

  it('rounds half away from zero', () => {
    // 1 * 3 / 2 = 1.5 -> 2
    expect(proportion(rs('a', 1, { [MAX_REPLICAS_ANNOTATION]: '2' }), dep(3, { surge: 0, unavailable: 1 }), 5, 0)).toBe(1);
    // 3 * 1 / 2 = 1.5 -> 2, so -1
    expect(proportion(rs('a', 3, { [MAX_REPLICAS_ANNOTATION]: '2' }), dep(1, { surge: 0, unavailable: 1 }), -5, 0)).toBe(-1);
  });

  it('scaling to zero takes the whole set', () => {
    expect(proportion(rs('a', 4, { [MAX_REPLICAS_ANNOTATION]: '10' }), dep(0), -7, 0)).toBe(-4);
  });

  it('falls back to the deployment status without a usable annotation, and to nothing without one', () => {
    const d = dep(10, { surge: 0, unavailable: 1, status: { replicas: 5 } });
    expect(proportion(rs('a', 5), d, 5, 0)).toBe(5);
    expect(proportion(rs('a', 5, { [MAX_REPLICAS_ANNOTATION]: '0' }), d, 5, 0)).toBe(5);
    expect(proportion(rs('a', 5, { [MAX_REPLICAS_ANNOTATION]: 'many' }), d, 5, 0)).toBe(5);
    expect(proportion(rs('a', 5), dep(10, { surge: 0, unavailable: 1 }), 5, 0)).toBe(0);
  });

  it('is 0 for an empty set, nothing to add, or nothing left', () => {
    const d = dep(10);
    expect(proportion(rs('a', 0, { [MAX_REPLICAS_ANNOTATION]: '5' }), d, 5, 0)).toBe(0);
    expect(proportion(rs('a', 3, { [MAX_REPLICAS_ANNOTATION]: '5' }), d, 0, 0)).toBe(0);
    expect(proportion(rs('a', 3, { [MAX_REPLICAS_ANNOTATION]: '5' }), d, 4, 4)).toBe(0);
  });
});

describe('ReplicaSet annotations', () => {
  it('a new set gets the revision, the desired and max replicas, and the deployment annotations but the skipped ones', () => {
    const d = dep(4, {
      annotations: {
        team: 'shop',
        [REVISION_ANNOTATION]: '7',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        [DESIRED_REPLICAS_ANNOTATION]: '9',
      },
    });
    const a: Record<string, string> = {};
    expect(setNewReplicaSetAnnotations(d, a, '3', false)).toBe(true);
    expect(a).toEqual({ team: 'shop', [REVISION_ANNOTATION]: '3', [DESIRED_REPLICAS_ANNOTATION]: '4', [MAX_REPLICAS_ANNOTATION]: '5' });
  });

  it('an existing set brought back keeps its former revisions in revision-history', () => {
    const a: Record<string, string> = { [REVISION_ANNOTATION]: '1' };
    expect(setNewReplicaSetAnnotations(dep(1), a, '3', true)).toBe(true);
    expect(a[REVISION_ANNOTATION]).toBe('3');
    expect(a[REVISION_HISTORY_ANNOTATION]).toBe('1');
    a[REVISION_ANNOTATION] = '3';
    expect(setNewReplicaSetAnnotations(dep(1), a, '5', true)).toBe(true);
    expect(a[REVISION_HISTORY_ANNOTATION]).toBe('1,3');
  });

  it('never moves a revision backwards and reports no change when there is none', () => {
    const a: Record<string, string> = { [REVISION_ANNOTATION]: '4' };
    expect(setNewReplicaSetAnnotations(dep(1), a, '2', true)).toBe(false);
    expect(a).toEqual({ [REVISION_ANNOTATION]: '4' });
  });

  it('maxRevision reads the highest revision of the sets', () => {
    expect(maxRevision([rs('a', 0, { [REVISION_ANNOTATION]: '3' }), rs('b', 0, { [REVISION_ANNOTATION]: '11' }), rs('c', 0)])).toBe(11);
  });

  it('templates are equal but for the pod-template-hash label', () => {
    const t = dep(1).spec.template;
    const hashed = { ...t, metadata: { labels: { ...t.metadata!.labels, 'pod-template-hash': 'abc' } } };
    expect(equalIgnoreHash(t, hashed)).toBe(true);
    expect(equalIgnoreHash(t, { ...hashed, metadata: { labels: { app: 'other', 'pod-template-hash': 'abc' } } })).toBe(false);
  });
});

describe('rollout conditions', () => {
  const T0 = '2025-01-01T00:00:00Z';
  const T1 = '2025-01-01T00:05:00Z';

  it('setCondition keeps the transition time while the status holds, and ignores the same status and reason', () => {
    const s: DeploymentStatus = {};
    setCondition(s, newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'a', T0));
    setCondition(s, newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'b', T1));
    expect(s.conditions).toEqual([{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'b', lastUpdateTime: T1, lastTransitionTime: T0 }]);
    setCondition(s, newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'c', T1));
    expect(s.conditions![0].message).toBe('b');
    setCondition(s, newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', 'd', T1));
    expect(s.conditions![0].lastTransitionTime).toBe(T1);
  });

  it('a deployment is complete when every replica is updated and available and the spec was observed', () => {
    const d = dep(3, { generation: 2 });
    expect(deploymentComplete(d, { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 2 })).toBe(true);
    expect(deploymentComplete(d, { replicas: 4, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 2 })).toBe(false);
    expect(deploymentComplete(d, { replicas: 3, updatedReplicas: 3, availableReplicas: 2, observedGeneration: 2 })).toBe(false);
    expect(deploymentComplete(d, { replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 })).toBe(false);
  });

  it('progress is more updated, fewer old, more ready or more available replicas', () => {
    const d = dep(3, { status: { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 } });
    expect(deploymentProgressing(d, { replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3 })).toBe(true);
    expect(deploymentProgressing(d, { replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 })).toBe(true);
    expect(deploymentProgressing(d, { replicas: 4, updatedReplicas: 1, readyReplicas: 4, availableReplicas: 3 })).toBe(true);
    expect(deploymentProgressing(d, { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 })).toBe(false);
  });

  it('times out strictly after progressDeadlineSeconds without progress', () => {
    const d = dep(3, { progressDeadlineSeconds: 600 });
    const status = (reason: string): DeploymentStatus => ({ conditions: [newCondition('Progressing', 'True', reason, '', T0)] });
    const t0 = Date.parse(T0);
    expect(deploymentTimedOut(d, status('ReplicaSetUpdated'), t0 + 600_000)).toBe(false);
    expect(deploymentTimedOut(d, status('ReplicaSetUpdated'), t0 + 600_001)).toBe(true);
    expect(deploymentTimedOut(d, status('NewReplicaSetAvailable'), t0 + 900_000)).toBe(false);
    expect(deploymentTimedOut(d, { conditions: [newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', '', T0)] }, t0)).toBe(true);
    expect(deploymentTimedOut(d, {}, t0 + 900_000)).toBe(false);
    expect(deploymentTimedOut(dep(3, { progressDeadlineSeconds: 2147483647 }), status('ReplicaSetUpdated'), t0 + 900_000)).toBe(false);
  });
});
