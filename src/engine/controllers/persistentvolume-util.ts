/**
 * Volume matching and binding (pkg/controller/volume/persistentvolume/util,
 * component-helpers/storage/volume): which PersistentVolume suits a claim,
 * and the annotations and references binding writes.
 */
import type { PersistentVolume, PersistentVolumeClaim, Stored, StorageClass } from '../api/types.ts';
import { Selector } from '../api/selectors.ts';
import { resourceAmount } from '../api/quantity.ts';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_DYNAMICALLY_PROVISIONED = 'pv.kubernetes.io/provisioned-by';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';

/** GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName. */
export function claimClass(pvc: PersistentVolumeClaim): string {
  const ann = pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  return ann ?? pvc.spec.storageClassName ?? '';
}

/** GetPersistentVolumeClass. */
export function volumeClass(pv: PersistentVolume): string {
  const ann = pv.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  return ann ?? pv.spec.storageClassName ?? '';
}

/** IsVolumeBoundToClaim: the PV's claimRef names this claim (and its uid, when set). */
export function boundToClaim(pv: PersistentVolume, pvc: Stored<PersistentVolumeClaim>): boolean {
  const ref = pv.spec.claimRef;
  if (!ref) return false;
  if (ref.name !== pvc.metadata.name || ref.namespace !== pvc.metadata.namespace) return false;
  return !ref.uid || ref.uid === pvc.metadata.uid;
}

const storageOf = (m: Record<string, string | number> | undefined) => (m?.storage !== undefined ? resourceAmount('storage', m.storage) : 0);
export const requestedStorage = (pvc: PersistentVolumeClaim): number => storageOf(pvc.spec.resources?.requests as Record<string, string> | undefined);
export const volumeCapacity = (pv: PersistentVolume): number => storageOf(pv.spec.capacity as Record<string, string> | undefined);

/** CheckVolumeModeMismatches: Filesystem unless said otherwise, on both sides. */
const modeMismatch = (pvc: PersistentVolumeClaim, pv: PersistentVolume) => (pvc.spec.volumeMode ?? 'Filesystem') !== (pv.spec.volumeMode ?? 'Filesystem');

/** CheckAccessModes: the volume offers every mode the claim asks for. */
export function accessModesMatch(pvc: PersistentVolumeClaim, pv: PersistentVolume): boolean {
  const offered = new Set(pv.spec.accessModes ?? []);
  return (pvc.spec.accessModes ?? []).every((m) => offered.has(m));
}

/**
 * findBestMatchForClaim / FindMatchingVolume (the controller's path, no
 * node): a volume pre-bound to the claim wins; otherwise the smallest
 * Available volume of the claim's class, access modes, volume mode and
 * selector that is large enough. With delayed binding only pre-bound
 * volumes are taken (the scheduler binds the rest).
 */
export function findMatchingVolume(pvc: Stored<PersistentVolumeClaim>, volumes: Stored<PersistentVolume>[], delayBinding: boolean): Stored<PersistentVolume> | undefined {
  const requested = requestedStorage(pvc);
  const cls = claimClass(pvc);
  let selector: Selector | undefined;
  try {
    selector = pvc.spec.selector ? Selector.fromLabelSelector(pvc.spec.selector) : undefined;
  } catch {
    return undefined;
  }
  // Volumes grouped by access modes, fewest modes first (allPossibleMatchingAccessModes).
  const candidates = volumes.filter((v) => accessModesMatch(pvc, v)).sort((a, b) => (a.spec.accessModes ?? []).length - (b.spec.accessModes ?? []).length);
  const groups = new Map<number, Stored<PersistentVolume>[]>();
  for (const v of candidates) {
    const n = (v.spec.accessModes ?? []).length;
    if (!groups.has(n)) groups.set(n, []);
    groups.get(n)!.push(v);
  }
  for (const group of groups.values()) {
    let smallest: Stored<PersistentVolume> | undefined;
    for (const v of group) {
      if (v.spec.claimRef && !boundToClaim(v, pvc)) continue;
      if (volumeCapacity(v) < requested) continue;
      if (modeMismatch(pvc, v)) continue;
      if (v.metadata.deletionTimestamp) continue;
      if (boundToClaim(v, pvc)) return v;
      if (delayBinding) continue;
      if (v.status?.phase !== 'Available') continue;
      if (selector && !selector.matches(v.metadata.labels)) continue;
      if (volumeClass(v) !== cls) continue;
      if (!smallest || volumeCapacity(smallest) > volumeCapacity(v)) smallest = v;
    }
    if (smallest) return smallest;
  }
  return undefined;
}

/** checkVolumeSatisfyClaim: why a volume the claim names cannot serve it, or undefined. */
export function volumeMismatch(pv: PersistentVolume, pvc: PersistentVolumeClaim): string | undefined {
  if (volumeCapacity(pv) < requestedStorage(pvc)) return 'requested PV is too small';
  if (volumeClass(pv) !== claimClass(pvc)) return 'storageClassName does not match';
  if (modeMismatch(pvc, pv)) return 'incompatible volumeMode';
  if (!accessModesMatch(pvc, pv)) return 'incompatible accessMode';
  return undefined;
}

/** The default StorageClass: the newest class annotated as default (GetDefaultClass). */
export function defaultClass(classes: Stored<StorageClass>[]): Stored<StorageClass> | undefined {
  const defaults = classes.filter((c) => c.metadata.annotations?.[ANN_DEFAULT_CLASS] === 'true');
  defaults.sort((a, b) => (a.metadata.creationTimestamp > b.metadata.creationTimestamp ? -1 : a.metadata.creationTimestamp < b.metadata.creationTimestamp ? 1 : a.metadata.name < b.metadata.name ? -1 : 1));
  return defaults[0];
}
