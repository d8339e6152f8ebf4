/**
 * How the HorizontalPodAutoscaler turns a recommendation into a replica
 * count (pkg/controller/podautoscaler/horizontal.go, Kubernetes 1.33):
 * without spec.behavior, the highest recommendation of the last 5 minutes
 * (the downscale stabilisation window) and at most max(2 x current, 4) on
 * a scale-up; with spec.behavior, stabilization windows in both directions
 * and the scaling policies (Pods or Percent per period, selectPolicy Max,
 * Min or Disabled) over the scale events of each period. Each result names
 * the AbleToScale and ScalingLimited reasons upstream sets.
 */
import type { HorizontalPodAutoscaler } from '../api/types.ts';

/** --horizontal-pod-autoscaler-downscale-stabilization. */
export const DOWNSCALE_STABILISATION_WINDOW_MS = 5 * 60_000;
const SCALE_UP_LIMIT_FACTOR = 2;
const SCALE_UP_LIMIT_MINIMUM = 4;

export interface Recommendation {
  replicas: number;
  at: number;
}

export interface ScaleEvent {
  change: number;
  at: number;
  outdated?: boolean;
}

/** What the controller remembers per autoscaler between syncs. */
export interface AutoscalerMemory {
  recommendations: Recommendation[];
  scaleUpEvents: ScaleEvent[];
  scaleDownEvents: ScaleEvent[];
}

export interface Normalized {
  replicas: number;
  ableToScale: { reason: string; message: string };
  scalingLimited: { status: 'True' | 'False'; reason: string; message: string };
}

type Rules = NonNullable<NonNullable<HorizontalPodAutoscaler['spec']['behavior']>['scaleUp']>;

const READY = { reason: 'ReadyForNewScale', message: 'recommended size matches current size' };

/** normalizeDesiredReplicas: the default (behavior-less) path. */
export function normalizeDesiredReplicas(mem: AutoscalerMemory, current: number, desired: number, min: number, max: number, now: number): Normalized {
  // stabilizeRecommendation: the highest recommendation within the window; one stale sample is replaced.
  let stabilized = desired;
  let oldIndex = -1;
  const cutoff = now - DOWNSCALE_STABILISATION_WINDOW_MS;
  mem.recommendations.forEach((r, i) => {
    if (r.at < cutoff) oldIndex = i;
    else if (r.replicas > stabilized) stabilized = r.replicas;
  });
  if (oldIndex >= 0) mem.recommendations[oldIndex] = { replicas: desired, at: now };
  else mem.recommendations.push({ replicas: desired, at: now });
  const ableToScale =
    stabilized !== desired ? { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' } : READY;
  // convertDesiredReplicasWithRules.
  const scaleUpLimit = Math.max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM);
  let maxAllowed: number;
  let reason: string;
  let message: string;
  if (max > scaleUpLimit) {
    maxAllowed = scaleUpLimit;
    reason = 'ScaleUpLimit';
    message = 'the desired replica count is increasing faster than the maximum scale rate';
  } else {
    maxAllowed = max;
    reason = 'TooManyReplicas';
    message = 'the desired replica count is more than the maximum replica count';
  }
  let replicas = stabilized;
  if (stabilized < min) {
    replicas = min;
    reason = 'TooFewReplicas';
    message = 'the desired replica count is less than the minimum replica count';
  } else if (stabilized > maxAllowed) replicas = maxAllowed;
  else {
    reason = 'DesiredWithinRange';
    message = 'the desired count is within the acceptable range';
  }
  return { replicas, ableToScale, scalingLimited: { status: replicas === stabilized ? 'False' : 'True', reason, message } };
}

/** normalizeDesiredReplicasWithBehaviors. */
export function normalizeWithBehaviors(hpa: HorizontalPodAutoscaler, mem: AutoscalerMemory, current: number, desired: number, min: number, now: number): Normalized {
  const behavior = hpa.spec.behavior!;
  const up = behavior.scaleUp!;
  const down = behavior.scaleDown!;
  const upWindow = (up.stabilizationWindowSeconds ?? 0) * 1000;
  // maybeInitScaleDownStabilizationWindow: an unset window is the controller's flag.
  const downWindow = down.stabilizationWindowSeconds !== undefined && down.stabilizationWindowSeconds !== null ? down.stabilizationWindowSeconds * 1000 : DOWNSCALE_STABILISATION_WINDOW_MS;
  // stabilizeRecommendationWithBehaviors.
  let upRec = desired;
  let downRec = desired;
  let oldIndex = -1;
  mem.recommendations.forEach((r, i) => {
    if (r.at > now - upWindow) upRec = Math.min(r.replicas, upRec);
    if (r.at > now - downWindow) downRec = Math.max(r.replicas, downRec);
    if (r.at < now - upWindow && r.at < now - downWindow) oldIndex = i;
  });
  let stabilized = current;
  if (stabilized < upRec) stabilized = upRec;
  if (stabilized > downRec) stabilized = downRec;
  if (oldIndex >= 0) mem.recommendations[oldIndex] = { replicas: desired, at: now };
  else mem.recommendations.push({ replicas: desired, at: now });
  const ableToScale =
    stabilized === desired
      ? READY
      : desired >= current
        ? { reason: 'ScaleUpStabilized', message: 'recent recommendations were lower than current one, applying the lowest recent recommendation' }
        : { reason: 'ScaleDownStabilized', message: 'recent recommendations were higher than current one, applying the highest recent recommendation' };
  // convertDesiredReplicasWithBehaviorRate.
  const max = hpa.spec.maxReplicas;
  let replicas = stabilized;
  let reason = 'DesiredWithinRange';
  let message = 'the desired count is within the acceptable range';
  if (stabilized > current) {
    const limit = Math.max(scaleUpLimit(current, mem, up, now), current);
    let maxAllowed = max;
    if (max > limit) {
      maxAllowed = limit;
      reason = 'ScaleUpLimit';
      message = 'the desired replica count is increasing faster than the maximum scale rate';
    } else {
      reason = 'TooManyReplicas';
      message = 'the desired replica count is more than the maximum replica count';
    }
    if (stabilized > maxAllowed) replicas = maxAllowed;
    else {
      reason = 'DesiredWithinRange';
      message = 'the desired count is within the acceptable range';
    }
  } else if (stabilized < current) {
    const limit = Math.min(scaleDownLimit(current, mem, down, now), current);
    let minAllowed = min;
    if (min < limit) {
      minAllowed = limit;
      reason = 'ScaleDownLimit';
      message = 'the desired replica count is decreasing faster than the maximum scale rate';
    } else {
      reason = 'TooFewReplicas';
      message = 'the desired replica count is less than the minimum replica count';
    }
    if (stabilized < minAllowed) replicas = minAllowed;
    else {
      reason = 'DesiredWithinRange';
      message = 'the desired count is within the acceptable range';
    }
  }
  return { replicas, ableToScale, scalingLimited: { status: replicas === stabilized ? 'False' : 'True', reason, message } };
}

/** getReplicasChangePerPeriod: replicas added (or removed) by scale events within the period. */
function changeInPeriod(periodSeconds: number, events: ScaleEvent[], now: number): number {
  let n = 0;
  for (const e of events) if (e.at > now - periodSeconds * 1000) n += e.change;
  return n;
}

/** calculateScaleUpLimitWithScalingRules. */
export function scaleUpLimit(current: number, mem: AutoscalerMemory, rules: Rules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const minChange = rules.selectPolicy === 'Min';
  let result = minChange ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(p.periodSeconds, mem.scaleUpEvents, now) + changeInPeriod(p.periodSeconds, mem.scaleDownEvents, now);
    const proposed = p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = minChange ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

/** calculateScaleDownLimitWithBehaviors. */
export function scaleDownLimit(current: number, mem: AutoscalerMemory, rules: Rules, now: number): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const minChange = rules.selectPolicy === 'Min';
  let result = minChange ? Number.MIN_SAFE_INTEGER : Number.MAX_SAFE_INTEGER;
  for (const p of rules.policies ?? []) {
    const start = current - changeInPeriod(p.periodSeconds, mem.scaleUpEvents, now) + changeInPeriod(p.periodSeconds, mem.scaleDownEvents, now);
    const proposed = p.type === 'Pods' ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = minChange ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

/** storeScaleEvent: remembers a scale for the policies' periods, reusing an outdated slot. */
export function storeScaleEvent(hpa: HorizontalPodAutoscaler, mem: AutoscalerMemory, previous: number, next: number, now: number): void {
  const behavior = hpa.spec.behavior;
  if (!behavior) return;
  const up = next > previous;
  const rules = up ? behavior.scaleUp : behavior.scaleDown;
  const longest = Math.max(0, ...(rules?.policies ?? []).map((p) => p.periodSeconds)) * 1000;
  const list = up ? mem.scaleUpEvents : mem.scaleDownEvents;
  for (const e of list) if (e.at < now - longest) e.outdated = true;
  const event = { change: Math.abs(next - previous), at: now };
  const i = list.findIndex((e) => e.outdated);
  if (i >= 0) list[i] = event;
  else list.push(event);
}
