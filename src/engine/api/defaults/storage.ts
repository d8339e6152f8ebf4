/**
 * Defaults of persistent volumes, claims and storage classes
 * (pkg/apis/core/v1 and pkg/apis/storage/v1 defaults, release 1.33).
 */
import type { Rec } from './util.ts';
import { defaultResourceList, ensure, rec, setIfAbsent, setIfEmpty } from './util.ts';

/** SetDefaults_PersistentVolumeClaimSpec and its resource lists. */
export function defaultPersistentVolumeClaimSpec(spec: Rec): void {
  setIfAbsent(spec, 'volumeMode', 'Filesystem');
  const resources = rec(spec.resources);
  if (resources) {
    defaultResourceList(resources.limits);
    defaultResourceList(resources.requests);
  }
}

/** SetObjectDefaults_PersistentVolumeClaim (also each StatefulSet volumeClaimTemplate). */
export function defaultPersistentVolumeClaim(pvc: Rec): void {
  setIfEmpty(ensure(pvc, 'status'), 'phase', 'Pending');
  defaultPersistentVolumeClaimSpec(ensure(pvc, 'spec'));
  const status = rec(pvc.status);
  if (status) {
    defaultResourceList(status.capacity);
    defaultResourceList(status.allocatedResources);
  }
}

/** SetObjectDefaults_PersistentVolume */
export function defaultPersistentVolume(pv: Rec): void {
  setIfEmpty(ensure(pv, 'status'), 'phase', 'Pending');
  const spec = ensure(pv, 'spec');
  setIfEmpty(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setIfAbsent(spec, 'volumeMode', 'Filesystem');
  defaultResourceList(spec.capacity);
  const hostPath = rec(spec.hostPath);
  if (hostPath) setIfAbsent(hostPath, 'type', '');
}

/** SetDefaults_StorageClass */
export function defaultStorageClass(sc: Rec): void {
  setIfAbsent(sc, 'reclaimPolicy', 'Delete');
  setIfAbsent(sc, 'volumeBindingMode', 'Immediate');
}
