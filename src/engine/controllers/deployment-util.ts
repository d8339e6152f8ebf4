/**
 * Deployment arithmetic (pkg/controller/deployment/util): surge and
 * unavailability fenceposts, the new ReplicaSet's size, proportional scaling,
 * revisions and the annotations that carry them, and the rollout conditions.
 */
import type { Deployment, DeploymentCondition, DeploymentStatus, PodTemplateSpec, ReplicaSet, Stored } from '../api/types.ts';
import { deepEqual } from '../api/meta.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** Annotations of a Deployment that are not copied to its ReplicaSets. */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

type IntOrString = number | string | undefined;

/** intstr.GetScaledValueFromIntOrPercent. */
export function scaledValue(v: IntOrString, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export function replicasOf(d: { spec: { replicas?: number } }): number {
  return d.spec.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down, and they cannot both be 0. */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate;
  const desired = replicasOf(d);
  const surge = scaledValue(ru?.maxSurge ?? '25%', desired, true);
  let unavailable = scaledValue(ru?.maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  const desired = replicasOf(d);
  if (!isRollingUpdate(d) || desired === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, desired);
}

export const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 1;

export function sumSpec(rss: ReplicaSet[]): number {
  return rss.reduce((n, rs) => n + specReplicas(rs), 0);
}
export function sumStatus(rss: ReplicaSet[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return rss.reduce((n, rs) => n + (rs.status?.[field] ?? 0), 0);
}

/** NewRSNewReplicas: how big the new ReplicaSet may be now. */
export function newRSNewReplicas(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = sumSpec(all);
  const maxTotal = replicasOf(d) + maxSurge(d);
  if (current >= maxTotal) return specReplicas(newRS);
  const up = Math.min(maxTotal - current, replicasOf(d) - specReplicas(newRS));
  return specReplicas(newRS) + up;
}

function withoutHash(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const labels = { ...(t?.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...(t ?? {}), metadata: { ...(t?.metadata ?? {}), labels } };
}

/** EqualIgnoreHash: the templates are equal but for the pod-template-hash label. */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return deepEqual(withoutHash(a), withoutHash(b));
}

export function byCreation<T extends Stored>(a: T, b: T): number {
  const ta = a.metadata.creationTimestamp;
  const tb = b.metadata.creationTimestamp;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

export function revisionOf(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const v = Number(obj.metadata.annotations?.[REVISION_ANNOTATION] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

export function maxRevision(rss: ReplicaSet[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/** SetReplicasAnnotations: returns true when the annotations changed. */
export function setReplicasAnnotations(annotations: Record<string, string>, desired: number, max: number): boolean {
  let changed = false;
  if (annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (annotations[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    annotations[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

/**
 * SetNewReplicaSetAnnotations: copies the Deployment's annotations and moves
 * the revision forward (keeping the history of revisions an existing set had).
 */
export function setNewReplicaSetAnnotations(d: Deployment, annotations: Record<string, string>, newRevision: string, exists: boolean): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (NOT_COPIED.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const old = annotations[REVISION_ANNOTATION];
  const oldNum = Number(old ?? 0);
  if (oldNum < Number(newRevision)) {
    annotations[REVISION_ANNOTATION] = newRevision;
    changed = true;
    if (old && exists) {
      const history = annotations[REVISION_HISTORY_ANNOTATION];
      annotations[REVISION_HISTORY_ANNOTATION] = history ? `${history},${old}` : old;
    }
  }
  if (!exists && setReplicasAnnotations(annotations, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

/** getReplicaSetFraction: this set's share of a proportional scale. */
function fraction(rs: ReplicaSet, d: Deployment): number {
  if (replicasOf(d) === 0) return -specReplicas(rs);
  const deploymentMaxReplicas = replicasOf(d) + maxSurge(d);
  const raw = rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION];
  // getMaxReplicasAnnotation: a decimal int32, else absent.
  let beforeScale = raw !== undefined && /^[+-]?[0-9]+$/.test(raw) && Math.abs(Number(raw)) < 2 ** 31 ? Number(raw) : 0;
  if (beforeScale === 0) {
    // No usable annotation: fall back to the deployment's current size; with none, no fraction.
    beforeScale = d.status?.replicas ?? 0;
    if (beforeScale === 0) return 0;
  }
  const size = (specReplicas(rs) * deploymentMaxReplicas) / beforeScale;
  // math.Round rounds half away from zero.
  return Math.sign(size) * Math.round(Math.abs(size)) - specReplicas(rs);
}

/** GetProportion: how many replicas this set gets of `toAdd`, after `added` were handed out. */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}

// ---- conditions ----

export function condition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/** SetDeploymentCondition: same status and reason is a no-op; same status keeps the transition time. */
export function setCondition(status: DeploymentStatus, c: DeploymentCondition): void {
  const cur = condition(status, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  const next = { ...c };
  if (cur && cur.status === c.status) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== c.type), next];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (!status.conditions.length) delete status.conditions;
}

export function newCondition(type: string, st: string, reason: string, message: string, iso: string): DeploymentCondition {
  return { type, status: st, lastUpdateTime: iso, lastTransitionTime: iso, reason, message };
}

export function hasProgressDeadline(d: Deployment): boolean {
  const p = d.spec.progressDeadlineSeconds;
  return p !== undefined && p !== 2147483647;
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: Stored<Deployment>, s: DeploymentStatus): boolean {
  const n = replicasOf(d);
  return (s.updatedReplicas ?? 0) === n && (s.replicas ?? 0) === n && (s.availableReplicas ?? 0) === n && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available replicas than before. */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: no progress reported for progressDeadlineSeconds. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = condition(s, 'Progressing');
  if (!c) return false;
  if (c.reason === 'NewReplicaSetAvailable') return false;
  if (c.reason === 'ProgressDeadlineExceeded') return true;
  const from = Date.parse(c.lastUpdateTime ?? '');
  return from + d.spec.progressDeadlineSeconds! * 1000 < nowMs;
}
