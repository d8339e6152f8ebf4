/**
 * The HorizontalPodAutoscaler's replica calculator
 * (pkg/controller/podautoscaler/replica_calculator.go, Kubernetes 1.33):
 * resource utilization and average value over the ready pods, with unready
 * and missing pods counted conservatively, a tolerance of 0.1 around the
 * target, and the CPU initialization period (5 min) and initial readiness
 * delay (30 s) that keep starting pods out of the average.
 */
import type { Pod } from '../api/types.ts';
import type { PodMetrics } from '../api/metrics.ts';
import { podCondition } from '../api/pod.ts';
import { resourceAmount } from '../api/quantity.ts';

/** --horizontal-pod-autoscaler-tolerance. */
export const TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period. */
export const CPU_INITIALIZATION_PERIOD_MS = 5 * 60_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay. */
export const INITIAL_READINESS_DELAY_MS = 30_000;

/** A pod's metric value (millicores or bytes) with when and over what window it was measured. */
export interface PodMetric {
  value: number;
  timestamp: number;
  windowMs: number;
}

export type PodMetricsInfo = Map<string, PodMetric>;

/** GetResourceMetric: the usage of a resource per pod (all containers, or one), skipping pods missing a container's metric. */
export function resourceMetrics(metrics: PodMetrics[], resource: 'cpu' | 'memory', container?: string): PodMetricsInfo {
  const out: PodMetricsInfo = new Map();
  for (const m of metrics) {
    let sum = 0;
    let found = false;
    for (const c of m.containers) {
      if (container && c.name !== container) continue;
      sum += resource === 'cpu' ? c.cpu : c.memory * 1000;
      found = true;
    }
    if (found) out.set(m.name, { value: sum, timestamp: m.timestamp, windowMs: m.windowMs });
  }
  return out;
}

export const withinTolerance = (ratio: number): boolean => Math.abs(1 - ratio) <= TOLERANCE;

/**
 * groupPods: pods being deleted or failed are ignored; pending ones, and for
 * CPU those still initializing or never ready, are unready; those without
 * metrics are missing; the rest are ready.
 */
export function groupPods(
  pods: Pod[],
  metrics: PodMetricsInfo,
  resource: string,
  now: number,
): { readyCount: number; unready: Set<string>; missing: Set<string>; ignored: Set<string> } {
  const unready = new Set<string>();
  const missing = new Set<string>();
  const ignored = new Set<string>();
  let readyCount = 0;
  for (const pod of pods) {
    const name = pod.metadata.name ?? '';
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
      ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const ready = podCondition(pod, 'Ready');
      const start = pod.status?.startTime ? Date.parse(pod.status.startTime) : undefined;
      let isUnready: boolean;
      if (!ready || start === undefined) isUnready = true;
      else {
        const transition = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : 0;
        if (start + CPU_INITIALIZATION_PERIOD_MS > now) {
          // Still initializing: ignore it unless it is ready and a whole window was measured since.
          isUnready = ready.status === 'False' || metric.timestamp < transition + metric.windowMs;
        } else {
          // Ignore a pod that is unready and has never been ready.
          isUnready = ready.status === 'False' && start + INITIAL_READINESS_DELAY_MS > transition;
        }
      }
      if (isUnready) {
        unready.add(name);
        continue;
      }
    }
    readyCount++;
  }
  return { readyCount, unready, missing, ignored };
}

/** calculatePodRequests: per pod, the sum of its containers' (and sidecars') requests; an error names a missing one. */
export function podRequests(pods: Pod[], resource: string, container?: string): Map<string, number> | string {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    const containers = [...pod.spec.containers, ...(pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
    for (const c of containers) {
      if (container && c.name !== container) continue;
      const req = (c.resources?.requests as Record<string, string> | undefined)?.[resource];
      if (req === undefined) return `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`;
      sum += resource === 'cpu' ? resourceAmount('cpu', req) : resourceAmount(resource, req) * 1000;
    }
    out.set(pod.metadata.name ?? '', sum);
  }
  return out;
}

/** GetResourceUtilizationRatio: utilization as an integer percent of the requests, and its ratio to the target. */
export function utilizationRatio(
  metrics: PodMetricsInfo,
  requests: Map<string, number>,
  target: number,
): { ratio: number; utilization: number; rawAverage: number } | string {
  let total = 0;
  let requested = 0;
  let n = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    total += m.value;
    requested += r;
    n++;
  }
  if (requested === 0) return 'no metrics returned matched known pods';
  const utilization = Math.trunc((total * 100) / requested);
  return { ratio: utilization / target, utilization, rawAverage: Math.trunc(total / n) };
}

export interface ReplicaProposal {
  replicas: number;
  utilization?: number;
  /** Average usage (millicores, or milli-bytes for memory) across the pods counted. */
  rawAverage: number;
}

/** GetResourceReplicas: the replica count for a target utilization (percent of requests). */
export function resourceReplicas(
  currentReplicas: number,
  target: number,
  resource: string,
  pods: Pod[],
  metricsIn: PodMetricsInfo,
  now: number,
  container?: string,
): ReplicaProposal | string {
  if (!pods.length) return 'no pods returned by selector while calculating replica count';
  const metrics = new Map(metricsIn);
  const { readyCount, unready, missing, ignored } = groupPods(pods, metrics, resource, now);
  for (const n of [...ignored, ...unready]) metrics.delete(n);
  if (!metrics.size) return 'did not receive metrics for targeted pods (pods might be unready)';
  const requests = podRequests(pods, resource, container);
  if (typeof requests === 'string') return requests;
  const first = utilizationRatio(metrics, requests, target);
  if (typeof first === 'string') return first;
  const { ratio, utilization, rawAverage } = first;
  const scaleUpWithUnready = unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing.size === 0) {
    if (withinTolerance(ratio)) return { replicas: currentReplicas, utilization, rawAverage };
    return { replicas: Math.ceil(ratio * readyCount), utilization, rawAverage };
  }
  if (missing.size && ratio !== 1) {
    // Missing pods count as using 100% (or the target, if higher) on a scale-down, and nothing on a scale-up.
    const fallback = Math.max(100, target);
    for (const n of missing) metrics.set(n, { value: ratio < 1 ? Math.trunc(((requests.get(n) ?? 0) * fallback) / 100) : 0, timestamp: 0, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const n of unready) metrics.set(n, { value: 0, timestamp: 0, windowMs: 0 });
  const second = utilizationRatio(metrics, requests, target);
  if (typeof second === 'string') return second;
  const newRatio = second.ratio;
  if (withinTolerance(newRatio) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return { replicas: currentReplicas, utilization, rawAverage };
  const replicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return { replicas: currentReplicas, utilization, rawAverage };
  return { replicas, utilization, rawAverage };
}

/** GetRawResourceReplicas / calcPlainMetricReplicas: the replica count for a target average value. */
export function rawResourceReplicas(
  currentReplicas: number,
  targetAverage: number,
  resource: string,
  pods: Pod[],
  metricsIn: PodMetricsInfo,
  now: number,
): ReplicaProposal | string {
  if (!pods.length) return 'no pods returned by selector while calculating replica count';
  const metrics = new Map(metricsIn);
  const { readyCount, unready, missing, ignored } = groupPods(pods, metrics, resource, now);
  for (const n of [...ignored, ...unready]) metrics.delete(n);
  if (!metrics.size) return 'did not receive metrics for targeted pods (pods might be unready)';
  const average = (m: PodMetricsInfo) => {
    let t = 0;
    for (const v of m.values()) t += v.value;
    return Math.trunc(t / m.size);
  };
  const usage = average(metrics);
  const ratio = usage / targetAverage;
  const scaleUpWithUnready = unready.size > 0 && ratio > 1;
  if (!scaleUpWithUnready && missing.size === 0) {
    if (withinTolerance(ratio)) return { replicas: currentReplicas, rawAverage: usage };
    return { replicas: Math.ceil(ratio * readyCount), rawAverage: usage };
  }
  if (missing.size && ratio !== 1) for (const n of missing) metrics.set(n, { value: ratio < 1 ? targetAverage : 0, timestamp: 0, windowMs: 0 });
  if (scaleUpWithUnready) for (const n of unready) metrics.set(n, { value: 0, timestamp: 0, windowMs: 0 });
  const newRatio = average(metrics) / targetAverage;
  if (withinTolerance(newRatio) || (ratio < 1 && newRatio > 1) || (ratio > 1 && newRatio < 1)) return { replicas: currentReplicas, rawAverage: usage };
  const replicas = Math.ceil(newRatio * metrics.size);
  if ((newRatio < 1 && replicas > currentReplicas) || (newRatio > 1 && replicas < currentReplicas)) return { replicas: currentReplicas, rawAverage: usage };
  return { replicas, rawAverage: usage };
}
