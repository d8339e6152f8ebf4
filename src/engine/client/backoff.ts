/**
 * client-go's flowcontrol.Backoff as the kubelet uses it for crashing
 * containers (doBackOff), the static pods of the control plane among them,
 * and failing image pulls: a per-key window that
 * starts at 10 s, doubles on every Next up to 300 s, and is forgotten once
 * an event comes more than twice the maximum (600 s) after the last update.
 *
 * The kubelet constructs it with no jitter (flowcontrol.NewBackOff), so the
 * windows are exact.
 */

/** kubelet backOffPeriod and MaxContainerBackOff (pkg/kubelet/kubelet.go). */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    readonly initialMs = BACKOFF_INITIAL_MS,
    readonly maxMs = BACKOFF_MAX_MS,
  ) {}

  /** hasExpired: an event more than 2 x max after the last update starts the series afresh. */
  private expired(eventTime: number, e: Entry): boolean {
    return eventTime - e.lastUpdate > 2 * this.maxMs;
  }

  /** The current window of `key`, or undefined when it has none. */
  get(key: string): number | undefined {
    return this.entries.get(key)?.backoffMs;
  }

  /** Next: the first window, or the current one doubled (capped), stamped now. */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: this.now() });
    else this.entries.set(key, { backoffMs: Math.min(e.backoffMs * 2, this.maxMs), lastUpdate: this.now() });
  }

  /** IsInBackOffSince: less than the window has passed since `eventTime` (a container's finish). */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) return false;
    return this.now() - eventTime < e.backoffMs;
  }

  /** IsInBackOffSinceUpdate: less than the window has passed since the last Next (image pulls). */
  isInBackOffSinceUpdate(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) return false;
    return eventTime - e.lastUpdate < e.backoffMs;
  }

  /** When the window that holds `eventTime` ends, for scheduling the retry. */
  endSince(key: string, eventTime: number): number | undefined {
    const e = this.entries.get(key);
    return e ? eventTime + e.backoffMs : undefined;
  }

  endSinceUpdate(key: string): number | undefined {
    const e = this.entries.get(key);
    return e ? e.lastUpdate + e.backoffMs : undefined;
  }

  /** GC: forget entries idle for more than 2 x max. */
  gc(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (now - e.lastUpdate > 2 * this.maxMs) this.entries.delete(k);
  }

  reset(key: string): void {
    this.entries.delete(key);
  }
}
