/**
 * A simulated external provisioner (sig-storage external-provisioner, as a
 * CSI driver's or kind's local-path provisioner runs it): for a claim the
 * PersistentVolume controller handed to a provisioner it serves
 * (volume.kubernetes.io/storage-provisioner), it creates a volume
 * `pvc-<claim uid>` of the requested size, access modes and class,
 * pre-bound to the claim; for WaitForFirstConsumer classes only once the
 * scheduler picked a node (volume.kubernetes.io/selected-node), and then
 * with node affinity to that node, as a node-local provisioner does. It
 * deletes the volumes it made when they are Released under the Delete
 * reclaim policy.
 *
 * It serves every provisioner name but `kubernetes.io/no-provisioner`, so a
 * suite written against a cloud's storage classes runs here too (a
 * simulation choice: a real cluster runs only the drivers installed).
 */
import { R } from '../api/kinds.ts';
import type { PersistentVolume, PersistentVolumeClaim, Stored, StorageClass } from '../api/types.ts';
import { clone, splitKey } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller, ControllerContext, Result } from '../controllers/manager.ts';

const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

export function externalProvisioner(): Controller {
  let claims: Informer<PersistentVolumeClaim>;
  let volumes: Informer<PersistentVolume>;
  let classes: Informer<StorageClass>;

  return {
    name: 'external-provisioner',

    setup(ctx) {
      claims = ctx.informers.informer<PersistentVolumeClaim>(R.persistentVolumeClaims);
      volumes = ctx.informers.informer<PersistentVolume>(R.persistentVolumes);
      classes = ctx.informers.informer<StorageClass>(R.storageClasses);
      claims.on({ add: (c) => ctx.enqueue(`claim:${c.metadata.namespace}/${c.metadata.name}`), update: (_o, c) => ctx.enqueue(`claim:${c.metadata.namespace}/${c.metadata.name}`) });
      volumes.on({ add: (v) => ctx.enqueue(`volume:${v.metadata.name}`), update: (_o, v) => ctx.enqueue(`volume:${v.metadata.name}`) });
    },

    reconcile(key, ctx): Result | void {
      if (key.startsWith('volume:')) return deleteReleased(key.slice(7), ctx, volumes);
      const { namespace, name } = splitKey(key.slice(6));
      const pvc = claims.get(namespace, name);
      if (!pvc || pvc.spec.volumeName || pvc.metadata.deletionTimestamp) return;
      const provisioner = pvc.metadata.annotations?.[ANN_STORAGE_PROVISIONER] ?? pvc.metadata.annotations?.[ANN_BETA_STORAGE_PROVISIONER];
      if (!provisioner || provisioner === NO_PROVISIONER) return;
      const cls = classes.get(undefined, pvc.spec.storageClassName ?? '');
      if (!cls || cls.provisioner !== provisioner) return;
      const node = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
      if (cls.volumeBindingMode === 'WaitForFirstConsumer' && !node) return;
      provision(pvc, cls, node, ctx, volumes);
    },
  };
}

function provision(pvc: Stored<PersistentVolumeClaim>, cls: Stored<StorageClass>, node: string | undefined, ctx: ControllerContext, volumes: Informer<PersistentVolume>): void {
  const name = `pvc-${pvc.metadata.uid}`;
  if (volumes.get(undefined, name)) return;
  ctx.recorder.event(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${pvc.metadata.namespace}/${pvc.metadata.name}"`);
  const storage = (pvc.spec.resources?.requests as Record<string, string> | undefined)?.storage;
  if (!storage) {
    ctx.recorder.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${cls.metadata.name}": claim has no storage request`);
    return;
  }
  const pv: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [ANN_PROVISIONED_BY]: cls.provisioner } },
    spec: {
      capacity: { storage },
      accessModes: clone(pvc.spec.accessModes ?? ['ReadWriteOnce']),
      persistentVolumeReclaimPolicy: (cls.reclaimPolicy ?? 'Delete') as 'Delete' | 'Retain',
      storageClassName: cls.metadata.name,
      volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
      claimRef: { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion },
      csi: { driver: cls.provisioner, volumeHandle: name, fsType: 'ext4' },
    },
  };
  if (cls.mountOptions) pv.spec.mountOptions = [...cls.mountOptions];
  if (node) {
    pv.spec.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } };
  }
  try {
    ctx.client.create(R.persistentVolumes, pv);
  } catch (e) {
    if (isStatusError(e, 'AlreadyExists')) return;
    ctx.recorder.event(pvc, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${cls.metadata.name}": ${(e as Error).message}`);
    throw e;
  }
  ctx.recorder.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
}

/** Released volumes this provisioner made, under the Delete policy, are deleted. */
function deleteReleased(name: string, ctx: ControllerContext, volumes: Informer<PersistentVolume>): void {
  const pv = volumes.get(undefined, name);
  if (!pv || pv.metadata.deletionTimestamp) return;
  if (pv.status?.phase !== 'Released' || (pv.spec.persistentVolumeReclaimPolicy ?? 'Retain') !== 'Delete') return;
  if (!pv.metadata.annotations?.[ANN_PROVISIONED_BY]) return;
  try {
    // The backing volume is deleted first; the PV object follows (its pv-protection finalizer goes once it is not Bound).
    ctx.client.delete(R.persistentVolumes, undefined, name);
  } catch (e) {
    if (!isStatusError(e, 'NotFound')) throw e;
  }
}
