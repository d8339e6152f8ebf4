/**
 * VolumeRestrictions: Filter refuses nodes where another pod mounts the same
 * GCE PD, AWS EBS volume, iSCSI IQN or RBD image (unless all mount it
 * read-only), and any node while another pod uses one of the pod's
 * ReadWriteOncePod claims. PreFilter skips pods with neither.
 */
import { R } from '../../api/kinds.ts';
import type { PersistentVolumeClaim, Pod, Stored, Volume } from '../../api/types.ts';
import {
  Action,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type NodeInfo,
  type PodInfo,
  type PreFilterPlugin,
  SKIP,
  SUCCESS,
  StateKey,
  status,
} from '../framework.ts';
import { notFound, pvcVolumeNames } from './helper/storage.ts';

export const VOLUME_RESTRICTIONS = 'VolumeRestrictions';
export const ERR_REASON_DISK_CONFLICT = 'node(s) had no available disk';
export const ERR_REASON_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

class RestrictionsState {
  constructor(
    readonly rwopClaims: ReadonlySet<string>,
    public conflictingPVCRefCount: number,
  ) {}
  clone(): RestrictionsState {
    return new RestrictionsState(this.rwopClaims, this.conflictingPVCRefCount);
  }
  updateWithPod(pi: PodInfo, delta: number): void {
    for (const name of pvcVolumeNames(pi.pod)) if (this.rwopClaims.has(name)) this.conflictingPVCRefCount += delta;
  }
}
const preFilterKey = new StateKey<RestrictionsState>('PreFilterVolumeRestrictions');

const needsRestrictionsCheck = (v: Volume) => !!(v.gcePersistentDisk || v.awsElasticBlockStore || v.rbd || v.iscsi);

function haveOverlap(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.includes(x));
}

/** isVolumeConflict */
function isVolumeConflict(v: Volume, pod: Pod): boolean {
  for (const e of pod.spec.volumes ?? []) {
    if (v.gcePersistentDisk && e.gcePersistentDisk && v.gcePersistentDisk.pdName === e.gcePersistentDisk.pdName && !(v.gcePersistentDisk.readOnly && e.gcePersistentDisk.readOnly)) return true;
    if (v.awsElasticBlockStore && e.awsElasticBlockStore && v.awsElasticBlockStore.volumeID === e.awsElasticBlockStore.volumeID) return true;
    if (v.iscsi && e.iscsi && v.iscsi.iqn === e.iscsi.iqn && !(v.iscsi.readOnly && e.iscsi.readOnly)) return true;
    if (
      v.rbd &&
      e.rbd &&
      haveOverlap(v.rbd.monitors ?? [], e.rbd.monitors ?? []) &&
      (v.rbd.pool ?? 'rbd') === (e.rbd.pool ?? 'rbd') &&
      v.rbd.image === e.rbd.image &&
      !(v.rbd.readOnly && e.rbd.readOnly)
    )
      return true;
  }
  return false;
}

export function volumeRestrictions(handle: Handle): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  const claims = handle.lister<PersistentVolumeClaim>(R.persistentVolumeClaims);
  return {
    name: VOLUME_RESTRICTIONS,
    preFilter(state, pod) {
      const needsCheck = (pod.spec.volumes ?? []).some(needsRestrictionsCheck);
      const rwop = new Set<string>();
      for (const name of pvcVolumeNames(pod)) {
        const pvc = claims.get(pod.metadata.namespace, name);
        if (!pvc) return { status: status('UnschedulableAndUnresolvable', notFound('persistentvolumeclaim', name)) };
        if ((pvc.spec.accessModes ?? []).includes('ReadWriteOncePod')) rwop.add(name);
      }
      // IsPVCUsedByPods: at most one pod can use a ReadWriteOncePod claim.
      let conflicts = 0;
      for (const name of rwop) {
        const key = `${pod.metadata.namespace}/${name}`;
        if (handle.nodes().some((n) => (n.pvcRefCounts.get(key) ?? 0) > 0)) conflicts++;
      }
      if (!needsCheck && conflicts === 0) return { status: SKIP };
      state.write(preFilterKey, new RestrictionsState(rwop, conflicts));
      return { status: SUCCESS };
    },
    preFilterExtensions: {
      addPod(state, _pod, toAdd) {
        state.read(preFilterKey)?.updateWithPod(toAdd, 1);
        return SUCCESS;
      },
      removePod(state, _pod, toRemove) {
        state.read(preFilterKey)?.updateWithPod(toRemove, -1);
        return SUCCESS;
      },
    },
    filter(state, pod, node: NodeInfo) {
      for (const v of pod.spec.volumes ?? []) {
        if (!needsRestrictionsCheck(v)) continue;
        for (const e of node.pods.values()) if (isVolumeConflict(v, e.pod)) return status('Unschedulable', ERR_REASON_DISK_CONFLICT);
      }
      const s = state.read(preFilterKey);
      if (s && s.conflictingPVCRefCount > 0) return status('Unschedulable', ERR_REASON_RWOP_CONFLICT);
      return SUCCESS;
    },
    eventsToRegister: () => [
      {
        event: { resource: 'Pod', action: Action.Delete },
        hint: (pod, old) => {
          const deleted = old as Stored<Pod>;
          if (deleted.metadata.namespace !== pod.metadata.namespace) return 'QueueSkip';
          const mine = new Set(pvcVolumeNames(pod));
          if (pvcVolumeNames(deleted).some((n) => mine.has(n))) return 'Queue';
          return (pod.spec.volumes ?? []).some((v) => needsRestrictionsCheck(v) && isVolumeConflict(v, deleted)) ? 'Queue' : 'QueueSkip';
        },
      },
      { event: { resource: 'Node', action: Action.Add } },
      {
        event: { resource: 'PersistentVolumeClaim', action: Action.Add },
        hint: (pod, _old, now) => {
          const pvc = now as Stored<PersistentVolumeClaim>;
          return pvc.metadata.namespace === pod.metadata.namespace && pvcVolumeNames(pod).includes(pvc.metadata.name) ? 'Queue' : 'QueueSkip';
        },
      },
    ],
  };
}
