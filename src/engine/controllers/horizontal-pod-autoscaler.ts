/**
 * The HorizontalPodAutoscaler controller (pkg/controller/podautoscaler,
 * autoscaling/v2, Kubernetes 1.33): every 15 s (the sync period; the first
 * sync comes 15 s after the autoscaler appears) it reads the target's scale,
 * computes a replica count for each Resource and ContainerResource metric
 * from the resource metrics API, takes the largest, stabilizes and limits
 * it (spec.behavior, or the default 5-minute scale-down window and the
 * 2x-or-4 scale-up limit), clamps it to minReplicas and maxReplicas and
 * writes it to the target. Status carries currentReplicas, desiredReplicas,
 * currentMetrics, lastScaleTime and the AbleToScale, ScalingActive and
 * ScalingLimited conditions.
 */
import { R, resourceFor } from '../api/kinds.ts';
import type { HorizontalPodAutoscaler, Pod, Stored } from '../api/types.ts';
import type { ResourceMetricsSource } from '../api/metrics.ts';
import { clone, deepEqual, namespacedName, splitKey, setCondition, type Condition } from '../api/meta.ts';
import { Selector } from '../api/selectors.ts';
import { formatAmount, milliValue } from '../api/quantity.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller, ControllerContext, Result } from './manager.ts';
import { type ReplicaProposal, rawResourceReplicas, resourceMetrics, resourceReplicas } from './hpa-replica-calculator-util.ts';
import { type AutoscalerMemory, normalizeDesiredReplicas, normalizeWithBehaviors, storeScaleEvent } from './hpa-behavior-util.ts';

/** --horizontal-pod-autoscaler-sync-period. */
export const HPA_SYNC_PERIOD_MS = 15_000;

type HPA = Stored<HorizontalPodAutoscaler>;
type MetricSpec = NonNullable<HorizontalPodAutoscaler['spec']['metrics']>[number];
type MetricStatus = NonNullable<NonNullable<HorizontalPodAutoscaler['status']>['currentMetrics']>[number];

const NO_METRICS: ResourceMetricsSource = { podMetrics: () => [] };

export function horizontalPodAutoscalerController(metrics: ResourceMetricsSource = NO_METRICS): Controller {
  let hpas: Informer<HorizontalPodAutoscaler>;
  let pods: Informer<Pod>;
  const memory = new Map<string, AutoscalerMemory>();

  return {
    name: 'horizontal-pod-autoscaler',

    setup(ctx) {
      hpas = ctx.informers.informer<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers);
      pods = ctx.informers.informer<Pod>(R.pods).addIndex('namespace', byNamespace);
      // Every request waits one sync period in the queue; one already waiting absorbs the next.
      const enqueue = (h: HPA) => ctx.enqueue(namespacedName(h), HPA_SYNC_PERIOD_MS);
      hpas.on({ add: enqueue, update: (_o, h) => enqueue(h), delete: (h) => memory.delete(namespacedName(h)) });
    },

    reconcile(key, ctx): Result | void {
      const { namespace, name } = splitKey(key);
      const hpa = hpas.get(namespace, name);
      if (!hpa) {
        memory.delete(key);
        return;
      }
      let mem = memory.get(key);
      if (!mem) memory.set(key, (mem = { recommendations: [], scaleUpEvents: [], scaleDownEvents: [] }));
      try {
        reconcileAutoscaler(hpa, ctx, metrics, pods, mem);
      } finally {
        // Processed every sync period, whatever happened.
      }
      return { requeueAfterMs: HPA_SYNC_PERIOD_MS };
    },
  };
}

function cond(status: NonNullable<HorizontalPodAutoscaler['status']>, type: string, st: string, reason: string, message: string, iso: string): void {
  status.conditions = setCondition((status.conditions ?? []) as Condition[], { type, status: st, reason, message, lastTransitionTime: iso }) as typeof status.conditions;
}

function reconcileAutoscaler(hpa: HPA, ctx: ControllerContext, metrics: ResourceMetricsSource, pods: Informer<Pod>, mem: AutoscalerMemory): void {
  const now = ctx.clock.now();
  const iso = ctx.clock.iso().replace(/\.\d+Z$/, 'Z');
  const status = clone(hpa.status ?? { desiredReplicas: 0 });
  const ref = hpa.spec.scaleTargetRef;
  const type = resourceFor(ref.apiVersion ?? '', ref.kind);
  const write = () => {
    if (deepEqual(status, hpa.status ?? {})) return;
    try {
      ctx.client.updateStatus(R.horizontalPodAutoscalers, { ...hpa, status });
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  };
  let target: Stored & { spec?: { replicas?: number; selector?: unknown } };
  try {
    if (!type || !['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController'].includes(type.kind)) {
      throw new Error(`no matches for kind "${ref.kind}" in group "${(ref.apiVersion ?? '').split('/').slice(0, -1).join('/')}"`);
    }
    target = ctx.client.get(type, hpa.metadata.namespace, ref.name);
  } catch (e) {
    const msg = (e as Error).message;
    ctx.recorder.event(hpa, 'Warning', 'FailedGetScale', msg);
    cond(status, 'AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${msg}`, iso);
    write();
    return;
  }
  cond(status, 'AbleToScale', 'True', 'SucceededGetScale', "the HPA controller was able to get the target's current scale", iso);
  const current = target.spec?.replicas ?? 1;
  const min = hpa.spec.minReplicas ?? 1;
  const max = hpa.spec.maxReplicas;
  let desired = 0;
  let rescaleReason = '';
  let metricStatuses: MetricStatus[] | undefined;
  if (current === 0 && min !== 0) {
    cond(status, 'ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero', iso);
  } else if (current > max) {
    rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
    desired = max;
  } else if (current < min) {
    rescaleReason = 'Current number of replicas below Spec.MinReplicas';
    desired = min;
  } else {
    const computed = computeReplicasForMetrics(hpa, ctx, metrics, pods, target, current, status, iso, now);
    metricStatuses = computed.statuses;
    if (computed.replicas === -1) {
      status.currentReplicas = current;
      status.desiredReplicas = hpa.status?.desiredReplicas ?? 0;
      if (metricStatuses.length) status.currentMetrics = metricStatuses;
      else delete status.currentMetrics;
      ctx.recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', computed.error!);
      write();
      return;
    }
    desired = computed.replicas;
    if (desired > current) rescaleReason = `${computed.metric} above target`;
    if (desired < current) rescaleReason = 'All metrics below target';
    const n = hpa.spec.behavior ? normalizeWithBehaviors(hpa, mem, current, desired, min, now) : normalizeDesiredReplicas(mem, current, desired, min, max, now);
    cond(status, 'AbleToScale', 'True', n.ableToScale.reason, n.ableToScale.message, iso);
    cond(status, 'ScalingLimited', n.scalingLimited.status, n.scalingLimited.reason, n.scalingLimited.message, iso);
    desired = n.replicas;
  }
  const rescale = desired !== current && !(current === 0 && min !== 0);
  if (rescale) {
    try {
      ctx.client.patch(type!, hpa.metadata.namespace, ref.name, { spec: { replicas: desired } }, 'merge');
      cond(status, 'AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`, iso);
      ctx.recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desired}; reason: ${rescaleReason}`);
      storeScaleEvent(hpa, mem, current, desired, now);
      status.lastScaleTime = iso;
    } catch (e) {
      const msg = (e as Error).message;
      cond(status, 'AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${msg}`, iso);
      ctx.recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desired}; reason: ${rescaleReason}; error: ${msg}`);
      desired = current;
    }
  } else if (current === 0 && min !== 0) desired = 0;
  status.currentReplicas = current;
  status.desiredReplicas = desired;
  if (metricStatuses?.length) status.currentMetrics = metricStatuses;
  write();
}

/** computeReplicasForMetrics: the largest proposal of the valid metrics; -1 when they are all invalid (or some are and it would scale down). */
function computeReplicasForMetrics(
  hpa: HPA,
  ctx: ControllerContext,
  metrics: ResourceMetricsSource,
  podInformer: Informer<Pod>,
  target: Stored & { spec?: { replicas?: number; selector?: unknown } },
  current: number,
  status: NonNullable<HorizontalPodAutoscaler['status']>,
  iso: string,
  now: number,
): { replicas: number; metric?: string; statuses: MetricStatus[]; error?: string } {
  let selector: Selector;
  try {
    selector = Selector.fromLabelSelector(target.spec?.selector as never);
  } catch {
    cond(status, 'ScalingActive', 'False', 'InvalidSelector', 'the HPA target\'s scale has an invalid label selector', iso);
    return { replicas: -1, statuses: [], error: 'invalid selector' };
  }
  const ns = hpa.metadata.namespace ?? '';
  const pods = (podInformer.byIndex('namespace', ns) as Stored<Pod>[]).filter((p) => selector.matches(p.metadata.labels));
  const podMetrics = metrics.podMetrics(ns).filter((m) => selector.matches(m.labels));
  const specs = hpa.spec.metrics ?? [];
  const statuses: MetricStatus[] = [];
  let replicas = 0;
  let metric = '';
  let invalid = 0;
  let firstError: { reason: string; message: string } | undefined;
  for (const spec of specs) {
    const r = computeForMetric(spec, current, pods, podMetrics, now);
    if (typeof r === 'string' || 'unsupported' in r) {
      const message = typeof r === 'string' ? r : r.unsupported;
      const reason = spec.type === 'ContainerResource' ? 'FailedGetContainerResourceMetric' : spec.type === 'Resource' ? 'FailedGetResourceMetric' : `FailedGet${spec.type}Metric`;
      ctx.recorder.event(hpa, 'Warning', reason, message);
      if (!firstError) firstError = { reason, message };
      invalid++;
      continue;
    }
    statuses.push(r.status);
    if (replicas === 0 || r.replicas > replicas) {
      replicas = r.replicas;
      metric = r.name;
    }
  }
  const error = firstError ? `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError.message}` : undefined;
  if (firstError && (invalid >= specs.length || replicas < (target.spec?.replicas ?? 1))) {
    cond(status, 'ScalingActive', 'False', firstError.reason, `the HPA was unable to compute the replica count: ${firstError.message}`, iso);
    return { replicas: -1, statuses, error };
  }
  cond(status, 'ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`, iso);
  return { replicas, metric, statuses, error };
}

function computeForMetric(
  spec: MetricSpec,
  current: number,
  pods: Stored<Pod>[],
  podMetrics: ReturnType<ResourceMetricsSource['podMetrics']>,
  now: number,
): { replicas: number; name: string; status: MetricStatus } | { unsupported: string } | string {
  const source = spec.type === 'Resource' ? spec.resource : spec.type === 'ContainerResource' ? spec.containerResource : undefined;
  if (!source) {
    // The cluster serves no custom or external metrics API (no adapter is installed), as a fresh cluster has none.
    const name = spec.pods?.metric.name ?? spec.object?.metric.name ?? spec.external?.metric.name ?? '';
    if (spec.type === 'External') {
      return { unsupported: `failed to get external metric value: unable to get external metric ${name}: unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered` };
    }
    const what = spec.type === 'Pods' ? 'pods' : 'object';
    return { unsupported: `failed to get ${what} metric value: unable to get metric ${name}: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered` };
  }
  const resourceName = source.name;
  if (resourceName !== 'cpu' && resourceName !== 'memory') return `failed to get ${resourceName} usage: unable to get metrics for resource ${resourceName}: no metrics returned from resource metrics API`;
  const container = spec.type === 'ContainerResource' ? spec.containerResource!.container : undefined;
  const values = resourceMetrics(podMetrics, resourceName, container);
  const containerWord = container ? 'container ' : '';
  const target = source.target;
  const noMetrics = () => `unable to get metrics for resource ${resourceName}: no metrics returned from resource metrics API`;
  const current$ = (p: ReplicaProposal, utilization: boolean) => {
    const avg = resourceName === 'cpu' ? formatAmount('cpu', p.rawAverage) : formatAmount('memory', Math.trunc(p.rawAverage / 1000));
    return utilization ? { averageUtilization: p.utilization, averageValue: avg } : { averageValue: avg };
  };
  const wrap = (current: ReturnType<typeof current$>): MetricStatus =>
    spec.type === 'Resource'
      ? { type: 'Resource', resource: { name: resourceName, current } }
      : { type: 'ContainerResource', containerResource: { name: resourceName, container: container!, current } };
  if (target.averageValue !== undefined && target.averageValue !== null) {
    if (!values.size) return `failed to get ${resourceName} usage: ${noMetrics()}`;
    const raw = resourceName === 'cpu' ? milliValue(target.averageValue) : milliValue(target.averageValue);
    const p = rawResourceReplicas(current, raw, resourceName, pods, values, now);
    if (typeof p === 'string') return `failed to get ${resourceName} usage: ${p}`;
    return { replicas: p.replicas, name: `${resourceName} ${containerWord}resource`, status: wrap(current$(p, false)) };
  }
  if (target.averageUtilization === undefined || target.averageUtilization === null) {
    return 'invalid resource metric source: neither an average utilization target nor an average value (usage) target was set';
  }
  if (!values.size) return `failed to get ${resourceName} utilization: ${noMetrics()}`;
  const p = resourceReplicas(current, target.averageUtilization, resourceName, pods, values, now, container);
  if (typeof p === 'string') return `failed to get ${resourceName} utilization: ${p}`;
  return { replicas: p.replicas, name: `${resourceName} ${containerWord}resource utilization (percentage of request)`, status: wrap(current$(p, true)) };
}

