/**
 * Node selectors and required node affinity
 * (k8s.io/component-helpers/scheduling/corev1/nodeaffinity): what the
 * scheduler's NodeAffinity filter and the DaemonSet controller both ask of a
 * node. Any term may match; all expressions and fields of a term must; an
 * empty term matches nothing. Gt and Lt compare strict int64 integers.
 */
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from './types.ts';

/** strconv.ParseInt(s, 10, 64): an optional sign and decimal digits only, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

export function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const a = parseInt64(value!);
      const b = parseInt64(values[0]);
      if (a === undefined || b === undefined) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

export function nodeSelectorTermMatches(term: NodeSelectorTerm, node: Pick<Node, 'metadata'>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  for (const e of exprs) if (!requirementMatches(e, Object.prototype.hasOwnProperty.call(labels, e.key) ? labels[e.key] : undefined)) return false;
  for (const f of fields) if (!requirementMatches(f, f.key === 'metadata.name' ? node.metadata.name : undefined)) return false;
  return true;
}

/** A node selector (ORed terms) matches a node. */
export function nodeSelectorMatches(terms: readonly NodeSelectorTerm[], node: Pick<Node, 'metadata'>): boolean {
  return terms.some((t) => nodeSelectorTermMatches(t, node));
}

/** GetRequiredNodeAffinity(pod).Match(node): the nodeSelector and the required terms hold. */
export function requiredNodeAffinityMatches(pod: Pick<Pod, 'spec'>, node: Pick<Node, 'metadata'>): boolean {
  const sel = pod.spec.nodeSelector;
  if (sel) {
    const labels = node.metadata.labels ?? {};
    for (const k in sel) if (labels[k] !== sel[k]) return false;
  }
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !nodeSelectorMatches(required.nodeSelectorTerms ?? [], node)) return false;
  return true;
}
