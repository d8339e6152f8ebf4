/**
 * VolumeZone: Filter requires nodes to be in the zone and region of the
 * persistent volumes the pod's bound claims use (PV topology labels; a value
 * `a__b` allows both). Nodes without any topology label pass; unbound
 * WaitForFirstConsumer claims are left to VolumeBinding.
 */
import { R } from '../../api/kinds.ts';
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, Stored } from '../../api/types.ts';
import { Action, type EnqueueExtensions, type FilterPlugin, type Handle, type PreFilterPlugin, SKIP, SUCCESS, StateKey, type Status, status } from '../framework.ts';
import { claimClass, labelZonesToSet, notFound, pvcVolumeNames } from './helper/storage.ts';

export const VOLUME_ZONE = 'VolumeZone';
export const ERR_REASON_VOLUME_ZONE_CONFLICT = 'node(s) had no available volume zone';

const BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';
const BETA_REGION = 'failure-domain.beta.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';
const TOPOLOGY_LABELS = [BETA_ZONE, BETA_REGION, ZONE, REGION];
const TO_GA: Record<string, string> = { [BETA_ZONE]: ZONE, [BETA_REGION]: REGION };

interface PvTopology {
  pvName: string;
  key: string;
  values: Set<string>;
}
const preFilterKey = new StateKey<PvTopology[]>('PreFilterVolumeZone');

export function volumeZone(handle: Handle): PreFilterPlugin & FilterPlugin & EnqueueExtensions {
  const claims = handle.lister<PersistentVolumeClaim>(R.persistentVolumeClaims);
  const volumes = handle.lister<PersistentVolume>(R.persistentVolumes);
  const classes = handle.lister<StorageClass>(R.storageClasses);

  /** getPVbyPod */
  const topologiesOf = (pod: Stored<Pod>): { topologies: PvTopology[]; status?: Status } => {
    const out: PvTopology[] = [];
    for (const name of pvcVolumeNames(pod)) {
      if (!name) return { topologies: [], status: status('UnschedulableAndUnresolvable', 'PersistentVolumeClaim had no name') };
      const pvc = claims.get(pod.metadata.namespace, name);
      if (!pvc) return { topologies: [], status: status('UnschedulableAndUnresolvable', notFound('persistentvolumeclaim', name)) };
      const pvName = pvc.spec.volumeName ?? '';
      if (!pvName) {
        const scName = claimClass(pvc);
        if (!scName) return { topologies: [], status: status('UnschedulableAndUnresolvable', 'PersistentVolumeClaim had no pv name and storageClass name') };
        const sc = classes.get(undefined, scName);
        if (!sc) return { topologies: [], status: status('UnschedulableAndUnresolvable', notFound('storageclass.storage.k8s.io', scName)) };
        if (!sc.volumeBindingMode) return { topologies: [], status: status('UnschedulableAndUnresolvable', `VolumeBindingMode not set for StorageClass "${scName}"`) };
        if (sc.volumeBindingMode === 'WaitForFirstConsumer') continue;
        return { topologies: [], status: status('UnschedulableAndUnresolvable', 'PersistentVolume had no name') };
      }
      const pv = volumes.get(undefined, pvName);
      if (!pv) return { topologies: [], status: status('UnschedulableAndUnresolvable', notFound('persistentvolume', pvName)) };
      for (const key of TOPOLOGY_LABELS) {
        const v = pv.metadata.labels?.[key];
        if (v !== undefined) out.push({ pvName, key, values: labelZonesToSet(v) });
      }
    }
    return { topologies: out };
  };

  return {
    name: VOLUME_ZONE,
    preFilter(state, pod) {
      const { topologies, status: st } = topologiesOf(pod);
      if (st) return { status: st };
      if (!topologies.length) return { status: SKIP };
      state.write(preFilterKey, topologies);
      return { status: SUCCESS };
    },
    filter(state, pod, node) {
      if (!pod.spec.volumes?.length) return SUCCESS;
      let topologies = state.read(preFilterKey);
      if (!topologies) {
        const r = topologiesOf(pod);
        if (r.status) return r.status;
        topologies = r.topologies;
      }
      const labels = node.node.metadata.labels ?? {};
      // A node without topology labels (a single-zone cluster) takes any volume.
      if (!TOPOLOGY_LABELS.some((k) => Object.prototype.hasOwnProperty.call(labels, k))) return SUCCESS;
      for (const t of topologies) {
        let v = labels[t.key];
        if (v === undefined && TO_GA[t.key]) v = labels[TO_GA[t.key]];
        if (v === undefined || !t.values.has(v)) return status('UnschedulableAndUnresolvable', ERR_REASON_VOLUME_ZONE_CONFLICT);
      }
      return SUCCESS;
    },
    eventsToRegister: () => [
      { event: { resource: 'StorageClass', action: Action.Add } },
      { event: { resource: 'Node', action: Action.Add | Action.UpdateNodeLabel | Action.UpdateNodeTaint } },
      {
        event: { resource: 'PersistentVolumeClaim', action: Action.Add | Action.Update },
        hint: (pod, _old, now) => {
          const pvc = now as Stored<PersistentVolumeClaim>;
          return pvc.metadata.namespace === pod.metadata.namespace && pvcVolumeNames(pod).includes(pvc.metadata.name) ? 'Queue' : 'QueueSkip';
        },
      },
      { event: { resource: 'PersistentVolume', action: Action.Add | Action.Update } },
    ],
  };
}
