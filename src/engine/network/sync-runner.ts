/**
 * kube-proxy's BoundedFrequencyRunner (pkg/util/async, release 1.33): a
 * requested sync runs at once while the token bucket (burst 2, refilled at
 * one token per minSyncPeriod) has a token; otherwise it is put off until
 * minSyncPeriod after the last run. Several requests meanwhile make one sync.
 */
import type { Clock, TaskHandle } from '../clock/clock.ts';

export class BoundedFrequencyRunner {
  private tokens: number;
  private lastRefill: number;
  private lastRun = Number.NEGATIVE_INFINITY;
  private pending?: TaskHandle;
  private stopped = false;

  constructor(
    private readonly clock: Pick<Clock, 'now' | 'schedule' | 'scheduleAt'>,
    private readonly label: string,
    private readonly fn: () => void,
    private readonly minIntervalMs: number,
    private readonly burst = 2,
  ) {
    this.tokens = burst;
    this.lastRefill = clock.now();
  }

  /** Asks for a run as soon as the limits allow. */
  run(): void {
    if (this.stopped || this.pending) return;
    // The request reaches the runner's loop after the current task, as a channel send does.
    this.pending = this.clock.schedule(0, this.label, () => this.tryRun());
  }

  stop(): void {
    this.stopped = true;
    this.pending?.cancel();
    this.pending = undefined;
  }

  private tryRun(): void {
    this.pending = undefined;
    if (this.stopped) return;
    const now = this.clock.now();
    if (this.tryAccept(now)) {
      this.fn();
      this.lastRun = now;
      return;
    }
    const wait = Math.max(0, this.minIntervalMs - (now - this.lastRun));
    this.pending = this.clock.schedule(wait > 0 ? wait : this.untilToken(now), this.label, () => this.tryRun());
  }

  private tryAccept(now: number): boolean {
    if (this.minIntervalMs <= 0) return true;
    this.tokens = Math.min(this.burst, this.tokens + (now - this.lastRefill) / this.minIntervalMs);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  private untilToken(now: number): number {
    void now;
    return Math.max(1, Math.ceil((1 - this.tokens) * this.minIntervalMs));
  }
}
