/**
 * The scheduling queue (pkg/scheduler/backend/queue, release 1.33):
 *
 * - activeQ, ordered by the QueueSort plugin; PreEnqueue plugins
 *   (SchedulingGates, a running preemption) keep pods out of it;
 * - backoffQ for pods retrying after a failure: 1 s doubling to 10 s, in
 *   whole-second windows, flushed every second; when activeQ is empty the
 *   scheduler takes the next pod from it at once (SchedulerPopFromBackoffQ);
 *   pods that failed with an error wait out their backoff regardless;
 * - unschedulablePods, waiting for a cluster event whose queueing hint says
 *   it may help (SchedulerQueueingHints), or for the 5-minute leftover flush
 *   (checked every 30 s);
 * - the nominator: pods nominated to nodes by preemption.
 */
import type { Clock } from '../clock/clock.ts';
import type { Pod, Stored } from '../api/types.ts';
import { type ClusterEvent, type PodInfo, type QueuedPodInfo, type Status, newPodInfo } from './framework.ts';
import { Heap } from './heap.ts';

/** podMaxInUnschedulablePodsDuration */
export const MAX_UNSCHEDULABLE_DURATION_MS = 5 * 60 * 1000;
const FLUSH_UNSCHEDULABLE_PERIOD_MS = 30_000;
/** backoffQOrderingWindowDuration, also the backoff flush period. */
const BACKOFF_WINDOW_MS = 1_000;

export type QueueingStrategy = 'queueSkip' | 'queueAfterBackoff' | 'queueImmediately';

/** The label of the wildcard event the leftover flush sends. */
export const UNSCHEDULABLE_TIMEOUT: ClusterEvent = { resource: 'WildCard', action: 0, label: 'UnschedulableTimeout' };
export const FORCE_ACTIVATE: ClusterEvent = { resource: 'WildCard', action: 0, label: 'ForceActivate' };

export interface QueueOptions {
  clock: Clock;
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Runs the pod's profile's PreEnqueue plugins: the first rejection, if any. */
  preEnqueue(pod: Stored<Pod>): { plugin: string; status: Status } | undefined;
  /** The rejecting plugins' queueing hints for a non-wildcard event (the queue handles pods without rejectors and wildcards). */
  worthRequeuing(q: QueuedPodInfo, event: ClusterEvent, oldObj: unknown, newObj: unknown): QueueingStrategy;
  /** Whether any plugin of any profile registered for the event. */
  interested(event: ClusterEvent): boolean;
  /** Called when a pod becomes poppable. */
  onActive(): void;
}

const uidOf = (q: QueuedPodInfo) => q.pod.metadata.uid;

export class SchedulingQueue {
  private readonly active: Heap<QueuedPodInfo>;
  private readonly podBackoff: Heap<QueuedPodInfo>;
  private readonly errorBackoff: Heap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly start: number;
  private backoffFlushScheduled = false;
  private leftoverFlushScheduled = false;
  /** Nominated pods by node, and each pod's node. */
  private readonly nominatedPods = new Map<string, PodInfo[]>();
  private readonly nominatedPodToNode = new Map<string, string>();
  /**
   * When each pod last entered a queue, in order: the tie-break for pods the
   * sort plugin finds equal (same priority, same instant), standing in for
   * the nanosecond timestamps that order them upstream.
   */
  private readonly arrival = new WeakMap<QueuedPodInfo, number>();
  private arrivals = 0;

  constructor(private readonly o: QueueOptions) {
    this.start = o.clock.now();
    const less = (a: QueuedPodInfo, b: QueuedPodInfo) => {
      if (o.less(a, b)) return true;
      if (o.less(b, a)) return false;
      return (this.arrival.get(a) ?? 0) < (this.arrival.get(b) ?? 0);
    };
    this.active = new Heap(uidOf, less);
    // Within one backoff window, pods are ordered as activeQ orders them.
    this.podBackoff = new Heap(uidOf, (a, b) => {
      const ba = this.backoffTime(a);
      const bb = this.backoffTime(b);
      return ba !== bb ? ba < bb : less(a, b);
    });
    this.errorBackoff = new Heap(uidOf, (a, b) => this.backoffTime(a) < this.backoffTime(b));
  }

  get length(): number {
    return this.active.size + this.podBackoff.size + this.errorBackoff.size + this.unschedulable.size;
  }

  /** Pods the scheduler can take now (activeQ, or backoffQ when activeQ is empty). */
  get poppable(): number {
    return this.active.size + this.podBackoff.size;
  }

  /** Pending pods by where they wait, for explanations and tests. */
  snapshot(): { active: string[]; backoff: string[]; unschedulable: string[]; gated: string[] } {
    const name = (q: QueuedPodInfo) => `${q.pod.metadata.namespace}/${q.pod.metadata.name}`;
    const u = [...this.unschedulable.values()];
    return {
      active: this.active.list().map(name).sort(),
      backoff: [...this.podBackoff.list(), ...this.errorBackoff.list()].map(name).sort(),
      unschedulable: u.filter((q) => !q.gatingPlugin).map(name).sort(),
      gated: u.filter((q) => q.gatingPlugin).map(name).sort(),
    };
  }

  /** The queued pod with this uid, wherever it waits. */
  get(uid: string): QueuedPodInfo | undefined {
    return this.active.get(uid) ?? this.podBackoff.get(uid) ?? this.errorBackoff.get(uid) ?? this.unschedulable.get(uid);
  }

  private newQueued(pod: Stored<Pod>): QueuedPodInfo {
    const now = this.o.clock.now();
    return { pod, timestamp: now, initialAttemptTimestamp: now, attempts: 0, unschedulablePlugins: new Set() };
  }

  /** Add: a new pending pod. */
  add(pod: Stored<Pod>): void {
    const q = this.newQueued(pod);
    this.addNominated(q.pod, undefined);
    if (this.moveToActive(q)) this.o.onActive();
  }

  /** moveToActiveQ: runs PreEnqueue; a gated pod goes to unschedulablePods. */
  private moveToActive(q: QueuedPodInfo): boolean {
    if (this.runPreEnqueue(q)) {
      this.unschedulable.set(uidOf(q), q);
      this.scheduleLeftoverFlush();
      return false;
    }
    this.unschedulable.delete(uidOf(q));
    this.podBackoff.delete(uidOf(q));
    this.errorBackoff.delete(uidOf(q));
    if (!this.active.has(uidOf(q))) this.arrival.set(q, this.arrivals++);
    this.active.addOrUpdate(q);
    return true;
  }

  /** Whether PreEnqueue gates the pod (recording the gating plugin among its rejectors). */
  private runPreEnqueue(q: QueuedPodInfo): boolean {
    const r = this.o.preEnqueue(q.pod);
    q.gatingPlugin = r?.plugin;
    if (r) q.unschedulablePlugins.add(r.plugin);
    return !!r;
  }

  private moveToBackoff(q: QueuedPodInfo): boolean {
    if (this.runPreEnqueue(q)) {
      this.unschedulable.set(uidOf(q), q);
      this.scheduleLeftoverFlush();
      return false;
    }
    this.unschedulable.delete(uidOf(q));
    const errorOnly = q.unschedulablePlugins.size === 0;
    this.arrival.set(q, this.arrivals++);
    (errorOnly ? this.errorBackoff : this.podBackoff).addOrUpdate(q);
    this.scheduleBackoffFlush();
    return true;
  }

  /** A pending pod changed: keep the newest copy; a pod waiting for events may be worth retrying. */
  update(old: Stored<Pod> | undefined, pod: Stored<Pod>, events: readonly ClusterEvent[]): void {
    const uid = pod.metadata.uid;
    const inActive = this.active.get(uid);
    if (inActive) {
      inActive.pod = pod;
      this.active.addOrUpdate(inActive);
      this.updateNominated(old, inActive.pod);
      return;
    }
    for (const h of [this.podBackoff, this.errorBackoff]) {
      const b = h.get(uid);
      if (b) {
        b.pod = pod;
        h.addOrUpdate(b);
        this.updateNominated(old, b.pod);
        return;
      }
    }
    const u = this.unschedulable.get(uid);
    if (u) {
      u.pod = pod;
      this.updateNominated(old, pod);
      for (const e of events) {
        const strategy = this.isPodWorthRequeuing(u, e, old, pod);
        if (this.requeue(u, strategy)) {
          this.o.onActive();
          break;
        }
        if (!this.unschedulable.has(uid)) break;
      }
      return;
    }
    // Not queued (it was being scheduled, or it is new to us): it goes to activeQ.
    const q = this.newQueued(pod);
    this.addNominated(pod, undefined);
    if (this.moveToActive(q)) this.o.onActive();
  }

  delete(pod: Pick<Pod, 'metadata'> & { metadata: { uid: string } }): void {
    const uid = pod.metadata.uid;
    this.deleteNominated(uid);
    this.active.delete(uid);
    this.podBackoff.delete(uid);
    this.errorBackoff.delete(uid);
    this.unschedulable.delete(uid);
  }

  /** Pop: activeQ first; when it is empty, the pod whose backoff ends first (not those that failed with an error). */
  pop(): QueuedPodInfo | undefined {
    const q = this.active.pop() ?? this.podBackoff.pop();
    if (!q) return undefined;
    q.attempts++;
    q.backoffExpiration = undefined;
    return q;
  }

  /**
   * AddUnschedulableIfNotPresent: after a failed attempt. Pods some plugin
   * rejected wait in unschedulablePods; those that failed for an error back off.
   */
  addUnschedulable(q: QueuedPodInfo, rejectors: ReadonlySet<string>): void {
    const uid = uidOf(q);
    if (this.get(uid)) return;
    q.timestamp = this.o.clock.now();
    q.unschedulablePlugins = new Set(rejectors);
    q.gatingPlugin = undefined;
    if (!rejectors.size) {
      if (this.requeue(q, 'queueAfterBackoff')) this.o.onActive();
      return;
    }
    this.unschedulable.set(uid, q);
    this.scheduleLeftoverFlush();
  }

  /** requeuePodWithQueueingStrategy: true when the pod became poppable. */
  private requeue(q: QueuedPodInfo, strategy: QueueingStrategy): boolean {
    if (strategy === 'queueSkip') return false;
    if (strategy === 'queueAfterBackoff' && this.isBackingOff(q)) return this.moveToBackoff(q) && q.unschedulablePlugins.size > 0;
    return this.moveToActive(q);
  }

  /** MoveAllToActiveOrBackoffQueue: unschedulable pods the event may help, per their rejectors' hints. */
  onEvent(event: ClusterEvent, oldObj?: unknown, newObj?: unknown, preCheck?: (pod: Pod) => boolean): void {
    if (!this.unschedulable.size || !this.o.interested(event)) return;
    let pods = [...this.unschedulable.values()];
    if (preCheck) pods = pods.filter((q) => preCheck(q.pod));
    this.movePods(pods, event, oldObj, newObj);
  }

  private movePods(pods: readonly QueuedPodInfo[], event: ClusterEvent, oldObj: unknown, newObj: unknown): void {
    let activated = false;
    for (const q of pods) {
      const strategy = this.isPodWorthRequeuing(q, event, oldObj, newObj);
      if (strategy === 'queueSkip') continue;
      if (this.requeue(q, strategy)) activated = true;
    }
    if (activated) this.o.onActive();
  }

  /**
   * isPodWorthRequeuing: a pod no plugin rejected (an error) always goes back; a
   * wildcard event (the leftover flush, a forced activation) moves every pod, or
   * only the one it names; otherwise the rejecting plugins' hints decide.
   */
  private isPodWorthRequeuing(q: QueuedPodInfo, event: ClusterEvent, oldObj: unknown, newObj: unknown): QueueingStrategy {
    if (!q.unschedulablePlugins.size) return 'queueAfterBackoff';
    if (event.resource === 'WildCard') {
      const target = newObj as Stored<Pod> | undefined;
      return target && target.metadata?.uid !== q.pod.metadata.uid ? 'queueSkip' : 'queueAfterBackoff';
    }
    return this.o.worthRequeuing(q, event, oldObj, newObj);
  }

  /** Activate: pods move to activeQ at once, whatever their backoff. */
  activate(uids: readonly string[]): void {
    let activated = false;
    for (const uid of uids) {
      const q = this.unschedulable.get(uid) ?? this.podBackoff.get(uid) ?? this.errorBackoff.get(uid);
      if (q && this.moveToActive(q)) activated = true;
    }
    if (activated) this.o.onActive();
  }

  // ---- backoff ----

  /** calculateBackoffDuration: initial, doubling per attempt, capped. */
  backoffDuration(attempts: number): number {
    if (attempts === 0) return 0;
    let d = this.o.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      if (d > this.o.maxBackoffMs - d) return this.o.maxBackoffMs;
      d += d;
    }
    return Math.min(d, this.o.maxBackoffMs);
  }

  /** getBackoffTime: aligned to the one-second ordering window; 0 for pods never tried. */
  private backoffTime(q: QueuedPodInfo): number {
    if (q.attempts === 0) return 0;
    if (q.backoffExpiration === undefined) q.backoffExpiration = align(q.timestamp + this.backoffDuration(q.attempts));
    return q.backoffExpiration;
  }

  /** isPodBackingoff: its backoff window is not before the current one. */
  private isBackingOff(q: QueuedPodInfo): boolean {
    return !(this.backoffTime(q) < align(this.o.clock.now()));
  }

  private scheduleBackoffFlush(): void {
    if (this.backoffFlushScheduled) return;
    this.backoffFlushScheduled = true;
    const now = this.o.clock.now();
    this.o.clock.scheduleAt(align(now) + BACKOFF_WINDOW_MS, 'scheduler flushBackoffQCompleted', () => {
      this.backoffFlushScheduled = false;
      let activated = false;
      for (const h of [this.podBackoff, this.errorBackoff]) {
        for (let q = h.peek(); q && !this.isBackingOff(q); q = h.peek()) {
          h.pop();
          if (this.moveToActive(q)) activated = true;
        }
      }
      if (this.podBackoff.size || this.errorBackoff.size) this.scheduleBackoffFlush();
      if (activated) this.o.onActive();
    });
  }

  private scheduleLeftoverFlush(): void {
    if (this.leftoverFlushScheduled) return;
    this.leftoverFlushScheduled = true;
    const now = this.o.clock.now();
    const k = Math.floor((now - this.start) / FLUSH_UNSCHEDULABLE_PERIOD_MS) + 1;
    this.o.clock.scheduleAt(this.start + k * FLUSH_UNSCHEDULABLE_PERIOD_MS, 'scheduler flushUnschedulablePodsLeftover', () => {
      this.leftoverFlushScheduled = false;
      const t = this.o.clock.now();
      const stale = [...this.unschedulable.values()].filter((q) => t - q.timestamp > MAX_UNSCHEDULABLE_DURATION_MS);
      if (stale.length) this.movePods(stale, UNSCHEDULABLE_TIMEOUT, undefined, undefined);
      if (this.unschedulable.size) this.scheduleLeftoverFlush();
    });
  }

  // ---- the nominator ----

  hasNominatedPods(): boolean {
    return this.nominatedPods.size > 0;
  }

  /** Pods nominated to the node. */
  nominatedPodsForNode(node: string): readonly PodInfo[] {
    return this.nominatedPods.get(node) ?? [];
  }

  /** AddNominatedPod: `node` overrides; undefined keeps status.nominatedNodeName; '' clears. */
  addNominated(pod: Stored<Pod>, node: string | undefined, stillPending = true): void {
    this.deleteNominated(pod.metadata.uid);
    const target = node ?? pod.status?.nominatedNodeName ?? '';
    if (!target || !stillPending) return;
    this.nominatedPodToNode.set(pod.metadata.uid, target);
    const list = this.nominatedPods.get(target) ?? [];
    if (!list.some((p) => p.pod.metadata.uid === pod.metadata.uid)) this.nominatedPods.set(target, [...list, newPodInfo(pod)]);
  }

  private updateNominated(old: Stored<Pod> | undefined, pod: Stored<Pod>): void {
    // A nomination made by preemption survives updates that do not carry it yet.
    const current = this.nominatedPodToNode.get(pod.metadata.uid);
    const fromStatus = pod.status?.nominatedNodeName;
    const keep = !fromStatus && current && old?.status?.nominatedNodeName === fromStatus ? current : undefined;
    this.addNominated(pod, keep ?? fromStatus ?? '');
  }

  deleteNominated(uid: string): void {
    const node = this.nominatedPodToNode.get(uid);
    if (node === undefined) return;
    this.nominatedPodToNode.delete(uid);
    const rest = (this.nominatedPods.get(node) ?? []).filter((p) => p.pod.metadata.uid !== uid);
    if (rest.length) this.nominatedPods.set(node, rest);
    else this.nominatedPods.delete(node);
  }
}

/** Truncates to the start of its one-second window. */
function align(ms: number): number {
  return ms - (((ms % BACKOFF_WINDOW_MS) + BACKOFF_WINDOW_MS) % BACKOFF_WINDOW_MS);
}
