/**
 * The probe worker's arithmetic, pinned against upstream's prober
 * worker_test.go (TestInitialDelay, TestFailureThreshold,
 * TestSuccessThreshold, TestOnHoldOnLivenessCheckFailure) and worker.go:
 * ticks every period from the worker's start, initialDelaySeconds in whole
 * seconds, thresholds of equal results in a row, the hold after a liveness
 * failure, startup gating, and timeouts.
 */
import { describe, it, expect } from 'vitest';
import { Clock } from '../../../src/engine/clock/clock.ts';
import { newRun, type Run } from '../../../src/engine/kubelet/container-run.ts';
import { ProbeWorker, type ProbeHost, type ProbeKind, type ProbeOutcome, type ProbeResult, type Probe } from '../../../src/engine/kubelet/prober.ts';

function setup(kind: ProbeKind, probe: Probe, opts: { startedAt?: number; started?: boolean } = {}) {
  const clock = new Clock({ start: 0 });
  const run: Run = { ...newRun({ name: 'app', image: 'nginx' }, false, false), state: 'running', containerID: 'containerd://one', startedAt: opts.startedAt ?? 0, started: opts.started ?? true };
  let outcome: ProbeOutcome = { ok: true, output: '', tookMs: 0 };
  const probes: number[] = [];
  const changes: Array<[number, ProbeResult]> = [];
  const failures: string[] = [];
  let deleting = false;
  const host: ProbeHost = {
    clock,
    label: (w) => w,
    podTerminal: () => false,
    podDeleting: () => deleting,
    restartPolicy: () => 'Always',
    evaluate: () => {
      probes.push(clock.now());
      return outcome;
    },
    recordFailure: (_k, _r, output) => failures.push(output),
    resultChanged: (_k, _r, result) => changes.push([clock.now(), result]),
  };
  const w = new ProbeWorker(kind, probe, run, host);
  return {
    clock, run, w, probes, changes, failures,
    set: (ok: boolean, tookMs = 0) => (outcome = { ok, output: ok ? '' : 'boom', tookMs }),
    result: () => w.result(run.containerID),
    deleting: () => (deleting = true),
    /** Starts the worker and runs its first probe (due at once). */
    begin: (delayMs = 0) => {
      w.start(delayMs);
      clock.settle();
    },
  };
}

describe('probe worker', () => {
  it('probes when started, then every periodSeconds', () => {
    const t = setup('liveness', { periodSeconds: 10, exec: { command: ['true'] } });
    t.begin();
    t.clock.advance(35_000);
    expect(t.probes).toEqual([0, 10_000, 20_000, 30_000]);
  });

  it('TestFailureThreshold: failureThreshold failures in a row change a success', () => {
    const t = setup('readiness', { periodSeconds: 1, successThreshold: 1, failureThreshold: 3, exec: { command: ['true'] } });
    t.begin();
    for (let round = 0; round < 2; round++) {
      t.set(true);
      for (let j = 0; j < 3; j++) {
        t.clock.advance(1000);
        expect(t.result()).toBe('success');
      }
      t.set(false);
      for (let j = 0; j < 2; j++) {
        t.clock.advance(1000);
        expect(t.result(), `failure ${j + 1}`).toBe('success');
      }
      for (let j = 0; j < 3; j++) {
        t.clock.advance(1000);
        expect(t.result(), `failure ${j + 3}`).toBe('failure');
      }
    }
  });

  it('TestSuccessThreshold: successThreshold successes in a row change a failure, one failure undoes it', () => {
    const t = setup('readiness', { periodSeconds: 1, successThreshold: 3, failureThreshold: 1, exec: { command: ['true'] } });
    t.set(false);
    t.begin();
    for (let round = 0; round < 2; round++) {
      t.set(true);
      for (let j = 0; j < 2; j++) {
        t.clock.advance(1000);
        expect(t.result(), `success ${j + 1}`).toBe('failure');
      }
      for (let j = 0; j < 3; j++) {
        t.clock.advance(1000);
        expect(t.result(), `success ${j + 3}`).toBe('success');
      }
      t.set(false);
      t.clock.advance(1000);
      expect(t.result()).toBe('failure');
    }
  });

  it('TestInitialDelay: nothing is probed before initialDelaySeconds, counted in whole seconds', () => {
    for (const kind of ['readiness', 'liveness'] as const) {
      const t = setup(kind, { initialDelaySeconds: 10, periodSeconds: 1, exec: { command: ['true'] } }, { startedAt: 500 });
      t.set(false);
      t.begin();
      t.clock.advance(10_000);
      // Probes at 0..10 s: the container started at 0.5 s, so 9.5 s have passed at 10 s: int(9.5) < 10.
      expect(t.probes).toEqual([]);
      expect(t.result()).toBe(kind === 'liveness' ? 'success' : 'failure');
      t.clock.advance(1000);
      expect(t.probes).toEqual([11_000]);
    }
  });

  it('TestOnHoldOnLivenessCheckFailure: after a liveness failure it waits for a new container', () => {
    const t = setup('liveness', { periodSeconds: 1, successThreshold: 1, failureThreshold: 1, exec: { command: ['true'] } });
    t.set(false);
    t.begin();
    expect(t.result()).toBe('failure');
    t.set(true);
    t.clock.advance(5000);
    expect(t.result()).toBe('failure');
    expect(t.probes).toEqual([0]);
    t.run.containerID = 'containerd://two';
    t.clock.advance(1000);
    expect(t.result()).toBe('success');
  });

  it('holds readiness and liveness back until the startup probe passed, and stops the startup probe then', () => {
    const live = setup('liveness', { periodSeconds: 1, exec: { command: ['true'] } }, { started: false });
    live.begin();
    live.clock.advance(3000);
    expect(live.probes).toEqual([]);
    live.run.started = true;
    live.clock.advance(1000);
    expect(live.probes).toEqual([4000]);

    const startup = setup('startup', { periodSeconds: 1, exec: { command: ['true'] } }, { started: false });
    startup.begin();
    expect(startup.result()).toBe('success');
    startup.run.started = true;
    startup.clock.advance(3000);
    expect(startup.probes).toEqual([0]);
  });

  it('reports a timed-out probe after timeoutSeconds, the ticks that fell meanwhile collapsing into one', () => {
    const t = setup('liveness', { periodSeconds: 10, timeoutSeconds: 15, failureThreshold: 5, exec: { command: ['true'] } });
    t.set(false, 15_000);
    t.begin();
    t.clock.advance(41_000);
    // Probes at 0 (done at 15 s: the 10 s tick waited), 15 (done at 30 s: the 20 s tick waited), 30 (done at 45 s).
    expect(t.probes).toEqual([0, 15_000, 30_000]);
    expect(t.failures).toHaveLength(2);
  });

  it('lets liveness pass quietly and stop once the pod is being deleted', () => {
    const t = setup('liveness', { periodSeconds: 1, failureThreshold: 1, exec: { command: ['true'] } });
    t.begin();
    t.deleting();
    t.set(false);
    t.clock.advance(5000);
    expect(t.probes).toEqual([0]);
    expect(t.result()).toBe('success');
  });

  it('waits the jitter a kubelet that just started gives it, and queues triggers until then', () => {
    const t = setup('readiness', { periodSeconds: 10, exec: { command: ['true'] } });
    t.w.start(4000);
    t.w.trigger();
    t.clock.advance(3999);
    expect(t.probes).toEqual([]);
    t.clock.advance(1);
    expect(t.probes).toEqual([4000]);
    t.w.trigger();
    t.clock.advance(0);
    expect(t.probes).toEqual([4000, 4000]);
  });
});
