/**
 * NodeVolumeLimits (CSI volume limits): Filter refuses nodes where the pod's
 * new CSI volumes would exceed, per driver, the attachable volume count the
 * node's CSINode reports (spec.drivers[].allocatable.count). Volumes already
 * attached for other pods count once; drivers whose CSIDriver says
 * attachRequired: false are not counted. Nodes without limits pass.
 */
import { R } from '../../api/kinds.ts';
import type { CSINode, KubeObject, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, Stored } from '../../api/types.ts';
import { Action, type EnqueueExtensions, type FilterPlugin, type Handle, type PreFilterPlugin, SKIP, SUCCESS, status } from '../framework.ts';
import { claimClass, notFound, podClaimRefs } from './helper/storage.ts';

export const NODE_VOLUME_LIMITS = 'NodeVolumeLimits';
export const ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED = 'node(s) exceed max volume count';

/** The limit key of a CSI driver: `attachable-volumes-csi-<driver>`. */
const limitKey = (driver: string) => `attachable-volumes-csi-${driver}`;

type CSIDriver = KubeObject & { spec?: { attachRequired?: boolean } };

export function nodeVolumeLimits(handle: Handle): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  const claims = handle.lister<PersistentVolumeClaim>(R.persistentVolumeClaims);
  const volumes = handle.lister<PersistentVolume>(R.persistentVolumes);
  const classes = handle.lister<StorageClass>(R.storageClasses);
  const csiNodes = handle.lister<CSINode>(R.csiNodes);
  const drivers = handle.lister<CSIDriver>(R.csiDrivers);

  /**
   * filterAttachableVolumes: the pod's CSI volumes as unique name -> limit
   * key. A missing claim is an error for the incoming pod and ignored for
   * pods already on the node.
   */
  const attachable = (pod: Pod, newPod: boolean, into: Map<string, string>): string | undefined => {
    for (const ref of podClaimRefs(pod)) {
      const pvc = claims.get(pod.metadata.namespace, ref.name);
      if (!pvc) {
        if (newPod) return notFound('persistentvolumeclaim', ref.name);
        continue;
      }
      let driver = '';
      let handleName = '';
      const pvName = pvc.spec.volumeName;
      if (pvName) {
        const pv = volumes.get(undefined, pvName);
        if (!pv?.spec.csi) continue;
        driver = pv.spec.csi.driver;
        handleName = pv.spec.csi.volumeHandle;
      } else {
        // Not bound yet: the volume will come from the class's provisioner.
        const sc = classes.get(undefined, claimClass(pvc));
        if (!sc) continue;
        driver = sc.provisioner;
        handleName = `${pvc.metadata.namespace}/${pvc.metadata.name}`;
      }
      if (!driver) continue;
      if (drivers.get(undefined, driver)?.spec?.attachRequired === false) continue;
      into.set(`${driver}/${handleName}`, limitKey(driver));
    }
    return undefined;
  };

  return {
    name: NODE_VOLUME_LIMITS,
    preFilter(_state, pod) {
      return { status: podClaimRefs(pod).length ? SUCCESS : SKIP };
    },
    filter(_state, pod, node) {
      if (!podClaimRefs(pod).length) return SUCCESS;
      const csiNode = csiNodes.get(undefined, node.name);
      const fresh = new Map<string, string>();
      const err = attachable(pod, true, fresh);
      if (err) return status('UnschedulableAndUnresolvable', err);
      if (!fresh.size) return SUCCESS;
      const limits = new Map<string, number>();
      for (const d of csiNode?.spec.drivers ?? []) if (d.allocatable?.count !== undefined) limits.set(limitKey(d.name), d.allocatable.count);
      if (!limits.size) return SUCCESS;
      const attached = new Map<string, string>();
      for (const e of node.pods.values()) attachable(e.pod, false, attached);
      const attachedCount = new Map<string, number>();
      for (const [unique, key] of attached) {
        fresh.delete(unique);
        attachedCount.set(key, (attachedCount.get(key) ?? 0) + 1);
      }
      const newCount = new Map<string, number>();
      for (const key of fresh.values()) newCount.set(key, (newCount.get(key) ?? 0) + 1);
      for (const [key, n] of newCount) {
        const max = limits.get(key);
        if (max !== undefined && (attachedCount.get(key) ?? 0) + n > max) return status('Unschedulable', ERR_REASON_MAX_VOLUME_COUNT_EXCEEDED);
      }
      return SUCCESS;
    },
    eventsToRegister: () => [
      { event: { resource: 'CSINode', action: Action.Add | Action.Update } },
      {
        event: { resource: 'Pod', action: Action.Delete },
        hint: (pod, old) => ((old as Stored<Pod>).spec.nodeName && podClaimRefs(old as Pod).length && podClaimRefs(pod).length ? 'Queue' : 'QueueSkip'),
      },
      { event: { resource: 'PersistentVolumeClaim', action: Action.Add } },
    ],
  };
}
