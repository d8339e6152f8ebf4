/**
 * The virtual clock and the one event queue every component runs on.
 *
 * Time is a number of milliseconds since the Unix epoch and moves only when
 * `advance` or `step` runs the next due task. Tasks due at the same instant
 * run in the order they were scheduled (time, then sequence), so one seed
 * gives one history.
 *
 * WARNING: tasks must be synchronous and must not call `settle`, `advance` or
 * `step` themselves.
 */

/** 2025-01-01T00:00:00Z: where every simulated cluster's history starts. */
export const EPOCH_MS = Date.UTC(2025, 0, 1, 0, 0, 0);

/** Thrown when the tasks of one instant never run out: two components keep undoing each other. */
export class LivelockError extends Error {
  constructor(
    message: string,
    readonly at: number,
    readonly topLabels: Array<[string, number]>,
  ) {
    super(message);
    this.name = 'LivelockError';
  }
}

export interface TaskHandle {
  readonly at: number;
  cancel(): void;
  readonly cancelled: boolean;
}

interface Task extends TaskHandle {
  seq: number;
  label: string;
  fn: () => void;
  cancelled: boolean;
}

/** Explains, when a livelock is detected, which objects were being written. */
export type LivelockDiagnostic = (at: number) => string;

export interface ClockOptions {
  /** Start of simulated time, ms since the epoch. */
  start?: number;
  /** Tasks allowed at one instant before the clock reports a livelock. */
  maxTasksPerInstant?: number;
}

export class Clock {
  private t: number;
  private seq = 0;
  private heap: Task[] = [];
  private readonly maxPerInstant: number;
  private instantCount = 0;
  private instantAt = Number.NaN;
  private labelCounts = new Map<string, number>();
  private running = false;
  private diagnostic: LivelockDiagnostic | undefined;
  /** The second iso() last formatted, and its text. */
  private isoSecond = Number.NaN;
  private isoText = '';
  /** Number of tasks run since the clock was made: a measure of work done. */
  tasksRun = 0;

  constructor(options: ClockOptions = {}) {
    this.t = options.start ?? EPOCH_MS;
    this.maxPerInstant = options.maxTasksPerInstant ?? 200_000;
  }

  /** Current simulated time in ms since the Unix epoch. */
  now(): number {
    return this.t;
  }

  /** Milliseconds of simulated time since `start`. */
  elapsed(since = EPOCH_MS): number {
    return this.t - since;
  }

  /** The RFC 3339 timestamp (second precision) of `at`, as metav1.Time serialises. */
  iso(at = this.t): string {
    const second = Math.floor(at / 1000);
    // Every write stamps a time, and many writes share a second: format each second once.
    if (second !== this.isoSecond) {
      this.isoSecond = second;
      this.isoText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    }
    return this.isoText;
  }

  /** The RFC 3339 timestamp with microseconds, as metav1.MicroTime serialises. */
  isoMicro(at = this.t): string {
    return new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  }

  setLivelockDiagnostic(d: LivelockDiagnostic): void {
    this.diagnostic = d;
  }

  /** Runs `fn` after `delayMs` of simulated time (0: at this instant, after what is already due). */
  schedule(delayMs: number, label: string, fn: () => void): TaskHandle {
    return this.scheduleAt(this.t + Math.max(0, delayMs), label, fn);
  }

  scheduleAt(at: number, label: string, fn: () => void): TaskHandle {
    const task: Task = {
      at: Math.max(at, this.t),
      seq: this.seq++,
      label,
      fn,
      cancelled: false,
      cancel() {
        this.cancelled = true;
      },
    };
    this.push(task);
    return task;
  }

  /** Time of the next pending task, or undefined when the queue is empty. */
  nextAt(): number | undefined {
    this.dropCancelled();
    return this.heap.length ? this.heap[0].at : undefined;
  }

  pending(): number {
    let n = 0;
    for (const t of this.heap) if (!t.cancelled) n++;
    return n;
  }

  /** Runs every task due now, including those they schedule for now, until none is left. */
  settle(): void {
    this.runUntil(this.t);
  }

  /** Runs tasks in time order up to now + ms, then sets the clock to now + ms. */
  advance(ms: number): void {
    const target = this.t + Math.max(0, ms);
    this.runUntil(target);
    this.t = target;
  }

  /** Advances to `at` (never backwards), running everything due on the way. */
  advanceTo(at: number): void {
    this.advance(at - this.t);
  }

  /**
   * Moves to the next instant that has tasks, if it is not after `deadline`,
   * and runs everything due then. Returns false when nothing is due by the
   * deadline (the clock is then left where it was).
   */
  step(deadline = Number.POSITIVE_INFINITY): boolean {
    this.settle();
    const next = this.nextAt();
    if (next === undefined || next > deadline) return false;
    this.runUntil(next);
    return true;
  }

  private runUntil(limit: number): void {
    if (this.running) throw new Error('the clock is already running: tasks must not advance time themselves');
    this.running = true;
    try {
      for (;;) {
        const task = this.pop(limit);
        if (!task) break;
        if (task.at !== this.t) this.t = task.at;
        this.count(task);
        this.tasksRun++;
        task.fn();
      }
    } finally {
      this.running = false;
    }
  }

  private count(task: Task): void {
    if (task.at !== this.instantAt) {
      this.instantAt = task.at;
      this.instantCount = 0;
      this.labelCounts.clear();
    }
    this.instantCount++;
    // Labels are only tallied once the instant is suspiciously busy, to keep the hot path cheap.
    if (this.instantCount > this.maxPerInstant / 2) {
      this.labelCounts.set(task.label, (this.labelCounts.get(task.label) ?? 0) + 1);
    }
    if (this.instantCount > this.maxPerInstant) {
      const top = [...this.labelCounts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);
      const who = top.map(([l, n]) => `${l} (${n} times)`).join(', ');
      const detail = this.diagnostic ? `\n${this.diagnostic(this.t)}` : '';
      this.heap = [];
      throw new LivelockError(
        `the cluster did not settle at ${this.iso()}: more than ${this.maxPerInstant} tasks ran at one instant; ` +
          `the busiest were ${who}${detail}`,
        this.t,
        top,
      );
    }
  }

  // ---- binary heap ordered by (at, seq) ----

  private less(a: Task, b: Task): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(task: Task): void {
    const h = this.heap;
    h.push(task);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private popTop(): Task {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }

  private dropCancelled(): void {
    while (this.heap.length && this.heap[0].cancelled) this.popTop();
  }

  private pop(limit: number): Task | undefined {
    this.dropCancelled();
    if (!this.heap.length || this.heap[0].at > limit) return undefined;
    return this.popTop();
  }
}
