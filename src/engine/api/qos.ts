/**
 * Pod QoS class (pkg/apis/core/helper/qos ComputePodQOS): BestEffort when no
 * container requests or limits cpu or memory (zero counts as nothing);
 * Guaranteed when every container limits both cpu and memory and the sums of
 * requests equal the sums of limits, resource by resource; Burstable
 * otherwise.
 */
import type { PodSpec } from './types.ts';
import { resourceAmount } from './quantity.ts';

export type QOSClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

const COMPUTE = ['cpu', 'memory'];

export function podQOSClass(spec: PodSpec): QOSClass {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  for (const c of containers) {
    const req = (c.resources?.requests ?? {}) as Record<string, string | number>;
    const lim = (c.resources?.limits ?? {}) as Record<string, string | number>;
    for (const r of COMPUTE) {
      if (req[r] !== undefined && resourceAmount(r, req[r]) !== 0) requests.set(r, (requests.get(r) ?? 0) + resourceAmount(r, req[r]));
      if (lim[r] !== undefined && resourceAmount(r, lim[r]) !== 0) limits.set(r, (limits.get(r) ?? 0) + resourceAmount(r, lim[r]));
    }
    const limited = COMPUTE.every((r) => lim[r] !== undefined && resourceAmount(r, lim[r]) !== 0);
    if (!limited) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [r, v] of requests) if (limits.get(r) !== v) return 'Burstable';
    // Every limited resource must be requested as much (zero requests do not count).
    if (requests.size === limits.size) return 'Guaranteed';
  }
  return 'Burstable';
}
