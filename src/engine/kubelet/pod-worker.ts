/**
 * One pod's life on a node, as the kubelet's pod worker runs it: sandbox and
 * IP, image pulls (with ErrImagePull and ImagePullBackOff), init containers
 * in order, sidecars, app containers, probes, exits and restarts with the
 * CrashLoopBackOff curve, graceful termination, and the pod status the
 * kubelet reports (phase, conditions, container states).
 */
import { R } from '../api/kinds.ts';
import type { Container, ContainerStatus, Pod, PodCondition, PodStatus, Stored } from '../api/types.ts';
import type { IContainerStateTerminated } from 'kubernetes-models/v1/ContainerStateTerminated';
import { deepEqual } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import { formatDuration } from '../api/duration.ts';
import type { Clock, TaskHandle } from '../clock/clock.ts';
import type { Random } from '../clock/random.ts';
import type { Client } from '../client/client.ts';
import type { EventRecorder } from '../client/events.ts';
import { type ContainerBehaviour, containerBehaviour, execProbe, logsUntil, sigtermOutcome } from './behaviour.ts';
import { execDuration } from './behaviour/hooks.ts';
import { listenPorts } from './behaviour/ports.ts';

/** minimumGracePeriodInSeconds: what a container still gets after a preStop hook used up its grace period. */
const MINIMUM_GRACE_PERIOD_S = 2;

/** What a new TCP connection to a port of the pod finds. */
export type ConnectOutcome = { ok: true; container: string } | { ok: false; kind: 'refused' | 'timeout' | 'unreachable'; why: string };

/** flowcontrol backoff of crashing containers and failing pulls: 10 s doubling to 300 s, reset after 600 s. */
export const BACKOFF_INITIAL_MS = 10_000;
export const BACKOFF_MAX_MS = 300_000;
/** genericPlegRelistPeriod: how soon the kubelet notices a container change and syncs again. */
const PLEG_RELIST_MS = 1_000;

export interface PodWorkerEnv {
  clock: Clock;
  random: Random;
  client: Client;
  recorder: EventRecorder;
  nodeName: string;
  hostIP: string;
  missingImages(): ReadonlySet<string>;
  /** Images present on the node (pulled before). */
  images: Set<string>;
  allocateIP(): string | undefined;
  releaseIP(ip: string | undefined): void;
  /** The worker is finished: its pod is gone from the API. */
  onDone(uid: string): void;
}

interface Backoff {
  ms: number;
  lastUpdate: number;
}

interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt?: number;
  finishedAt: number;
  containerID?: string;
}

interface Run {
  spec: Container;
  init: boolean;
  sidecar: boolean;
  state: 'waiting' | 'running' | 'terminated';
  waiting: { reason: string; message?: string };
  behaviour?: ContainerBehaviour;
  startedAt?: number;
  terminated?: Terminated;
  lastTerminated?: Terminated;
  prev?: { behaviour: ContainerBehaviour; startedAt: number; finishedAt: number };
  restartCount: number;
  ready: boolean;
  started: boolean;
  containerID?: string;
  timers: TaskHandle[];
  probes: { readyOk: number; readyFail: number; liveFail: number; startupOk: boolean; startupFail: number };
  /** A restart is already scheduled. */
  pendingStart: boolean;
  /** When the current process got SIGTERM: it stops accepting connections then. */
  sigtermAt?: number;
}

function podFullName(pod: Stored<Pod>): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

export class PodWorker {
  private readonly runs: Run[] = [];
  private podIP?: string;
  private startTime?: number;
  private terminating = false;
  private finished = false;
  private stopped = false;
  private readonly backoffs = new Map<string, Backoff>();
  private readonly pullBackoffs = new Map<string, Backoff>();
  private syncTask?: TaskHandle;
  private lastStatus?: PodStatus;
  /** Every start of every container exits at once with code 1 (`the containers of pod X keep crashing`). */
  private crashing = false;

  constructor(
    private readonly env: PodWorkerEnv,
    public pod: Stored<Pod>,
  ) {
    for (const c of pod.spec.initContainers ?? [])
      this.runs.push(newRun(c, true, c.restartPolicy === 'Always'));
    for (const c of pod.spec.containers) this.runs.push(newRun(c, false, false));
  }

  get uid(): string {
    return this.pod.metadata.uid;
  }

  /** Starts the pod: sandbox, IP, then containers. */
  start(restartedAfterReboot = false): void {
    const now = this.env.clock.now();
    this.startTime = this.pod.status?.startTime ? Date.parse(this.pod.status.startTime) : now;
    // A hostNetwork pod shares the node's network namespace and address.
    this.podIP = this.pod.spec.hostNetwork ? this.env.hostIP : this.env.allocateIP();
    if (restartedAfterReboot) {
      // The machine restarted: every container that was running ended with it.
      for (const r of this.runs) {
        const prev = this.pod.status?.[r.init ? 'initContainerStatuses' : 'containerStatuses']?.find((s) => s.name === r.spec.name);
        if (prev?.state?.running || prev?.state?.terminated) {
          r.restartCount = (prev.restartCount ?? 0) + 1;
          r.lastTerminated = { exitCode: 255, reason: 'Unknown', finishedAt: now, startedAt: prev.state.running ? Date.parse(prev.state.running.startedAt ?? '') : undefined };
        }
      }
    }
    for (const r of this.runs) r.waiting = r.init ? { reason: 'PodInitializing' } : { reason: 'ContainerCreating' };
    if (this.runs.some((r) => r.init)) for (const r of this.runs) if (!r.init) r.waiting = { reason: 'PodInitializing' };
    if (this.runs[0]) this.runs[0].waiting = { reason: this.runs[0].init ? 'PodInitializing' : 'ContainerCreating' };
    this.writeStatus();
    this.requestSync(0);
  }

  /** A newer version of the pod from the API server. */
  update(pod: Stored<Pod>): void {
    this.pod = pod;
    if (pod.metadata.deletionTimestamp && !this.terminating) this.terminate();
  }

  /** The node died: everything stops, nothing more is reported. */
  stop(): void {
    this.stopped = true;
    this.syncTask?.cancel();
    for (const r of this.runs) this.clearTimers(r);
  }

  /**
   * The pod's running containers exit with code 1 now; with `keep`, every
   * later start of its containers exits at once too. Returns how many crashed.
   */
  crash(keep: boolean): number {
    if (keep) this.crashing = true;
    let n = 0;
    for (const r of this.runs) {
      if (r.state !== 'running' || r.init && !r.sidecar) continue;
      this.exited(r, 1, 'Error');
      n++;
    }
    return n;
  }

  /** Log lines of a container, stamped with the instant they were written: the current run, or the previous one. */
  logs(container: string, previous: boolean): Array<{ time: number; text: string }> | undefined {
    const r = this.runs.find((x) => x.spec.name === container);
    if (!r) return undefined;
    const now = this.env.clock.now();
    if (previous) {
      if (!r.prev) return undefined;
      const start = r.prev.startedAt;
      return logsUntil(r.prev.behaviour, r.prev.finishedAt - start).map((l) => ({ time: start + l.atMs, text: l.line }));
    }
    if (!r.behaviour || r.startedAt === undefined) return [];
    const start = r.startedAt;
    const end = r.state === 'terminated' && r.terminated ? r.terminated.finishedAt : now;
    return logsUntil(r.behaviour, end - start).map((l) => ({ time: start + l.atMs, text: l.line }));
  }

  containerNames(): string[] {
    return this.runs.map((r) => r.spec.name);
  }

  // ---- the sync loop ----

  private requestSync(delayMs: number): void {
    if (this.stopped) return;
    if (this.syncTask && !this.syncTask.cancelled && this.syncTask.at <= this.env.clock.now() + delayMs) return;
    this.syncTask?.cancel();
    this.syncTask = this.env.clock.schedule(delayMs, `kubelet ${this.env.nodeName} sync ${this.pod.metadata.namespace}/${this.pod.metadata.name}`, () => {
      this.syncTask = undefined;
      this.sync();
    });
  }

  /** computePodActions + SyncPod: start what should run, in order. */
  private sync(): void {
    if (this.stopped || this.terminating || this.finished) return;
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    // Init containers run one after another; sidecars start and keep running.
    for (const r of this.runs.filter((x) => x.init)) {
      if (r.sidecar) {
        if (r.state !== 'running') this.startOrBackoff(r);
        if (r.state !== 'running' || !r.started) return this.flush();
        continue;
      }
      if (r.state === 'terminated' && r.terminated?.exitCode === 0) continue;
      if (r.state === 'terminated' && policy === 'Never') return this.flush();
      if (r.state !== 'running') this.startOrBackoff(r);
      return this.flush();
    }
    for (const r of this.runs.filter((x) => !x.init)) {
      if (r.state === 'running') continue;
      if (r.state === 'terminated' && !this.shouldRestart(r)) continue;
      this.startOrBackoff(r);
    }
    this.flush();
  }

  private shouldRestart(r: Run): boolean {
    if (r.sidecar) return true;
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    const code = r.terminated?.exitCode ?? 0;
    if (r.init) return code !== 0 && policy !== 'Never';
    if (policy === 'Always') return true;
    if (policy === 'OnFailure') return code !== 0;
    return false;
  }

  /** doBackOff: a container that exited waits out its backoff before it is started again. */
  private startOrBackoff(r: Run): void {
    if (r.pendingStart) return;
    const now = this.env.clock.now();
    // While waiting out a backoff the container still carries its last termination.
    if (r.terminated) {
      const ts = r.terminated.finishedAt;
      const b = this.backoffs.get(r.spec.name);
      if (b && !(ts - b.lastUpdate > 2 * BACKOFF_MAX_MS) && now - ts < b.ms) {
        const message = `back-off ${formatDuration(b.ms)} restarting failed container=${r.spec.name} pod=${podFullName(this.pod)}`;
        if (r.waiting.reason !== 'CrashLoopBackOff') {
          this.env.recorder.event(this.pod, 'Warning', 'BackOff', `Back-off restarting failed container ${r.spec.name} in pod ${podFullName(this.pod)}`, containerPath(r));
        }
        r.waiting = { reason: 'CrashLoopBackOff', message };
        r.lastTerminated = r.terminated;
        r.state = 'waiting';
        this.requestSync(ts + b.ms - now);
        return;
      }
      nextBackoff(this.backoffs, r.spec.name, ts, now);
    }
    this.startContainer(r);
  }

  private startContainer(r: Run): void {
    const now = this.env.clock.now();
    const pod = this.pod;
    const image = r.spec.image ?? '';
    let b = containerBehaviour(pod, r.spec.name, { missingImages: this.env.missingImages(), startedAt: now });
    if (this.crashing && !b.pullError && !b.startError) b = { ...b, exitAfterMs: 0, exitCode: 1 };
    for (const p of b.problems) this.env.recorder.event(pod, 'Warning', 'InvalidBehaviour', p, containerPath(r));

    // Image pull.
    if (b.pullError) {
      const key = image;
      const pb = this.pullBackoffs.get(key);
      if (pb && now - pb.lastUpdate < pb.ms) {
        r.state = 'waiting';
        r.waiting = { reason: 'ImagePullBackOff', message: `Back-off pulling image ${JSON.stringify(image)}` };
        this.env.recorder.event(pod, 'Normal', 'BackOff', `Back-off pulling image ${JSON.stringify(image)}`, containerPath(r));
        // startContainer reports the puller's error as a Failed event too.
        this.env.recorder.event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', containerPath(r));
        this.requestSync(pb.lastUpdate + pb.ms - now);
        return;
      }
      this.env.recorder.event(pod, 'Normal', 'Pulling', `Pulling image ${JSON.stringify(image)}`, containerPath(r));
      this.env.recorder.event(pod, 'Warning', 'Failed', b.pullError.message, containerPath(r));
      this.env.recorder.event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', containerPath(r));
      nextBackoff(this.pullBackoffs, key, now, now);
      r.state = 'waiting';
      r.waiting = { reason: 'ErrImagePull', message: b.pullError.message };
      this.requestSync(PLEG_RELIST_MS);
      return;
    }
    this.pullBackoffs.delete(image);
    const policy = r.spec.imagePullPolicy ?? 'IfNotPresent';
    if (policy === 'Always' || !this.env.images.has(image)) {
      this.env.recorder.event(pod, 'Normal', 'Pulling', `Pulling image ${JSON.stringify(image)}`, containerPath(r));
      this.env.recorder.event(pod, 'Normal', 'Pulled', `Successfully pulled image ${JSON.stringify(image)} in 0s (0s including waiting). Image size: 0 bytes.`, containerPath(r));
      this.env.images.add(image);
    } else {
      this.env.recorder.event(pod, 'Normal', 'Pulled', `Container image ${JSON.stringify(image)} already present on machine`, containerPath(r));
    }

    if (r.terminated) {
      r.prev = r.behaviour && r.startedAt !== undefined ? { behaviour: r.behaviour, startedAt: r.startedAt, finishedAt: r.terminated.finishedAt } : r.prev;
      r.lastTerminated = r.terminated;
      r.restartCount++;
    }
    r.containerID = `containerd://${this.env.random.hex(64)}`;
    this.env.recorder.event(pod, 'Normal', 'Created', `Created container: ${r.spec.name}`, containerPath(r));
    r.behaviour = b;
    r.terminated = undefined;
    r.sigtermAt = undefined;
    if (b.startError) {
      this.env.recorder.event(pod, 'Warning', 'Failed', `Error: ${b.startError}`, containerPath(r));
      r.startedAt = now;
      this.exited(r, 128, 'StartError', b.startError);
      return;
    }
    this.env.recorder.event(pod, 'Normal', 'Started', `Started container ${r.spec.name}`, containerPath(r));
    r.state = 'running';
    r.startedAt = now;
    r.ready = false;
    r.started = !r.spec.startupProbe;
    r.probes = { readyOk: 0, readyFail: 0, liveFail: 0, startupOk: !r.spec.startupProbe, startupFail: 0 };
    if (b.exitAfterMs !== undefined) {
      r.timers.push(this.env.clock.schedule(b.exitAfterMs, this.label(r, 'exit'), () => this.exited(r, b.exitCode, b.exitCode === 0 ? 'Completed' : 'Error')));
    }
    this.startProbes(r);
  }

  private exited(r: Run, exitCode: number, reason: string, message?: string): void {
    if (this.stopped) return;
    const now = this.env.clock.now();
    this.clearTimers(r);
    r.state = 'terminated';
    r.ready = false;
    r.terminated = { exitCode, reason, message, startedAt: r.startedAt, finishedAt: now, containerID: r.containerID };
    if (this.terminating) return this.maybeFinishTermination();
    this.flush();
    this.requestSync(0);
  }

  // ---- probes ----

  private startProbes(r: Run): void {
    const tick = (kind: 'readiness' | 'liveness' | 'startup') => {
      const probe = kind === 'readiness' ? r.spec.readinessProbe : kind === 'liveness' ? r.spec.livenessProbe : r.spec.startupProbe;
      if (!probe) return;
      const period = (probe.periodSeconds ?? 10) * 1000;
      const run = () => {
        if (r.state !== 'running' || this.terminating || this.stopped) return;
        this.probe(r, kind);
        if (r.state === 'running') r.timers.push(this.env.clock.schedule(period, this.label(r, kind), run));
      };
      r.timers.push(this.env.clock.schedule(0, this.label(r, kind), run));
    };
    // Without a readiness probe the kubelet counts a container ready once it has started (and passed
    // its startup probe): it cannot know when the process listens (readyAfterMs), and that is the
    // reason readiness probes exist.
    if (!r.spec.readinessProbe && r.started) r.ready = true;
    tick('startup');
    tick('readiness');
    tick('liveness');
  }

  private probe(r: Run, kind: 'readiness' | 'liveness' | 'startup'): void {
    const probe = (kind === 'readiness' ? r.spec.readinessProbe : kind === 'liveness' ? r.spec.livenessProbe : r.spec.startupProbe)!;
    const elapsed = this.env.clock.now() - (r.startedAt ?? 0);
    if (elapsed < (probe.initialDelaySeconds ?? 0) * 1000) return;
    if (kind !== 'startup' && !r.probes.startupOk) return;
    const { ok, message } = this.probeResult(r, probe, elapsed, kind);
    const success = probe.successThreshold ?? 1;
    const failure = probe.failureThreshold ?? 3;
    const label = kind === 'readiness' ? 'Readiness' : kind === 'liveness' ? 'Liveness' : 'Startup';
    if (!ok) this.env.recorder.event(this.pod, 'Warning', 'Unhealthy', `${label} probe failed: ${message}`, containerPath(r));
    if (kind === 'startup') {
      if (ok) {
        r.probes.startupOk = true;
        r.started = true;
        if (!r.spec.readinessProbe) r.ready = true;
        this.flush();
      } else if (++r.probes.startupFail >= failure) {
        this.killForProbe(r, 'startup');
      }
      return;
    }
    if (kind === 'readiness') {
      if (ok) {
        r.probes.readyFail = 0;
        if (++r.probes.readyOk >= success) this.setReady(r, true);
      } else {
        r.probes.readyOk = 0;
        if (++r.probes.readyFail >= failure || !r.ready) this.setReady(r, false);
      }
      return;
    }
    if (ok) r.probes.liveFail = 0;
    else if (++r.probes.liveFail >= failure) this.killForProbe(r, 'liveness');
  }

  private probeResult(r: Run, probe: NonNullable<Container['readinessProbe']>, elapsed: number, kind: string): { ok: boolean; message: string } {
    const b = r.behaviour!;
    const hung = b.hangAfterMs !== undefined && elapsed >= b.hangAfterMs;
    const up = elapsed >= b.readyAfterMs || kind === 'liveness';
    const ip = this.podIP ?? '';
    if (probe.exec) {
      const res = execProbe(b, probe.exec.command ?? [], elapsed);
      return { ok: res.success, message: res.output || `command ${JSON.stringify((probe.exec.command ?? []).join(' '))} exited with ${res.exitCode}` };
    }
    if (probe.httpGet) {
      const url = `${(probe.httpGet.scheme ?? 'HTTP').toLowerCase()}://${probe.httpGet.host ?? ip}:${probe.httpGet.port}${probe.httpGet.path ?? '/'}`;
      if (hung) return { ok: false, message: `Get ${JSON.stringify(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)` };
      if (!up) return { ok: false, message: `Get ${JSON.stringify(url)}: dial tcp ${ip}:${probe.httpGet.port}: connect: connection refused` };
      return { ok: true, message: '' };
    }
    const port = probe.tcpSocket?.port ?? probe.grpc?.port ?? '';
    if (hung) return { ok: false, message: `dial tcp ${ip}:${port}: i/o timeout` };
    if (!up) return { ok: false, message: `dial tcp ${ip}:${port}: connect: connection refused` };
    return { ok: true, message: '' };
  }

  private setReady(r: Run, ready: boolean): void {
    if (r.state !== 'running' || r.ready === ready || !r.started) return;
    r.ready = ready;
    this.flush();
  }

  private killForProbe(r: Run, kind: 'liveness' | 'startup'): void {
    this.env.recorder.event(this.pod, 'Normal', 'Killing', `Container ${r.spec.name} failed ${kind} probe, will be restarted`, containerPath(r));
    this.kill(r, (r.spec.livenessProbe?.terminationGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30));
  }

  /** Sends SIGTERM; the process exits as its behaviour says, or is killed (137) when the grace period ends. */
  private kill(r: Run, graceSeconds: number): void {
    if (r.state !== 'running' || !r.behaviour) return;
    const now = this.env.clock.now();
    this.clearTimers(r);
    r.sigtermAt = now;
    const out = sigtermOutcome(r.behaviour, now - (r.startedAt ?? now));
    const graceMs = Math.max(0, graceSeconds) * 1000;
    const startedAt = r.startedAt ?? now;
    if (out.exitAtMs !== undefined && out.exitAtMs - (now - startedAt) <= graceMs) {
      const delay = Math.max(0, out.exitAtMs - (now - startedAt));
      const code = out.exitCode ?? 143;
      r.timers.push(this.env.clock.schedule(delay, this.label(r, 'sigterm'), () => this.exited(r, code, code === 0 ? 'Completed' : 'Error')));
    } else {
      r.timers.push(this.env.clock.schedule(graceMs, this.label(r, 'sigkill'), () => this.exited(r, 137, 'Error')));
    }
  }

  // ---- termination ----

  private terminate(): void {
    this.terminating = true;
    this.syncTask?.cancel();
    const grace = this.pod.metadata.deletionGracePeriodSeconds ?? this.pod.spec.terminationGracePeriodSeconds ?? 30;
    for (const r of this.runs) {
      if (r.state === 'running') {
        this.env.recorder.event(this.pod, 'Normal', 'Killing', `Stopping container ${r.spec.name}`, containerPath(r));
        const hookMs = grace > 0 ? this.preStopMs(r, grace * 1000) : 0;
        if (hookMs > 0) {
          // killContainer: the preStop hook runs first, and its time comes out of the grace period.
          this.clearTimers(r);
          r.timers.push(this.env.clock.schedule(hookMs, this.label(r, 'preStop'), () => this.kill(r, Math.max(grace - hookMs / 1000, MINIMUM_GRACE_PERIOD_S))));
        } else this.kill(r, grace);
      } else this.clearTimers(r);
    }
    this.maybeFinishTermination();
  }

  /** How long the container's preStop hook runs, capped at the grace period. */
  private preStopMs(r: Run, graceMs: number): number {
    const hook = r.spec.lifecycle?.preStop as { exec?: { command?: string[] }; sleep?: { seconds?: number } } | undefined;
    if (!hook || !r.behaviour) return 0;
    let ms = 0;
    if (hook.sleep) ms = Math.max(0, Number(hook.sleep.seconds ?? 0)) * 1000;
    else if (hook.exec) ms = execDuration(r.behaviour, hook.exec.command ?? [], this.env.clock.now() - (r.startedAt ?? 0));
    return Math.min(ms, graceMs);
  }

  /**
   * A new TCP connection to `port` of this pod: accepted when a container
   * that listens there is running, has started listening (readyAfterMs of
   * its behaviour) and has not been sent SIGTERM; refused otherwise; a hung
   * process accepts nothing in time.
   */
  connect(port: number, protocol = 'TCP'): ConnectOutcome {
    const who = `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
    if (this.stopped || this.finished) return { ok: false, kind: 'unreachable', why: `pod ${who} has no network any more` };
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

  private maybeFinishTermination(): void {
    if (this.runs.some((r) => r.state === 'running') || this.finished) return;
    this.finished = true;
    this.flush();
    try {
      this.env.client.delete(R.pods, this.pod.metadata.namespace, this.pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: this.uid } });
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
    if (!this.pod.spec.hostNetwork) this.env.releaseIP(this.podIP);
  }

  /** The pod is gone from the API server. */
  gone(): void {
    this.stop();
    if (!this.pod.spec.hostNetwork) this.env.releaseIP(this.podIP);
    this.env.onDone(this.uid);
  }

  // ---- status ----

  private phase(): string {
    const apps = this.runs.filter((r) => !r.init);
    const inits = this.runs.filter((r) => r.init && !r.sidecar);
    const policy = this.pod.spec.restartPolicy ?? 'Always';
    if (inits.some((r) => r.state === 'terminated' && r.terminated!.exitCode !== 0) && policy === 'Never') return 'Failed';
    const initDone = inits.every((r) => r.state === 'terminated' && r.terminated?.exitCode === 0);
    if (!initDone) return 'Pending';
    let running = 0;
    let waiting = 0;
    let stopped = 0;
    let succeeded = 0;
    for (const r of apps) {
      if (r.state === 'running') running++;
      else if (r.state === 'terminated') {
        stopped++;
        if (r.terminated!.exitCode === 0) succeeded++;
      } else if (r.lastTerminated) stopped++;
      else waiting++;
    }
    if (waiting > 0) return 'Pending';
    if (running > 0) return 'Running';
    if (stopped === apps.length) {
      if (this.terminating) return succeeded === apps.length ? 'Succeeded' : 'Failed';
      if (policy === 'Always') return 'Running';
      if (succeeded === apps.length) return 'Succeeded';
      if (policy === 'OnFailure') return 'Running';
      return 'Failed';
    }
    return 'Pending';
  }

  private buildStatus(): PodStatus {
    const iso = (ms?: number) => (ms === undefined ? undefined : this.env.clock.iso(ms));
    const toStatus = (r: Run): ContainerStatus => {
      const s: ContainerStatus = {
        name: r.spec.name,
        image: r.spec.image ?? '',
        imageID: r.behaviour && !r.behaviour.pullError ? imageID(r.spec.image ?? '') : '',
        ready: r.ready,
        restartCount: r.restartCount,
        started: r.state === 'running' ? r.started : false,
        state: {},
      };
      if (r.containerID) s.containerID = r.containerID;
      if (r.state === 'running') s.state = { running: { startedAt: iso(r.startedAt) } };
      else if (r.state === 'terminated' && r.terminated) s.state = { terminated: terminatedStatus(r.terminated, iso) };
      else s.state = { waiting: r.waiting.message ? { reason: r.waiting.reason, message: r.waiting.message } : { reason: r.waiting.reason } };
      s.lastState = r.lastTerminated ? { terminated: terminatedStatus(r.lastTerminated, iso) } : {};
      return s;
    };
    const phase = this.phase();
    const inits = this.runs.filter((r) => r.init);
    const apps = this.runs.filter((r) => !r.init);
    const now = this.env.clock.iso();
    const prev = (this.lastStatus?.conditions ?? this.pod.status?.conditions ?? []) as PodCondition[];
    const cond = (type: string, ok: boolean, reason?: string, message?: string): PodCondition => {
      const old = prev.find((c) => c.type === type);
      const st = ok ? 'True' : 'False';
      const c = { type, status: st, lastProbeTime: null, lastTransitionTime: old && old.status === st ? old.lastTransitionTime : now } as unknown as PodCondition;
      if (reason) c.reason = reason;
      if (message) c.message = message;
      return c;
    };
    const done = phase === 'Succeeded' || phase === 'Failed';
    const initialized = inits.filter((r) => !r.sidecar).every((r) => r.state === 'terminated' && r.terminated?.exitCode === 0) && inits.filter((r) => r.sidecar).every((r) => r.started || done);
    const notReady = [...inits.filter((r) => r.sidecar), ...apps].filter((r) => !r.ready).map((r) => r.spec.name);
    const containersReady = notReady.length === 0;
    const uninit = inits.filter((r) => !r.sidecar && !(r.state === 'terminated' && r.terminated?.exitCode === 0)).map((r) => r.spec.name);
    const scheduled = prev.find((c) => c.type === 'PodScheduled') ?? ({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now } as unknown as PodCondition);
    const conditions: PodCondition[] = [
      cond('PodReadyToStartContainers', !!this.podIP && !this.finished),
      done ? cond('Initialized', true, 'PodCompleted') : cond('Initialized', initialized, initialized ? undefined : 'ContainersNotInitialized', initialized ? undefined : `containers with incomplete status: [${uninit.join(' ')}]`),
      done ? cond('Ready', false, 'PodCompleted') : cond('Ready', containersReady, containersReady ? undefined : 'ContainersNotReady', containersReady ? undefined : `containers with unready status: [${notReady.join(' ')}]`),
      done ? cond('ContainersReady', false, 'PodCompleted') : cond('ContainersReady', containersReady, containersReady ? undefined : 'ContainersNotReady', containersReady ? undefined : `containers with unready status: [${notReady.join(' ')}]`),
      scheduled,
    ];
    for (const c of prev) if (!conditions.some((x) => x.type === c.type)) conditions.push(c);
    const status: PodStatus = {
      phase: phase as PodStatus['phase'],
      conditions,
      hostIP: this.env.hostIP,
      hostIPs: [{ ip: this.env.hostIP }],
      startTime: iso(this.startTime),
      containerStatuses: apps.map(toStatus),
      qosClass: this.pod.status?.qosClass,
    };
    if (this.podIP) {
      status.podIP = this.podIP;
      status.podIPs = [{ ip: this.podIP }];
    }
    if (inits.length) status.initContainerStatuses = inits.map(toStatus);
    return status;
  }

  /** Reports the pod's status to the API server if it changed. */
  private flush(): void {
    this.writeStatus();
  }

  private writeStatus(): void {
    if (this.stopped) return;
    const status = this.buildStatus();
    if (this.lastStatus && deepEqual(status, this.lastStatus)) return;
    this.lastStatus = status;
    try {
      this.env.client.patch(R.pods, this.pod.metadata.namespace, this.pod.metadata.name, { status }, 'merge', { subresource: 'status' });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }

  private clearTimers(r: Run): void {
    for (const t of r.timers) t.cancel();
    r.timers = [];
    r.pendingStart = false;
  }

  private label(r: Run, what: string): string {
    return `kubelet ${this.env.nodeName} ${what} ${this.pod.metadata.namespace}/${this.pod.metadata.name}/${r.spec.name}`;
  }
}

function newRun(spec: Container, init: boolean, sidecar: boolean): Run {
  return {
    spec,
    init,
    sidecar,
    state: 'waiting',
    waiting: { reason: 'ContainerCreating' },
    restartCount: 0,
    ready: false,
    started: false,
    timers: [],
    probes: { readyOk: 0, readyFail: 0, liveFail: 0, startupOk: false, startupFail: 0 },
    pendingStart: false,
  };
}

/** flowcontrol.Backoff.Next: initial on first use or after 2x max idle, else doubled up to max. */
function nextBackoff(m: Map<string, Backoff>, key: string, eventTime: number, now: number): void {
  const b = m.get(key);
  if (!b || eventTime - b.lastUpdate > 2 * BACKOFF_MAX_MS) m.set(key, { ms: BACKOFF_INITIAL_MS, lastUpdate: now });
  else m.set(key, { ms: Math.min(b.ms * 2, BACKOFF_MAX_MS), lastUpdate: now });
}

function terminatedStatus(t: Terminated, iso: (ms?: number) => string | undefined): IContainerStateTerminated {
  const out: IContainerStateTerminated = { exitCode: t.exitCode, reason: t.reason, finishedAt: iso(t.finishedAt) };
  if (t.startedAt !== undefined) out.startedAt = iso(t.startedAt);
  if (t.message) out.message = t.message;
  if (t.containerID) out.containerID = t.containerID;
  return out;
}

function containerPath(r: Run): string {
  return `${r.init ? 'spec.initContainers' : 'spec.containers'}{${r.spec.name}}`;
}

/** A stable image digest per image reference. */
function imageID(image: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < image.length; i++) {
    h1 = Math.imul(h1 ^ image.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ image.charCodeAt(i), 0x85ebca6b) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(4);
  const repo = image.split('@')[0].replace(/:[^/:]+$/, '');
  const full = repo.includes('/') ? (repo.split('/')[0].includes('.') ? repo : `docker.io/${repo}`) : `docker.io/library/${repo}`;
  return `${full}@sha256:${hex}`;
}
