/**
 * How the StatefulSet controller acts on pods and claims
 * (pkg/controller/statefulset/stateful_pod_control.go): creating a pod after
 * its claims, deleting and updating pods with the upstream events ("create
 * Pod web-0 in StatefulSet web successful"), and keeping claims' owner
 * references in line with persistentVolumeClaimRetentionPolicy.
 */
import { R } from '../api/kinds.ts';
import type { PersistentVolumeClaim, Pod, StatefulSet, Stored } from '../api/types.ts';
import { clone, deepEqual } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { ControllerContext } from './manager.ts';
import { claimOwnerRefs, claimOwnerUpToDate, claimsFor, hasStaleOwnerRef, identityMatches, ordinalOf, retentionPolicy, storageMatches, updateIdentity, updateStorage } from './statefulset-util.ts';

/** One sync of one StatefulSet. */
export interface StatefulSync {
  set: Stored<StatefulSet>;
  ctx: ControllerContext;
  pvcs: Informer<PersistentVolumeClaim>;
  now: number;
}

function record(s: StatefulSync, verb: string, pod: Pod, err?: unknown): void {
  const set = s.set.metadata.name;
  if (err) s.ctx.recorder.event(s.set, 'Warning', `Failed${verb}`, `${verb.toLowerCase()} Pod ${pod.metadata.name} in StatefulSet ${set} failed error: ${(err as Error).message}`);
  else s.ctx.recorder.event(s.set, 'Normal', `Successful${verb}`, `${verb.toLowerCase()} Pod ${pod.metadata.name} in StatefulSet ${set} successful`);
}

export function createPod(s: StatefulSync, pod: Pod): Stored<Pod> {
  createClaims(s, pod);
  try {
    const created = s.ctx.client.create(R.pods, pod);
    record(s, 'Create', pod);
    return created;
  } catch (e) {
    if (!isStatusError(e, 'AlreadyExists')) record(s, 'Create', pod, e);
    throw e;
  }
}

export function deletePod(s: StatefulSync, pod: Stored<Pod>): void {
  try {
    s.ctx.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
    record(s, 'Delete', pod);
  } catch (e) {
    if (isStatusError(e, 'NotFound')) return;
    record(s, 'Delete', pod, e);
    throw e;
  }
}

export function updatePod(s: StatefulSync, pod: Stored<Pod>): void {
  const next = clone(pod);
  if (!identityMatches(s.set, next)) updateIdentity(s.set, next);
  if (!storageMatches(s.set, next)) {
    updateStorage(s.set, next);
    createClaims(s, next);
  }
  fixClaims(s, pod);
  if (deepEqual(next, pod)) return;
  try {
    s.ctx.client.update(R.pods, next);
    record(s, 'Update', pod);
  } catch (e) {
    record(s, 'Update', pod, e);
    throw e;
  }
}

/** createPersistentVolumeClaims: creates the pod's missing claims; a claim being deleted is an error. */
export function createClaims(s: StatefulSync, pod: Pod): void {
  const errors: string[] = [];
  for (const c of claimsFor(s.set, ordinalOf(pod)).values()) {
    const existing = s.pvcs.get(c.metadata.namespace, c.metadata.name!);
    if (existing) {
      if (existing.metadata.deletionTimestamp) errors.push(`pvc ${c.metadata.name} is being deleted`);
      continue;
    }
    const text = `Claim ${c.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${s.set.metadata.name}`;
    try {
      s.ctx.client.create(R.persistentVolumeClaims, c);
      s.ctx.recorder.event(s.set, 'Normal', 'SuccessfulCreate', `create ${text} success`);
    } catch (e) {
      if (isStatusError(e, 'AlreadyExists')) continue;
      errors.push(`failed to create PVC ${c.metadata.name}: ${(e as Error).message}`);
      s.ctx.recorder.event(s.set, 'Warning', 'FailedCreate', `create Claim ${c.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${s.set.metadata.name} failed error: ${(e as Error).message}`);
    }
  }
  if (errors.length) throw new Error(errors.join(', '));
}

/** PodClaimIsStale: with whenScaled Delete, a claim still owned by an earlier pod of the same name must go first. */
export function claimIsStale(s: StatefulSync, pod: Pod): boolean {
  if (retentionPolicy(s.set).whenScaled === 'Retain') return false;
  for (const c of claimsFor(s.set, ordinalOf(pod)).values()) {
    const existing = s.pvcs.get(c.metadata.namespace, c.metadata.name!);
    if (existing && hasStaleOwnerRef(existing, 'Pod', pod.metadata.name!, pod.metadata.uid)) return true;
  }
  return false;
}

export function claimsMatch(s: StatefulSync, pod: Stored<Pod>): boolean {
  for (const c of claimsFor(s.set, ordinalOf(pod)).values()) {
    const existing = s.pvcs.get(c.metadata.namespace, c.metadata.name!);
    if (existing && !claimOwnerUpToDate(existing, s.set, pod)) return false;
  }
  return true;
}

/** UpdatePodClaimForRetentionPolicy: the claims' owner references follow the policy. */
export function fixClaims(s: StatefulSync, pod: Stored<Pod>): void {
  for (const c of claimsFor(s.set, ordinalOf(pod)).values()) {
    const existing = s.pvcs.get(c.metadata.namespace, c.metadata.name!);
    if (!existing || claimOwnerUpToDate(existing, s.set, pod)) continue;
    const refs = claimOwnerRefs(existing, s.set, pod);
    try {
      s.ctx.client.update(R.persistentVolumeClaims, { ...existing, metadata: { ...existing.metadata, ownerReferences: refs } });
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  }
}

