/**
 * One scheduling attempt (pkg/scheduler/schedule_one.go): the scheduling
 * cycle (PreFilter; Filter on the nominated node first, then round-robin on
 * as many nodes as percentageOfNodesToScore asks; PostFilter when nothing
 * fits; PreScore, Score, selectHost; assume, Reserve) and the binding cycle
 * (PreBind, possibly waiting; Bind), with the failure handling that writes
 * FailedScheduling events and the PodScheduled condition in upstream words.
 */
import { R } from '../api/kinds.ts';
import type { Pod, Stored } from '../api/types.ts';
import { isStatusError } from '../api/errors.ts';
import type { Clock } from '../clock/clock.ts';
import type { Client } from '../client/client.ts';
import type { EventRecorder } from '../client/events.ts';
import type { Informer } from '../client/informer.ts';
import { CycleState, type NodeInfo, type QueuedPodInfo, type Status, isRejected, statusMessage } from './framework.ts';
import type { Framework, NodePluginScores } from './runtime.ts';
import type { SchedulerCache } from './cache.ts';
import type { SchedulingQueue } from './queue.ts';
import { NodeStatuses, type SchedulingDecision, fitErrorMessage, truncateMessage } from './explain.ts';

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

/** What a scheduling attempt works with. */
export interface SchedulerCore {
  clock: Clock;
  random: { int(n: number): number };
  client: Client;
  recorder: EventRecorder;
  cache: SchedulerCache;
  queue: SchedulingQueue;
  pods: Informer<Pod>;
  frameworkFor(pod: Pod): Framework | undefined;
  percentageOfNodesToScore: number;
  /** Round-robin start of the node scan. */
  nextStartNodeIndex: number;
  /** Record every plugin's verdict and score (explanations). */
  explain: boolean;
  record(d: SchedulingDecision): void;
}

/** numFeasibleNodesToFind */
export function numFeasibleNodesToFind(percentage: number, total: number): number {
  if (total < MIN_FEASIBLE_NODES_TO_FIND) return total;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(50 - Math.trunc(total / 125), MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
  const n = Math.trunc((total * pct) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/** selectHost: the highest total, ties broken by reservoir sampling with the seeded source. */
export function selectHost(scores: readonly NodePluginScores[], random: { int(n: number): number }): string {
  let best = scores[0];
  let count = 1;
  for (let i = 1; i < scores.length; i++) {
    const s = scores[i];
    if (s.total > best.total) {
      best = s;
      count = 1;
    } else if (s.total === best.total) {
      count++;
      if (random.int(count) === 0) best = s;
    }
  }
  return best.name;
}

interface Diagnosis {
  statuses: NodeStatuses;
  rejectors: Set<string>;
  preFilterMsg: string;
  postFilterMsg: string;
}

/** ScheduleOne: takes the next pod and runs its scheduling cycle (and, unless it must wait, its binding cycle). */
export function scheduleOne(core: SchedulerCore, q: QueuedPodInfo): void {
  const cached = core.pods.get(q.pod.metadata.namespace, q.pod.metadata.name);
  if (!cached || cached.metadata.uid !== q.pod.metadata.uid || cached.spec.nodeName) return;
  const pod = cached;
  q.pod = pod;
  const fwk = core.frameworkFor(pod);
  if (!fwk) return;
  // skipPodSchedule: a pod being deleted, or one already assumed.
  if (pod.metadata.deletionTimestamp) {
    fwk.recorder.event(pod, 'Warning', 'FailedScheduling', `skip schedule deleting pod: ${pod.metadata.namespace}/${pod.metadata.name}`);
    return;
  }
  if (core.cache.isAssumed(pod.metadata.uid)) return;

  const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
  const d: SchedulingDecision = { pod: key, uid: pod.metadata.uid, at: core.clock.now(), attempt: q.attempts, profile: fwk.name, filter: new Map(), verdicts: new Map(), scores: new Map() };
  core.record(d);
  const state = new CycleState();
  const all = core.cache.nodes();
  if (!all.length) return fail(core, fwk, q, d, { code: 'UnschedulableAndUnresolvable', reasons: [NO_NODES_AVAILABLE] }, new Set(), '');

  const diag: Diagnosis = { statuses: new NodeStatuses(), rejectors: new Set(), preFilterMsg: '', postFilterMsg: '' };
  const pre = fwk.runPreFilterPlugins(state, pod);
  let feasible: NodeInfo[] = [];
  if (pre.status.code !== 'Success') {
    if (!isRejected(pre.status)) return fail(core, fwk, q, d, pre.status, new Set(), undefined);
    diag.statuses.absent = pre.status;
    diag.preFilterMsg = statusMessage(pre.status);
    for (const p of pre.plugins) diag.rejectors.add(p);
    if (pre.status.plugin) diag.rejectors.add(pre.status.plugin);
    d.preFilter = pre.status;
  } else {
    const r = findFeasible(core, fwk, state, pod, all, pre.result?.nodeNames, pre.plugins, diag, d);
    if (r.error) return fail(core, fwk, q, d, r.error, new Set(), undefined);
    feasible = r.feasible;
  }

  if (!feasible.length) {
    let nominated: string | undefined;
    if (fwk.plugins.postFilter.length) {
      const post = fwk.runPostFilterPlugins(state, pod, diag.statuses);
      diag.postFilterMsg = statusMessage(post.status);
      nominated = post.nominatedNodeName;
      if (post.nominatedNodeName) d.nominatedNode = post.nominatedNodeName;
    } else nominated = '';
    const msg = fitErrorMessage(all.length, diag.preFilterMsg, diag.statuses, diag.postFilterMsg);
    return fail(core, fwk, q, d, { code: 'Unschedulable', reasons: [msg] }, diag.rejectors, nominated);
  }

  let chosen: string;
  if (feasible.length === 1) chosen = feasible[0].name;
  else {
    const ps = fwk.runPreScorePlugins(state, pod, feasible);
    if (ps.code !== 'Success') return fail(core, fwk, q, d, ps, new Set(), '');
    const { scores, error } = fwk.runScorePlugins(state, pod, feasible, core.explain);
    if (error) return fail(core, fwk, q, d, { code: 'Error', reasons: [error] }, new Set(), '');
    if (core.explain) for (const s of scores) d.scores.set(s.name, { total: s.total, byPlugin: s.byPlugin });
    chosen = selectHost(scores, core.random);
  }
  d.node = chosen;

  // Assume, Reserve, then the binding cycle.
  core.cache.assume(pod, chosen);
  const rs = fwk.runReservePluginsReserve(state, pod, chosen);
  if (rs.code !== 'Success') {
    fwk.runReservePluginsUnreserve(state, pod, chosen);
    core.cache.forget(pod.metadata.uid);
    d.node = undefined;
    if (isRejected(rs)) {
      const st = new NodeStatuses();
      st.statuses.set(chosen, rs);
      return fail(core, fwk, q, d, { code: rs.code, reasons: [fitErrorMessage(1, '', st, '')] }, new Set([rs.plugin!]), '');
    }
    return fail(core, fwk, q, d, rs, new Set(), '');
  }
  bindingCycle(core, fwk, q, d, state, pod, chosen, 0);
}

/** findNodesThatFitPod: the nominated node first, then a round-robin scan until enough nodes fit. */
function findFeasible(
  core: SchedulerCore,
  fwk: Framework,
  state: CycleState,
  pod: Stored<Pod>,
  all: readonly NodeInfo[],
  allowed: Set<string> | undefined,
  narrowedBy: Set<string>,
  diag: Diagnosis,
  d: SchedulingDecision,
): { feasible: NodeInfo[]; error?: Status } {
  const nominated = pod.status?.nominatedNodeName;
  if (nominated) {
    const info = core.cache.node(nominated);
    if (info && (!allowed || allowed.has(nominated))) {
      const st = fwk.runFilterPluginsWithNominatedPods(state, pod, info);
      if (st.code === 'Error') return { feasible: [], error: st };
      if (st.code === 'Success') {
        if (core.explain) d.filter.set(nominated, undefined);
        return { feasible: [info] };
      }
    }
  }
  let nodes = all;
  if (allowed) {
    nodes = [];
    for (const name of allowed) {
      const info = core.cache.node(name);
      if (info) (nodes as NodeInfo[]).push(info);
    }
    diag.statuses.absent = { code: 'UnschedulableAndUnresolvable', reasons: [`node(s) didn't satisfy plugin(s) [${[...narrowedBy].sort().join(' ')}]`] };
  }
  const n = nodes.length;
  const profilePct = fwk.profile.percentageOfNodesToScore;
  const want = numFeasibleNodesToFind(profilePct !== undefined ? profilePct : core.percentageOfNodesToScore, n);
  const feasible: NodeInfo[] = [];
  let processed = 0;
  const start = n ? core.nextStartNodeIndex % n : 0;
  const hasNominated = core.queue.hasNominatedPods();
  for (let i = 0; i < n && feasible.length < want; i++) {
    const info = nodes[(start + i) % n];
    processed++;
    const st = hasNominated ? fwk.runFilterPluginsWithNominatedPods(state, pod, info) : fwk.runFilterPlugins(state, pod, info);
    if (core.explain) d.verdicts.set(info.name, fwk.filterVerdicts(state, pod, info));
    if (st.code === 'Success') {
      feasible.push(info);
      if (core.explain) d.filter.set(info.name, undefined);
      continue;
    }
    if (st.code === 'Error') return { feasible: [], error: st };
    diag.statuses.statuses.set(info.name, st);
    if (st.plugin) diag.rejectors.add(st.plugin);
    if (core.explain) d.filter.set(info.name, st);
  }
  if (all.length) core.nextStartNodeIndex = (core.nextStartNodeIndex + processed) % all.length;
  return { feasible };
}

/** The binding cycle from PreBind plugin `from`: a waiting PreBind is polled on the clock. */
function bindingCycle(core: SchedulerCore, fwk: Framework, q: QueuedPodInfo, d: SchedulingDecision, state: CycleState, pod: Stored<Pod>, node: string, from: number): void {
  const r = fwk.runPreBindPlugins(state, pod, node, from);
  if ('wait' in r) {
    const { wait, plugin, next } = r;
    const deadline = core.clock.now() + wait.timeoutMs;
    const poll = () => {
      const st = wait.check();
      if (st) {
        if (st.code !== 'Success') return bindingFailure(core, fwk, q, d, state, pod, node, fwk.preBindFailure(plugin, st));
        return bindingCycle(core, fwk, q, d, state, pod, node, next);
      }
      if (core.clock.now() + wait.intervalMs > deadline) return bindingFailure(core, fwk, q, d, state, pod, node, fwk.preBindFailure(plugin, wait.timedOut()));
      core.clock.schedule(wait.intervalMs, `scheduler prebind ${d.pod}`, poll);
    };
    core.clock.schedule(wait.intervalMs, `scheduler prebind ${d.pod}`, poll);
    return;
  }
  if (r.code !== 'Success') return bindingFailure(core, fwk, q, d, state, pod, node, r);
  const b = fwk.runBindPlugins(state, pod, node);
  if (b.code !== 'Success') return bindingFailure(core, fwk, q, d, state, pod, node, b);
  fwk.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${d.pod} to ${node}`);
}

/** handleBindingCycleError: unreserve, forget the assumption (an AssignedPodDelete for others), then the failure handler. */
function bindingFailure(core: SchedulerCore, fwk: Framework, q: QueuedPodInfo, d: SchedulingDecision, state: CycleState, pod: Stored<Pod>, node: string, st: Status): void {
  fwk.runReservePluginsUnreserve(state, pod, node);
  const assumed = { ...pod, spec: { ...pod.spec, nodeName: node } };
  core.cache.forget(pod.metadata.uid);
  core.queue.onEvent({ resource: 'AssignedPod', action: 2, label: 'AssignedPodDelete' }, assumed, undefined);
  d.node = undefined;
  fail(core, fwk, q, d, st, isRejected(st) && st.plugin ? new Set([st.plugin]) : new Set(), '');
}

/**
 * handleSchedulingFailure: back to the queue (unless the pod is gone or bound),
 * the nomination, a FailedScheduling event and the PodScheduled=False condition.
 * `nominated`: undefined keeps the nomination, '' clears it, a name sets it.
 */
function fail(core: SchedulerCore, fwk: Framework, q: QueuedPodInfo, d: SchedulingDecision, st: Status, rejectors: Set<string>, nominated: string | undefined): void {
  const message = statusMessage(st);
  d.message = message;
  const reason = isRejected(st) ? 'Unschedulable' : 'SchedulerError';
  const cached = core.pods.get(q.pod.metadata.namespace, q.pod.metadata.name);
  const pod = cached && cached.metadata.uid === q.pod.metadata.uid ? cached : q.pod;
  if (cached && cached.metadata.uid === q.pod.metadata.uid && !cached.spec.nodeName) {
    q.pod = cached;
    core.queue.addUnschedulable(q, rejectors);
  }
  core.queue.addNominated(pod, nominated, !!cached && !cached.spec.nodeName);
  fwk.recorder.event(pod, 'Warning', 'FailedScheduling', truncateMessage(message));
  updatePodCondition(core, pod, reason, message, nominated);
}

/** updatePod: patch the PodScheduled condition and nominatedNodeName when either changes. */
function updatePodCondition(core: SchedulerCore, pod: Stored<Pod>, reason: string, message: string, nominated: string | undefined): void {
  const conditions = pod.status?.conditions ?? [];
  const cur = conditions.find((c) => c.type === 'PodScheduled');
  const nnnChange = nominated !== undefined && (pod.status?.nominatedNodeName ?? '') !== nominated;
  const same = cur && cur.status === 'False' && cur.reason === reason && cur.message === message && !cur.lastProbeTime;
  if (same && !nnnChange) return;
  const next = {
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: cur && cur.status === 'False' ? cur.lastTransitionTime : core.clock.iso(),
    reason,
    message,
  };
  // util.PatchPodStatus: a strategic merge patch of what changed, by name (no UID precondition), the
  // conditions merged by type. A pod made again under the same name keeps its other conditions.
  const status: Record<string, unknown> = { conditions: [next] };
  if (nnnChange) status.nominatedNodeName = nominated || null;
  try {
    core.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name, { status }, 'strategic', { subresource: 'status' });
  } catch (e) {
    if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
  }
}
