/**
 * Who owns which pods, as checks read it: "pods of deployment X" are its live
 * pods (owned by it, for a Deployment through its ReplicaSets; a CronJob
 * through its Jobs) that are not being deleted.
 */
import { R, controllerRef, isPodReady, resourceByName, type Pod, type ResourceType, type Stored } from '../engine/index.ts';
import type { View } from './view.ts';
import type { Ref, WorkloadKind } from './params.ts';
import { UserError } from './errors.ts';

const TYPE_OF: Record<WorkloadKind, ResourceType> = {
  deployment: R.deployments,
  statefulset: R.statefulSets,
  daemonset: R.daemonSets,
  replicaset: R.replicaSets,
  job: R.jobs,
  cronjob: R.cronJobs,
  replicationcontroller: resourceByName('replicationcontrollers')!,
};

export function workloadType(kind: WorkloadKind): ResourceType {
  return TYPE_OF[kind];
}

/** The workload, or a clear error naming what is missing and what exists. */
export function getWorkload(view: View, kind: WorkloadKind, ref: Ref): Stored {
  const t = workloadType(kind);
  const obj = view.get(t, ref.namespace, ref.name);
  if (!obj) {
    const others = view.list(t, ref.namespace).map((o) => o.metadata.name);
    throw new UserError(
      `there is no ${kind} "${ref.name}" in namespace "${ref.namespace}"` +
        (others.length ? ` (it has ${others.map((n) => `"${n}"`).join(', ')})` : ` (it has no ${t.resource})`),
    );
  }
  return obj;
}

/** Uids of the objects whose pods count as the workload's: itself, and its ReplicaSets or Jobs. */
function owningUids(view: View, kind: WorkloadKind, owner: Stored): Set<string> {
  const uids = new Set([owner.metadata.uid]);
  const ns = owner.metadata.namespace;
  const via = kind === 'deployment' ? R.replicaSets : kind === 'cronjob' ? R.jobs : undefined;
  if (via) for (const o of view.list(via, ns)) if (controllerRef(o)?.uid === owner.metadata.uid) uids.add(o.metadata.uid);
  return uids;
}

/**
 * Every pod the workload owns, including those being deleted, in name order.
 * `live` keeps only those not being deleted.
 */
export function podsOf(view: View, kind: WorkloadKind, ref: Ref, live = true): Stored<Pod>[] {
  const owner = getWorkload(view, kind, ref);
  const uids = owningUids(view, kind, owner);
  return view
    .list<Pod>(R.pods, ref.namespace)
    .filter((p) => uids.has(controllerRef(p)?.uid ?? '') && (!live || !p.metadata.deletionTimestamp));
}

/** "running": phase Running and not being deleted. */
export function isRunning(p: Stored<Pod>): boolean {
  return p.status?.phase === 'Running' && !p.metadata.deletionTimestamp;
}

export function isReady(p: Stored<Pod>): boolean {
  return isPodReady(p) && !p.metadata.deletionTimestamp;
}
