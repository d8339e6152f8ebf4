/**
 * The workload controllers' upstream arithmetic, pinned: StatefulSet
 * ordinals and claim ownership, DaemonSet eligibility and rounding, Job
 * back-off and index strings, the HorizontalPodAutoscaler's replica
 * calculator and behaviour policies, quota usage.
 */
import { describe, expect, it } from 'vitest';
import { R, type Pod, type Stored } from '../../../src/engine/index.ts';
import { claimOwnerRefs, maxUnavailableOf, parentAndOrdinal } from '../../../src/engine/controllers/statefulset-util.ts';
import { nodeShouldRunDaemonPod, surgeAndUnavailable } from '../../../src/engine/controllers/daemonset-util.ts';
import { formatIndexes, matchPodFailurePolicy, nextBackoffRecord, parseIndexes, remainingBackoff } from '../../../src/engine/controllers/job-util.ts';
import { resourceReplicas, type PodMetricsInfo } from '../../../src/engine/controllers/hpa-replica-calculator-util.ts';
import { normalizeDesiredReplicas, normalizeWithBehaviors, scaleDownLimit, scaleUpLimit } from '../../../src/engine/controllers/hpa-behavior-util.ts';
import { prettyPrint, usageOf } from '../../../src/engine/api/quota.ts';

const NOW = Date.parse('2025-01-01T01:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('StatefulSet arithmetic', () => {
  it('reads ordinals as getParentNameAndOrdinal does', () => {
    expect(parentAndOrdinal('web-0')).toEqual({ parent: 'web', ordinal: 0 });
    expect(parentAndOrdinal('my-db-12')).toEqual({ parent: 'my-db', ordinal: 12 });
    expect(parentAndOrdinal('web')).toEqual({ parent: '', ordinal: -1 });
    expect(parentAndOrdinal('web-99999999999')).toEqual({ parent: 'web', ordinal: -1 });
  });

  it('rounds maxUnavailable down, at least 1', () => {
    const set = (v: number | string | undefined, replicas = 10) => ({ spec: { replicas, updateStrategy: { rollingUpdate: { maxUnavailable: v } } } }) as never;
    expect(maxUnavailableOf(set(undefined))).toBe(1);
    expect(maxUnavailableOf(set('25%'))).toBe(2);
    expect(maxUnavailableOf(set('5%'))).toBe(1);
    expect(maxUnavailableOf(set(3))).toBe(3);
  });

  it('gives claims the owners persistentVolumeClaimRetentionPolicy asks for', () => {
    const set = (whenDeleted: string, whenScaled: string, replicas = 2) =>
      ({ metadata: { name: 'web', uid: 'set-uid' }, spec: { replicas, persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } } }) as never;
    const pod = (n: number) => ({ metadata: { name: `web-${n}`, uid: `pod-${n}` } }) as never;
    const claim = { metadata: { name: 'www-web-1', ownerReferences: [] } } as never;
    const owners = (s: never, p: never) => claimOwnerRefs(claim, s, p).map((r) => r.uid);
    expect(owners(set('Retain', 'Retain'), pod(1))).toEqual([]);
    expect(owners(set('Delete', 'Retain'), pod(1))).toEqual(['set-uid']);
    expect(owners(set('Retain', 'Delete'), pod(1))).toEqual([]);
    expect(owners(set('Retain', 'Delete', 1), pod(1))).toEqual(['pod-1']);
    expect(owners(set('Delete', 'Delete'), pod(1))).toEqual(['set-uid']);
    expect(owners(set('Delete', 'Delete', 1), pod(1))).toEqual(['pod-1']);
  });
});

describe('DaemonSet arithmetic', () => {
  const node = (labels: Record<string, string>, taints: Array<{ key: string; effect: string; value?: string }> = []) =>
    ({ metadata: { name: 'n1', labels, uid: 'x', resourceVersion: '1', creationTimestamp: '' }, spec: { taints } }) as never;
  const ds = (spec: Record<string, unknown> = {}) => ({ spec: { template: { spec: { containers: [], ...spec } } } }) as never;

  it('runs on nodes whose selector matches and whose taints are tolerated, and keeps pods on NoSchedule-only taints', () => {
    expect(nodeShouldRunDaemonPod(node({}), ds())).toEqual({ shouldRun: true, shouldContinueRunning: true });
    expect(nodeShouldRunDaemonPod(node({ disk: 'hdd' }), ds({ nodeSelector: { disk: 'ssd' } }))).toEqual({ shouldRun: false, shouldContinueRunning: false });
    expect(nodeShouldRunDaemonPod(node({}, [{ key: 'gpu', effect: 'NoSchedule' }]), ds())).toEqual({ shouldRun: false, shouldContinueRunning: true });
    expect(nodeShouldRunDaemonPod(node({}, [{ key: 'gpu', effect: 'NoExecute' }]), ds())).toEqual({ shouldRun: false, shouldContinueRunning: false });
    // The tolerations every daemon pod gets.
    expect(nodeShouldRunDaemonPod(node({}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' }]), ds()).shouldRun).toBe(true);
    expect(nodeShouldRunDaemonPod(node({}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), ds()).shouldRun).toBe(false);
    expect(nodeShouldRunDaemonPod(node({}, [{ key: 'node.kubernetes.io/network-unavailable', effect: 'NoSchedule' }]), ds({ hostNetwork: true })).shouldRun).toBe(true);
  });

  it('rounds maxUnavailable and maxSurge percentages up, and never allows 0 of both', () => {
    const d = (ru: Record<string, unknown>) => ({ spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: ru } } }) as never;
    expect(surgeAndUnavailable(d({ maxUnavailable: '10%' }), 5)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
    expect(surgeAndUnavailable(d({ maxUnavailable: '30%' }), 5)).toEqual({ maxSurge: 0, maxUnavailable: 2 });
    expect(surgeAndUnavailable(d({ maxUnavailable: 0, maxSurge: '25%' }), 5)).toEqual({ maxSurge: 2, maxUnavailable: 0 });
    expect(surgeAndUnavailable(d({ maxUnavailable: 0, maxSurge: 0 }), 5)).toEqual({ maxSurge: 0, maxUnavailable: 1 });
  });
});

describe('Job arithmetic', () => {
  const failedAt = (ms: number) => ({ metadata: { name: 'p' }, spec: { containers: [] }, status: { phase: 'Failed', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 1, finishedAt: iso(ms) } } }] } }) as never as Pod;
  const succeededAt = (ms: number) => ({ metadata: { name: 'p' }, spec: { containers: [] }, status: { phase: 'Succeeded', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 0, finishedAt: iso(ms) } } }] } }) as never as Pod;

  it('backs off 10 s, doubling per failure since the last success, capped at 6 min', () => {
    let rec = nextBackoffRecord({ failuresAfterLastSuccess: 0 }, [], [failedAt(NOW)], NOW);
    expect(remainingBackoff(rec, NOW)).toBe(10_000);
    expect(remainingBackoff(rec, NOW + 4000)).toBe(6000);
    rec = nextBackoffRecord(rec, [], [failedAt(NOW + 20_000)], NOW + 20_000);
    expect(remainingBackoff(rec, NOW + 20_000)).toBe(20_000);
    for (let i = 0; i < 10; i++) rec = nextBackoffRecord(rec, [], [failedAt(NOW + 30_000)], NOW + 30_000);
    expect(remainingBackoff(rec, NOW + 30_000)).toBe(360_000);
    rec = nextBackoffRecord(rec, [succeededAt(NOW + 40_000)], [failedAt(NOW + 35_000), failedAt(NOW + 45_000)], NOW + 50_000);
    expect(rec).toEqual({ failuresAfterLastSuccess: 1, lastFailureTime: NOW + 45_000 });
  });

  it('writes completed indexes as upstream intervals', () => {
    expect(formatIndexes([0, 1, 2, 4, 6, 7])).toBe('0-2,4,6,7');
    expect(formatIndexes([3])).toBe('3');
    expect([...parseIndexes('0-2,4,6,7,9', 8)]).toEqual([0, 1, 2, 4, 6, 7]);
  });

  it('matches pod failure policy rules by non-zero exit codes and pod conditions', () => {
    const job = {
      spec: {
        podFailurePolicy: {
          rules: [
            { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
            { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
            { action: 'Count', onExitCodes: { operator: 'NotIn', values: [42] } },
          ],
        },
      },
    } as never;
    const pod = (code: number, conditions: unknown[] = []) =>
      ({ metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [] }, status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'main', state: { terminated: { exitCode: code } } }] } }) as never;
    expect(matchPodFailurePolicy(job, pod(42))).toEqual({ action: 'FailJob', countFailed: true, message: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1' });
    expect(matchPodFailurePolicy(job, pod(1))).toEqual({ action: 'Count', countFailed: true });
    expect(matchPodFailurePolicy(job, pod(42, [{ type: 'DisruptionTarget', status: 'True' }]))).toEqual({ action: 'Ignore', countFailed: false });
  });
});

describe('the HorizontalPodAutoscaler replica calculator (replica_calculator_test.go cases)', () => {
  const started = NOW - 10 * 60_000;
  const pods = (n: number, request: string, ready: Array<'True' | 'False'> = []) =>
    Array.from({ length: n }, (_, i) => ({
      metadata: { name: `p${i}` },
      spec: { containers: [{ name: 'c', resources: { requests: { cpu: request } } }] },
      status: { phase: 'Running', startTime: iso(started), conditions: [{ type: 'Ready', status: ready[i] ?? 'True', lastTransitionTime: iso(started + 10_000) }] },
    })) as never as Pod[];
  const metrics = (...levels: number[]): PodMetricsInfo => new Map(levels.map((v, i) => [`p${i}`, { value: v, timestamp: NOW, windowMs: 15_000 }]));

  it('scales up: 300m, 500m and 700m of 1 CPU against 30% is 50%, 5 replicas', () => {
    expect(resourceReplicas(3, 30, 'cpu', pods(3, '1'), metrics(300, 500, 700), NOW)).toEqual({ replicas: 5, utilization: 50, rawAverage: 500 });
  });
  it('scales down: 28% against 50% over 5 pods is 3', () => {
    expect(resourceReplicas(5, 50, 'cpu', pods(5, '1'), metrics(100, 300, 500, 250, 250), NOW)).toMatchObject({ replicas: 3, utilization: 28 });
  });
  it('holds within the 10% tolerance', () => {
    expect(resourceReplicas(3, 100, 'cpu', pods(3, '1'), metrics(1010, 1030, 1020), NOW)).toMatchObject({ replicas: 3, utilization: 102 });
  });
  it('counts an unready pod as using nothing when scaling up', () => {
    expect(resourceReplicas(3, 30, 'cpu', pods(3, '1', ['False', 'True', 'True']), metrics(300, 500, 700), NOW)).toMatchObject({ replicas: 4, utilization: 60 });
  });
  it('does not scale on a pod without metrics when the rest sit at the target', () => {
    expect(resourceReplicas(2, 100, 'cpu', pods(2, '1'), metrics(1000), NOW)).toMatchObject({ replicas: 2 });
  });
  it('explains a missing request', () => {
    const p = pods(1, '1');
    delete (p[0].spec.containers[0].resources as { requests?: unknown }).requests;
    expect(resourceReplicas(1, 50, 'cpu', p, metrics(500), NOW)).toBe('missing request for cpu in container c of Pod p0');
  });
});

describe('HorizontalPodAutoscaler normalization', () => {
  const mem = () => ({ recommendations: [], scaleUpEvents: [], scaleDownEvents: [] });
  it('without behavior: at most max(2 x current, 4), and the highest recommendation of 5 minutes', () => {
    expect(normalizeDesiredReplicas(mem(), 1, 10, 1, 20, NOW)).toMatchObject({ replicas: 4, scalingLimited: { status: 'True', reason: 'ScaleUpLimit' } });
    expect(normalizeDesiredReplicas(mem(), 5, 30, 1, 20, NOW)).toMatchObject({ replicas: 10 });
    expect(normalizeDesiredReplicas(mem(), 5, 30, 1, 8, NOW)).toMatchObject({ replicas: 8, scalingLimited: { reason: 'TooManyReplicas' } });
    const m = mem();
    normalizeDesiredReplicas(m, 5, 5, 1, 10, NOW);
    expect(normalizeDesiredReplicas(m, 5, 2, 1, 10, NOW + 60_000)).toMatchObject({ replicas: 5, ableToScale: { reason: 'ScaleDownStabilized' } });
    expect(normalizeDesiredReplicas(m, 5, 2, 1, 10, NOW + 6 * 60_000)).toMatchObject({ replicas: 2 });
  });

  it('with behavior: policies per period and selectPolicy', () => {
    const rules = (policies: Array<{ type: 'Pods' | 'Percent'; value: number; periodSeconds: number }>, selectPolicy = 'Max') => ({ policies, selectPolicy, stabilizationWindowSeconds: 0 }) as never;
    expect(scaleUpLimit(10, mem(), rules([{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }]), NOW)).toBe(20);
    expect(scaleUpLimit(2, mem(), rules([{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }]), NOW)).toBe(6);
    expect(scaleUpLimit(10, mem(), rules([{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }], 'Min'), NOW)).toBe(14);
    expect(scaleDownLimit(10, mem(), rules([{ type: 'Percent', value: 10, periodSeconds: 60 }]), NOW)).toBe(9);
    // Changes within the period count against it.
    const m = { ...mem(), scaleUpEvents: [{ change: 3, at: NOW - 10_000 }] };
    expect(scaleUpLimit(5, m, rules([{ type: 'Pods', value: 4, periodSeconds: 60 }]), NOW)).toBe(6);
    const hpa = { spec: { maxReplicas: 100, behavior: { scaleUp: rules([{ type: 'Pods', value: 1, periodSeconds: 60 }]), scaleDown: { ...(rules([{ type: 'Percent', value: 100, periodSeconds: 15 }]) as object), stabilizationWindowSeconds: 300 } } } } as never;
    expect(normalizeWithBehaviors(hpa, mem(), 3, 10, 1, NOW)).toMatchObject({ replicas: 4, scalingLimited: { status: 'True', reason: 'ScaleUpLimit' } });
  });
});

describe('quota usage', () => {
  it('counts a pod, its requests and limits, and prints them as upstream does', () => {
    const pod = { metadata: {}, spec: { containers: [{ name: 'a', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1' } } }] }, status: { phase: 'Running' } } as never;
    const u = usageOf(R.pods, pod, NOW);
    expect(prettyPrint(u)).toBe('count/pods=1,cpu=250m,limits.cpu=1,memory=64Mi,pods=1,requests.cpu=250m,requests.memory=64Mi');
    const finished = { metadata: {}, spec: { containers: [] }, status: { phase: 'Succeeded' } } as never as Stored<Pod>;
    expect(usageOf(R.pods, finished, NOW).size).toBe(0);
  });
});
