/**
 * DaemonSet arithmetic (pkg/controller/daemon, pkg/controller/daemon/util):
 * which nodes should run a daemon pod, the tolerations and node affinity
 * its pods get, surge and unavailability counts, and pod ordering.
 */
import type { DaemonSet, Node, Pod, PodTemplateSpec, Stored, Toleration } from '../api/types.ts';
import { clone } from '../api/meta.ts';
import { requiredNodeAffinityMatches } from '../api/node-selector.ts';
import { findUntoleratedTaint } from '../api/taints.ts';
import { POD_REVISION_LABEL } from './history-util.ts';

/** FailedDaemonPodReason. */
export const FAILED_DAEMON_POD = 'FailedDaemonPod';

/**
 * NodeShouldRunDaemonPod: shouldRun (a pod belongs there) and
 * shouldContinueRunning (a pod already there may stay). The pod must match
 * the node's name and required affinity; untolerated NoSchedule or NoExecute
 * taints keep new pods off, and only NoExecute ones evict running pods.
 */
export function nodeShouldRunDaemonPod(node: Stored<Node>, ds: DaemonSet): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const pod = { spec: newPodSpecFor(ds, node.metadata.name) };
  const nodeName = ds.spec.template?.spec?.nodeName;
  if (nodeName && nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!requiredNodeAffinityMatches(pod as Pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const blocking = findUntoleratedTaint(taints, pod.spec.tolerations, (t) => t.effect === 'NoExecute' || t.effect === 'NoSchedule');
  if (!blocking) return { shouldRun: true, shouldContinueRunning: true };
  const evicting = findUntoleratedTaint(taints, pod.spec.tolerations, (t) => t.effect === 'NoExecute');
  return { shouldRun: false, shouldContinueRunning: !evicting };
}

/** The spec of a daemon pod for `nodeName` (without its node affinity rewritten), for the predicates. */
function newPodSpecFor(ds: DaemonSet, _nodeName: string): Pod['spec'] {
  const spec = clone(ds.spec.template?.spec ?? { containers: [] }) as Pod['spec'];
  addDaemonPodTolerations(spec);
  return spec;
}

const sameToleration = (a: Toleration, b: Toleration) =>
  (a.key ?? '') === (b.key ?? '') && (a.operator ?? 'Equal') === (b.operator ?? 'Equal') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');

/** AddOrUpdateTolerationInPodSpec: replaces a toleration for the same key, operator, value and effect, or appends. */
function addOrUpdateToleration(spec: Pod['spec'], t: Toleration): void {
  const list = spec.tolerations ?? [];
  const i = list.findIndex((x) => sameToleration(x, t));
  if (i >= 0) list[i] = t;
  else list.push(t);
  spec.tolerations = list;
}

/**
 * AddOrUpdateDaemonPodTolerations: daemon pods tolerate not-ready and
 * unreachable (NoExecute, forever), disk, memory and PID pressure and
 * unschedulable (NoSchedule), and network-unavailable when on the host network.
 */
export function addDaemonPodTolerations(spec: Pod['spec']): void {
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' });
  addOrUpdateToleration(spec, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' });
  for (const key of ['disk-pressure', 'memory-pressure', 'pid-pressure', 'unschedulable']) {
    addOrUpdateToleration(spec, { key: `node.kubernetes.io/${key}`, operator: 'Exists', effect: 'NoSchedule' });
  }
  if (spec.hostNetwork) addOrUpdateToleration(spec, { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes `metadata.name In [node]`. */
export function pinToNode(spec: Pod['spec'], nodeName: string): void {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In' as const, values: [nodeName] }] };
  const affinity = spec.affinity ?? {};
  const nodeAffinity = affinity.nodeAffinity ?? {};
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { ...(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? {}), nodeSelectorTerms: [term] };
  affinity.nodeAffinity = nodeAffinity;
  spec.affinity = affinity;
}

/** CreatePodTemplate: the template with the daemon tolerations and the revision hash label. */
export function daemonPodTemplate(ds: DaemonSet, hash: string): PodTemplateSpec {
  const t = clone(ds.spec.template ?? {}) as PodTemplateSpec;
  t.spec = (t.spec ?? { containers: [] }) as PodTemplateSpec['spec'];
  addDaemonPodTolerations(t.spec as Pod['spec']);
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}) };
  const generation = templateGeneration(ds);
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = generation;
  labels[POD_REVISION_LABEL] = hash;
  t.metadata = { ...(t.metadata ?? {}), labels };
  return t;
}

/** GetTargetNodeName: the node a daemon pod is bound to, or pinned to by its node affinity. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/** extensions.DaemonSetTemplateGenerationKey: the template generation a daemon pod was made from. */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';

/** GetTemplateGeneration: the deprecated.daemonset.template.generation annotation, if it is a number. */
export function templateGeneration(ds: DaemonSet): string | undefined {
  const v = ds.metadata.annotations?.['deprecated.daemonset.template.generation'];
  return v !== undefined && /^\d+$/.test(v) ? v : undefined;
}

/** IsPodUpdated: the pod carries the current revision's hash, or the current template generation. */
export function isPodUpdated(pod: Pod, hash: string, generation?: string): boolean {
  const labels = pod.metadata.labels ?? {};
  return (!!hash && labels[POD_REVISION_LABEL] === hash) || (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation);
}

/** podByCreationTimestampAndPhase: scheduled pods first, then oldest first, then by name. */
export function byCreationAndPhase(a: Stored<Pod>, b: Stored<Pod>): number {
  const as = a.spec.nodeName ? 0 : 1;
  const bs = b.spec.nodeName ? 0 : 1;
  if (as !== bs) return as - bs;
  const ta = a.metadata.creationTimestamp;
  const tb = b.metadata.creationTimestamp;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** intstr.GetScaledValueFromIntOrPercent rounding up, as UnavailableCount and SurgeCount do. */
function scaledUp(v: number | string | undefined, total: number): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number(v);
  return Number.isInteger(n) ? n : 0;
}

/** UnavailableCount and SurgeCount, defaulting to one unavailable when both are 0. */
export function surgeAndUnavailable(ds: DaemonSet, desired: number): { maxSurge: number; maxUnavailable: number } {
  if ((ds.spec.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return { maxSurge: 0, maxUnavailable: 0 };
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  let maxUnavailable = scaledUp(ru?.maxUnavailable ?? 1, desired);
  const maxSurge = scaledUp(ru?.maxSurge ?? 0, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** AllowsSurge: a RollingUpdate with a non-zero maxSurge. */
export function allowsSurge(ds: DaemonSet): boolean {
  const v = ds.spec.updateStrategy?.rollingUpdate?.maxSurge;
  return (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && v !== undefined && v !== 0 && v !== '0%' && v !== '0';
}
