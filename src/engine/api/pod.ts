/**
 * Pod helpers shared by every component (pkg/api/v1/pod, pkg/controller):
 * readiness, availability, activity, requests.
 */
import type { Container, Pod, PodCondition } from './types.ts';
import { getCondition } from './meta.ts';
import { resourceAmount } from './quantity.ts';

export function podCondition(pod: Pick<Pod, 'status'>, type: string): PodCondition | undefined {
  return getCondition(pod.status?.conditions as PodCondition[] | undefined, type);
}

/** The pod's Ready condition is True. */
export function isPodReady(pod: Pick<Pod, 'status'>): boolean {
  return podCondition(pod, 'Ready')?.status === 'True';
}

/**
 * Ready for at least minReadySeconds at `nowMs` (podutil.IsPodAvailable): the
 * Ready condition's lastTransitionTime is that far in the past.
 */
export function isPodAvailable(pod: Pick<Pod, 'status'>, minReadySeconds: number, nowMs: number): boolean {
  const c = podCondition(pod, 'Ready');
  if (c?.status !== 'True') return false;
  if (minReadySeconds <= 0) return true;
  const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : Number.NaN;
  return !Number.isNaN(since) && since + minReadySeconds * 1000 <= nowMs;
}

export function isPodTerminal(pod: Pick<Pod, 'status'>): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** controller.IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  return !isPodTerminal(pod) && !pod.metadata.deletionTimestamp;
}

/** Every container of the pod spec: init containers, then app containers. */
export function allContainers(pod: Pick<Pod, 'spec'>): Container[] {
  return [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
}

/** Restartable init containers (sidecars) keep running beside the app containers. */
export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/**
 * Effective resource requests of a pod (resourcehelper.PodRequests): the sum
 * over app containers and sidecars, or the largest init container if larger,
 * plus pod overhead. Amounts are canonical (millicores for cpu).
 */
export function podRequests(pod: Pick<Pod, 'spec'>): Map<string, number> {
  const sum = new Map<string, number>();
  const add = (into: Map<string, number>, reqs: Record<string, string | number> | undefined) => {
    for (const [r, q] of Object.entries(reqs ?? {})) into.set(r, (into.get(r) ?? 0) + resourceAmount(r, q));
  };
  for (const c of pod.spec.containers ?? []) add(sum, c.resources?.requests as Record<string, string> | undefined);
  // Init containers run one at a time before the app containers; sidecars keep running.
  let sidecars = new Map<string, number>();
  const initMax = new Map<string, number>();
  for (const c of pod.spec.initContainers ?? []) {
    const reqs = new Map<string, number>();
    add(reqs, c.resources?.requests as Record<string, string> | undefined);
    if (isSidecar(c)) {
      const next = new Map(sidecars);
      for (const [r, v] of reqs) next.set(r, (next.get(r) ?? 0) + v);
      sidecars = next;
      for (const [r, v] of sidecars) initMax.set(r, Math.max(initMax.get(r) ?? 0, v));
    } else {
      for (const [r, v] of reqs) initMax.set(r, Math.max(initMax.get(r) ?? 0, v + (sidecars.get(r) ?? 0)));
    }
  }
  for (const [r, v] of sidecars) sum.set(r, (sum.get(r) ?? 0) + v);
  for (const [r, v] of initMax) if (v > (sum.get(r) ?? 0)) sum.set(r, v);
  add(sum, pod.spec.overhead as Record<string, string> | undefined);
  return sum;
}
