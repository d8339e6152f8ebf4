/**
 * NodeAffinity: Filter requires the pod's nodeSelector and its
 * requiredDuringSchedulingIgnoredDuringExecution node selector terms (any
 * term, all expressions of a term; In, NotIn, Exists, DoesNotExist, Gt, Lt;
 * matchFields on metadata.name); Score sums the weights of the preferred
 * terms a node matches, normalized to 0..100.
 */
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod } from '../../api/types.ts';
import {
  type EnqueueExtensions,
  type FilterPlugin,
  type ScorePlugin,
  MAX_NODE_SCORE,
  SUCCESS,
  defaultNormalizeScore,
  status,
} from '../framework.ts';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

/** strconv.ParseInt(s, 10, 64): an optional sign and decimal digits only, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
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

/** A node selector term matches when all of its expressions and fields match; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Pick<Node, 'metadata'>): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  for (const e of exprs) if (!requirementMatches(e, labels[e.key])) return false;
  for (const f of fields) if (!requirementMatches(f, f.key === 'metadata.name' ? node.metadata.name : undefined)) return false;
  return true;
}

/** The pod's nodeSelector and required node affinity both hold on the node. */
export function podMatchesNodeSelectorAndAffinity(pod: Pick<Pod, 'spec'>, node: Pick<Node, 'metadata'>): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !required.nodeSelectorTerms.some((t) => termMatches(t, node))) return false;
  return true;
}

export function nodeAffinity(): FilterPlugin & ScorePlugin & EnqueueExtensions {
  return {
    name: NODE_AFFINITY,
    filter(_state, pod, node) {
      return podMatchesNodeSelectorAndAffinity(pod, node.node) ? SUCCESS : status('UnschedulableAndUnresolvable', ERR_REASON_POD);
    },
    score(_state, pod, node) {
      let total = 0;
      for (const p of pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
        if (p.weight !== 0 && termMatches(p.preference, node.node)) total += p.weight;
      }
      return total;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    },
    events: () => ['NodeAdd', 'NodeUpdateLabel', 'UnscheduledPodUpdate'],
  };
}
