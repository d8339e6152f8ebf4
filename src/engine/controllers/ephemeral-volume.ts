/**
 * The ephemeral volume controller (pkg/controller/volume/ephemeral): for
 * each generic ephemeral volume of a pod (spec.volumes[].ephemeral) it
 * creates the claim `<pod>-<volume>` from the volume's claim template,
 * owned and controlled by the pod, so the claim lives and dies with it. A
 * claim of that name that another object owns is an error, reported as a
 * FailedBinding event on the pod.
 */
import { R } from '../api/kinds.ts';
import type { PersistentVolumeClaim, Pod, Stored } from '../api/types.ts';
import { clone, controllerRef, namespacedName, splitKey } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller } from './manager.ts';

export function ephemeralVolumeController(): Controller {
  let pods: Informer<Pod>;
  let claims: Informer<PersistentVolumeClaim>;
  return {
    name: 'ephemeral-volume-controller',

    setup(ctx) {
      pods = ctx.informers.informer<Pod>(R.pods);
      claims = ctx.informers.informer<PersistentVolumeClaim>(R.persistentVolumeClaims);
      const enqueue = (p: Stored<Pod>) => {
        if ((p.spec.volumes ?? []).some((v) => v.ephemeral)) ctx.enqueue(namespacedName(p));
      };
      pods.on({ add: enqueue, update: (_o, p) => enqueue(p) });
      // A claim that goes away is made again while its pod lives.
      claims.on({
        delete: (c) => {
          const ref = controllerRef(c);
          if (ref?.kind === 'Pod') ctx.enqueue(`${c.metadata.namespace}/${ref.name}`);
        },
      });
    },

    reconcile(key, ctx) {
      const { namespace, name } = splitKey(key);
      const pod = pods.get(namespace, name);
      if (!pod || pod.metadata.deletionTimestamp) return;
      const errors: string[] = [];
      for (const vol of pod.spec.volumes ?? []) {
        if (!vol.ephemeral) continue;
        const claimName = `${pod.metadata.name}-${vol.name}`;
        const existing = claims.get(namespace, claimName);
        let problem: string | undefined;
        if (existing) {
          if (controllerRef(existing)?.uid !== pod.metadata.uid) problem = `PVC ${namespace}/${claimName} was not created for pod ${namespace}/${pod.metadata.name} (pod is not owner)`;
        } else {
          const tmpl = vol.ephemeral.volumeClaimTemplate;
          const pvc: PersistentVolumeClaim = {
            apiVersion: 'v1',
            kind: 'PersistentVolumeClaim',
            metadata: {
              name: claimName,
              namespace,
              ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid, controller: true, blockOwnerDeletion: true }],
            },
            spec: clone(tmpl?.spec ?? {}) as PersistentVolumeClaim['spec'],
          };
          if (tmpl?.metadata?.labels) pvc.metadata.labels = { ...tmpl.metadata.labels };
          if (tmpl?.metadata?.annotations) pvc.metadata.annotations = { ...tmpl.metadata.annotations };
          try {
            ctx.client.create(R.persistentVolumeClaims, pvc);
          } catch (e) {
            if (!isStatusError(e, 'AlreadyExists')) problem = `create PVC ${claimName}: ${(e as Error).message}`;
          }
        }
        if (problem) {
          ctx.recorder.event(pod, 'Warning', 'FailedBinding', `ephemeral volume ${vol.name}: ${problem}`);
          errors.push(problem);
        }
      }
      if (errors.length) throw new Error(errors.join('; '));
    },
  };
}
