/**
 * Checks on what the workload controllers report: rollouts (as `kubectl
 * rollout status` judges them), revisions, CronJob starts, autoscaler
 * recommendations and claims.
 */
import { R, controllerRef, type ResourceType, type CronJob, type HorizontalPodAutoscaler, type KubeEvent, type PersistentVolumeClaim, type Stored } from '../engine/index.ts';
import { rolloutStatus } from '../kubectl/verbs/rollout-status.ts';
import type { Check } from './checks.ts';
import type { View } from './view.ts';
import type { Ref, WorkloadKind } from './params.ts';
import { getWorkload, podsOf, workloadType } from './workloads.ts';
import { indent, podsReport, table } from './report.ts';

const ROLLOUT_KINDS: WorkloadKind[] = ['deployment', 'statefulset', 'daemonset'];

/** "the rollout of deployment X has completed": what `kubectl rollout status` calls successfully rolled out. */
export function rolloutCompleted(kind: WorkloadKind, ref: Ref): Check {
  const expected = `the rollout of ${kind} "${ref.name}" has completed`;
  return (view) => {
    if (!ROLLOUT_KINDS.includes(kind)) return { ok: false, expected, found: `a ${kind} has no rollout (only deployments, statefulsets and daemonsets do)` };
    const obj = getWorkload(view, kind, ref);
    let found: string;
    let ok = false;
    try {
      const s = rolloutStatus(workloadType(kind), obj);
      ok = s.done;
      found = s.message.trim();
    } catch (e) {
      found = `kubectl rollout status says: ${(e as Error).message}`;
    }
    return { ok, expected, found, details: () => details(view, kind, ref, obj) };
  };
}

/** "the rollout of deployment X has exceeded its progress deadline": Progressing=False, ProgressDeadlineExceeded. */
export function rolloutDeadlineExceeded(ref: Ref): Check {
  const expected = `the rollout of deployment "${ref.name}" has exceeded its progress deadline`;
  return (view) => {
    const d = getWorkload(view, 'deployment', ref) as Stored & { status?: { conditions?: Array<{ type: string; status: string; reason?: string }> } };
    const c = d.status?.conditions?.find((x) => x.type === 'Progressing');
    return {
      ok: c?.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
      expected,
      found: c ? `its Progressing condition is ${c.status} (${c.reason})` : 'it has no Progressing condition',
      details: () => details(view, 'deployment', ref, d),
    };
  };
}

/** "the deployment X is at revision N": its deployment.kubernetes.io/revision annotation. */
export function atRevision(ref: Ref, revision: number): Check {
  return (view) => {
    const d = getWorkload(view, 'deployment', ref);
    const r = d.metadata.annotations?.['deployment.kubernetes.io/revision'];
    return {
      ok: r === String(revision),
      expected: `the deployment "${ref.name}" is at revision ${revision}`,
      found: r ? `it is at revision ${r}` : 'it has no revision yet',
      details: () => details(view, 'deployment', ref, d),
    };
  };
}

function details(view: View, kind: WorkloadKind, ref: Ref, obj: Stored): string {
  const sets = kind === 'deployment' ? view.list(R.replicaSets, ref.namespace).filter((rs) => controllerRef(rs)?.uid === obj.metadata.uid) : [];
  return [
    `${obj.kind}:`,
    indent(table(obj.kind, [obj], view.now)),
    ...(sets.length ? ['ReplicaSets:', indent(table('ReplicaSet', sets, view.now))] : []),
    podsReport(view, podsOf(view, kind, ref, false)),
  ].join('\n');
}

/**
 * "the cronjob X has started N jobs": the jobs its controller created on
 * schedule (its SuccessfulCreate events), counted even once the history
 * limits have deleted them; jobs triggered by hand do not count.
 */
export function cronJobStarted(ref: Ref, n: number): Check {
  return (view) => {
    const cj = getWorkload(view, 'cronjob', ref) as Stored<CronJob>;
    const names = new Set<string>();
    for (const e of view.list<KubeEvent>(R.events, ref.namespace)) {
      if (e.involvedObject.uid !== cj.metadata.uid || e.reason !== 'SuccessfulCreate') continue;
      const m = /^Created job (\S+)$/.exec(e.message ?? '');
      if (m) names.add(m[1]);
    }
    for (const j of view.list(R.jobs, ref.namespace)) {
      if (controllerRef(j)?.uid === cj.metadata.uid && j.metadata.annotations?.['cronjob.kubernetes.io/instantiate'] !== 'manual') names.add(j.metadata.name);
    }
    const jobs = view.list(R.jobs, ref.namespace).filter((j) => controllerRef(j)?.uid === cj.metadata.uid);
    return {
      ok: names.size === n,
      expected: `the cronjob "${ref.name}" has started ${n} job${n === 1 ? '' : 's'}`,
      found: `it has started ${names.size}${names.size ? `: ${[...names].sort().join(', ')}` : ''}`,
      details: () => ['CronJob:', indent(table('CronJob', [cj], view.now)), 'Jobs:', indent(table('Job', jobs, view.now))].join('\n'),
    };
  };
}

/** "the horizontal pod autoscaler X wants N replicas": status.desiredReplicas. */
export function autoscalerWants(ref: Ref, n: number): Check {
  return (view) => {
    const hpa = view.get<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers, ref.namespace, ref.name);
    const expected = `the horizontal pod autoscaler "${ref.name}" wants ${n} replica${n === 1 ? '' : 's'}`;
    if (!hpa) return { ok: false, expected, found: `there is no horizontal pod autoscaler "${ref.name}" in namespace "${ref.namespace}"` };
    const conditions = (hpa.status?.conditions ?? []).map((c) => `${c.type}=${c.status} (${c.reason}: ${c.message})`);
    return {
      ok: hpa.status?.desiredReplicas === n,
      expected,
      found: `status.desiredReplicas is ${hpa.status?.desiredReplicas ?? 0} (currentReplicas ${hpa.status?.currentReplicas ?? 0})`,
      details: () => ['HorizontalPodAutoscaler:', indent(table('HorizontalPodAutoscaler', [hpa], view.now)), 'Conditions:', indent(conditions.join('\n') || 'none')].join('\n'),
    };
  };
}

/** "the persistent volume claim X is bound" (or pending, lost): status.phase. */
export function claimPhase(ref: Ref, phase: 'bound' | 'pending' | 'lost'): Check {
  return (view) => {
    const pvc = view.get<PersistentVolumeClaim>(R.persistentVolumeClaims, ref.namespace, ref.name);
    const expected = `the persistent volume claim "${ref.name}" is ${phase}`;
    if (!pvc) {
      const names = view.list(R.persistentVolumeClaims, ref.namespace).map((c) => c.metadata.name);
      return { ok: false, expected, found: `there is no persistent volume claim "${ref.name}" in namespace "${ref.namespace}"${names.length ? ` (it has ${names.join(', ')})` : ''}` };
    }
    const actual = pvc.status?.phase ?? 'Pending';
    return {
      ok: actual.toLowerCase() === phase,
      expected,
      found: `its phase is ${actual}${pvc.spec.volumeName ? ` (volume ${pvc.spec.volumeName})` : ''}`,
      details: () => ['PersistentVolumeClaims:', indent(table('PersistentVolumeClaim', view.list(R.persistentVolumeClaims, ref.namespace), view.now))].join('\n'),
    };
  };
}

/** "the cronjob X keeps N jobs": the Jobs it owns now (its history limits delete the older ones). */
export function cronJobKeeps(ref: Ref, n: number): Check {
  return (view) => {
    const cj = getWorkload(view, 'cronjob', ref);
    const jobs = view.list(R.jobs, ref.namespace).filter((j) => controllerRef(j)?.uid === cj.metadata.uid && !j.metadata.deletionTimestamp);
    return {
      ok: jobs.length === n,
      expected: `the cronjob "${ref.name}" keeps ${n} job${n === 1 ? '' : 's'}`,
      found: `it has ${jobs.length}: ${jobs.map((j) => j.metadata.name).join(', ') || 'none'}`,
      details: () => ['Jobs:', indent(table('Job', jobs, view.now))].join('\n'),
    };
  };
}

/** "the event X was recorded for the cronjob Y" (any kind): an event about that object itself. */
export function eventRecordedForObject(reason: string, type: ResourceType, ref: Ref, words = type.singular): Check {
  return (view) => {
    const expected = `the event "${reason}" was recorded for the ${words} "${ref.name}"`;
    const obj = view.get(type, type.namespaced ? ref.namespace : undefined, ref.name);
    if (!obj) return { ok: false, expected, found: `there is no ${words} "${ref.name}"${type.namespaced ? ` in namespace "${ref.namespace}"` : ''}` };
    const events = view.list<KubeEvent>(R.events, type.namespaced ? ref.namespace : undefined).filter((e) => e.involvedObject.uid === obj.metadata.uid);
    const hit = events.filter((e) => e.reason === reason);
    return {
      ok: hit.length > 0,
      expected,
      found: hit.length ? `${hit.length} recorded` : `no "${reason}" event among ${events.length}: ${[...new Set(events.map((e) => e.reason))].join(', ') || 'none'}`,
    };
  };
}
