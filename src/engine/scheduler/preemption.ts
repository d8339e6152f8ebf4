/**
 * The preemption evaluator (pkg/scheduler/framework/preemption): when no
 * node fits a pod, find nodes where removing lower-priority pods would let
 * it fit (a dry run on copies of a share of them), pick the best candidate
 * (fewest PDB violations, lowest highest victim priority, smallest priority
 * sum, fewest victims, latest start), then nominate the node and delete the
 * victims asynchronously, as 1.33's SchedulerAsyncPreemption does.
 */
import type { Pod, PodDisruptionBudget, Stored } from '../api/types.ts';
import { Selector } from '../api/selectors.ts';
import { R } from '../api/kinds.ts';
import { isStatusError } from '../api/errors.ts';
import { type CycleState, type Handle, type Lister, type NodeInfo, type NodeToStatus, type Status, podPriority, status, statusMessage } from './framework.ts';
import { countReasons } from './explain.ts';

/** A node where preemption would make room, and the pods it would cost. */
export interface Candidate {
  name: string;
  victims: Stored<Pod>[];
  numPDBViolations: number;
  /** What pickOneNodeForPreemption compares, worked out once from the victims (see victimsSummary). */
  summary?: VictimsSummary;
}

/** What the preemption plugin decides (the PreemptionInterface of upstream). */
export interface PreemptionPolicy {
  /** PodEligibleToPreemptOthers: false and a message when the pod may not preempt (now). */
  eligible(pod: Stored<Pod>, nominatedNodeStatus: Status | undefined): { ok: boolean; message: string };
  /** SelectVictimsOnNode, on a copy of the node and a copy of the cycle state. */
  selectVictims(state: CycleState, pod: Stored<Pod>, node: NodeInfo, pdbs: readonly PodDisruptionBudget[]): { victims: Stored<Pod>[]; numPDBViolations: number; status: Status };
  /** GetOffsetAndNumCandidates */
  offsetAndNumCandidates(numNodes: number): { offset: number; numCandidates: number };
}

/** GetPodStartTime: status.startTime, or now for pods that have not started. */
export function podStartTime(pod: Pod, now: number): number {
  const t = pod.status?.startTime ? Date.parse(pod.status.startTime) : Number.NaN;
  return Number.isNaN(t) ? now : t;
}

/** MoreImportantPod: higher priority first, then the one that started earlier. */
export function moreImportantPod(a: Pod, b: Pod, now: number): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return podStartTime(a, now) < podStartTime(b, now);
}

/** A PDB's selector as it applies to preemption: nil or empty selects nothing. */
export function pdbSelects(pdb: PodDisruptionBudget, pod: Pod): boolean {
  if (pdb.metadata.namespace !== pod.metadata.namespace) return false;
  let sel: Selector;
  try {
    sel = Selector.fromLabelSelector(pdb.spec.selector);
  } catch {
    return false;
  }
  return sel.requirements.length > 0 && sel.matches(pod.metadata.labels);
}

/** filterPodsWithPDBViolation: pods whose eviction would exceed a matching budget's disruptionsAllowed. */
export function filterPodsWithPDBViolation<T extends { pod: Stored<Pod> }>(pods: readonly T[], pdbs: readonly PodDisruptionBudget[]): { violating: T[]; nonViolating: T[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const violating: T[] = [];
  const nonViolating: T[] = [];
  for (const pi of pods) {
    const pod = pi.pod;
    let violated = false;
    if (pod.metadata.labels && Object.keys(pod.metadata.labels).length) {
      pdbs.forEach((pdb, i) => {
        if (!pdbSelects(pdb, pod)) return;
        // A pod the API server already counted as disrupted is not a new violation.
        if (pdb.status?.disruptedPods && Object.prototype.hasOwnProperty.call(pdb.status.disruptedPods, pod.metadata.name)) return;
        allowed[i]--;
        if (allowed[i] < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pi);
  }
  return { violating, nonViolating };
}

const MIN_INT64 = Number.MIN_SAFE_INTEGER;

/** The numbers pickOneNodeForPreemption's score functions read from a candidate's victims. */
export interface VictimsSummary {
  /** The highest victim priority (victims are sorted most important first), MIN_INT64 without victims. */
  highestPriority: number;
  /** The sum of (priority + MaxInt32 + 1) over the victims. */
  prioritySum: number;
  /** GetEarliestPodStartTime: the earliest start among the highest-priority victims. */
  earliestStart: number;
}

export function victimsSummary(victims: readonly Stored<Pod>[], now: number): VictimsSummary {
  let sum = 0;
  for (const v of victims) sum += podPriority(v) + 2147483648;
  return { highestPriority: victims.length ? podPriority(victims[0]) : MIN_INT64, prioritySum: sum, earliestStart: earliestStartOfHighestPriority(victims, now) };
}

/** pickOneNodeForPreemption with the default score functions, in order. */
export function pickOneNodeForPreemption(candidates: readonly Candidate[], now: number): Candidate | undefined {
  if (!candidates.length) return undefined;
  const summaries = new Map<Candidate, VictimsSummary>();
  const summary = (c: Candidate) => {
    let s = c.summary ?? summaries.get(c);
    if (!s) summaries.set(c, (s = victimsSummary(c.victims, now)));
    return s;
  };
  const scores: Array<(c: Candidate) => number> = [
    (c) => -c.numPDBViolations,
    // The highest priority victim is the first one (victims are sorted most important first).
    (c) => (c.victims.length ? -summary(c).highestPriority : MIN_INT64),
    // Sum of (priority + MaxInt32 + 1): all terms positive, smaller is better.
    (c) => -summary(c).prioritySum,
    (c) => -c.victims.length,
    // The latest start among the highest-priority victims wins.
    (c) => summary(c).earliestStart,
  ];
  let pool = [...candidates];
  for (const f of scores) {
    let best = -Infinity;
    let next: Candidate[] = [];
    for (const c of pool) {
      const s = f(c);
      if (s > best) {
        best = s;
        next = [c];
      } else if (s === best) next.push(c);
    }
    pool = next;
    if (pool.length === 1) return pool[0];
  }
  return pool[0];
}

/** GetEarliestPodStartTime: the earliest start among the highest-priority victims. */
function earliestStartOfHighestPriority(victims: readonly Stored<Pod>[], now: number): number {
  if (!victims.length) return MIN_INT64;
  let top = -Infinity;
  for (const v of victims) top = Math.max(top, podPriority(v));
  let earliest = Infinity;
  for (const v of victims) if (podPriority(v) === top) earliest = Math.min(earliest, podStartTime(v, now));
  return earliest;
}

/** The result of Preempt: a status for the FailedScheduling message and, on success, the node to nominate. */
export interface PreemptResult {
  status: Status;
  /** Set (possibly '') when the pod's nomination should change. */
  nominatedNodeName?: string;
}

type VictimsResult = ReturnType<PreemptionPolicy['selectVictims']>;

/** Whether dry runs are remembered (tests turn it off to compare), and how often one was reused. */
export const rememberDryRuns = { enabled: true, reused: 0 };

/**
 * Filter plugins whose verdicts depend on the pod, the node and the pods on it
 * (and nominated to it) alone: a dry run with only these is remembered per node.
 */
const NODE_LOCAL_FILTERS = new Set(['NodeUnschedulable', 'NodeName', 'TaintToleration', 'NodeAffinity', 'NodePorts', 'NodeResourcesFit']);

/**
 * What every dry run of this cycle depends on besides the node: the pod, the
 * PodDisruptionBudgets and the time (victims are ordered by start time); or
 * undefined when a filter that runs this cycle reads more than its node (pod
 * affinity, topology spread, volumes), and dry runs are not remembered.
 */
function dryRunCycleKey(state: CycleState, pod: Stored<Pod>, pdbs: readonly PodDisruptionBudget[], now: number): string | undefined {
  if (!rememberDryRuns.enabled) return undefined;
  const filters = state.activeFilters;
  if (!filters || filters.some((f) => !NODE_LOCAL_FILTERS.has(f.name))) return undefined;
  if (state.activeExtensions?.length) return undefined;
  const spec = { ...pod.spec, nodeName: undefined };
  return JSON.stringify([
    filters.map((f) => f.name),
    pod.metadata.namespace,
    pod.metadata.labels ?? null,
    spec,
    pdbs.map((p) => `${p.metadata.uid}/${p.metadata.resourceVersion}`),
    now,
  ]);
}

export class Evaluator {
  /** Preemptors whose API calls are still running (async preemption). */
  private readonly preempting = new Set<string>();
  /** The last dry run on each node (see selectVictimsRemembered). */
  private readonly dryRuns = new WeakMap<NodeInfo, { generation: number; cycle: number; nominated: string; result: VictimsResult }>();
  /** The summary of each dry run result that named victims (results are remembered with the dry runs). */
  private readonly summaries = new WeakMap<VictimsResult, VictimsSummary>();
  private readonly cycleNumbers = new Map<string, number>();
  private lastCycleNumber = 0;

  constructor(
    private readonly handle: Handle,
    private readonly policy: PreemptionPolicy,
    private readonly pdbs: Lister<PodDisruptionBudget>,
  ) {}

  isPodRunningPreemption(uid: string): boolean {
    return this.preempting.has(uid);
  }

  preempt(state: CycleState, pod: Stored<Pod>, m: NodeToStatus): PreemptResult {
    // 0) the latest version of the pod
    const latest = this.handle.lister<Pod>(R.pods).get(pod.metadata.namespace, pod.metadata.name);
    if (!latest) return { status: status('Error', `pods "${pod.metadata.name}" not found`) };
    // 1) may it preempt at all?
    const nominated = latest.status?.nominatedNodeName ? m.get(latest.status.nominatedNodeName) : undefined;
    const { ok, message } = this.policy.eligible(latest, nominated);
    if (!ok) return { status: status('Unschedulable', message) };
    // 2) candidates
    const all = this.handle.nodes();
    if (!all.length) return { status: status('Error', 'no nodes available') };
    const { candidates, statuses } = this.findCandidates(state, latest, all, m);
    if (!candidates.length) {
      const msg = fitMessage(all.length, statuses, status('UnschedulableAndUnresolvable', 'Preemption is not helpful for scheduling'));
      return { status: status('Unschedulable', msg), nominatedNodeName: '' };
    }
    // 4) the best candidate, 5) its victims go (asynchronously)
    const best = pickOneNodeForPreemption(candidates, this.handle.now())!;
    this.prepareCandidateAsync(best, latest);
    return { status: { code: 'Success', reasons: [] }, nominatedNodeName: best.name };
  }

  private findCandidates(state: CycleState, pod: Stored<Pod>, all: readonly NodeInfo[], m: NodeToStatus): { candidates: Candidate[]; statuses: Map<string, Status> } {
    // nodesWherePreemptionMightHelp: nodes whose filter verdict was Unschedulable (not unresolvable).
    const potential = all.filter((n) => m.get(n.name).code === 'Unschedulable');
    if (!potential.length) {
      this.clearNominatedNodeName([pod]);
      return { candidates: [], statuses: new Map() };
    }
    const pdbs = this.pdbs.list();
    const { offset, numCandidates } = this.policy.offsetAndNumCandidates(potential.length);
    return this.dryRunPreemption(state, pod, potential, pdbs, offset, numCandidates);
  }

  /** DryRunPreemption: victims on copies of nodes from `offset`, until enough candidates (one of them PDB-clean). */
  private dryRunPreemption(
    state: CycleState,
    pod: Stored<Pod>,
    potential: readonly NodeInfo[],
    pdbs: readonly PodDisruptionBudget[],
    offset: number,
    numCandidates: number,
  ): { candidates: Candidate[]; statuses: Map<string, Status> } {
    const nonViolating: Candidate[] = [];
    const violating: Candidate[] = [];
    const statuses = new Map<string, Status>();
    const cycleKey = this.cycleNumber(dryRunCycleKey(state, pod, pdbs, this.handle.now()));
    for (let i = 0; i < potential.length; i++) {
      const node = potential[(offset + i) % potential.length];
      const r = this.selectVictimsRemembered(cycleKey, state, pod, node, pdbs);
      if (r.status.code === 'Success' && r.victims.length) {
        // A remembered dry run comes with its summary (same victims at the same instant: the cycle key holds the time).
        let summary = this.summaries.get(r);
        if (!summary) this.summaries.set(r, (summary = victimsSummary(r.victims, this.handle.now())));
        const c: Candidate = { name: node.name, victims: r.victims, numPDBViolations: r.numPDBViolations, summary };
        (r.numPDBViolations === 0 ? nonViolating : violating).push(c);
        if (nonViolating.length > 0 && nonViolating.length + violating.length >= numCandidates) break;
        continue;
      }
      statuses.set(node.name, r.status.code === 'Success' ? status('Error', `expected at least one victim pod on node "${node.name}"`) : r.status);
    }
    return { candidates: [...nonViolating, ...violating], statuses };
  }

  /**
   * SelectVictimsOnNode on a copy of the node, or the result of the last dry
   * run on the node when nothing it depends on has changed: the node (its
   * generation), the pods nominated to it, and the cycle key (see dryRunCycleKey).
   */
  private selectVictimsRemembered(cycle: number | undefined, state: CycleState, pod: Stored<Pod>, node: NodeInfo, pdbs: readonly PodDisruptionBudget[]): VictimsResult {
    let nominated: string | undefined;
    if (cycle !== undefined) {
      nominated = this.nominatedKey(node.name, pod);
      const known = this.dryRuns.get(node);
      if (known && known.generation === node.generation && known.cycle === cycle && known.nominated === nominated) {
        rememberDryRuns.reused++;
        return known.result;
      }
    }
    const result = this.policy.selectVictims(state.clone(), pod, node.clone(), pdbs);
    if (cycle !== undefined) this.dryRuns.set(node, { generation: node.generation, cycle, nominated: nominated!, result });
    return result;
  }

  /** A small number for a cycle key (equal keys, equal numbers), so nodes compare numbers. */
  private cycleNumber(key: string | undefined): number | undefined {
    if (key === undefined) return undefined;
    let n = this.cycleNumbers.get(key);
    if (n === undefined) {
      if (this.cycleNumbers.size >= 64) this.cycleNumbers.clear();
      this.cycleNumbers.set(key, (n = ++this.lastCycleNumber));
    }
    return n;
  }

  /** The nominated pods a dry run on the node takes into account (RunFilterPluginsWithNominatedPods). */
  private nominatedKey(nodeName: string, pod: Stored<Pod>): string {
    let out = '';
    const prio = podPriority(pod);
    for (const pi of this.handle.nominatedPodsForNode(nodeName)) {
      if (podPriority(pi.pod) < prio || pi.pod.metadata.uid === pod.metadata.uid) continue;
      out += `${pi.pod.metadata.uid}/${pi.pod.metadata.resourceVersion},`;
    }
    return out;
  }

  /** prepareCandidateAsync: clear lower nominations, then delete the victims, the last one after the preemptor is released. */
  private prepareCandidateAsync(c: Candidate, pod: Stored<Pod>): void {
    this.preempting.add(pod.metadata.uid);
    this.handle.defer(`preemption for ${pod.metadata.namespace}/${pod.metadata.name}`, () => {
      const lower = this.handle.nominatedPodsForNode(c.name).filter((p) => podPriority(p.pod) < podPriority(pod)).map((p) => p.pod);
      this.clearNominatedNodeName(lower);
      let failed = false;
      for (const v of c.victims.slice(0, -1)) failed = !this.preemptPod(c, pod, v) || failed;
      this.preempting.delete(pod.metadata.uid);
      const last = c.victims.at(-1);
      if (last) failed = !this.preemptPod(c, pod, last) || failed;
      // A pod whose preemption calls failed might wait forever among the unschedulable pods.
      if (failed) this.handle.activate(pod);
    });
  }

  /** PreemptPod: the DisruptionTarget condition, a (graceful) delete, and a Preempted event. */
  private preemptPod(c: Candidate, preemptor: Stored<Pod>, victim: Stored<Pod>): boolean {
    const client = this.handle.client;
    const current = this.handle.lister<Pod>(R.pods).get(victim.metadata.namespace, victim.metadata.name) ?? victim;
    if (current.metadata.deletionTimestamp) return true;
    const conditions = current.status?.conditions ?? [];
    const message = `${preemptor.spec.schedulerName ?? 'default-scheduler'}: preempting to accommodate a higher priority pod`;
    const existing = conditions.find((x) => x.type === 'DisruptionTarget');
    try {
      if (!existing || existing.status !== 'True' || existing.reason !== 'PreemptionByScheduler' || existing.message !== message) {
        const next = {
          type: 'DisruptionTarget',
          status: 'True',
          lastTransitionTime: existing?.status === 'True' ? existing.lastTransitionTime : new Date(this.handle.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          reason: 'PreemptionByScheduler',
          message,
        };
        client.patch(R.pods, current.metadata.namespace, current.metadata.name, { status: { conditions: [...conditions.filter((x) => x.type !== 'DisruptionTarget'), next] } }, 'merge', {
          subresource: 'status',
        });
      }
      client.delete(R.pods, current.metadata.namespace, current.metadata.name);
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return true;
      return false;
    }
    this.handle.recorder.event(current, 'Normal', 'Preempted', `Preempted by pod ${preemptor.metadata.uid} on node ${c.name}`);
    return true;
  }

  /** ClearNominatedNodeName: patch status.nominatedNodeName away for pods that have one. */
  private clearNominatedNodeName(pods: readonly Stored<Pod>[]): void {
    for (const p of pods) {
      if (!p.status?.nominatedNodeName) continue;
      try {
        this.handle.client.patch(R.pods, p.metadata.namespace, p.metadata.name, { status: { nominatedNodeName: null } }, 'merge', { subresource: 'status' });
      } catch {
        // Not critical: the pod may be gone.
      }
    }
  }
}

/** FitError.Error() for preemption's own verdicts: explicit statuses counted, the rest under `absent`. */
export function fitMessage(numAllNodes: number, statuses: ReadonlyMap<string, Status>, absent: Status): string {
  const counts = countReasons(statuses.values());
  if (statuses.size < numAllNodes) for (const r of absent.reasons) counts.set(r, (counts.get(r) ?? 0) + numAllNodes - statuses.size);
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  let msg = `0/${numAllNodes} nodes are available:`;
  if (parts.length) msg += ` ${parts.join(', ')}.`;
  return msg;
}

export { statusMessage };
