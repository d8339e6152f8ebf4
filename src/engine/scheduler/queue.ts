/**
 * The scheduling queue (pkg/scheduler/backend/queue): activeQ ordered by the
 * QueueSort plugin, backoffQ for pods retrying after a failure (1 s doubling
 * to 10 s, flushed every second), and unschedulablePods, which wait for a
 * cluster event that could help them (a node added, a pod deleted, ...) or
 * for the 5-minute leftover flush (checked every 30 s).
 */
import type { Clock } from '../clock/clock.ts';
import type { Pod, Stored } from '../api/types.ts';
import type { ClusterEvent, QueuedPodInfo } from './framework.ts';

/** podMaxInUnschedulablePodsDuration. */
export const MAX_UNSCHEDULABLE_DURATION_MS = 5 * 60 * 1000;
const FLUSH_UNSCHEDULABLE_PERIOD_MS = 30_000;
const FLUSH_BACKOFF_PERIOD_MS = 1_000;

export interface QueueOptions {
  clock: Clock;
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Events each plugin's rejection can be cured by. */
  eventsOf(plugin: string): readonly ClusterEvent[] | undefined;
  /** Called when activeQ gains a pod. */
  onActive(): void;
}

export class SchedulingQueue {
  private active: QueuedPodInfo[] = [];
  private readonly activeUids = new Set<string>();
  private readonly backoff = new Map<string, QueuedPodInfo>();
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly start: number;
  private backoffFlushScheduled = false;
  private leftoverFlushScheduled = false;
  /**
   * When each pod entered activeQ, in order: the tie-break for pods the sort
   * plugin finds equal (same priority, same instant), standing in for the
   * nanosecond timestamps that order them upstream.
   */
  private readonly arrival = new WeakMap<QueuedPodInfo, number>();
  private arrivals = 0;

  constructor(private readonly o: QueueOptions) {
    this.start = o.clock.now();
  }

  get length(): number {
    return this.active.length + this.backoff.size + this.unschedulable.size;
  }

  get activeLength(): number {
    return this.active.length;
  }

  has(uid: string): boolean {
    return this.activeUids.has(uid) || this.backoff.has(uid) || this.unschedulable.has(uid);
  }

  /** Pending pods by where they wait, for explanations and tests. */
  snapshot(): { active: string[]; backoff: string[]; unschedulable: string[] } {
    const name = (q: QueuedPodInfo) => `${q.pod.metadata.namespace}/${q.pod.metadata.name}`;
    return { active: this.active.map(name), backoff: [...this.backoff.values()].map(name), unschedulable: [...this.unschedulable.values()].map(name) };
  }

  add(pod: Stored<Pod>): void {
    const now = this.o.clock.now();
    this.pushActive({ pod, timestamp: now, initialAttemptTimestamp: now, attempts: 0, unschedulablePlugins: new Set() });
  }

  /** A pending pod changed: keep the newest copy; a changed pod waiting for events is tried again. */
  update(pod: Stored<Pod>): void {
    const uid = pod.metadata.uid;
    if (this.activeUids.has(uid)) {
      const q = this.active.find((x) => x.pod.metadata.uid === uid)!;
      q.pod = pod;
      this.heapify();
      return;
    }
    const b = this.backoff.get(uid);
    if (b) {
      b.pod = pod;
      return;
    }
    const u = this.unschedulable.get(uid);
    if (u) {
      u.pod = pod;
      this.unschedulable.delete(uid);
      if (this.isBackingOff(u)) this.toBackoff(u);
      else this.pushActive(u);
      return;
    }
    this.add(pod);
  }

  delete(uid: string): void {
    if (this.activeUids.has(uid)) {
      this.activeUids.delete(uid);
      this.active = this.active.filter((q) => q.pod.metadata.uid !== uid);
      this.heapify();
    }
    this.backoff.delete(uid);
    this.unschedulable.delete(uid);
  }

  pop(): QueuedPodInfo | undefined {
    if (!this.active.length) return undefined;
    const top = this.active[0];
    const last = this.active.pop()!;
    if (this.active.length) {
      this.active[0] = last;
      this.down(0);
    }
    this.activeUids.delete(top.pod.metadata.uid);
    top.attempts++;
    return top;
  }

  /** After a failed attempt: wait for a helpful event (or, on `retry`, just the backoff). */
  requeue(q: QueuedPodInfo, rejectedBy: Set<string>, retry: boolean): void {
    q.timestamp = this.o.clock.now();
    q.unschedulablePlugins = rejectedBy;
    if (retry) this.toBackoff(q);
    else {
      this.unschedulable.set(q.pod.metadata.uid, q);
      this.scheduleLeftoverFlush();
    }
  }

  /** A cluster event: pods it may help leave unschedulablePods (to backoffQ while still backing off). */
  onEvent(event: ClusterEvent): void {
    for (const [uid, q] of [...this.unschedulable]) {
      if (!this.interested(q, event)) continue;
      this.unschedulable.delete(uid);
      if (this.isBackingOff(q)) this.toBackoff(q);
      else this.pushActive(q);
    }
  }

  private interested(q: QueuedPodInfo, event: ClusterEvent): boolean {
    if (!q.unschedulablePlugins.size) return true;
    for (const p of q.unschedulablePlugins) if (this.o.eventsOf(p)?.includes(event)) return true;
    return false;
  }

  /** calculateBackoffDuration: initial, doubling per attempt, capped. */
  backoffDuration(attempts: number): number {
    let d = this.o.initialBackoffMs;
    for (let i = 1; i < attempts; i++) {
      if (d > this.o.maxBackoffMs - d) return this.o.maxBackoffMs;
      d += d;
    }
    return d;
  }

  private isBackingOff(q: QueuedPodInfo): boolean {
    return q.timestamp + this.backoffDuration(q.attempts) > this.o.clock.now();
  }

  private toBackoff(q: QueuedPodInfo): void {
    this.backoff.set(q.pod.metadata.uid, q);
    this.scheduleBackoffFlush();
  }

  /** Tasks run on the scheduler's periodic ticks (every second, every 30 s), only while there is work. */
  private nextTick(period: number): number {
    const now = this.o.clock.now();
    const k = Math.ceil((now - this.start) / period);
    const at = this.start + k * period;
    return at <= now ? at + period : at;
  }

  private scheduleBackoffFlush(): void {
    if (this.backoffFlushScheduled) return;
    this.backoffFlushScheduled = true;
    this.o.clock.scheduleAt(this.nextTick(FLUSH_BACKOFF_PERIOD_MS), 'scheduler flushBackoffQCompleted', () => {
      this.backoffFlushScheduled = false;
      for (const [uid, q] of [...this.backoff]) {
        if (this.isBackingOff(q)) continue;
        this.backoff.delete(uid);
        this.pushActive(q);
      }
      if (this.backoff.size) this.scheduleBackoffFlush();
    });
  }

  private scheduleLeftoverFlush(): void {
    if (this.leftoverFlushScheduled) return;
    this.leftoverFlushScheduled = true;
    this.o.clock.scheduleAt(this.nextTick(FLUSH_UNSCHEDULABLE_PERIOD_MS), 'scheduler flushUnschedulablePodsLeftover', () => {
      this.leftoverFlushScheduled = false;
      const now = this.o.clock.now();
      for (const [uid, q] of [...this.unschedulable]) {
        if (now - q.timestamp <= MAX_UNSCHEDULABLE_DURATION_MS) continue;
        this.unschedulable.delete(uid);
        if (this.isBackingOff(q)) this.toBackoff(q);
        else this.pushActive(q);
      }
      if (this.unschedulable.size) this.scheduleLeftoverFlush();
    });
  }

  // ---- activeQ heap ----

  private pushActive(q: QueuedPodInfo): void {
    if (this.activeUids.has(q.pod.metadata.uid)) return;
    this.activeUids.add(q.pod.metadata.uid);
    this.arrival.set(q, this.arrivals++);
    this.active.push(q);
    this.up(this.active.length - 1);
    this.o.onActive();
  }

  private less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    if (this.o.less(a, b)) return true;
    if (this.o.less(b, a)) return false;
    return (this.arrival.get(a) ?? 0) < (this.arrival.get(b) ?? 0);
  }

  private heapify(): void {
    for (let i = (this.active.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private up(i: number): void {
    const h = this.active;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.active;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l], h[m])) m = l;
      if (r < h.length && this.less(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
