/**
 * The kubelet's probe workers (pkg/kubelet/prober/worker.go): one per
 * container and probe type, created when the pod is added and ticking every
 * periodSeconds from then on, whatever its container does.
 *
 * On each tick (doProbe): nothing while the container does not exist; a new
 * container ID resets the result to the initial value (readiness Failure,
 * liveness Success, startup Unknown) and lifts a hold; a container that is
 * not running reads as Failure; liveness and startup pass quietly once the
 * pod is being deleted; nothing before initialDelaySeconds (whole seconds
 * since the container started); readiness and liveness wait for the startup
 * probe, which stops once it passed. A result changes only after
 * successThreshold or failureThreshold equal results in a row, and a
 * liveness or startup failure puts the worker on hold until the container
 * is replaced. A probe that times out reports after timeoutSeconds, and the
 * ticks that came meanwhile collapse into one (a Go ticker's one-slot channel).
 */
import type { Container } from '../api/types.ts';
import type { Clock, TaskHandle } from '../clock/clock.ts';
import type { Run } from './container-run.ts';

export type ProbeKind = 'readiness' | 'liveness' | 'startup';
export type ProbeResult = 'success' | 'failure' | 'unknown';
export type Probe = NonNullable<Container['readinessProbe']>;

/** What one probe run found, and how long it took (a timeout takes timeoutSeconds). */
export interface ProbeOutcome {
  ok: boolean;
  output: string;
  tookMs: number;
}

/** probeType.String(). */
export const PROBE_LABEL: Record<ProbeKind, string> = { readiness: 'Readiness', liveness: 'Liveness', startup: 'Startup' };

const INITIAL: Record<ProbeKind, ProbeResult> = { readiness: 'failure', liveness: 'success', startup: 'unknown' };

export function probeOf(c: Container, kind: ProbeKind): Probe | undefined {
  return (kind === 'readiness' ? c.readinessProbe : kind === 'liveness' ? c.livenessProbe : c.startupProbe) ?? undefined;
}

/** The probe's settings with the API defaults filled in. */
export function probeTimings(p: Probe): { periodMs: number; timeoutMs: number; initialDelaySeconds: number; successThreshold: number; failureThreshold: number } {
  return {
    periodMs: Math.max(1, p.periodSeconds ?? 10) * 1000,
    timeoutMs: Math.max(1, p.timeoutSeconds ?? 1) * 1000,
    initialDelaySeconds: p.initialDelaySeconds ?? 0,
    successThreshold: Math.max(1, p.successThreshold ?? 1),
    failureThreshold: Math.max(1, p.failureThreshold ?? 3),
  };
}

/** What a worker needs from its pod worker. */
export interface ProbeHost {
  readonly clock: Pick<Clock, 'now' | 'schedule'>;
  label(what: string): string;
  podTerminal(): boolean;
  podDeleting(): boolean;
  restartPolicy(): string;
  /** Runs the probe against the container now. */
  evaluate(kind: ProbeKind, probe: Probe, run: Run): ProbeOutcome;
  /** The Unhealthy event of a failed probe. */
  recordFailure(kind: ProbeKind, run: Run, output: string): void;
  /** The results manager got a new value for the container. */
  resultChanged(kind: ProbeKind, run: Run, result: ProbeResult): void;
}

export class ProbeWorker {
  readonly timings: ReturnType<typeof probeTimings>;
  private containerID?: string;
  private lastResult?: ProbeResult;
  private resultRun = 0;
  private onHold = false;
  /** The results manager's entry for the current container. */
  private value?: ProbeResult;
  private tickerStart = 0;
  private busyUntil = -1;
  private timer?: TaskHandle;
  private stopped = false;

  constructor(
    readonly kind: ProbeKind,
    readonly probe: Probe,
    readonly run: Run,
    private readonly host: ProbeHost,
  ) {
    this.timings = probeTimings(probe);
  }

  /** Starts the loop: a first probe after `delayMs` (a kubelet that just started waits a random part of a period), then every period. */
  start(delayMs = 0): void {
    const now = this.host.clock.now();
    this.tickerStart = now + delayMs;
    this.timer = this.host.clock.schedule(delayMs, this.host.label(`${this.kind} probe`), () => this.tick());
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** The result for `containerID`, when the worker has one. */
  result(containerID: string | undefined): ProbeResult | undefined {
    return containerID && containerID === this.containerID ? this.value : undefined;
  }

  /** manualTriggerCh: probe now, between ticks (readiness of a container that just started). */
  trigger(): void {
    // Before its first probe (a kubelet that just started waits), a trigger only queues up for it.
    if (this.stopped || this.host.clock.now() < this.busyUntil || this.host.clock.now() < this.tickerStart) return;
    this.host.clock.schedule(0, this.host.label(`${this.kind} probe (triggered)`), () => {
      if (!this.stopped && this.host.clock.now() >= this.busyUntil) this.doProbe();
    });
  }

  private tick(): void {
    if (this.stopped) return;
    const keep = this.doProbe();
    if (!keep) return this.stop();
    const { periodMs } = this.timings;
    const now = this.host.clock.now();
    const ready = Math.max(now, this.busyUntil);
    // The next tick of the ticker; one that fell while the probe ran fires as soon as it is done.
    const k = Math.floor((ready - this.tickerStart) / periodMs) + 1;
    const missed = this.tickerStart + (k - 1) * periodMs;
    const at = this.busyUntil > now && missed > now ? ready : this.tickerStart + k * periodMs;
    this.timer = this.host.clock.schedule(at - now, this.host.label(`${this.kind} probe`), () => this.tick());
  }

  /** doProbe; false when the worker should end. */
  private doProbe(): boolean {
    if (this.host.podTerminal()) return false;
    const r = this.run;
    if (!r.containerID) return true;
    if (r.containerID !== this.containerID) {
      this.containerID = r.containerID;
      this.set(INITIAL[this.kind]);
      this.onHold = false;
      this.lastResult = undefined;
      this.resultRun = 0;
    }
    if (this.onHold) return true;
    if (r.state !== 'running') {
      this.set('failure');
      return r.state !== 'terminated' || this.host.restartPolicy() !== 'Never';
    }
    if (this.host.podDeleting() && this.kind !== 'readiness') {
      this.set('success');
      return false;
    }
    const now = this.host.clock.now();
    if (Math.floor((now - (r.startedAt ?? now)) / 1000) < this.timings.initialDelaySeconds) return true;
    if (r.started ? this.kind === 'startup' : this.kind !== 'startup') return true;
    const outcome = this.host.evaluate(this.kind, this.probe, r);
    if (outcome.tookMs > 0) {
      this.busyUntil = now + outcome.tookMs;
      const id = r.containerID;
      this.host.clock.schedule(outcome.tookMs, this.host.label(`${this.kind} probe result`), () => {
        if (!this.stopped && this.run.containerID === id && this.run.state === 'running') this.record(outcome);
      });
    } else this.record(outcome);
    return true;
  }

  private record(outcome: ProbeOutcome): void {
    const result: ProbeResult = outcome.ok ? 'success' : 'failure';
    if (!outcome.ok) this.host.recordFailure(this.kind, this.run, outcome.output);
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    const { failureThreshold, successThreshold } = this.timings;
    if ((result === 'failure' && this.resultRun < failureThreshold) || (result === 'success' && this.resultRun < successThreshold)) return;
    this.set(result);
    if (this.kind !== 'readiness' && result === 'failure') {
      // Stop probing until a new container replaces this one.
      this.onHold = true;
      this.resultRun = 0;
    }
  }

  private set(result: ProbeResult): void {
    const changed = this.value !== result;
    this.value = result;
    if (changed) this.host.resultChanged(this.kind, this.run, result);
  }
}
