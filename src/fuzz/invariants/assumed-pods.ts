/**
 * Pods the scheduler has put on a node without binding them yet: a pod
 * whose claims are provisioned for the node it was given waits in
 * VolumeBinding's PreBind until its volumes are bound (polled every
 * second), assumed on that node in the scheduler's cache all the while,
 * where it counts against the node and may be chosen as a preemption
 * victim. The scheduler shows the decision by writing the node on the
 * pod's claims (volume.kubernetes.io/selected-node); the pods waiting then
 * are those not bound that use the claim.
 */
import { R, storePrefix, type PersistentVolumeClaim, type Pod, type Stored, type StoreEvent } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';

const PODS = storePrefix(R.pods);
const CLAIMS = storePrefix(R.persistentVolumeClaims);
const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

const usesClaim = (p: Pod, claim: string) => (p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim);

export class AssumedPods {
  /** By pod uid: the node it was assumed on, and when. */
  private readonly assumed = new Map<string, { node: string; at: number }>();

  /** Follows one change (with the state just after it, at simulated time `at`). */
  onEvent(e: StoreEvent, state: View, at: number): void {
    if (e.key.startsWith(PODS)) {
      const pod = e.object as Stored<Pod>;
      if (e.type === 'DELETED' || pod.spec.nodeName) this.assumed.delete(pod.metadata.uid);
      return;
    }
    if (!e.key.startsWith(CLAIMS) || e.type === 'DELETED') return;
    const claim = e.object as Stored<PersistentVolumeClaim>;
    const node = claim.metadata.annotations?.[SELECTED_NODE];
    if (!node || (e.prev as Stored<PersistentVolumeClaim> | undefined)?.metadata.annotations?.[SELECTED_NODE] === node) return;
    for (const p of state.list<Pod>(R.pods, claim.metadata.namespace ?? 'default')) {
      if (!p.spec.nodeName && !p.metadata.deletionTimestamp && usesClaim(p, claim.metadata.name)) this.assumed.set(p.metadata.uid, { node, at });
    }
  }

  /** The node an unbound pod is assumed on, and since when; undefined when it is not. */
  of(pod: Pod & Stored): { node: string; at: number } | undefined {
    return pod.spec.nodeName ? undefined : this.assumed.get(pod.metadata.uid);
  }

  /** When the earliest decision still waiting for its binding was made; undefined when none waits. */
  oldest(): number | undefined {
    let t: number | undefined;
    for (const a of this.assumed.values()) if (t === undefined || a.at < t) t = a.at;
    return t;
  }

  /** When the scheduler decided to put `pod` on `node`: when it assumed it there, if it did, else `at`. */
  decidedAt(pod: Pod & Stored, node: string, at: number): number {
    const a = this.assumed.get(pod.metadata.uid);
    return a?.node === node && a.at < at ? a.at : at;
  }
}
