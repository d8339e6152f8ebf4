/**
 * The rules invariants judge placements by, written here from the
 * Kubernetes documentation rather than taken from the scheduler, so that a
 * scheduler bug is not excused by the same bug in its own helpers.
 *
 * - Taints and tolerations: https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 *   (an empty key with Exists tolerates everything; an empty effect matches every effect;
 *   Exists ignores the value; Equal compares it).
 * - nodeSelector and required node affinity: https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
 *   (every nodeSelector label; any one of the nodeSelectorTerms, all expressions of a term).
 * - Requests: https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 *   (sum of the app containers, or the largest init container if larger, plus overhead).
 * - Volumes: https://kubernetes.io/docs/concepts/storage/persistent-volumes/#node-affinity
 *   ("Pods that use a PV will only be scheduled to nodes that are selected by the node affinity")
 *   and https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode
 *   (a WaitForFirstConsumer claim is bound and provisioned once its pod is scheduled).
 */
import { R, resourceAmount, type Node, type PersistentVolume, type PersistentVolumeClaim, type Pod, type StorageClass, type Taint, type Toleration } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

/** Taints with a hard effect (NoSchedule, NoExecute) that no toleration of the pod tolerates. */
export function untoleratedHardTaints(node: Node, pod: Pod): Taint[] {
  const tolerations = pod.spec.tolerations ?? [];
  return (node.spec?.taints ?? []).filter((taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute') && !tolerations.some((t) => tolerates(t, taint)));
}

interface Expression {
  key: string;
  operator: string;
  values?: string[];
}

function expressionHolds(e: Expression, value: string | undefined): boolean {
  const values = e.values ?? [];
  switch (e.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1 || !/^-?\d+$/.test(value) || !/^-?\d+$/.test(values[0])) return false;
      return e.operator === 'Gt' ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
    }
    default:
      return false;
  }
}

/** Why the node does not satisfy the pod's nodeSelector or required node affinity; undefined when it does. */
export function nodeSelectionProblem(node: Node, pod: Pod): string | undefined {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) {
    if (labels[k] !== v) return `its nodeSelector asks for ${k}=${v}, the node has ${k in labels ? `${k}=${labels[k]}` : `no ${k} label`}`;
  }
  const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return undefined;
  return termsMatch(terms, node) ? undefined : 'none of its required node affinity terms matches the node';
}

type Term = { matchExpressions?: Expression[]; matchFields?: Expression[] };

/** Whether any one of the node selector terms matches the node (all expressions of a term; an empty term matches nothing). */
function termsMatch(terms: readonly Term[], node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  return terms.some((term) => {
    const exprs = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (!exprs.length && !fields.length) return false;
    return exprs.every((e) => expressionHolds(e, labels[e.key])) && fields.every((f) => expressionHolds(f, f.key === 'metadata.name' ? node.metadata.name : undefined));
  });
}

/**
 * Why the pod's volume claims keep it off the node: a claim missing or
 * being deleted, bound to a volume whose node affinity leaves the node
 * out, or not bound and not waiting for its first consumer. Undefined when
 * they do not.
 */
export function volumeProblem(pod: Pod, node: Node, view: Pick<View, 'get'>): string | undefined {
  for (const v of pod.spec.volumes ?? []) {
    const claim = v.persistentVolumeClaim?.claimName;
    if (!claim) continue;
    const pvc = view.get<PersistentVolumeClaim>(R.persistentVolumeClaims, pod.metadata.namespace ?? 'default', claim);
    if (!pvc || pvc.metadata.deletionTimestamp) return `its claim "${claim}" ${pvc ? 'is being deleted' : 'does not exist'}`;
    const volume = pvc.spec.volumeName;
    if (!volume) {
      const sc = pvc.spec.storageClassName ? view.get<StorageClass>(R.storageClasses, undefined, pvc.spec.storageClassName) : undefined;
      if (sc?.volumeBindingMode === 'WaitForFirstConsumer') continue;
      return `its claim "${claim}" is not bound`;
    }
    const pv = view.get<PersistentVolume>(R.persistentVolumes, undefined, volume);
    if (!pv) return `the volume "${volume}" of its claim "${claim}" does not exist`;
    const terms = pv.spec.nodeAffinity?.required?.nodeSelectorTerms as Term[] | undefined;
    if (terms && !termsMatch(terms, node)) return `the node affinity of the volume "${volume}" of its claim "${claim}" does not select the node`;
  }
  return undefined;
}

/** Whether labels match a label selector (matchLabels and matchExpressions). An empty selector matches everything. */
export function selectorMatches(selector: { matchLabels?: Record<string, string>; matchExpressions?: Expression[] } | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  return (selector.matchExpressions ?? []).every((e) => expressionHolds(e, l[e.key]));
}

/** Effective requests of a pod, in canonical amounts (millicores for cpu). */
export function requestsOf(pod: Pod): Map<string, number> {
  const sum = new Map<string, number>();
  const add = (into: Map<string, number>, reqs: Record<string, string | number> | undefined) => {
    for (const [r, q] of Object.entries(reqs ?? {})) into.set(r, (into.get(r) ?? 0) + resourceAmount(r, q));
  };
  for (const c of pod.spec.containers ?? []) add(sum, c.resources?.requests as Record<string, string> | undefined);
  for (const c of pod.spec.initContainers ?? []) {
    if ((c as { restartPolicy?: string }).restartPolicy === 'Always') {
      add(sum, c.resources?.requests as Record<string, string> | undefined);
      continue;
    }
    const init = new Map<string, number>();
    add(init, c.resources?.requests as Record<string, string> | undefined);
    for (const [r, v] of init) if (v > (sum.get(r) ?? 0)) sum.set(r, v);
  }
  add(sum, pod.spec.overhead as Record<string, string> | undefined);
  return sum;
}

/** Host ports a pod claims: `TCP/0.0.0.0:8080`. */
export function hostPortsOf(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP || '0.0.0.0'}:${p.hostPort}`);
  }
  return out;
}

/** Whether two host-port claims clash: same protocol and port, and the same or a wildcard address. */
export function hostPortsClash(a: string, b: string): boolean {
  const [pa, rest] = a.split('/');
  const [pb, restB] = b.split('/');
  const ia = rest.lastIndexOf(':');
  const ib = restB.lastIndexOf(':');
  if (pa !== pb || rest.slice(ia + 1) !== restB.slice(ib + 1)) return false;
  const ha = rest.slice(0, ia);
  const hb = restB.slice(0, ib);
  return ha === hb || ha === '0.0.0.0' || hb === '0.0.0.0';
}
