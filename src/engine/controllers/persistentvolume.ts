/**
 * The PersistentVolume controller (pkg/controller/volume/persistentvolume,
 * the persistentvolume-binder of Kubernetes 1.33): binds each pending claim
 * to the smallest suitable Available volume (or the one it names, or one
 * pre-bound to it); for a claim of a StorageClass with no volume to bind,
 * hands it to the class's external provisioner through the
 * storage-provisioner annotations, unless the class binds
 * WaitForFirstConsumer and the scheduler has not chosen a node yet
 * (volume.kubernetes.io/selected-node). A volume whose claim is gone is
 * Released; its reclaim policy then applies (Delete volumes are removed by
 * their provisioner, Retain volumes stay). A bound claim whose volume
 * vanished is Lost. Pending claims are looked at again every 15 s.
 */
import { R } from '../api/kinds.ts';
import type { PersistentVolume, PersistentVolumeClaim, Pod, Stored, StorageClass } from '../api/types.ts';
import { clone, deepEqual, splitKey } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller, ControllerContext, Result } from './manager.ts';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  boundToClaim,
  claimClass,
  defaultClass,
  findMatchingVolume,
  volumeMismatch,
} from './persistentvolume-util.ts';

/** --pvclaimbinder-sync-period. */
const SYNC_PERIOD_MS = 15_000;

type PVC = Stored<PersistentVolumeClaim>;
type PV = Stored<PersistentVolume>;

export function persistentVolumeController(): Controller {
  let claims: Informer<PersistentVolumeClaim>;
  let volumes: Informer<PersistentVolume>;
  let classes: Informer<StorageClass>;
  let pods: Informer<Pod>;

  return {
    name: 'persistentvolume-controller',

    setup(ctx) {
      claims = ctx.informers.informer<PersistentVolumeClaim>(R.persistentVolumeClaims);
      volumes = ctx.informers.informer<PersistentVolume>(R.persistentVolumes);
      classes = ctx.informers.informer<StorageClass>(R.storageClasses);
      pods = ctx.informers.informer<Pod>(R.pods).addIndex('namespace', byNamespace);
      const claimKey = (c: { metadata: { namespace?: string; name?: string } }) => `claim:${c.metadata.namespace}/${c.metadata.name}`;
      claims.on({
        add: (c) => ctx.enqueue(claimKey(c)),
        update: (_o, c) => ctx.enqueue(claimKey(c)),
        delete: (c) => c.spec.volumeName && ctx.enqueue(`volume:${c.spec.volumeName}`),
      });
      const forVolume = (v: PV) => {
        ctx.enqueue(`volume:${v.metadata.name}`);
        const ref = v.spec.claimRef;
        if (ref?.name) ctx.enqueue(`claim:${ref.namespace}/${ref.name}`);
      };
      volumes.on({ add: forVolume, update: (_o, v) => forVolume(v), delete: forVolume });
      // A new class may let pending claims provision.
      classes.on({ add: () => claims.list().forEach((c) => !c.spec.volumeName && ctx.enqueue(claimKey(c))) });
    },

    reconcile(key, ctx): Result | void {
      if (key.startsWith('volume:')) return syncVolume(key.slice(7), ctx, volumes, claims);
      const { namespace, name } = splitKey(key.slice(6));
      const pvc = claims.get(namespace, name);
      if (!pvc) return;
      if (!pvc.spec.volumeName || !pvc.metadata.annotations?.[ANN_BIND_COMPLETED]) return syncUnboundClaim(pvc, ctx, volumes, classes, pods);
      return syncBoundClaim(pvc, ctx, volumes);
    },
  };
}

function syncUnboundClaim(pvc: PVC, ctx: ControllerContext, volumes: Informer<PersistentVolume>, classes: Informer<StorageClass>, pods: Informer<Pod>): Result | void {
  const cls = claimClass(pvc);
  const storageClass = cls ? classes.get(undefined, cls) : undefined;
  const delay = storageClass?.volumeBindingMode === 'WaitForFirstConsumer';
  if (pvc.spec.volumeName) {
    const pv = volumes.get(undefined, pvc.spec.volumeName);
    if (!pv) return pending(pvc, ctx);
    if (!pv.spec.claimRef) {
      const why = volumeMismatch(pv, pvc);
      if (why) {
        ctx.recorder.event(pvc, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume ${JSON.stringify(pv.metadata.name)}: ${why}`);
        return pending(pvc, ctx);
      }
      return bind(pv, pvc, ctx);
    }
    if (boundToClaim(pv, pvc)) return bind(pv, pvc, ctx);
    if (!pvc.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER]) {
      ctx.recorder.event(pvc, 'Warning', 'FailedBinding', `volume ${JSON.stringify(pv.metadata.name)} already bound to a different claim.`);
    }
    return pending(pvc, ctx);
  }
  const pv = findMatchingVolume(pvc, volumes.list() as PV[], delay);
  if (pv) return bind(pv, pvc, ctx);
  // assignDefaultStorageClass: a claim without a class gets the default one, retroactively.
  if (pvc.spec.storageClassName === undefined && !pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class']) {
    const def = defaultClass(classes.list() as Stored<StorageClass>[]);
    if (def) {
      update(ctx, { ...pvc, spec: { ...pvc.spec, storageClassName: def.metadata.name } });
      return;
    }
  }
  if (delay && !pvc.metadata.annotations?.[ANN_SELECTED_NODE]) {
    const waiting = (pods.byIndex('namespace', pvc.metadata.namespace ?? '') as Stored<Pod>[])
      .filter((p) => !p.spec.nodeName && (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name))
      .map((p) => p.metadata.name);
    const [reason, message] = waiting.length
      ? ['WaitForPodScheduled', waiting.length > 1 ? `waiting for pods ${waiting.join(',')} to be scheduled` : `waiting for pod ${waiting[0]} to be scheduled`]
      : ['WaitForFirstConsumer', 'waiting for first consumer to be created before binding'];
    ctx.recorder.event(pvc, 'Normal', reason, message);
  } else if (cls) {
    provision(pvc, cls, storageClass, ctx);
    return pendingStatus(pvc, ctx);
  } else {
    ctx.recorder.event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
  }
  return pending(pvc, ctx);
}

/** provisionClaimOperationExternal: the claim is handed to the class's provisioner by annotation. */
function provision(pvc: PVC, cls: string, storageClass: Stored<StorageClass> | undefined, ctx: ControllerContext): void {
  if (!storageClass) {
    ctx.recorder.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io ${JSON.stringify(cls)} not found`);
    return;
  }
  const provisioner = storageClass.provisioner;
  const ann = pvc.metadata.annotations ?? {};
  if (ann[ANN_STORAGE_PROVISIONER] !== provisioner || ann[ANN_BETA_STORAGE_PROVISIONER] !== provisioner) {
    update(ctx, { ...pvc, metadata: { ...pvc.metadata, annotations: { ...ann, [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner } } });
  }
  ctx.recorder.event(
    pvc,
    'Normal',
    'ExternalProvisioning',
    `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
  );
}

function pending(pvc: PVC, ctx: ControllerContext): Result {
  pendingStatus(pvc, ctx);
  return { requeueAfterMs: SYNC_PERIOD_MS };
}

function pendingStatus(pvc: PVC, ctx: ControllerContext): Result {
  if (pvc.status?.phase !== 'Pending') updateStatus(ctx, pvc, { ...(pvc.status ?? {}), phase: 'Pending' });
  return { requeueAfterMs: SYNC_PERIOD_MS };
}

/** bind: the volume's claimRef, Bound phases, the claim's volumeName, annotations, capacity and access modes. */
function bind(pv: PV, pvc: PVC, ctx: ControllerContext): void {
  let volume = pv;
  if (!pv.spec.claimRef || !pv.spec.claimRef.uid || !boundToClaim(pv, pvc)) {
    const annotations = { ...(pv.metadata.annotations ?? {}) };
    if (!pv.spec.claimRef) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
    const claimRef = { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion };
    const next = { ...pv, metadata: { ...pv.metadata, annotations }, spec: { ...pv.spec, claimRef } };
    if (!deepEqual(next, pv)) volume = update(ctx, next) ?? pv;
  }
  if (volume.status?.phase !== 'Bound') volume = updateStatus(ctx, volume, { ...(volume.status ?? {}), phase: 'Bound' }) ?? volume;
  const annotations: Record<string, string> = { ...(pvc.metadata.annotations ?? {}), [ANN_BIND_COMPLETED]: 'yes' };
  if (!pvc.spec.volumeName) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
  let claim = pvc;
  const nextClaim = { ...pvc, metadata: { ...pvc.metadata, annotations }, spec: { ...pvc.spec, volumeName: pv.metadata.name } };
  if (!deepEqual(nextClaim, pvc)) claim = update(ctx, nextClaim) ?? pvc;
  const status = { ...(claim.status ?? {}), phase: 'Bound' as const, accessModes: volume.spec.accessModes, capacity: clone(volume.spec.capacity) };
  if (!deepEqual(status, claim.status ?? {})) updateStatus(ctx, claim, status);
}

function syncBoundClaim(pvc: PVC, ctx: ControllerContext, volumes: Informer<PersistentVolume>): Result | void {
  const pv = volumes.get(undefined, pvc.spec.volumeName!);
  if (!pv) {
    if (pvc.status?.phase !== 'Lost') {
      updateStatus(ctx, pvc, { ...(pvc.status ?? {}), phase: 'Lost' });
      ctx.recorder.event(pvc, 'Warning', 'ClaimLost', 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
    }
    return;
  }
  if (!pv.spec.claimRef || boundToClaim(pv, pvc)) return bind(pv, pvc, ctx);
  if (pvc.status?.phase !== 'Lost') {
    updateStatus(ctx, pvc, { ...(pvc.status ?? {}), phase: 'Lost' });
    ctx.recorder.event(pvc, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly');
  }
}

/** syncVolume: Available without a claim, Released once its claim is gone (then the reclaim policy applies). */
function syncVolume(name: string, ctx: ControllerContext, volumes: Informer<PersistentVolume>, claims: Informer<PersistentVolumeClaim>): void {
  const pv = volumes.get(undefined, name);
  if (!pv) return;
  const ref = pv.spec.claimRef;
  if (!ref || !ref.uid) {
    // Unclaimed, or pre-bound by a user to a claim that will come.
    if (pv.status?.phase !== 'Available') updateStatus(ctx, pv, { ...(pv.status ?? {}), phase: 'Available' });
    return;
  }
  const claim = claims.get(ref.namespace, ref.name ?? '');
  if (claim && claim.metadata.uid === ref.uid) {
    if (claim.spec.volumeName === pv.metadata.name && pv.status?.phase !== 'Bound') updateStatus(ctx, pv, { ...(pv.status ?? {}), phase: 'Bound' });
    return;
  }
  if (claim && claim.metadata.uid !== ref.uid) {
    // The claim was recreated under the same name: the volume belonged to the old one.
  } else {
    // Confirm with the API server before calling a claim gone.
    try {
      const fresh = ctx.client.get<PersistentVolumeClaim>(R.persistentVolumeClaims, ref.namespace, ref.name ?? '');
      if (fresh.metadata.uid === ref.uid) return;
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }
  if (pv.status?.phase === 'Released' || pv.status?.phase === 'Failed') return;
  updateStatus(ctx, pv, { ...(pv.status ?? {}), phase: 'Released' });
  if ((pv.spec.persistentVolumeReclaimPolicy ?? 'Retain') === 'Recycle') {
    ctx.recorder.event(pv, 'Warning', 'VolumeFailedRecycle', 'Recycle is deprecated and not supported by this cluster');
  }
}

function update<T extends PVC | PV>(ctx: ControllerContext, obj: T): T | undefined {
  try {
    return ctx.client.update(obj.kind === 'PersistentVolume' ? R.persistentVolumes : R.persistentVolumeClaims, obj) as T;
  } catch (e) {
    if (isStatusError(e, 'NotFound') || isStatusError(e, 'Conflict')) return undefined;
    throw e;
  }
}

function updateStatus<T extends PVC | PV>(ctx: ControllerContext, obj: T, status: T['status']): T | undefined {
  try {
    return ctx.client.updateStatus(obj.kind === 'PersistentVolume' ? R.persistentVolumes : R.persistentVolumeClaims, { ...obj, status }) as T;
  } catch (e) {
    if (isStatusError(e, 'NotFound') || isStatusError(e, 'Conflict')) return undefined;
    throw e;
  }
}
