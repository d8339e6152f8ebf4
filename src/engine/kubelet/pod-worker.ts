/**
 * One pod's life on a node, as the kubelet's pod worker and the container
 * runtime manager run it (pkg/kubelet/pod_workers.go, kuberuntime_manager.go):
 * volumes, then the sandbox and its IP; image pulls; init containers one
 * after another; sidecars; app containers; probes; exits, OOM kills and
 * restarts with the CrashLoopBackOff curve; graceful termination with preStop
 * hooks; node-pressure eviction; and the pod status the kubelet reports.
 *
 * Container starts live in container-start.ts, stops in container-stop.ts;
 * this file holds the state and the sync loop.
 */
import { R } from '../api/kinds.ts';
import type { Pod, PodCondition, PodStatus, Stored } from '../api/types.ts';
import { deepEqual } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Clock, TaskHandle } from '../clock/clock.ts';
import type { Random } from '../clock/random.ts';
import type { Client } from '../client/client.ts';
import type { EventRecorder } from '../client/events.ts';
import { logsUntil } from './behaviour.ts';
import { Backoff } from './backoff.ts';
import { type KillReason, type Run, clearTimers, containerPath, containerStatus, imageDigest, newRun } from './container-run.ts';
import { type ConfigSource, unmountableVolume } from './container-config.ts';
import type { ImageManager } from './image-manager.ts';
import { getPhase, podConditions } from './pod-status.ts';
import { PROBE_LABEL, type ProbeHost, type ProbeKind, type ProbeResult, ProbeWorker, probeOf } from './prober.ts';
import { probeOutcome } from './probe-outcome.ts';
import { parseImageRef } from './behaviour/images.ts';
import { listenPorts } from './behaviour/ports.ts';
import { formatDuration } from '../api/duration.ts';
export { BACKOFF_INITIAL_MS, BACKOFF_MAX_MS } from './backoff.ts';

/** What a new TCP connection to a port of the pod finds. */
export type ConnectOutcome = { ok: true; container: string } | { ok: false; kind: 'refused' | 'timeout' | 'unreachable'; why: string };
import { startContainer } from './container-start.ts';
import { type StopPlan, killContainer, terminationGrace } from './container-stop.ts';

/** The pod worker's retry after a failed sync: backOffPeriod with jitter factor 0.5 (pod_workers.go). */
const SYNC_ERROR_BACKOFF_MS = 10_000;
/** The volume manager's first retry of a failed mount, doubling up to 2m2s (nestedpendingoperations). */
const MOUNT_RETRY_INITIAL_MS = 500;
const MOUNT_RETRY_MAX_MS = 122_000;

/** Resource usage of a container, as the scenario or its annotations set it. */
export interface ContainerUsage {
  cpu?: string;
  memory?: string;
}

export interface PodWorkerEnv {
  clock: Clock;
  random: Random;
  client: Client;
  recorder: EventRecorder;
  nodeName: string;
  hostIP: string;
  missingImages(): ReadonlySet<string>;
  images: ImageManager;
  config: ConfigSource;
  /** Standing usage set by the scenario (wins over annotations). */
  usage(pod: Pick<Pod, 'metadata'>, container: string): ContainerUsage | undefined;
  allocatable(): Record<string, string>;
  allocateIP(): string | undefined;
  releaseIP(ip: string | undefined): void;
  /** The kubelet can reach the API server. */
  online(): boolean;
  /** When the kubelet (re)started: probe workers started within a period of it wait a random part of one. */
  kubeletStartedAt(): number;
  /** The worker is finished: its pod is gone from the API. */
  onDone(uid: string): void;
}

/** An injected probe fault: for the current container instance only, or for every later one too. */
export type FaultScope = 'instance' | 'always';

export function podFullName(pod: Pick<Pod, 'metadata'>): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/** How the pod ends when the kubelet terminates it (deletion or eviction). */
interface Termination {
  graceSeconds: number;
  /** Status the kubelet sets (eviction: Failed, Evicted, a DisruptionTarget condition). */
  status?: { reason: string; message: string; condition?: PodCondition };
  /** Delete the pod from the API once stopped (graceful deletion). */
  delete: boolean;
}

export class PodWorker {
  readonly runs: Run[] = [];
  podIP?: string;
  private startTime?: number;
  sandboxReady = false;
  termination?: Termination;
  private terminated = false;
  private deleted = false;
  stopped = false;
  private syncTask?: TaskHandle;
  private lastStatus?: PodStatus;
  /** `the containers of pod X keep crashing`: every start exits with code 1 at once. */
  crashing = false;
  readonly backoff: Backoff;
  private readonly probes: ProbeWorker[] = [];
  private readonly faults = new Map<string, FaultScope>();
  private mountRetryMs = 0;
  /** Called once the pod's containers have all stopped after terminate (the eviction manager waits for it). */
  onTerminated?: () => void;
  /** The phase the kubelet decided once the pod cannot run again. */
  private terminalPhase?: 'Succeeded' | 'Failed';

  constructor(
    readonly env: PodWorkerEnv,
    public pod: Stored<Pod>,
  ) {
    for (const c of pod.spec.initContainers ?? []) this.runs.push(newRun(c, true, c.restartPolicy === 'Always'));
    for (const c of pod.spec.containers) this.runs.push(newRun(c, false, false));
    this.backoff = new Backoff(() => env.clock.now());
  }

  get uid(): string {
    return this.pod.metadata.uid;
  }

  /** Starts the pod. After a reboot, the containers that ran ended with the machine. */
  start(restartedAfterReboot = false): void {
    const now = this.env.clock.now();
    this.startTime = this.pod.status?.startTime ? Date.parse(this.pod.status.startTime) : now;
    if (restartedAfterReboot) {
      for (const r of this.runs) {
        const prev = this.pod.status?.[r.init ? 'initContainerStatuses' : 'containerStatuses']?.find((s) => s.name === r.spec.name);
        if (prev?.state?.running || prev?.state?.terminated) {
          r.restartCount = (prev.restartCount ?? 0) + 1;
          const started = prev.state.running?.startedAt ?? prev.state.terminated?.startedAt;
          r.lastTerminated = { exitCode: 255, reason: 'Unknown', finishedAt: now, startedAt: started ? Date.parse(started) : undefined };
        }
      }
    }
    const hasInit = this.runs.some((r) => r.init);
    for (const r of this.runs) r.waiting = { reason: r.init || hasInit ? 'PodInitializing' : 'ContainerCreating' };
    this.startProbes();
    this.writeStatus();
    this.requestSync(0);
  }

  /** A newer version of the pod from the API server. */
  update(pod: Stored<Pod>): void {
    this.pod = pod;
    // The status manager puts back what it owns when someone else changed it (a node marked not ready).
    const mine = this.lastStatus?.conditions?.find((c) => c.type === 'Ready')?.status;
    const theirs = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    if (mine && theirs && mine !== theirs && !this.stopped) this.writeStatus(true);
    if (pod.metadata.deletionTimestamp && !this.termination) this.terminate({ graceSeconds: terminationGrace(pod), delete: true });
    else if (pod.metadata.deletionTimestamp && this.termination && !this.termination.delete) this.termination.delete = true;
    if (this.terminated && pod.metadata.deletionTimestamp) this.deleteFromApi();
  }

  /** The node died: everything stops, nothing more is reported. */
  stop(): void {
    this.stopped = true;
    this.syncTask?.cancel();
    for (const p of this.probes) p.stop();
    for (const r of this.runs) clearTimers(r);
  }

  /** The pod is gone from the API server. */
  gone(): void {
    this.stop();
    this.releaseIP();
    this.env.onDone(this.uid);
  }

  /** The running containers exit with code 1 now; with `keep`, every later start too. Returns how many crashed. */
  crash(keep: boolean): number {
    if (keep) this.crashing = true;
    let n = 0;
    for (const r of this.runs) {
      if (r.state !== 'running' || (r.init && !r.sidecar)) continue;
      this.exited(r, 1, 'Error');
      n++;
    }
    return n;
  }

  /** Makes a probe fail (or pass again, with `scope` undefined) for one container or all. */
  setProbeFault(container: string | undefined, kind: ProbeKind, scope: FaultScope | undefined): string[] {
    const hit = this.runs.filter((r) => (container === undefined || r.spec.name === container) && probeOf(r.spec, kind));
    for (const r of hit) {
      const key = `${r.spec.name}/${kind}`;
      if (scope) this.faults.set(key, scope);
      else this.faults.delete(key);
    }
    return hit.map((r) => r.spec.name);
  }

  /** The usage of a container: the scenario's standing load, else its annotations, else nothing. */
  usageOf(r: Run): ContainerUsage {
    const load = this.env.usage(this.pod, r.spec.name);
    return { cpu: load?.cpu ?? r.behaviour?.cpuUsage ?? (r.behaviour?.busy ? '1' : undefined), memory: load?.memory ?? r.behaviour?.memoryUsage };
  }

  logs(container: string, previous: boolean): Array<{ time: number; text: string }> | undefined {
    const r = this.runs.find((x) => x.spec.name === container);
    if (!r) return undefined;
    if (previous) {
      if (!r.prev) return undefined;
      const start = r.prev.startedAt;
      return logsUntil(r.prev.behaviour, r.prev.finishedAt - start).map((l) => ({ time: start + l.atMs, text: l.line }));
    }
    if (!r.behaviour || r.startedAt === undefined) return [];
    const start = r.startedAt;
    const end = r.state === 'terminated' && r.terminated ? r.terminated.finishedAt : this.env.clock.now();
    return logsUntil(r.behaviour, end - start).map((l) => ({ time: start + l.atMs, text: l.line }));
  }

  containerNames(): string[] {
    return this.runs.map((r) => r.spec.name);
  }

  // ---- the sync loop ----

  requestSync(delayMs: number): void {
    if (this.stopped) return;
    if (this.syncTask && !this.syncTask.cancelled && this.syncTask.at <= this.env.clock.now() + delayMs) return;
    this.syncTask?.cancel();
    this.syncTask = this.env.clock.schedule(delayMs, this.label('sync'), () => {
      this.syncTask = undefined;
      this.sync();
    });
  }

  /** The retry of a sync that failed (pull or config errors): 10 s plus up to half again. */
  requeueAfterError(): void {
    this.requestSync(Math.round(SYNC_ERROR_BACKOFF_MS * (1 + 0.5 * this.env.random.float())));
  }

  /** SyncPod: mount, sandbox, then start what should run, in order. */
  private sync(): void {
    if (this.stopped || this.termination || this.terminalPhase) return;
    if (!this.sandboxReady && !this.createSandbox()) return this.flush();
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    for (const r of this.runs.filter((x) => x.init)) {
      if (r.pulling) return this.flush();
      if (r.sidecar) {
        if (r.state !== 'running' && this.startOrBackoff(r) === 'blocked') return this.flush();
        if (r.state !== 'running' || !r.started) return this.flush();
        continue;
      }
      if (r.state === 'terminated' && r.terminated?.exitCode === 0) continue;
      if (r.state === 'terminated' && policy === 'Never') return this.finishIfDone();
      if (r.state !== 'running') this.startOrBackoff(r);
      return this.flush();
    }
    for (const r of this.runs.filter((x) => !x.init)) {
      if (r.pulling) break;
      if (r.state === 'running') continue;
      if (r.state === 'terminated' && !this.shouldRestart(r)) continue;
      if (this.startOrBackoff(r) === 'blocked') break;
    }
    this.finishIfDone();
  }

  /** Volumes must mount before the sandbox is made; then the sandbox gets its IP. */
  private createSandbox(): boolean {
    const problem = unmountableVolume(this.pod, this.env.config);
    if (problem) {
      this.env.recorder.event(this.pod, 'Warning', 'FailedMount', problem.message);
      this.mountRetryMs = this.mountRetryMs ? Math.min(this.mountRetryMs * 2, MOUNT_RETRY_MAX_MS) : MOUNT_RETRY_INITIAL_MS;
      this.requestSync(this.mountRetryMs);
      return false;
    }
    // A hostNetwork pod shares the node's network namespace and address.
    const ip = this.podIP ?? (this.pod.spec.hostNetwork ? this.env.hostIP : this.env.allocateIP());
    if (!ip) {
      this.requeueAfterError();
      return false;
    }
    this.podIP = ip;
    this.env.images.ensureSandboxImage();
    this.sandboxReady = true;
    return true;
  }

  shouldRestart(r: Run): boolean {
    if (r.sidecar) return true;
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    const code = r.terminated?.exitCode ?? 0;
    if (r.init) return code !== 0 && policy !== 'Never';
    if (policy === 'Always') return true;
    if (policy === 'OnFailure') return code !== 0;
    return false;
  }

  /**
   * doBackOff, then start. A container killed by a probe is checked against
   * the instance before it (the kubelet's status predates the kill), so the
   * first such restart is immediate.
   */
  private startOrBackoff(r: Run): 'started' | 'waiting' | 'blocked' {
    const now = this.env.clock.now();
    const key = r.spec.name;
    if (r.terminated) {
      const stale = r.staleFinish;
      r.staleFinish = undefined;
      const ts = stale === undefined ? r.terminated.finishedAt : stale;
      if (ts !== null && this.backoff.isInBackOffSince(key, ts)) {
        if (stale !== undefined) return this.startOrBackoff(r);
        const end = this.backoff.endSince(key, ts)!;
        const message = `back-off ${goSeconds(end - ts)} restarting failed container=${r.spec.name} pod=${podFullName(this.pod)}`;
        if (r.waiting.reason !== 'CrashLoopBackOff' || r.state !== 'waiting') {
          this.env.recorder.event(this.pod, 'Warning', 'BackOff', `Back-off restarting failed container ${r.spec.name} in pod ${podFullName(this.pod)}`, containerPath(r));
        }
        r.waiting = { reason: 'CrashLoopBackOff', message };
        r.lastTerminated = r.terminated;
        r.state = 'waiting';
        this.requestSync(end - now);
        return 'waiting';
      }
      if (ts !== null) this.backoff.next(key, ts);
    }
    return startContainer(this, r);
  }

  /** The container's process ended (by itself, by a kill, or OOM). */
  exited(r: Run, exitCode: number, reason: string, message?: string): void {
    if (this.stopped || r.state !== 'running') return;
    const now = this.env.clock.now();
    clearTimers(r);
    r.state = 'terminated';
    r.ready = false;
    r.terminated = { exitCode, reason, message, startedAt: r.startedAt, finishedAt: now, containerID: r.containerID };
    const killed = r.killing;
    r.killing = undefined;
    if (this.termination) return this.maybeFinishTermination();
    if (killed === 'liveness' || killed === 'startup') r.staleFinish = r.lastTerminated?.finishedAt ?? null;
    this.flush();
    this.requestSync(0);
  }

  /** With restartPolicy Never or OnFailure, a pod whose containers are all done is terminal. */
  private finishIfDone(): void {
    const phase = getPhase(this.pod.spec, this.statuses(), false);
    if (phase === 'Succeeded' || phase === 'Failed') {
      this.terminalPhase = phase;
      for (const p of this.probes) p.stop();
      // Sidecars are stopped once the regular containers are done.
      const plan: StopPlan = { graceSeconds: terminationGrace(this.pod), reason: 'termination' };
      for (const r of this.runs) if (r.state === 'running') killContainer(this, r, plan);
    }
    this.flush();
  }

  // ---- probes ----

  private startProbes(): void {
    const now = this.env.clock.now();
    const host: ProbeHost = {
      clock: this.env.clock,
      label: (what) => this.label(what),
      podTerminal: () => this.terminated || this.terminalPhase !== undefined,
      podDeleting: () => !!this.pod.metadata.deletionTimestamp,
      restartPolicy: () => this.pod.spec.restartPolicy ?? 'Always',
      evaluate: (kind, probe, run) => {
        const fault = this.faults.get(`${run.spec.name}/${kind}`);
        return probeOutcome(kind, probe, run.spec, run.behaviour!, { podIP: this.podIP ?? '', elapsedMs: this.env.clock.now() - (run.startedAt ?? 0), failing: fault !== undefined });
      },
      recordFailure: (kind, run, output) => this.env.recorder.event(this.pod, 'Warning', 'Unhealthy', `${PROBE_LABEL[kind]} probe failed: ${output}`, containerPath(run)),
      resultChanged: (kind, run, result) => this.probeResult(kind, run, result),
    };
    const sinceStart = now - this.env.kubeletStartedAt();
    for (const r of this.runs) {
      for (const kind of ['startup', 'readiness', 'liveness'] as const) {
        const probe = probeOf(r.spec, kind);
        if (!probe || (r.init && !r.sidecar)) continue;
        const w = new ProbeWorker(kind, probe, r, host);
        this.probes.push(w);
        w.start(w.timings.periodMs > sinceStart ? Math.floor(this.env.random.float() * w.timings.periodMs) : 0);
      }
    }
  }

  /** The kubelet restarted: the prober forgets its results and starts again. */
  restartProbes(): void {
    for (const p of this.probes.splice(0)) p.stop();
    for (const r of this.runs) if (r.state === 'running' && probeOf(r.spec, 'readiness')) r.ready = false;
    this.startProbes();
    this.flush();
  }

  private probeWorker(r: Run, kind: ProbeKind): ProbeWorker | undefined {
    return this.probes.find((p) => p.run === r && p.kind === kind);
  }

  /** started and ready as the prober manager computes them (UpdatePodStatus). */
  refreshProbeState(r: Run): void {
    if (r.state !== 'running') {
      r.started = false;
      r.ready = false;
      return;
    }
    const startup = this.probeWorker(r, 'startup');
    r.started = startup ? startup.result(r.containerID) === 'success' : true;
    if (!r.started) {
      r.ready = false;
      return;
    }
    const readiness = this.probeWorker(r, 'readiness');
    if (readiness) {
      r.ready = readiness.result(r.containerID) === 'success';
      if (!r.ready) readiness.trigger();
    } else {
      // Without a readiness probe the kubelet counts a container ready once it has started: it
      // cannot know when the process listens (readyAfterMs), which is what readiness probes are for.
      r.ready = true;
    }
  }

  private probeResult(kind: ProbeKind, r: Run, result: ProbeResult): void {
    if (this.stopped) return;
    if ((kind === 'liveness' || kind === 'startup') && result === 'failure' && r.state === 'running' && !this.termination && !r.killing) {
      const restart = (this.pod.spec.restartPolicy ?? 'Always') !== 'Never' || r.sidecar;
      const message = `Container ${r.spec.name} failed ${kind} probe${restart ? ', will be restarted' : ''}`;
      killContainer(this, r, { graceSeconds: terminationGrace(this.pod, r.spec, kind), reason: kind as KillReason, message });
      return;
    }
    this.flush();
  }

  /** A fault injected for this container instance ends with it. */
  instanceStarted(r: Run): void {
    for (const kind of ['readiness', 'liveness', 'startup'] as const) {
      const key = `${r.spec.name}/${kind}`;
      if (this.faults.get(key) === 'instance' && r.restartCount > 0) this.faults.delete(key);
    }
  }

  // ---- termination ----

  /** Stops every container (regular first, sidecars after) and ends the pod. */
  terminate(t: Termination): void {
    this.termination = t;
    this.syncTask?.cancel();
    const plan: StopPlan = { graceSeconds: t.graceSeconds, reason: t.status ? 'eviction' : 'termination' };
    for (const r of this.runs) {
      if (r.state === 'running' && !r.sidecar) killContainer(this, r, plan);
      else if (r.state !== 'running') clearTimers(r);
    }
    this.stopSidecarsIfDue(plan);
    this.maybeFinishTermination();
  }

  /** Sidecars stop after the regular containers, the last declared first. */
  private stopSidecarsIfDue(plan: StopPlan): void {
    if (this.runs.some((r) => !r.init && r.state === 'running')) return;
    const sidecars = this.runs.filter((r) => r.sidecar && r.state === 'running');
    const last = sidecars[sidecars.length - 1];
    if (last && !last.killing) killContainer(this, last, plan);
  }

  maybeFinishTermination(): void {
    if (!this.termination || this.terminated) return;
    this.stopSidecarsIfDue({ graceSeconds: this.termination.graceSeconds, reason: this.termination.status ? 'eviction' : 'termination' });
    if (this.runs.some((r) => r.state === 'running')) return this.flush();
    this.terminated = true;
    this.sandboxReady = false;
    for (const p of this.probes) p.stop();
    this.flush();
    this.onTerminated?.();
    if (this.termination.delete) this.deleteFromApi();
  }

  /** The status manager's final delete, once the pod is stopped and its deletion was asked for. */
  private deleteFromApi(): void {
    if (this.deleted) return;
    // Offline: resync deletes it once the network is back.
    if (!this.env.online()) return;
    this.deleted = true;
    try {
      this.env.client.delete(R.pods, this.pod.metadata.namespace, this.pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
    this.releaseIP();
  }

  private releaseIP(): void {
    if (!this.pod.spec.hostNetwork) this.env.releaseIP(this.podIP);
  }

  /**
   * A new TCP connection to `port` of this pod: accepted when a container
   * that listens there is running, has started listening (readyAfterMs of
   * its behaviour) and has not been sent SIGTERM; refused otherwise; a hung
   * process accepts nothing in time.
   */
  connect(port: number, protocol = 'TCP'): ConnectOutcome {
    const who = `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
    if (this.stopped || this.terminated) return { ok: false, kind: 'unreachable', why: `pod ${who} has no network any more` };
    const serving = this.runs.filter((r) => !r.init || r.sidecar);
    let listener: Run | undefined;
    const known: number[] = [];
    for (const r of serving) {
      const ports = listenPorts(r.spec, protocol);
      if (ports === 'any' || ports.includes(port)) {
        listener = r;
        if (ports !== 'any') break;
      } else known.push(...ports);
    }
    if (!listener) {
      return { ok: false, kind: 'refused', why: `nothing listens on port ${port} in pod ${who}${known.length ? ` (its containers listen on ${[...new Set(known)].join(', ')})` : ''}` };
    }
    const r = listener;
    const c = `container "${r.spec.name}" of pod ${who}`;
    if (r.state !== 'running' || !r.behaviour || r.startedAt === undefined) {
      return { ok: false, kind: 'refused', why: `${c} is not running${r.state === 'waiting' ? ` (${r.waiting.reason})` : r.terminated ? ` (it exited with code ${r.terminated.exitCode})` : ''}` };
    }
    const now = this.env.clock.now();
    const elapsed = now - r.startedAt;
    if (r.sigtermAt !== undefined) return { ok: false, kind: 'refused', why: `${c} stopped listening when it got SIGTERM ${formatDuration(now - r.sigtermAt)} ago` };
    if (r.behaviour.hangAfterMs !== undefined && elapsed >= r.behaviour.hangAfterMs) return { ok: false, kind: 'timeout', why: `${c} hangs and does not answer` };
    if (elapsed < r.behaviour.readyAfterMs) {
      return { ok: false, kind: 'refused', why: `${c} is not listening yet (it listens ${formatDuration(r.behaviour.readyAfterMs)} after it starts, ${formatDuration(r.behaviour.readyAfterMs - elapsed)} from now)` };
    }
    return { ok: true, container: r.spec.name };
  }

  get isTerminated(): boolean {
    return this.terminated || this.terminalPhase !== undefined;
  }

  // ---- status ----

  private statuses() {
    const iso = (ms: number) => this.env.clock.iso(ms);
    const id = (image: string) => {
      const ref = parseImageRef(image);
      return `${ref.registry}/${ref.path}@${ref.digest ?? imageDigest(ref.canonical)}`;
    };
    for (const r of this.runs) this.refreshProbeState(r);
    return this.runs.map((r) => containerStatus(r, iso, id));
  }

  private buildStatus(): PodStatus {
    const all = this.statuses();
    const inits = all.slice(0, this.runs.filter((r) => r.init).length);
    const apps = all.slice(inits.length);
    const t = this.termination?.status;
    const phase = t ? 'Failed' : getPhase(this.pod.spec, all, this.terminated || this.terminalPhase !== undefined);
    const previous = mergeConditions(this.lastStatus?.conditions ?? [], this.pod.status?.conditions ?? []);
    const withOwn = t?.condition ? [...previous.filter((c) => c.type !== t.condition!.type), t.condition] : previous;
    const status: PodStatus = {
      phase,
      conditions: podConditions(this.pod.spec, all, phase, this.sandboxReady, withOwn, this.env.clock.iso()),
      hostIP: this.env.hostIP,
      hostIPs: [{ ip: this.env.hostIP }],
      startTime: this.env.clock.iso(this.startTime ?? this.env.clock.now()),
      containerStatuses: apps,
      qosClass: this.pod.status?.qosClass,
    };
    if (t) {
      status.reason = t.reason;
      status.message = t.message;
    }
    if (this.podIP) {
      status.podIP = this.podIP;
      status.podIPs = [{ ip: this.podIP }];
    }
    if (inits.length) status.initContainerStatuses = inits;
    return status;
  }

  flush(): void {
    this.writeStatus();
  }

  /** The network came back: post the status again (others may have changed it meanwhile) and what could not be posted. */
  resync(): void {
    this.writeStatus(true);
    if (this.terminated && this.termination?.delete) this.deleteFromApi();
  }

  private writeStatus(force = false): void {
    if (this.stopped) return;
    const status = this.buildStatus();
    if (!force && this.lastStatus && deepEqual(status, this.lastStatus)) return;
    this.lastStatus = status;
    // Offline: resync posts it once the network is back.
    if (!this.env.online()) return;
    try {
      this.env.client.patch(R.pods, this.pod.metadata.namespace, this.pod.metadata.name, { status }, 'merge', { subresource: 'status' });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }

  label(what: string, r?: Run): string {
    return `kubelet ${this.env.nodeName} ${what} ${this.pod.metadata.namespace}/${this.pod.metadata.name}${r ? `/${r.spec.name}` : ''}`;
  }
}

/** Conditions as last written by the kubelet, with the ones others added since (DisruptionTarget, not-ready marks). */
function mergeConditions(own: readonly PodCondition[], api: readonly PodCondition[]): PodCondition[] {
  const out = [...own];
  for (const c of api) {
    const i = out.findIndex((x) => x.type === c.type);
    if (i < 0) out.push(c);
    else if (!['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'].includes(c.type)) out[i] = c;
  }
  return out;
}

/** Go's Duration.String() for whole seconds: 10s, 5m0s. */
export function goSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return m ? `${m}m${s % 60}s` : `${s}s`;
}
