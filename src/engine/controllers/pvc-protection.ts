/**
 * The PVC protection controller (pkg/controller/volume/pvcprotection): a
 * claim being deleted keeps its kubernetes.io/pvc-protection finalizer while
 * a pod that has not finished still uses it, and loses it (and so goes away)
 * once none does.
 */
import { R } from '../api/kinds.ts';
import type { PersistentVolumeClaim, Pod, Stored } from '../api/types.ts';
import { splitKey } from '../api/meta.ts';
import { isPodTerminal } from '../api/pod.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller } from './manager.ts';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';

/** The claims a pod uses, directly or through a generic ephemeral volume (`<pod>-<volume>`). */
export function claimsOfPod(pod: Pod): string[] {
  const out: string[] = [];
  for (const v of pod.spec.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push(v.persistentVolumeClaim.claimName);
    else if (v.ephemeral) out.push(`${pod.metadata.name}-${v.name}`);
  }
  return out;
}

export function pvcProtectionController(): Controller {
  let claims: Informer<PersistentVolumeClaim>;
  let pods: Informer<Pod>;
  return {
    name: 'pvc-protection-controller',

    setup(ctx) {
      claims = ctx.informers.informer<PersistentVolumeClaim>(R.persistentVolumeClaims);
      pods = ctx.informers.informer<Pod>(R.pods).addIndex('namespace', byNamespace);
      const enqueue = (c: Stored<PersistentVolumeClaim>) => c.metadata.deletionTimestamp && ctx.enqueue(`${c.metadata.namespace}/${c.metadata.name}`);
      claims.on({ add: enqueue, update: (_o, c) => enqueue(c) });
      const forPod = (p: Stored<Pod>) => {
        for (const name of claimsOfPod(p)) ctx.enqueue(`${p.metadata.namespace}/${name}`);
      };
      pods.on({ update: (_o, p) => isPodTerminal(p) && forPod(p), delete: forPod });
    },

    reconcile(key, ctx) {
      const { namespace, name } = splitKey(key);
      const pvc = claims.get(namespace, name);
      if (!pvc || !pvc.metadata.deletionTimestamp || !(pvc.metadata.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER)) return;
      const inUse = (pods.byIndex('namespace', namespace ?? '') as Stored<Pod>[]).some((p) => !isPodTerminal(p) && claimsOfPod(p).includes(name));
      if (inUse) return;
      try {
        ctx.client.patch(R.persistentVolumeClaims, namespace, name, [{ op: 'replace', path: '/metadata/finalizers', value: (pvc.metadata.finalizers ?? []).filter((f) => f !== PVC_PROTECTION_FINALIZER) }], 'json');
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) throw e;
      }
    },
  };
}
