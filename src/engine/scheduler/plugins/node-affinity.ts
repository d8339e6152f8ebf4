/**
 * NodeAffinity: Filter requires the pod's nodeSelector and its
 * requiredDuringSchedulingIgnoredDuringExecution node selector terms (any
 * term, all expressions of a term; In, NotIn, Exists, DoesNotExist, Gt, Lt;
 * matchFields on metadata.name), and the profile's addedAffinity; PreFilter
 * narrows the nodes to those named by metadata.name fields; Score sums the
 * weights of the preferred terms (the pod's and the profile's) a node
 * matches, normalized to 0..100.
 */
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, Stored } from '../../api/types.ts';
import {
  Action,
  type EnqueueExtensions,
  type FilterPlugin,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  MAX_NODE_SCORE,
  SKIP,
  SUCCESS,
  StateKey,
  defaultNormalizeScore,
  status,
} from '../framework.ts';

export const NODE_AFFINITY = 'NodeAffinity';
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';
/** One status per verdict, for every node that gets it (statuses are never changed). */
const POD_MISMATCH = status('UnschedulableAndUnresolvable', ERR_REASON_POD);
const ENFORCED_MISMATCH = status('UnschedulableAndUnresolvable', ERR_REASON_ENFORCED);

interface PreferredTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

/** NodeAffinityArgs */
export interface NodeAffinityArgs {
  addedAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] };
    preferredDuringSchedulingIgnoredDuringExecution?: PreferredTerm[];
  };
}

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
  for (const e of exprs) if (!requirementMatches(e, Object.prototype.hasOwnProperty.call(labels, e.key) ? labels[e.key] : undefined)) return false;
  for (const f of fields) if (!requirementMatches(f, f.key === 'metadata.name' ? node.metadata.name : undefined)) return false;
  return true;
}

/** A node selector (ORed terms) matches a node. */
export function nodeSelectorMatches(terms: readonly NodeSelectorTerm[], node: Pick<Node, 'metadata'>): boolean {
  return terms.some((t) => termMatches(t, node));
}

/** GetRequiredNodeAffinity(pod).Match: the pod's nodeSelector and required node affinity both hold on the node. */
export function podMatchesNodeSelectorAndAffinity(pod: Pick<Pod, 'spec'>, node: Pick<Node, 'metadata'>): boolean {
  const sel = pod.spec.nodeSelector;
  if (sel) {
    const labels = node.metadata.labels ?? {};
    for (const k in sel) if (labels[k] !== sel[k]) return false;
  }
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !nodeSelectorMatches(required.nodeSelectorTerms ?? [], node)) return false;
  return true;
}

/** PreferredSchedulingTerms.Score: the sum of the weights of matching terms (weight 0 ignored). */
function preferredScore(terms: readonly PreferredTerm[], node: Pick<Node, 'metadata'>): number {
  let total = 0;
  for (const p of terms) if (p.weight !== 0 && termMatches(p.preference, node)) total += p.weight;
  return total;
}

const preScoreKey = new StateKey<PreferredTerm[]>('PreScoreNodeAffinity');

export function nodeAffinity(args: NodeAffinityArgs = {}): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions {
  const addedRequired = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const addedPreferred = args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length
    ? args.addedAffinity.preferredDuringSchedulingIgnoredDuringExecution
    : undefined;
  const addedMatches = (node: Pick<Node, 'metadata'>) => !addedRequired || nodeSelectorMatches(addedRequired, node);
  const podPreferred = (pod: Pod) => pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];
  return {
    name: NODE_AFFINITY,
    preFilter(_state, pod) {
      const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
      if (!required && !addedRequired && !pod.spec.nodeSelector) return { status: SKIP };
      const terms = required?.nodeSelectorTerms ?? [];
      if (!terms.length) return { status: SUCCESS };
      // Affinity to named nodes narrows the nodes to check: terms are ORed, a term's fields ANDed.
      let names: Set<string> | undefined;
      for (const t of terms) {
        let termNames: Set<string> | undefined;
        for (const f of t.matchFields ?? []) {
          if (f.key !== 'metadata.name' || f.operator !== 'In') continue;
          const s = new Set(f.values ?? []);
          termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
        }
        if (!termNames) return { status: SUCCESS };
        names = new Set([...(names ?? []), ...termNames]);
      }
      if (names && names.size === 0) return { status: status('UnschedulableAndUnresolvable', ERR_REASON_CONFLICT) };
      return { status: SUCCESS, result: names ? { nodeNames: names } : undefined };
    },
    filter(_state, pod, node) {
      if (!addedMatches(node.node)) return ENFORCED_MISMATCH;
      return podMatchesNodeSelectorAndAffinity(pod, node.node) ? SUCCESS : POD_MISMATCH;
    },
    preScore(state, pod) {
      const terms = podPreferred(pod);
      if (!terms.length && !addedPreferred) return SKIP;
      state.write(preScoreKey, terms);
      return SUCCESS;
    },
    score(state, pod, node) {
      let total = addedPreferred ? preferredScore(addedPreferred, node.node) : 0;
      total += preferredScore(state.read(preScoreKey) ?? podPreferred(pod), node.node);
      return total;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    },
    eventsToRegister: () => [
      {
        event: { resource: 'Node', action: Action.Add | Action.UpdateNodeLabel },
        hint: (pod, old, now) => {
          const n = now as Stored<Node>;
          if (!addedMatches(n) || !podMatchesNodeSelectorAndAffinity(pod, n)) return 'QueueSkip';
          if (!old) return 'Queue';
          return podMatchesNodeSelectorAndAffinity(pod, old as Stored<Node>) ? 'QueueSkip' : 'Queue';
        },
      },
    ],
  };
}
