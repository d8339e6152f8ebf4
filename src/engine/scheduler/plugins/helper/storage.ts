/**
 * Storage helpers the volume plugins share (pkg/volume/util,
 * component-helpers/storage): claim classes, PV node affinity, topology
 * selector terms, zone label sets, and lister errors in upstream words.
 */
import type { Node, NodeSelectorTerm, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass, TopologySelectorTerm } from '../../../api/types.ts';
import { nodeSelectorMatches } from '../node-affinity.ts';

/** volume.AnnSelectedNode: the node the scheduler chose for a WaitForFirstConsumer claim. */
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
/** AnnBindCompleted: set by the PV controller once it has bound a claim. */
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
/** volume.NotSupportedProvisioner: classes with it cannot provision. */
export const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';

/** A lister miss, in the words of client-go listers: `persistentvolumeclaim "data" not found`. */
export function notFound(resource: string, name: string): string {
  return `${resource} "${name}" not found`;
}

/** GetPersistentVolumeClaimClass: spec.storageClassName, or the beta annotation. */
export function claimClass(pvc: PersistentVolumeClaim): string {
  const ann = pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  if (ann !== undefined) return ann;
  return pvc.spec.storageClassName ?? '';
}

/** GetPersistentVolumeClass */
export function volumeClass(pv: PersistentVolume): string {
  const ann = pv.metadata.annotations?.['volume.beta.kubernetes.io/storage-class'];
  if (ann !== undefined) return ann;
  return pv.spec.storageClassName ?? '';
}

/** IsDelayBindingMode: the claim's class exists and binds WaitForFirstConsumer. */
export function isDelayBinding(pvc: PersistentVolumeClaim, classes: { get(ns: undefined, name: string): StorageClass | undefined }): boolean {
  const name = claimClass(pvc);
  if (!name) return false;
  return classes.get(undefined, name)?.volumeBindingMode === 'WaitForFirstConsumer';
}

/** isPVCFullyBound: bound to a volume and the PV controller has finished. */
export function claimFullyBound(pvc: PersistentVolumeClaim): boolean {
  return !!pvc.spec.volumeName && !!pvc.metadata.annotations && Object.prototype.hasOwnProperty.call(pvc.metadata.annotations, ANN_BIND_COMPLETED);
}

/** CheckNodeAffinity: the PV's required node affinity matches the node (no affinity matches every node). */
export function pvNodeAffinityMatches(pv: PersistentVolume, node: Pick<Node, 'metadata'>): boolean {
  const terms = (pv.spec.nodeAffinity?.required?.nodeSelectorTerms ?? []) as NodeSelectorTerm[];
  if (!pv.spec.nodeAffinity?.required) return true;
  return nodeSelectorMatches(terms, node);
}

/** MatchTopologySelectorTerms: no terms match everything; a term matches when every expression's values include the label. */
export function topologyTermsMatch(terms: readonly TopologySelectorTerm[] | undefined, labels: Record<string, string> | undefined): boolean {
  if (!terms?.length) return true;
  return terms.some((t) =>
    (t.matchLabelExpressions ?? []).every((e) => !!labels && Object.prototype.hasOwnProperty.call(labels, e.key) && (e.values ?? []).includes(labels[e.key])),
  );
}

/** LabelZonesToSet: `a__b` is the set {a, b}. */
export function labelZonesToSet(value: string): Set<string> {
  return new Set(value.split('__').filter((z) => z !== ''));
}

/** The claim names of a pod's persistentVolumeClaim volumes (ephemeral volumes excluded). */
export function pvcVolumeNames(pod: Pod): string[] {
  return (pod.spec.volumes ?? []).filter((v) => v.persistentVolumeClaim).map((v) => v.persistentVolumeClaim!.claimName);
}

/** The claims of a pod: persistentVolumeClaim volumes and generic ephemeral volumes (`<pod>-<volume>`). */
export function podClaimRefs(pod: Pod): Array<{ name: string; ephemeral: boolean }> {
  const out: Array<{ name: string; ephemeral: boolean }> = [];
  for (const v of pod.spec.volumes ?? []) {
    if (v.persistentVolumeClaim) out.push({ name: v.persistentVolumeClaim.claimName, ephemeral: false });
    else if (v.ephemeral) out.push({ name: `${pod.metadata.name}-${v.name}`, ephemeral: true });
  }
  return out;
}
