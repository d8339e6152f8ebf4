/**
 * NodeAffinity: Filter requires the pod's nodeSelector and its
 * requiredDuringSchedulingIgnoredDuringExecution node selector terms (any
 * term, all expressions of a term; In, NotIn, Exists, DoesNotExist, Gt, Lt;
 * matchFields on metadata.name), and the profile's addedAffinity; PreFilter
 * narrows the nodes to those named by metadata.name fields; Score sums the
 * weights of the preferred terms (the pod's and the profile's) a node
 * matches, normalized to 0..100.
 */
import type { Node, NodeSelectorTerm, Pod, Stored } from '../../api/types.ts';
import { nodeSelectorMatches, nodeSelectorTermMatches as termMatches, requiredNodeAffinityMatches as podMatchesNodeSelectorAndAffinity } from '../../api/node-selector.ts';
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

/** The node selector matching of component-helpers' nodeaffinity, shared with the DaemonSet controller. */
export { nodeSelectorTermMatches as termMatches, nodeSelectorMatches, requiredNodeAffinityMatches as podMatchesNodeSelectorAndAffinity } from '../../api/node-selector.ts';

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
