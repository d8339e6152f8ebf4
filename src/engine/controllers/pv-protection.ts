/**
 * The PV protection controller (pkg/controller/volume/pvprotection): a
 * PersistentVolume being deleted keeps its kubernetes.io/pv-protection
 * finalizer while it is Bound to a claim, and loses it once it is not.
 */
import { R } from '../api/kinds.ts';
import type { PersistentVolume, Stored } from '../api/types.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller } from './manager.ts';

export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export function pvProtectionController(): Controller {
  let volumes: Informer<PersistentVolume>;
  return {
    name: 'pv-protection-controller',

    setup(ctx) {
      volumes = ctx.informers.informer<PersistentVolume>(R.persistentVolumes);
      const enqueue = (v: Stored<PersistentVolume>) => v.metadata.deletionTimestamp && ctx.enqueue(v.metadata.name);
      volumes.on({ add: enqueue, update: (_o, v) => enqueue(v) });
    },

    reconcile(key, ctx) {
      const pv = volumes.get(undefined, key);
      if (!pv || !pv.metadata.deletionTimestamp || !(pv.metadata.finalizers ?? []).includes(PV_PROTECTION_FINALIZER)) return;
      if (pv.status?.phase === 'Bound') return;
      try {
        ctx.client.patch(R.persistentVolumes, undefined, key, [{ op: 'replace', path: '/metadata/finalizers', value: (pv.metadata.finalizers ?? []).filter((f) => f !== PV_PROTECTION_FINALIZER) }], 'json');
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) throw e;
      }
    },
  };
}
