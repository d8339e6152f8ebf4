/**
 * VolumeBinding: PreFilter sorts the pod's claims (missing or unbound
 * Immediate claims make it unschedulable); Filter checks bound volumes' node
 * affinity and finds, per node, PVs for WaitForFirstConsumer claims or a
 * class that can provision there; Reserve assumes the choice; PreBind writes
 * it (PV claimRef, or the claim's volume.kubernetes.io/selected-node
 * annotation for the provisioner) and waits, polling every second for up to
 * bindTimeoutSeconds (600), until the claims are bound.
 */
import type { PersistentVolumeClaim, Pod, Stored } from '../../api/types.ts';
import {
  Action,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type PreBindPlugin,
  type PreFilterPlugin,
  type ReservePlugin,
  SKIP,
  SUCCESS,
  StateKey,
  status,
} from '../framework.ts';
import { podClaimRefs } from './helper/storage.ts';
import { type PodVolumeClaims, type PodVolumes, VolumeBinder } from './volume-binding/binder.ts';

export const VOLUME_BINDING = 'VolumeBinding';
const DEFAULT_BIND_TIMEOUT_SECONDS = 600;

/** VolumeBindingArgs */
export interface VolumeBindingArgs {
  bindTimeoutSeconds?: number;
}

interface StateData {
  claims?: PodVolumeClaims;
  byNode: Map<string, PodVolumes>;
  allBound: boolean;
}
const stateKey = new StateKey<StateData>('VolumeBinding');

export function volumeBinding(args: VolumeBindingArgs, handle: Handle): PreFilterPlugin & FilterPlugin & ReservePlugin & PreBindPlugin & EnqueueExtensions {
  const binder = new VolumeBinder(handle);
  const timeoutMs = (args.bindTimeoutSeconds ?? DEFAULT_BIND_TIMEOUT_SECONDS) * 1000;
  const claimOfPod = (pod: Pod, pvc: Stored<PersistentVolumeClaim>) =>
    pvc.metadata.namespace === pod.metadata.namespace && podClaimRefs(pod).some((r) => r.name === pvc.metadata.name);
  return {
    name: VOLUME_BINDING,
    preFilter(state, pod) {
      const { has, error } = binder.checkClaimsExist(pod);
      if (error) return { status: status('UnschedulableAndUnresolvable', error) };
      if (!has) {
        state.write(stateKey, { byNode: new Map(), allBound: true });
        return { status: SKIP };
      }
      const claims = binder.podVolumeClaims(pod);
      if (claims.unboundImmediate.length) return { status: status('UnschedulableAndUnresolvable', 'pod has unbound immediate PersistentVolumeClaims') };
      const eligible = binder.eligibleNodes(claims.bound);
      state.write(stateKey, { claims, byNode: new Map(), allBound: false });
      return { status: SUCCESS, result: eligible ? { nodeNames: eligible } : undefined };
    },
    filter(state, _pod, node) {
      const s = state.read(stateKey);
      if (!s?.claims) return SUCCESS;
      const r = binder.findPodVolumes(s.claims, node.node);
      if (r.error) return status('Error', r.error);
      if (r.reasons.length) return status('UnschedulableAndUnresolvable', ...r.reasons);
      s.byNode.set(node.name, r.volumes);
      return SUCCESS;
    },
    reserve(state, pod, nodeName) {
      const s = state.read(stateKey);
      if (!s) return SUCCESS;
      const v = s.byNode.get(nodeName);
      s.allBound = v ? binder.assume(pod, nodeName, v) : true;
      return SUCCESS;
    },
    unreserve(state, _pod, nodeName) {
      binder.revert(state.read(stateKey)?.byNode.get(nodeName));
    },
    preBind(state, pod, nodeName) {
      const s = state.read(stateKey);
      if (!s || s.allBound) return SUCCESS;
      const v = s.byNode.get(nodeName);
      if (!v) return status('Error', `no pod volumes found for node "${nodeName}"`);
      const err = binder.bindAPIUpdate(nodeName, v);
      if (err) return status('Error', `binding volumes: ${err}`);
      return {
        code: 'Wait',
        intervalMs: 1000,
        timeoutMs,
        check() {
          const r = binder.checkBindings(pod, nodeName, v);
          if (r === true) return SUCCESS;
          if (r === false) return undefined;
          return status('Error', `binding volumes: ${r}`);
        },
        timedOut: () => status('Error', 'binding volumes: context deadline exceeded'),
      };
    },
    eventsToRegister: () => [
      { event: { resource: 'StorageClass', action: Action.Add | Action.Update } },
      {
        event: { resource: 'PersistentVolumeClaim', action: Action.Add | Action.Update },
        hint: (pod, _old, now) => (claimOfPod(pod, now as Stored<PersistentVolumeClaim>) ? 'Queue' : 'QueueSkip'),
      },
      { event: { resource: 'PersistentVolume', action: Action.Add | Action.Update } },
      { event: { resource: 'Node', action: Action.Add | Action.UpdateNodeLabel | Action.UpdateNodeTaint } },
      { event: { resource: 'CSINode', action: Action.Add | Action.Update } },
      { event: { resource: 'CSIDriver', action: Action.Update } },
    ],
  };
}
