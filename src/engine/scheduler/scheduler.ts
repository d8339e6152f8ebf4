/**
 * kube-scheduler: watches pods and nodes, keeps a cache of what runs where,
 * and schedules one pending pod per task: PreFilter, Filter (on as many
 * nodes as percentageOfNodesToScore asks, round-robin), PostFilter when
 * nothing fits, PreScore, Score (normalized and weighted), the highest score
 * (ties broken at random), assume, Bind. Failures become FailedScheduling
 * events and a PodScheduled=False condition in the upstream words.
 */
import { R } from '../api/kinds.ts';
import type { Node, Pod, Stored } from '../api/types.ts';
import { deepEqual } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Clock } from '../clock/clock.ts';
import type { Random } from '../clock/random.ts';
import type { Client } from '../client/client.ts';
import { InformerFactory, type Informer } from '../client/informer.ts';
import type { EventRecorder } from '../client/events.ts';
import {
  type BindPlugin,
  type ClusterEvent,
  CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  NodeInfo,
  type NodeScore,
  type Plugin,
  type PostFilterPlugin,
  type PreFilterPlugin,
  type PreScorePlugin,
  type QueueSortPlugin,
  type QueuedPodInfo,
  type ScorePlugin,
  type Status,
  newPodInfo,
} from './framework.ts';
import { type BuiltPlugin, DEFAULT_SCHEDULER_NAME, type SchedulerConfiguration, buildProfile } from './profile.ts';
import { SchedulingQueue } from './queue.ts';

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** What the scheduler decided for one pod in one attempt, for explanations. */
export interface SchedulingDecision {
  pod: string;
  at: number;
  /** The node chosen, if any. */
  node?: string;
  /** Filter verdict per evaluated node: plugin and reasons of the first rejection, or undefined if it fit. */
  filter: Map<string, Status | undefined>;
  /** Weighted score per feasible node and plugin, and the total. */
  scores: Map<string, { total: number; byPlugin: Map<string, number> }>;
  /** The FailedScheduling message when nothing fit. */
  message?: string;
}

interface Profile {
  name: string;
  queueSort: QueueSortPlugin;
  preFilter: PreFilterPlugin[];
  filter: FilterPlugin[];
  postFilter: PostFilterPlugin[];
  preScore: PreScorePlugin[];
  score: Array<{ plugin: ScorePlugin; weight: number }>;
  bind: BindPlugin[];
  all: BuiltPlugin[];
}

export interface SchedulerOptions {
  client: Client;
  clock: Clock;
  random: Random;
  recorder: EventRecorder;
  config?: SchedulerConfiguration;
}

function has<K extends string>(p: Plugin, method: K): p is Plugin & Record<K, (...args: never[]) => unknown> {
  return typeof (p as unknown as Record<string, unknown>)[method] === 'function';
}

export class Scheduler {
  private readonly informers: InformerFactory;
  private readonly pods: Informer<Pod>;
  private readonly nodeInformer: Informer<Node>;
  private readonly nodeInfos = new Map<string, NodeInfo>();
  private nodeOrder: string[] = [];
  private nextStartNodeIndex = 0;
  private readonly profiles = new Map<string, Profile>();
  private readonly queue: SchedulingQueue;
  private readonly eventsByPlugin = new Map<string, readonly ClusterEvent[]>();
  /** Pods assumed onto a node before their binding is observed: uid -> node. */
  private readonly assumed = new Map<string, string>();
  private scheduled = false;
  private stopped = false;
  private readonly percentageOfNodesToScore: number;
  /** The latest decision per pod (namespace/name). */
  readonly decisions = new Map<string, SchedulingDecision>();

  constructor(private readonly o: SchedulerOptions) {
    const config = o.config ?? {};
    this.percentageOfNodesToScore = config.percentageOfNodesToScore ?? 0;
    this.informers = new InformerFactory(o.client);
    // Assigned pods that finished free their node's resources: the scheduler does not watch them.
    this.pods = this.informers.informer<Pod>(R.pods, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' });
    this.nodeInformer = this.informers.informer<Node>(R.nodes);
    const handle: Handle = {
      nodes: () => this.nodeOrder.map((n) => this.nodeInfos.get(n)!),
      node: (name) => this.nodeInfos.get(name),
      bind: (pod, nodeName) => o.client.bind(pod.metadata.namespace!, pod.metadata.name, nodeName, pod.metadata.uid),
      now: () => o.clock.now(),
    };
    const profiles = config.profiles?.length ? config.profiles : [{ schedulerName: DEFAULT_SCHEDULER_NAME }];
    for (const p of profiles) this.profiles.set(p.schedulerName, this.makeProfile(p.schedulerName, buildProfile(p, handle)));
    const first = [...this.profiles.values()][0];
    this.queue = new SchedulingQueue({
      clock: o.clock,
      less: (a, b) => first.queueSort.less(a, b),
      initialBackoffMs: (config.podInitialBackoffSeconds ?? 1) * 1000,
      maxBackoffMs: (config.podMaxBackoffSeconds ?? 10) * 1000,
      eventsOf: (p) => this.eventsByPlugin.get(p),
      onActive: () => this.kick(),
    });
  }

  private makeProfile(name: string, built: BuiltPlugin[]): Profile {
    const p: Profile = { name, queueSort: undefined!, preFilter: [], filter: [], postFilter: [], preScore: [], score: [], bind: [], all: built };
    for (const { plugin, weight } of built) {
      if (has(plugin, 'less')) p.queueSort ??= plugin as unknown as QueueSortPlugin;
      if (has(plugin, 'preFilter')) p.preFilter.push(plugin as unknown as PreFilterPlugin);
      if (has(plugin, 'filter')) p.filter.push(plugin as unknown as FilterPlugin);
      if (has(plugin, 'postFilter')) p.postFilter.push(plugin as unknown as PostFilterPlugin);
      if (has(plugin, 'preScore')) p.preScore.push(plugin as unknown as PreScorePlugin);
      if (has(plugin, 'score')) p.score.push({ plugin: plugin as unknown as ScorePlugin, weight });
      if (has(plugin, 'bind')) p.bind.push(plugin as unknown as BindPlugin);
      if (has(plugin, 'events')) this.eventsByPlugin.set(plugin.name, (plugin as unknown as EnqueueExtensions).events());
    }
    if (!p.queueSort) throw new Error(`scheduler profile ${name} has no queue sort plugin`);
    return p;
  }

  start(): void {
    this.nodeInformer.on({
      add: (n) => {
        this.nodeInfos.set(n.metadata.name, new NodeInfo(n));
        this.rebuildNodeOrder();
        this.queue.onEvent('NodeAdd');
      },
      update: (old, n) => {
        const info = this.nodeInfos.get(n.metadata.name);
        if (info) info.setNode(n);
        else this.nodeInfos.set(n.metadata.name, new NodeInfo(n));
        if (zoneOf(old) !== zoneOf(n)) this.rebuildNodeOrder();
        for (const e of nodeUpdateEvents(old, n)) this.queue.onEvent(e);
      },
      delete: (n) => {
        this.nodeInfos.delete(n.metadata.name);
        this.rebuildNodeOrder();
      },
    });
    this.pods.on({
      add: (p) => this.onPodAdd(p),
      update: (old, p) => this.onPodUpdate(old, p),
      delete: (p) => this.onPodDelete(p),
    });
    this.informers.start();
  }

  stop(): void {
    this.stopped = true;
    this.informers.stop();
  }

  /** Pending pods by queue, for explanations. */
  queueSnapshot() {
    return this.queue.snapshot();
  }

  private responsible(p: Stored<Pod>): boolean {
    return this.profiles.has(p.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME);
  }

  private onPodAdd(p: Stored<Pod>): void {
    if (p.spec.nodeName) {
      this.addToNode(p);
      this.queue.onEvent('AssignedPodAdd');
    } else if (this.responsible(p) && !p.metadata.deletionTimestamp) {
      this.queue.add(p);
    }
  }

  private onPodUpdate(old: Stored<Pod>, p: Stored<Pod>): void {
    if (p.spec.nodeName) {
      if (!old.spec.nodeName) this.queue.delete(p.metadata.uid);
      this.addToNode(p);
      this.queue.onEvent(old.spec.nodeName ? 'AssignedPodUpdate' : 'AssignedPodAdd');
      return;
    }
    if (!this.responsible(p)) return;
    if (p.metadata.deletionTimestamp) {
      this.queue.delete(p.metadata.uid);
      return;
    }
    // Status-only changes (our own condition updates) do not make the pod worth retrying.
    if (deepEqual(old.spec, p.spec) && deepEqual(old.metadata.labels, p.metadata.labels)) return;
    this.queue.update(p);
  }

  private onPodDelete(p: Stored<Pod>): void {
    this.queue.delete(p.metadata.uid);
    const node = this.assumed.get(p.metadata.uid) ?? p.spec.nodeName;
    this.assumed.delete(p.metadata.uid);
    if (node && this.nodeInfos.get(node)?.removePod(p.metadata.uid)) this.queue.onEvent('AssignedPodDelete');
  }

  private addToNode(p: Stored<Pod>): void {
    const prev = this.assumed.get(p.metadata.uid);
    if (prev && prev !== p.spec.nodeName) this.nodeInfos.get(prev)?.removePod(p.metadata.uid);
    this.assumed.delete(p.metadata.uid);
    this.nodeInfos.get(p.spec.nodeName!)?.addPod(newPodInfo(p));
  }

  /** The node tree order: zones in turn, nodes of each zone in the order they joined. */
  private rebuildNodeOrder(): void {
    const zones = new Map<string, string[]>();
    for (const info of this.nodeInfos.values()) {
      const z = zoneOf(info.node);
      if (!zones.has(z)) zones.set(z, []);
      zones.get(z)!.push(info.name);
    }
    const lists = [...zones.values()];
    const order: string[] = [];
    for (let i = 0; order.length < this.nodeInfos.size; i++) for (const l of lists) if (i < l.length) order.push(l[i]);
    this.nodeOrder = order;
    if (this.nextStartNodeIndex >= order.length) this.nextStartNodeIndex = 0;
  }

  private kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.o.clock.schedule(0, 'scheduler scheduleOne', () => {
      this.scheduled = false;
      const q = this.queue.pop();
      if (!q) return;
      this.scheduleOne(q);
      if (this.queue.activeLength) this.kick();
    });
  }

  /** numFeasibleNodesToFind. */
  numFeasibleNodesToFind(total: number): number {
    if (total < MIN_FEASIBLE_NODES_TO_FIND) return total;
    let pct = this.percentageOfNodesToScore;
    if (pct <= 0) pct = Math.max(50 - Math.trunc(total / 125), MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
    if (pct >= 100) return total;
    const n = Math.trunc((total * pct) / 100);
    return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
  }

  private scheduleOne(q: QueuedPodInfo): void {
    const cached = this.pods.get(q.pod.metadata.namespace, q.pod.metadata.name);
    if (!cached || cached.metadata.uid !== q.pod.metadata.uid || cached.spec.nodeName || cached.metadata.deletionTimestamp) return;
    const pod = cached;
    const profile = this.profiles.get(pod.spec.schedulerName ?? DEFAULT_SCHEDULER_NAME)!;
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const state = new CycleState();
    const decision: SchedulingDecision = { pod: key, at: this.o.clock.now(), filter: new Map(), scores: new Map() };
    this.decisions.set(key, decision);
    const all = this.nodeOrder.map((n) => this.nodeInfos.get(n)!);
    const rejectedBy = new Set<string>();
    // ErrNoNodesAvailable: rejected by no plugin, so any cluster event (a node registering) retries it.
    if (!all.length) return this.fail(q, pod, decision, 'no nodes available to schedule pods', rejectedBy, false);

    // PreFilter
    let allowed: Set<string> | undefined;
    let preFilterMsg = '';
    for (const p of profile.preFilter) {
      const { status, result } = p.preFilter(state, pod, all);
      if (status.code === 'Skip') {
        state.skipFilter.add(p.name);
        continue;
      }
      if (status.code !== 'Success') {
        rejectedBy.add(p.name);
        preFilterMsg = status.reasons.join(', ');
        if (status.code === 'Error') return this.fail(q, pod, decision, `running PreFilter plugin "${p.name}": ${preFilterMsg}`, rejectedBy, true);
        break;
      }
      if (result?.nodeNames) allowed = allowed ? new Set([...allowed].filter((n) => result.nodeNames!.has(n))) : new Set(result.nodeNames);
    }

    // Filter
    const feasible: NodeInfo[] = [];
    const statuses = new Map<string, Status>();
    if (!preFilterMsg) {
      const want = this.numFeasibleNodesToFind(all.length);
      let processed = 0;
      for (let i = 0; i < all.length && feasible.length < want; i++) {
        const info = all[(this.nextStartNodeIndex + i) % all.length];
        processed++;
        if (allowed && !allowed.has(info.name)) {
          const st: Status = { code: 'UnschedulableAndUnresolvable', reasons: ['node(s) didn\'t satisfy plugin(s) [PreFilterResult]'] };
          statuses.set(info.name, st);
          decision.filter.set(info.name, st);
          continue;
        }
        const st = this.runFilters(profile, state, pod, info);
        decision.filter.set(info.name, st);
        if (st) {
          statuses.set(info.name, st);
          if (st.plugin) rejectedBy.add(st.plugin);
        } else feasible.push(info);
      }
      if (all.length) this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % all.length;
    }

    if (!feasible.length) {
      let postFilterMsg = '';
      for (const p of profile.postFilter) {
        const r = p.postFilter(state, pod, statuses);
        if (r.message) postFilterMsg = r.message;
        if (r.status.code === 'Success') break;
      }
      return this.fail(q, pod, decision, fitErrorMessage(all.length, preFilterMsg, statuses, postFilterMsg), rejectedBy, false);
    }

    // Score
    let chosen: string;
    if (feasible.length === 1) chosen = feasible[0].name;
    else {
      for (const p of profile.preScore) {
        const st = p.preScore(state, pod, feasible);
        if (st.code === 'Skip') state.skipScore.add(p.name);
      }
      const totals = new Map<string, number>(feasible.map((n) => [n.name, 0]));
      for (const { plugin, weight } of profile.score) {
        if (state.skipScore.has(plugin.name)) continue;
        const scores: NodeScore[] = feasible.map((n) => ({ name: n.name, score: plugin.score(state, pod, n) }));
        plugin.normalizeScore?.(state, pod, scores);
        for (const s of scores) {
          const weighted = s.score * weight;
          totals.set(s.name, totals.get(s.name)! + weighted);
          let d = decision.scores.get(s.name);
          if (!d) decision.scores.set(s.name, (d = { total: 0, byPlugin: new Map() }));
          d.byPlugin.set(plugin.name, weighted);
          d.total += weighted;
        }
      }
      chosen = this.selectHost(feasible.map((n) => ({ name: n.name, score: totals.get(n.name)! })));
    }
    decision.node = chosen;

    // Assume, then bind.
    this.assumed.set(pod.metadata.uid, chosen);
    this.nodeInfos.get(chosen)!.addPod(newPodInfo({ ...pod, spec: { ...pod.spec, nodeName: chosen } } as Stored<Pod>));
    for (const b of profile.bind) {
      const st = b.bind(state, pod, chosen);
      if (st.code === 'Skip') continue;
      if (st.code !== 'Success') {
        this.nodeInfos.get(chosen)?.removePod(pod.metadata.uid);
        this.assumed.delete(pod.metadata.uid);
        return this.fail(q, pod, decision, `running Bind plugin "${b.name}": ${st.reasons.join(', ')}`, new Set(), true);
      }
      break;
    }
    this.o.recorder.event(pod, 'Normal', 'Scheduled', `Successfully assigned ${key} to ${chosen}`);
  }

  private runFilters(profile: Profile, state: CycleState, pod: Stored<Pod>, info: NodeInfo): Status | undefined {
    for (const p of profile.filter) {
      if (state.skipFilter.has(p.name)) continue;
      const st = p.filter(state, pod, info);
      if (st.code !== 'Success') return { ...st, plugin: p.name };
    }
    return undefined;
  }

  /** selectHost: the highest total, ties broken by reservoir sampling with the seeded source. */
  private selectHost(scores: NodeScore[]): string {
    let best = scores[0];
    let count = 1;
    for (const s of scores.slice(1)) {
      if (s.score > best.score) {
        best = s;
        count = 1;
      } else if (s.score === best.score) {
        count++;
        if (this.o.random.int(count) === 0) best = s;
      }
    }
    return best.name;
  }

  private fail(q: QueuedPodInfo, pod: Stored<Pod>, decision: SchedulingDecision, message: string, rejectedBy: Set<string>, retry: boolean): void {
    decision.message = message;
    this.o.recorder.event(pod, 'Warning', 'FailedScheduling', message);
    this.queue.requeue(q, rejectedBy, retry);
    const conditions = pod.status?.conditions ?? [];
    const cur = conditions.find((c) => c.type === 'PodScheduled');
    if (cur && cur.status === 'False' && cur.reason === 'Unschedulable' && cur.message === message) return;
    const next = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: cur && cur.status === 'False' ? cur.lastTransitionTime : this.o.clock.iso(),
      reason: 'Unschedulable',
      message,
    };
    try {
      this.o.client.patch(
        R.pods,
        pod.metadata.namespace,
        pod.metadata.name,
        { status: { conditions: [...conditions.filter((c) => c.type !== 'PodScheduled'), next] } },
        'merge',
        { subresource: 'status' },
      );
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  }
}

/**
 * FitError.Error(): "0/3 nodes are available: 1 Insufficient cpu, 2 node(s)
 * had untolerated taint {dedicated: gpu}. preemption: ..." — reasons counted
 * over nodes and sorted as strings.
 */
export function fitErrorMessage(numAllNodes: number, preFilterMsg: string, statuses: ReadonlyMap<string, Status>, postFilterMsg: string): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMsg) msg += ` ${preFilterMsg}.`;
  else {
    const counts = new Map<string, number>();
    for (const st of statuses.values()) for (const r of st.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (postFilterMsg) msg += ` ${postFilterMsg}`;
  return msg;
}

function zoneOf(n: Pick<Node, 'metadata'>): string {
  const l = n.metadata.labels ?? {};
  return `${l['topology.kubernetes.io/region'] ?? ''}:${l['topology.kubernetes.io/zone'] ?? ''}`;
}

function nodeUpdateEvents(old: Stored<Node>, n: Stored<Node>): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if (!deepEqual(old.status?.allocatable, n.status?.allocatable)) out.push('NodeUpdateAllocatable');
  if (!deepEqual(old.metadata.labels, n.metadata.labels)) out.push('NodeUpdateLabel');
  if (!deepEqual(old.spec?.taints, n.spec?.taints) || old.spec?.unschedulable !== n.spec?.unschedulable) out.push('NodeUpdateTaint');
  if (!deepEqual(old.status?.conditions?.map((c) => [c.type, c.status]), n.status?.conditions?.map((c) => [c.type, c.status]))) out.push('NodeUpdateCondition');
  return out;
}
