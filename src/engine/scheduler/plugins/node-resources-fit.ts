/**
 * NodeResourcesFit: Filter checks the pod's requests (containers, init
 * containers, sidecars, overhead, extended resources) and the pod count
 * against what the node has left; Score ranks nodes by the scoring strategy:
 * LeastAllocated (default), MostAllocated or RequestedToCapacityRatio, over
 * the configured resources and weights (cpu and memory, weight 1).
 */
import type { Node, Pod, Stored } from '../../api/types.ts';
import {
  Action,
  type EnqueueExtensions,
  type FilterPlugin,
  NodeInfo,
  type PodInfo,
  type PreFilterPlugin,
  type ScorePlugin,
  MAX_NODE_SCORE,
  SUCCESS,
  StateKey,
  type Status,
  allocatableOf,
  newPodInfo,
  requestedOf,
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
  /** Extended resources whose insufficiency is ignored (ignoredResources). */
  ignoredResources?: string[];
  /** Domains of extended resources to ignore (ignoredResourceGroups): `example.com`. */
  ignoredResourceGroups?: string[];
}

/** The pod's requests as PodInfo and as fitsRequest checks them, and the failure statuses handed out this cycle by mask. */
const preFilterKey = new StateKey<PodInfo & { checked: CheckedRequests; failures: Map<number, Status> }>('PreFilterNodeResourcesFit');
const DEFAULT_RESOURCES: ResourceSpec[] = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** Resources fitsRequest checks first, in this order; others (extended, hugepages) follow by name. */
const FIRST_CHECKED = ['cpu', 'memory', 'ephemeral-storage'];

/** v1helper.IsExtendedResourceName: not native (no domain, or a kubernetes.io domain) and not a `requests.` quota name. */
export function isExtendedResourceName(name: string): boolean {
  const native = !name.includes('/') || name.includes('kubernetes.io/');
  return !native && !name.startsWith('requests.');
}

/** The pod's requests fitsRequest checks, in its order, with the ignored extended resources left out. */
export interface CheckedRequests {
  /** Resource names and amounts, cpu, memory and ephemeral-storage first, then the others by name. */
  names: string[];
  amounts: number[];
}

export function checkedRequests(pi: PodInfo, ignored: ReadonlySet<string> = new Set(), ignoredGroups: ReadonlySet<string> = new Set()): CheckedRequests {
  const all = [...pi.requests.keys()].filter((r) => r !== 'pods');
  const ordered = [...FIRST_CHECKED.filter((r) => all.includes(r)), ...all.filter((r) => !FIRST_CHECKED.includes(r)).sort()];
  const out: CheckedRequests = { names: [], amounts: [] };
  for (const r of ordered) {
    const want = pi.requests.get(r)!;
    if (want <= 0) continue;
    // Only extended resources can be ignored (ignoredResources, ignoredResourceGroups by domain).
    if (isExtendedResourceName(r) && (ignored.has(r) || ignoredGroups.has(r.split('/')[0]))) continue;
    out.names.push(r);
    out.amounts.push(want);
  }
  return out;
}

const FITS = { reasons: [] as string[], unresolvable: false };

/** fitsRequest over precomputed requests: the reasons in upstream words and order, and whether any is unresolvable. */
export function insufficientFor(c: CheckedRequests, node: NodeInfo): { reasons: string[]; unresolvable: boolean } {
  let reasons: string[] | undefined;
  let unresolvable = false;
  if (node.podCount + 1 > node.allowedPods) reasons = ['Too many pods'];
  for (let i = 0; i < c.names.length; i++) {
    const r = c.names[i];
    const want = c.amounts[i];
    const alloc = allocatableOf(node, r);
    if (want > alloc - requestedOf(node, r)) {
      (reasons ??= []).push(`Insufficient ${r}`);
      if (want > alloc) unresolvable = true;
    }
  }
  return reasons ? { reasons, unresolvable } : FITS;
}

const TOO_MANY_PODS = 1;
const UNRESOLVABLE = 2;
/** Requests beyond this many are not told apart by insufficientMask (there are never that many). */
const MASKED_RESOURCES = 28;

/**
 * fitsRequest as a number, 0 when the pod fits: bit 0 too many pods, bit 1
 * unresolvable, bit 2 + i the pod's i-th checked request; -1 when the pod has
 * more requests than the bits tell apart.
 */
export function insufficientMask(c: CheckedRequests, node: NodeInfo): number {
  if (c.names.length > MASKED_RESOURCES) return insufficientFor(c, node).reasons.length ? -1 : 0;
  let mask = 0;
  if (node.podCount + 1 > node.allowedPods) mask = TOO_MANY_PODS;
  for (let i = 0; i < c.names.length; i++) {
    const r = c.names[i];
    const want = c.amounts[i];
    const alloc = allocatableOf(node, r);
    const free = alloc - requestedOf(node, r);
    if (want > free) {
      mask |= 4 << i;
      if (want > alloc) mask |= UNRESOLVABLE;
    }
  }
  return mask;
}

/** The status of a failed fitsRequest given by its mask. */
function maskStatus(c: CheckedRequests, mask: number): Status {
  const reasons: string[] = [];
  if (mask & TOO_MANY_PODS) reasons.push('Too many pods');
  for (let i = 0; i < c.names.length; i++) if (mask & (4 << i)) reasons.push(`Insufficient ${c.names[i]}`);
  return status(mask & UNRESOLVABLE ? 'UnschedulableAndUnresolvable' : 'Unschedulable', ...reasons);
}

/** The reason a node cannot hold the pod's requests, in upstream words and order (fitsRequest). */
export function insufficient(
  pi: PodInfo,
  node: NodeInfo,
  ignored: ReadonlySet<string> = new Set(),
  ignoredGroups: ReadonlySet<string> = new Set(),
): { reasons: string[]; unresolvable: boolean } {
  return insufficientFor(checkedRequests(pi, ignored, ignoredGroups), node);
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
  return requestedOf(node, resource) + (pi.requests.get(resource) ?? 0);
}

export function nodeResourcesFit(args: NodeResourcesFitArgs = {}): PreFilterPlugin & FilterPlugin & ScorePlugin & EnqueueExtensions {
  const strategy = args.scoringStrategy?.type ?? 'LeastAllocated';
  const resources = args.scoringStrategy?.resources ?? DEFAULT_RESOURCES;
  const ignored = new Set(args.ignoredResources ?? []);
  const ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
  const ratio = strategy === 'RequestedToCapacityRatio' ? brokenLinear(args.scoringStrategy?.requestedToCapacityRatio?.shape ?? [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }]) : undefined;
  return {
    name: NODE_RESOURCES_FIT,
    preFilter(state, pod) {
      const pi = newPodInfo(pod);
      state.write(preFilterKey, { ...pi, checked: checkedRequests(pi, ignored, ignoredGroups), failures: new Map() });
      return { status: SUCCESS };
    },
    filter(state, pod, node) {
      const s = state.read(preFilterKey);
      if (!s) {
        const { reasons, unresolvable } = insufficientFor(checkedRequests(newPodInfo(pod), ignored, ignoredGroups), node);
        return reasons.length ? status(unresolvable ? 'UnschedulableAndUnresolvable' : 'Unschedulable', ...reasons) : SUCCESS;
      }
      const mask = insufficientMask(s.checked, node);
      if (mask === 0) return SUCCESS;
      if (mask < 0) {
        const { reasons, unresolvable } = insufficientFor(s.checked, node);
        return status(unresolvable ? 'UnschedulableAndUnresolvable' : 'Unschedulable', ...reasons);
      }
      // Nodes with the same verdict share one status (statuses are never changed).
      let st = s.failures.get(mask);
      if (!st) s.failures.set(mask, (st = maskStatus(s.checked, mask)));
      return st;
    },
    score(state, pod, node) {
      const pi = state.read(preFilterKey) ?? newPodInfo(pod);
      let total = 0;
      let weights = 0;
      for (const r of resources) {
        const alloc = allocatableOf(node, r.name);
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
    eventsToRegister: () => [
      {
        // Pod deletions (and in-place scale-downs) free resources.
        event: { resource: 'Pod', action: Action.Delete | Action.UpdatePodScaleDown },
        hint: (pod, old, now) => {
          const before = old as Stored<Pod>;
          if (!now) return !before.spec.nodeName && !before.status?.nominatedNodeName ? 'QueueSkip' : 'Queue';
          const a = newPodInfo(before).requests;
          const b = newPodInfo(now as Stored<Pod>).requests;
          for (const r of newPodInfo(pod).requests.keys()) if ((b.get(r) ?? 0) < (a.get(r) ?? 0)) return 'Queue';
          return 'QueueSkip';
        },
      },
      {
        event: { resource: 'Node', action: Action.Add | Action.UpdateNodeAllocatable },
        hint: (pod, old, now) => {
          const pi = newPodInfo(pod);
          const after = new NodeInfo(now as Stored<Node>);
          if (insufficient(pi, after, ignored, ignoredGroups).reasons.length) return 'QueueSkip';
          if (!old) return 'Queue';
          // haveAnyRequestedResourcesIncreased
          const before = new NodeInfo(old as Stored<Node>);
          const grew = (r: string) => (after.allocatable.get(r) ?? 0) > (before.allocatable.get(r) ?? 0);
          if (grew('pods')) return 'Queue';
          for (const [r, v] of pi.requests) if (v > 0 && grew(r)) return 'Queue';
          return 'QueueSkip';
        },
      },
    ],
  };
}
