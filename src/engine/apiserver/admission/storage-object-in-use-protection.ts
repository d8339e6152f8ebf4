/**
 * StorageObjectInUseProtection (plugin/pkg/admission/storage/storageobjectinuseprotection):
 * new PersistentVolumeClaims get the kubernetes.io/pvc-protection finalizer
 * and new PersistentVolumes kubernetes.io/pv-protection, so that deleting
 * one still in use waits until it is not (the protection controllers remove
 * the finalizers).
 */
import { R } from '../../api/kinds.ts';
import type { AdmissionPlugin } from './types.ts';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export function storageObjectInUseProtection(): AdmissionPlugin {
  return {
    name: 'StorageObjectInUseProtection',
    admit(a) {
      if (a.operation !== 'CREATE' || a.subresource) return;
      const finalizer = a.type === R.persistentVolumeClaims ? PVC_PROTECTION_FINALIZER : a.type === R.persistentVolumes ? PV_PROTECTION_FINALIZER : undefined;
      if (!finalizer) return;
      const meta = a.object.metadata;
      if ((meta.finalizers ?? []).includes(finalizer)) return;
      meta.finalizers = [...(meta.finalizers ?? []), finalizer];
    },
  };
}
