/**
 * StatefulSet arithmetic (pkg/controller/statefulset/stateful_set_utils.go):
 * ordinals and names, the stable identity and storage of each pod, the
 * claims' owner references under persistentVolumeClaimRetentionPolicy, and
 * the status counts.
 */
import type { KubeObject, OwnerReference, PersistentVolumeClaim, Pod, StatefulSet, StatefulSetStatus, Stored } from '../api/types.ts';
import { clone } from '../api/meta.ts';
import { isPodAvailable, isPodReady } from '../api/pod.ts';
import { POD_REVISION_LABEL } from './history-util.ts';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** PodIndexLabel (GA in 1.32). */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const STATEFUL_POD_REGEX = /^(.*)-([0-9]+)$/;

/** getParentNameAndOrdinal: `web-2` is ordinal 2 of `web`; -1 when the name has no ordinal. */
export function parentAndOrdinal(podName: string): { parent: string; ordinal: number } {
  const m = STATEFUL_POD_REGEX.exec(podName);
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  // strconv.ParseInt(s, 10, 32)
  return { parent: m[1], ordinal: Number.isSafeInteger(n) && n <= 2147483647 ? n : -1 };
}

export const ordinalOf = (pod: { metadata: { name?: string } }): number => parentAndOrdinal(pod.metadata.name ?? '').ordinal;
export const podName = (set: Stored<StatefulSet>, ordinal: number): string => `${set.metadata.name}-${ordinal}`;
export const isMemberOf = (set: Stored<StatefulSet>, pod: { metadata: { name?: string } }): boolean => parentAndOrdinal(pod.metadata.name ?? '').parent === set.metadata.name;
export const replicasOf = (set: StatefulSet): number => set.spec.replicas ?? 1;
export const startOrdinal = (set: StatefulSet): number => set.spec.ordinals?.start ?? 0;
export const endOrdinal = (set: StatefulSet): number => startOrdinal(set) + replicasOf(set) - 1;
export const inOrdinalRange = (pod: { metadata: { name?: string } }, set: StatefulSet): boolean => {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
};

/** `<template>-<set>-<ordinal>`. */
export const claimName = (set: Stored<StatefulSet>, template: string, ordinal: number): string => `${template}-${set.metadata.name}-${ordinal}`;

/** getPersistentVolumeClaims: the claims a pod of this ordinal uses, keyed by template name. */
export function claimsFor(set: Stored<StatefulSet>, ordinal: number): Map<string, PersistentVolumeClaim> {
  const out = new Map<string, PersistentVolumeClaim>();
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    const name = t.metadata?.name ?? '';
    const claim = clone(t) as unknown as PersistentVolumeClaim;
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    claim.metadata = { ...(claim.metadata ?? {}), name: claimName(set, name, ordinal), namespace: set.metadata.namespace };
    claim.metadata.labels = { ...(claim.metadata.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) };
    delete (claim as { status?: unknown }).status;
    out.set(name, claim);
  }
  return out;
}

export const isRunningAndReady = (pod: Pod): boolean => pod.status?.phase === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: Pod, minReadySeconds: number, now: number): boolean =>
  pod.status?.phase === 'Running' && isPodAvailable(pod, minReadySeconds, now);
/** isCreated: the API server has the pod (it has a phase). */
export const isCreated = (pod: Pod): boolean => !!pod.status?.phase;
export const isTerminating = (pod: Pod): boolean => !!pod.metadata.deletionTimestamp;
export const isUnavailable = (pod: Pod, minReadySeconds: number, now: number): boolean =>
  !isRunningAndAvailable(pod, minReadySeconds, now) || isTerminating(pod);
export const podRevision = (pod: Pod): string => pod.metadata.labels?.[POD_REVISION_LABEL] ?? '';

/** identityMatches: the name, namespace and pod-name label a member of the set must have. */
export function identityMatches(set: Stored<StatefulSet>, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata.name ?? '');
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.name === podName(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name
  );
}

/** storageMatches: every claim template is mounted from the pod's own claim. */
export function storageMatches(set: Stored<StatefulSet>, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    const v = volumes.get(t.metadata?.name ?? '');
    if (!v?.persistentVolumeClaim || v.persistentVolumeClaim.claimName !== claimName(set, t.metadata?.name ?? '', ordinal)) return false;
  }
  return true;
}

/** updateIdentity: the pod-name and pod-index labels. */
export function updateIdentity(set: Stored<StatefulSet>, pod: Pod): void {
  const ordinal = ordinalOf(pod);
  pod.metadata.name = podName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ordinal) };
}

/** updateStorage: volumes named after the claim templates mount the pod's claims, replacing same-named volumes. */
export function updateStorage(set: Stored<StatefulSet>, pod: Pod): void {
  const claims = claimsFor(set, ordinalOf(pod));
  const volumes: NonNullable<Pod['spec']['volumes']> = [];
  for (const [name, claim] of claims) volumes.push({ name, persistentVolumeClaim: { claimName: claim.metadata.name! } });
  for (const v of pod.spec.volumes ?? []) if (!claims.has(v.name)) volumes.push(v);
  pod.spec.volumes = volumes;
}

/** The retention policy, with the defaults (Retain, Retain). */
export function retentionPolicy(set: StatefulSet): { whenDeleted: string; whenScaled: string } {
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

function matchesRef(ref: OwnerReference, kind: string, name: string): boolean {
  return ref.kind === kind && ref.name === name;
}
const hasRef = (claim: KubeObject, owner: Stored) => (claim.metadata.ownerReferences ?? []).some((r) => r.uid === owner.metadata.uid);
/** hasStaleOwnerRef: a reference to an object of this kind and name, but another uid. */
export function hasStaleOwnerRef(claim: KubeObject, kind: string, name: string, uid: string | undefined): boolean {
  const ref = (claim.metadata.ownerReferences ?? []).find((r) => matchesRef(r, kind, name));
  return ref !== undefined && ref.uid !== uid;
}

function controllerRefTo(owner: Stored, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}

/**
 * isClaimOwnerUpToDate: a claim's references follow the policy. Retain/Retain:
 * no reference; Delete on set deletion: the set controls it; Delete on scale
 * down: a pod beyond the replicas controls it (and the set otherwise, when
 * both are Delete). Claims with stale or foreign controllers are left alone.
 */
export function claimOwnerUpToDate(claim: Stored<PersistentVolumeClaim>, set: Stored<StatefulSet>, pod: Stored<Pod>): boolean {
  if (hasStaleOwnerRef(claim, 'StatefulSet', set.metadata.name, set.metadata.uid) || hasStaleOwnerRef(claim, 'Pod', pod.metadata.name, pod.metadata.uid)) return true;
  const refs = claim.metadata.ownerReferences ?? [];
  const foreign = refs.some((r) => r.controller && r.uid !== set.metadata.uid && r.uid !== pod.metadata.uid);
  if (foreign) return !(hasRef(claim, set) || hasRef(claim, pod));
  if (refs.some((r) => !r.controller && (r.uid === set.metadata.uid || r.uid === pod.metadata.uid))) return false;
  const want = wantedOwners(set, pod);
  return hasRef(claim, set) === want.set && hasRef(claim, pod) === want.pod;
}

function wantedOwners(set: Stored<StatefulSet>, pod: Stored<Pod>): { set: boolean; pod: boolean } {
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(pod, set);
  if (whenScaled === 'Delete' && whenDeleted === 'Delete') return { set: !scaledDown, pod: scaledDown };
  if (whenScaled === 'Delete') return { set: false, pod: scaledDown };
  if (whenDeleted === 'Delete') return { set: true, pod: false };
  return { set: false, pod: false };
}

/** updateClaimOwnerRefForSetAndPod: the claim's references rewritten to follow the policy. */
export function claimOwnerRefs(claim: Stored<PersistentVolumeClaim>, set: Stored<StatefulSet>, pod: Stored<Pod>): OwnerReference[] {
  const refs = claim.metadata.ownerReferences ?? [];
  const foreign = refs.some((r) => r.controller && r.uid !== set.metadata.uid && r.uid !== pod.metadata.uid);
  const kept = refs.filter((r) => !matchesRef(r, 'StatefulSet', set.metadata.name) && !matchesRef(r, 'Pod', pod.metadata.name));
  if (foreign) return kept;
  const want = wantedOwners(set, pod);
  if (want.pod) kept.push(controllerRefTo(pod, 'v1', 'Pod'));
  if (want.set) kept.push(controllerRefTo(set, 'apps/v1', 'StatefulSet'));
  return kept;
}

/** computeReplicaStatus: replicas, ready, available, current and updated counts. */
export function replicaStatus(
  pods: Pod[],
  minReadySeconds: number,
  now: number,
  currentRevision: string,
  updateRevision: string,
): Pick<StatefulSetStatus, 'replicas' | 'readyReplicas' | 'availableReplicas' | 'currentReplicas' | 'updatedReplicas'> {
  let replicas = 0;
  let ready = 0;
  let available = 0;
  let current = 0;
  let updated = 0;
  for (const pod of pods) {
    if (isCreated(pod)) replicas++;
    if (isRunningAndReady(pod)) {
      ready++;
      if (isRunningAndAvailable(pod, minReadySeconds, now)) available++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      const rev = podRevision(pod);
      if (rev === currentRevision) current++;
      if (rev === updateRevision) updated++;
    }
  }
  return { replicas, readyReplicas: ready, availableReplicas: available, currentReplicas: current, updatedReplicas: updated };
}

/** getStatefulSetMaxUnavailable: an int or a percentage of replicas rounded down, at least 1. */
export function maxUnavailableOf(set: StatefulSet): number {
  const v = set.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1;
  const replicas = replicasOf(set);
  let n: number;
  if (typeof v === 'number') n = v;
  else {
    const m = /^(\d+)%$/.exec(v);
    n = m ? Math.floor((Number(m[1]) * replicas) / 100) : Number(v);
  }
  return Number.isFinite(n) && n >= 1 ? n : 1;
}
