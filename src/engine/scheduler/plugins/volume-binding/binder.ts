/**
 * The volume binder of VolumeBinding (pkg/scheduler/framework/plugins/
 * volumebinding/binder.go): which claims a pod has and in what state, which
 * PVs could serve its WaitForFirstConsumer claims on a node (or whether they
 * can be provisioned there), assuming those choices until the API shows them,
 * and checking that the PV controller and provisioner finished binding.
 */
import { R } from '../../../api/kinds.ts';
import { Selector } from '../../../api/selectors.ts';
import { resourceAmount } from '../../../api/quantity.ts';
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, Stored } from '../../../api/types.ts';
import type { Handle, Lister } from '../../framework.ts';
import {
  ANN_BOUND_BY_CONTROLLER,
  ANN_SELECTED_NODE,
  NOT_SUPPORTED_PROVISIONER,
  claimClass,
  claimFullyBound,
  isDelayBinding,
  notFound,
  podClaimRefs,
  pvNodeAffinityMatches,
  topologyTermsMatch,
  volumeClass,
} from '../helper/storage.ts';

export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_NOT_ENOUGH_SPACE = 'node(s) did not have enough free storage';
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';

/** PodVolumeClaims: the pod's claims sorted by state, and the PVs of the delay-binding claims' classes. */
export interface PodVolumeClaims {
  bound: Stored<PersistentVolumeClaim>[];
  unboundDelayBinding: Stored<PersistentVolumeClaim>[];
  unboundImmediate: Stored<PersistentVolumeClaim>[];
  pvsByClass: Map<string, Stored<PersistentVolume>[]>;
}

/** PodVolumes: what binding the pod's volumes on one node takes. */
export interface PodVolumes {
  staticBindings: Array<{ pv: Stored<PersistentVolume>; pvc: Stored<PersistentVolumeClaim> }>;
  dynamicProvisions: Stored<PersistentVolumeClaim>[];
}

const storageOf = (q: Record<string, string> | undefined) => (q?.storage !== undefined ? resourceAmount('storage', q.storage) : 0);

/** IsVolumeBoundToClaim */
function boundToClaim(pv: PersistentVolume, pvc: Stored<PersistentVolumeClaim>): boolean {
  const ref = pv.spec.claimRef;
  if (!ref) return false;
  if (ref.name !== pvc.metadata.name || ref.namespace !== pvc.metadata.namespace) return false;
  return !ref.uid || ref.uid === pvc.metadata.uid;
}

/** CheckAccessModes: every mode the claim asks for is one the volume has. */
const accessModesMatch = (pvc: PersistentVolumeClaim, pv: PersistentVolume) => (pvc.spec.accessModes ?? []).every((m) => (pv.spec.accessModes ?? []).includes(m));

/** CheckVolumeModeMismatches: Filesystem unless set. */
const volumeModeMismatch = (pvc: PersistentVolumeClaim, pv: PersistentVolume) => (pvc.spec.volumeMode ?? 'Filesystem') !== (pv.spec.volumeMode ?? 'Filesystem');

/** FindMatchingVolume on the scheduler's path: a PV pre-bound to the claim, else the smallest available one that fits. */
function findMatchingVolume(pvc: Stored<PersistentVolumeClaim>, pvs: readonly Stored<PersistentVolume>[], node: Pick<Node, 'metadata'>, excluded: Set<string>): Stored<PersistentVolume> | undefined {
  const requested = storageOf(pvc.spec.resources?.requests as Record<string, string> | undefined);
  const cls = claimClass(pvc);
  let selector: Selector | undefined;
  if (pvc.spec.selector) selector = Selector.fromLabelSelector(pvc.spec.selector);
  let smallest: Stored<PersistentVolume> | undefined;
  let smallestQty = 0;
  for (const pv of pvs) {
    if (excluded.has(pv.metadata.name)) continue;
    if (pv.spec.claimRef && !boundToClaim(pv, pvc)) continue;
    const qty = storageOf(pv.spec.capacity as Record<string, string> | undefined);
    if (qty < requested) continue;
    if (volumeModeMismatch(pvc, pv)) continue;
    if (pv.metadata.deletionTimestamp) continue;
    const affinityOk = pvNodeAffinityMatches(pv, node);
    if (boundToClaim(pv, pvc)) return affinityOk ? pv : undefined;
    if (pv.status?.phase !== 'Available') continue;
    if (selector && !selector.matches(pv.metadata.labels)) continue;
    if (volumeClass(pv) !== cls) continue;
    if (!affinityOk) continue;
    if (!accessModesMatch(pvc, pv)) continue;
    if (!smallest || smallestQty > qty) {
      smallest = pv;
      smallestQty = qty;
    }
  }
  return smallest;
}

export class VolumeBinder {
  readonly claims: Lister<PersistentVolumeClaim>;
  readonly volumes: Lister<PersistentVolume>;
  readonly classes: Lister<StorageClass>;
  /** The assume caches: PVs and claims as the binder expects them, until the informers catch up. */
  private readonly assumedPVs = new Map<string, Stored<PersistentVolume>>();
  private readonly assumedPVCs = new Map<string, Stored<PersistentVolumeClaim>>();

  constructor(private readonly handle: Handle) {
    this.claims = handle.lister<PersistentVolumeClaim>(R.persistentVolumeClaims);
    this.volumes = handle.lister<PersistentVolume>(R.persistentVolumes);
    this.classes = handle.lister<StorageClass>(R.storageClasses);
  }

  /** An assumed object wins while the informer still has the version it was based on. */
  private pv(name: string): Stored<PersistentVolume> | undefined {
    const api = this.volumes.get(undefined, name);
    const assumed = this.assumedPVs.get(name);
    if (assumed && api && assumed.metadata.resourceVersion === api.metadata.resourceVersion) return assumed;
    if (assumed) this.assumedPVs.delete(name);
    return api;
  }

  pvc(namespace: string | undefined, name: string): Stored<PersistentVolumeClaim> | undefined {
    const key = `${namespace}/${name}`;
    const api = this.claims.get(namespace, name);
    const assumed = this.assumedPVCs.get(key);
    if (assumed && api && assumed.metadata.resourceVersion === api.metadata.resourceVersion) return assumed;
    if (assumed) this.assumedPVCs.delete(key);
    return api;
  }

  private pvsOfClass(cls: string): Stored<PersistentVolume>[] {
    return this.volumes
      .list()
      .filter((pv) => volumeClass(pv) === cls)
      .map((pv) => this.pv(pv.metadata.name) ?? pv);
  }

  /** podHasPVCs: an error message when a claim is missing, lost, being deleted or not the pod's own ephemeral one. */
  checkClaimsExist(pod: Stored<Pod>): { has: boolean; error?: string } {
    const refs = podClaimRefs(pod);
    for (const ref of refs) {
      const pvc = this.pvc(pod.metadata.namespace, ref.name);
      if (!pvc) {
        return { has: true, error: ref.ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${ref.name}"` : notFound('persistentvolumeclaim', ref.name) };
      }
      if (pvc.status?.phase === 'Lost') return { has: true, error: `persistentvolumeclaim "${pvc.metadata.name}" bound to non-existent persistentvolume "${pvc.spec.volumeName ?? ''}"` };
      if (pvc.metadata.deletionTimestamp) return { has: true, error: `persistentvolumeclaim "${pvc.metadata.name}" is being deleted` };
      if (ref.ephemeral && !(pvc.metadata.ownerReferences ?? []).some((o) => o.controller && o.uid === pod.metadata.uid)) {
        return { has: true, error: `PVC ${pod.metadata.namespace}/${pvc.metadata.name} was not created for pod ${pod.metadata.namespace}/${pod.metadata.name} (pod is not owner)` };
      }
    }
    return { has: refs.length > 0 };
  }

  /** GetPodVolumeClaims */
  podVolumeClaims(pod: Stored<Pod>): PodVolumeClaims {
    const out: PodVolumeClaims = { bound: [], unboundDelayBinding: [], unboundImmediate: [], pvsByClass: new Map() };
    for (const ref of podClaimRefs(pod)) {
      const pvc = this.pvc(pod.metadata.namespace, ref.name);
      if (!pvc) continue;
      if (claimFullyBound(pvc)) out.bound.push(pvc);
      else if (isDelayBinding(pvc, this.classes) && !pvc.spec.volumeName) out.unboundDelayBinding.push(pvc);
      // Prebound claims are treated as unbound immediate ones.
      else out.unboundImmediate.push(pvc);
    }
    for (const pvc of out.unboundDelayBinding) {
      const cls = claimClass(pvc);
      if (!out.pvsByClass.has(cls)) out.pvsByClass.set(cls, this.pvsOfClass(cls));
    }
    return out;
  }

  /** GetEligibleNodes: the nodes local PVs of bound claims pin the pod to (hostname In ...), if any. */
  eligibleNodes(bound: readonly Stored<PersistentVolumeClaim>[]): Set<string> | undefined {
    let eligible: Set<string> | undefined;
    for (const pvc of bound) {
      const pv = this.pv(pvc.spec.volumeName!);
      const terms = pv?.spec.nodeAffinity?.required?.nodeSelectorTerms;
      if (!terms) continue;
      let names: Set<string> | undefined;
      for (const t of terms) {
        let termNodes: Set<string> | undefined;
        for (const e of t.matchExpressions ?? []) {
          if (e.key !== 'kubernetes.io/hostname' || e.operator !== 'In') continue;
          const s = new Set(e.values ?? []);
          termNodes = termNodes ? new Set([...termNodes].filter((n) => s.has(n))) : s;
        }
        if (termNodes) names = new Set([...(names ?? []), ...termNodes]);
      }
      if (!names?.size) continue;
      eligible = eligible ? new Set([...eligible].filter((n) => names!.has(n))) : names;
    }
    return eligible;
  }

  /** FindPodVolumes: the conflict reasons on this node, or what binding there takes. */
  findPodVolumes(claims: PodVolumeClaims, node: Pick<Node, 'metadata'>): { reasons: string[]; volumes: PodVolumes; error?: string } {
    const volumes: PodVolumes = { staticBindings: [], dynamicProvisions: [] };
    let boundOk = true;
    let boundFound = true;
    let unboundOk = true;
    let enoughStorage = true;
    const reasons = () => [
      ...(boundOk ? [] : [ERR_REASON_NODE_CONFLICT]),
      ...(unboundOk ? [] : [ERR_REASON_BIND_CONFLICT]),
      ...(enoughStorage ? [] : [ERR_REASON_NOT_ENOUGH_SPACE]),
      ...(boundFound ? [] : [ERR_REASON_PV_NOT_EXIST]),
    ];
    for (const pvc of claims.bound) {
      const pv = this.pv(pvc.spec.volumeName!);
      if (!pv) {
        boundFound = false;
        break;
      }
      if (!pvNodeAffinityMatches(pv, node)) {
        boundOk = false;
        break;
      }
    }
    if (!boundFound || !boundOk) return { reasons: reasons(), volumes };
    if (claims.unboundDelayBinding.length) {
      const toMatch: Stored<PersistentVolumeClaim>[] = [];
      const toProvision: Stored<PersistentVolumeClaim>[] = [];
      for (const pvc of claims.unboundDelayBinding) {
        const selected = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
        if (selected !== undefined) {
          if (selected !== node.metadata.name) {
            unboundOk = false;
            return { reasons: reasons(), volumes };
          }
          toProvision.push(pvc);
        } else toMatch.push(pvc);
      }
      if (toMatch.length) {
        // Smallest requests first, so they get the smallest volumes.
        toMatch.sort((a, b) => storageOf(a.spec.resources?.requests as Record<string, string>) - storageOf(b.spec.resources?.requests as Record<string, string>));
        const chosen = new Set<string>();
        for (const pvc of toMatch) {
          const pv = findMatchingVolume(pvc, claims.pvsByClass.get(claimClass(pvc)) ?? [], node, chosen);
          if (!pv) {
            toProvision.push(pvc);
            unboundOk = false;
            continue;
          }
          chosen.add(pv.metadata.name);
          volumes.staticBindings.push({ pv, pvc });
        }
      }
      if (toProvision.length) {
        const r = this.checkVolumeProvisions(toProvision, node);
        if (r.error) return { reasons: [], volumes, error: r.error };
        unboundOk = r.satisfied;
        enoughStorage = r.sufficient;
        volumes.dynamicProvisions = r.provisions;
      }
    }
    return { reasons: reasons(), volumes };
  }

  /** checkVolumeProvisions: each claim's class can provision, and on this node (allowedTopologies). */
  private checkVolumeProvisions(claims: readonly Stored<PersistentVolumeClaim>[], node: Pick<Node, 'metadata'>): { satisfied: boolean; sufficient: boolean; provisions: Stored<PersistentVolumeClaim>[]; error?: string } {
    const provisions: Stored<PersistentVolumeClaim>[] = [];
    for (const pvc of claims) {
      const cls = claimClass(pvc);
      if (!cls) return { satisfied: false, sufficient: false, provisions: [], error: `no class for claim "${pvc.metadata.namespace}/${pvc.metadata.name}"` };
      const sc = this.classes.get(undefined, cls);
      if (!sc) return { satisfied: false, sufficient: false, provisions: [], error: `failed to find storage class "${cls}"` };
      if (!sc.provisioner || sc.provisioner === NOT_SUPPORTED_PROVISIONER) return { satisfied: false, sufficient: true, provisions: [] };
      if (!topologyTermsMatch(sc.allowedTopologies, node.metadata.labels)) return { satisfied: false, sufficient: true, provisions: [] };
      // Storage capacity is only tracked for CSI drivers publishing CSIStorageCapacity, which the engine has none of.
      provisions.push(pvc);
    }
    return { satisfied: true, sufficient: true, provisions };
  }

  /** AssumePodVolumes: whether all volumes are bound already; otherwise the choices are assumed. */
  assume(pod: Stored<Pod>, nodeName: string, v: PodVolumes): boolean {
    if (!v.staticBindings.length && !v.dynamicProvisions.length) return true;
    for (const b of v.staticBindings) this.assumedPVs.set(b.pv.metadata.name, bindVolumeToClaim(b.pv, b.pvc));
    for (const c of v.dynamicProvisions) {
      const next = { ...c, metadata: { ...c.metadata, annotations: { ...(c.metadata.annotations ?? {}), [ANN_SELECTED_NODE]: nodeName } } };
      this.assumedPVCs.set(`${c.metadata.namespace}/${c.metadata.name}`, next);
    }
    void pod;
    return false;
  }

  /** RevertAssumedPodVolumes */
  revert(v: PodVolumes | undefined): void {
    for (const b of v?.staticBindings ?? []) this.assumedPVs.delete(b.pv.metadata.name);
    for (const c of v?.dynamicProvisions ?? []) this.assumedPVCs.delete(`${c.metadata.namespace}/${c.metadata.name}`);
  }

  /** bindAPIUpdate: PVs get their claimRef, claims to provision the selected-node annotation. Returns an error message. */
  bindAPIUpdate(nodeName: string, v: PodVolumes): string | undefined {
    try {
      // The updated objects are kept: checkBindings waits until the informers are at least as new.
      for (const b of v.staticBindings) b.pv = this.handle.client.update(R.persistentVolumes, bindVolumeToClaim(b.pv, b.pvc));
      v.dynamicProvisions = v.dynamicProvisions.map((c) => {
        const next = { ...c, metadata: { ...c.metadata, annotations: { ...(c.metadata.annotations ?? {}), [ANN_SELECTED_NODE]: nodeName } } };
        return this.handle.client.update(R.persistentVolumeClaims, next);
      });
    } catch (e) {
      return (e as Error).message;
    }
    return undefined;
  }

  /** checkBindings: true when all are bound, false to keep waiting, or an error message. */
  checkBindings(pod: Stored<Pod>, nodeName: string, v: PodVolumes): boolean | string {
    const node = this.handle.node(nodeName)?.node;
    if (!node) return `node "${nodeName}" not found`;
    for (const b of v.staticBindings) {
      const pv = this.volumes.get(undefined, b.pv.metadata.name);
      if (!pv) return `failed to check binding: ${notFound('persistentvolume', b.pv.metadata.name)}`;
      const pvc = this.claims.get(b.pvc.metadata.namespace, b.pvc.metadata.name);
      if (!pvc) return `failed to check binding: ${notFound('persistentvolumeclaim', b.pvc.metadata.name)}`;
      if (olderThan(pv, b.pv)) return false;
      if (!pvNodeAffinityMatches(pv, node)) return `pv "${pv.metadata.name}" node affinity doesn't match node "${nodeName}"`;
      if (!pv.spec.claimRef?.uid) return `ClaimRef got reset for pv "${pv.metadata.name}"`;
      if (!claimFullyBound(pvc)) return false;
    }
    for (const c of v.dynamicProvisions) {
      const pvc = this.claims.get(c.metadata.namespace, c.metadata.name);
      if (!pvc) return `failed to check provisioning pvc: ${notFound('persistentvolumeclaim', c.metadata.name)}`;
      if (olderThan(pvc, c)) return false;
      const selected = pvc.metadata.annotations?.[ANN_SELECTED_NODE];
      // The provisioner removes the annotation to ask for another node.
      if (selected !== nodeName) return `provisioning failed for PVC "${pvc.metadata.name}"`;
      if (pvc.spec.volumeName) {
        const pv = this.volumes.get(undefined, pvc.spec.volumeName);
        if (!pv) return false;
        if (!pvNodeAffinityMatches(pv, node)) return `pv "${pv.metadata.name}" node affinity doesn't match node "${nodeName}"`;
      }
      if (!claimFullyBound(pvc)) return false;
    }
    void pod;
    return true;
  }
}

/** CompareResourceVersion(ours, cached) > 0: the informer has not seen our write yet. */
const olderThan = (cached: Stored, ours: Stored) => Number(cached.metadata.resourceVersion) < Number(ours.metadata.resourceVersion);

/** BindVolumeToClaim: the PV with its claimRef set (and bound-by-controller when the scheduler chose it). */
function bindVolumeToClaim(pv: Stored<PersistentVolume>, pvc: Stored<PersistentVolumeClaim>): Stored<PersistentVolume> {
  const annotations = { ...(pv.metadata.annotations ?? {}) };
  if (!boundToClaim(pv, pvc) && !(ANN_BOUND_BY_CONTROLLER in annotations)) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
  return {
    ...pv,
    metadata: { ...pv.metadata, annotations },
    spec: {
      ...pv.spec,
      claimRef: { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion },
    },
  };
}
