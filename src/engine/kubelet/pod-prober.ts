/**
 * The prober manager's part for one pod (pkg/kubelet/prober/prober_manager.go):
 * a worker per container and probe, injected probe faults, the started and
 * ready flags the status reports (UpdatePodStatus), and the kill of a
 * container whose liveness or startup probe failed.
 */
import { type KillReason, type Run, containerPath } from './container-run.ts';
import { killContainer, terminationGrace } from './container-stop.ts';
import { probeOutcome } from './probe-outcome.ts';
import { PROBE_LABEL, type ProbeHost, type ProbeKind, type ProbeResult, ProbeWorker, probeOf } from './prober.ts';
import type { FaultScope, PodWorker } from './pod-worker.ts';

export class PodProber {
  private workers: ProbeWorker[] = [];
  private readonly faults = new Map<string, FaultScope>();
  private readonly host: ProbeHost;

  constructor(private readonly w: PodWorker) {
    this.host = {
      clock: w.env.clock,
      label: (what) => w.label(what),
      podTerminal: () => w.isTerminated,
      podDeleting: () => !!w.pod.metadata.deletionTimestamp,
      restartPolicy: () => w.pod.spec.restartPolicy ?? 'Always',
      evaluate: (kind, probe, run) => {
        const failing = this.faults.has(`${run.spec.name}/${kind}`);
        return probeOutcome(kind, probe, run.spec, run.behaviour!, { podIP: w.podIP ?? '', elapsedMs: w.env.clock.now() - (run.startedAt ?? 0), failing });
      },
      recordFailure: (kind, run, output) => w.env.recorder.event(w.pod, 'Warning', 'Unhealthy', `${PROBE_LABEL[kind]} probe failed: ${output}`, containerPath(run)),
      resultChanged: (kind, run, result) => this.resultChanged(kind, run, result),
    };
  }

  /** AddPod: a worker per probe. Within a period of a kubelet start, each first waits a random part of a period. */
  start(): void {
    const sinceStart = this.w.env.clock.now() - this.w.env.kubeletStartedAt();
    for (const r of this.w.runs) {
      for (const kind of ['startup', 'readiness', 'liveness'] as const) {
        const probe = probeOf(r.spec, kind);
        if (!probe || (r.init && !r.sidecar)) continue;
        const worker = new ProbeWorker(kind, probe, r, this.host);
        this.workers.push(worker);
        worker.start(worker.timings.periodMs > sinceStart ? Math.floor(this.w.env.random.float() * worker.timings.periodMs) : 0);
      }
    }
  }

  stop(): void {
    for (const p of this.workers) p.stop();
  }

  /** The kubelet restarted: results are forgotten; probed containers are not ready until probed again. */
  restart(): void {
    this.stop();
    this.workers = [];
    for (const r of this.w.runs) if (r.state === 'running' && probeOf(r.spec, 'readiness')) r.ready = false;
    this.start();
  }

  /** Makes a probe fail (`scope`) or pass again (undefined); returns the containers that have that probe. */
  setFault(container: string | undefined, kind: ProbeKind, scope: FaultScope | undefined): string[] {
    const hit = this.w.runs.filter((r) => (container === undefined || r.spec.name === container) && probeOf(r.spec, kind));
    for (const r of hit) {
      const key = `${r.spec.name}/${kind}`;
      if (scope) this.faults.set(key, scope);
      else this.faults.delete(key);
    }
    return hit.map((r) => r.spec.name);
  }

  /** A fault injected for one container instance ends with it. */
  instanceStarted(r: Run): void {
    for (const kind of ['readiness', 'liveness', 'startup'] as const) {
      const key = `${r.spec.name}/${kind}`;
      if (this.faults.get(key) === 'instance' && r.restartCount > 0) this.faults.delete(key);
    }
  }

  private worker(r: Run, kind: ProbeKind): ProbeWorker | undefined {
    return this.workers.find((p) => p.run === r && p.kind === kind);
  }

  /** started and ready as UpdatePodStatus computes them; a not-ready container gets its readiness probed at once. */
  refresh(r: Run): void {
    if (r.state !== 'running') {
      r.started = false;
      r.ready = false;
      return;
    }
    const startup = this.worker(r, 'startup');
    r.started = startup ? startup.result(r.containerID) === 'success' : true;
    if (!r.started) {
      r.ready = false;
      return;
    }
    const readiness = this.worker(r, 'readiness');
    if (readiness) {
      r.ready = readiness.result(r.containerID) === 'success';
      if (!r.ready) readiness.trigger();
    } else {
      // Without a readiness probe the kubelet counts a container ready once it has started: it
      // cannot know when the process listens (readyAfterMs), which is what readiness probes are for.
      r.ready = true;
    }
  }

  private resultChanged(kind: ProbeKind, r: Run, result: ProbeResult): void {
    const w = this.w;
    if (w.stopped) return;
    if ((kind === 'liveness' || kind === 'startup') && result === 'failure' && r.state === 'running' && !w.termination && !r.killing) {
      const restart = (w.pod.spec.restartPolicy ?? 'Always') !== 'Never' || r.sidecar;
      const message = `Container ${r.spec.name} failed ${kind} probe${restart ? ', will be restarted' : ''}`;
      killContainer(w, r, { graceSeconds: terminationGrace(w.pod, r.spec, kind), reason: kind as KillReason, message });
      return;
    }
    w.flush();
  }
}
