/**
 * NodeResourcesFit: Filter checks the pod's requests (containers, init
 * containers, sidecars, overhead, extended resources) and the pod count
 * against what the node has left; Score ranks nodes by the scoring strategy:
 * LeastAllocated (default), MostAllocated or RequestedToCapacityRatio, over
 * the configured resources and weights (cpu and memory, weight 1).
 */
import {
  type EnqueueExtensions,
  type FilterPlugin,
  type NodeInfo,
  type PodInfo,
  type PreFilterPlugin,
  type ScorePlugin,
  MAX_NODE_SCORE,
  SUCCESS,
  StateKey,
  newPodInfo,
  scoresResource,
  status,
} from '../framework.ts';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';

export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

export interface ResourceSpec {
  name: string;
  weight: number;
}

export interface NodeResourcesFitArgs {
  scoringStrategy?: {
    type?: ScoringStrategyType;
    resources?: ResourceSpec[];
    requestedToCapacityRatio?: { shape: Array<{ utilization: number; score: number }> };
  };
  /** Resources whose insufficiency is ignored (ignoredResources). */
  ignoredResources?: string[];
}

const preFilterKey = new StateKey<PodInfo>('PreFilterNodeResourcesFit');
const DEFAULT_RESOURCES: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** Resources fitsRequest checks first, in this order; others (extended, hugepages) follow by name. */
const FIRST_CHECKED = ['cpu', 'memory', 'ephemeral-storage'];

/** The reason a node cannot hold the pod's requests, in upstream words and order (fitsRequest). */
export function insufficient(pi: PodInfo, node: NodeInfo, ignored: ReadonlySet<string> = new Set()): { reasons: string[]; unresolvable: boolean } {
  const reasons: string[] = [];
  let unresolvable = false;
  const allowedPods = node.allocatable.get('pods') ?? 0;
  if (node.pods.size + 1 > allowedPods) reasons.push('Too many pods');
  const names = [...pi.requests.keys()].filter((r) => r !== 'pods');
  const ordered = [...FIRST_CHECKED.filter((r) => names.includes(r)), ...names.filter((r) => !FIRST_CHECKED.includes(r)).sort()];
  for (const r of ordered) {
    const want = pi.requests.get(r)!;
    if (want <= 0 || ignored.has(r)) continue;
    const alloc = node.allocatable.get(r) ?? 0;
    const used = node.requested.get(r) ?? 0;
    if (want > alloc - used) {
      reasons.push(`Insufficient ${r}`);
      if (want > alloc) unresolvable = true;
    }
  }
  return { reasons, unresolvable };
}

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

function mostRequested(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

/** A piecewise-linear function of utilization (0..100) whose shape scores (0..10) are scaled to 0..100. */
function brokenLinear(shape: Array<{ utilization: number; score: number }>): (u: number) => number {
  const pts = shape.map((p) => ({ x: p.utilization, y: p.score * (MAX_NODE_SCORE / 10) }));
  return (u) => {
    for (let i = 0; i < pts.length; i++) {
      if (u <= pts[i].x) {
        if (i === 0) return pts[0].y;
        const a = pts[i - 1];
        const b = pts[i];
        // Go's integer division: the slope term truncates toward zero before it is added.
        return a.y + Math.trunc(((b.y - a.y) * (u - a.x)) / (b.x - a.x));
      }
    }
    return pts[pts.length - 1].y;
  };
}

/** Requested amount of a resource on the node with the pod added; cpu and memory count the scoring defaults. */
export function requestedWithPod(node: NodeInfo, pi: PodInfo, resource: string): number {
  if (resource === 'cpu') return node.nonZeroCpu + pi.nonZeroCpu;
  if (resource === 'memory') return node.nonZeroMemory + pi.nonZeroMemory;
  return (node.requested.get(resource) ?? 0) + (pi.requests.get(resource) ?? 0);
}

export function nodeResourcesFit(args: NodeResourcesFitArgs = {}): PreFilterPlugin & FilterPlugin & ScorePlugin & EnqueueExtensions {
  const strategy = args.scoringStrategy?.type ?? 'LeastAllocated';
  const resources = args.scoringStrategy?.resources ?? DEFAULT_RESOURCES;
  const ignored = new Set(args.ignoredResources ?? []);
  const ratio = strategy === 'RequestedToCapacityRatio' ? brokenLinear(args.scoringStrategy?.requestedToCapacityRatio?.shape ?? [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }]) : undefined;
  return {
    name: NODE_RESOURCES_FIT,
    preFilter(state, pod) {
      state.write(preFilterKey, newPodInfo(pod));
      return { status: SUCCESS };
    },
    filter(state, pod, node) {
      const pi = state.read(preFilterKey) ?? newPodInfo(pod);
      const { reasons, unresolvable } = insufficient(pi, node, ignored);
      if (!reasons.length) return SUCCESS;
      return status(unresolvable ? 'UnschedulableAndUnresolvable' : 'Unschedulable', ...reasons);
    },
    score(state, pod, node) {
      const pi = state.read(preFilterKey) ?? newPodInfo(pod);
      let total = 0;
      let weights = 0;
      for (const r of resources) {
        const alloc = node.allocatable.get(r.name) ?? 0;
        if (alloc === 0 || !scoresResource(pi, r.name)) continue;
        const req = requestedWithPod(node, pi, r.name);
        let s: number;
        if (strategy === 'MostAllocated') s = mostRequested(req, alloc);
        else if (ratio) {
          s = ratio(req > alloc ? 100 : Math.trunc((req * 100) / alloc));
          // RequestedToCapacityRatio averages only the resources that scored above 0.
          if (s <= 0) continue;
        } else s = leastRequested(req, alloc);
        total += s * r.weight;
        weights += r.weight;
      }
      if (weights === 0) return 0;
      // RequestedToCapacityRatio rounds the mean (math.Round: half away from zero); the others divide as integers.
      return ratio ? Math.round(total / weights) : Math.trunc(total / weights);
    },
    events: () => ['NodeAdd', 'NodeUpdateAllocatable', 'AssignedPodDelete', 'UnscheduledPodUpdate'],
  };
}
