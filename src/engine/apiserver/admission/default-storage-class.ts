/**
 * DefaultStorageClass (plugin/pkg/admission/storage/storageclass/setdefault):
 * a PersistentVolumeClaim created without a class (neither
 * spec.storageClassName nor the beta annotation) gets the default
 * StorageClass: the one annotated storageclass.kubernetes.io/is-default-class,
 * the newest if several are.
 */
import { R } from '../../api/kinds.ts';
import type { PersistentVolumeClaim, Stored, StorageClass } from '../../api/types.ts';
import type { AdmissionPlugin } from './types.ts';

export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

export function defaultStorageClass(): AdmissionPlugin {
  return {
    name: 'DefaultStorageClass',
    admit(a, ctx) {
      if (a.type !== R.persistentVolumeClaims || a.operation !== 'CREATE' || a.subresource) return;
      const pvc = a.object as PersistentVolumeClaim;
      if (!pvc.spec) return;
      if (pvc.spec.storageClassName !== undefined || pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) return;
      const defaults = (ctx.list(R.storageClasses) as Stored<StorageClass>[]).filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true');
      if (!defaults.length) return;
      defaults.sort((x, y) =>
        x.metadata.creationTimestamp > y.metadata.creationTimestamp ? -1 : x.metadata.creationTimestamp < y.metadata.creationTimestamp ? 1 : x.metadata.name < y.metadata.name ? -1 : 1,
      );
      pvc.spec.storageClassName = defaults[0].metadata.name;
    },
  };
}
