/**
 * One pod's life on a node, as the kubelet's pod worker and the container
 * runtime manager run it (pkg/kubelet/pod_workers.go, kuberuntime_manager.go):
 * volumes, then the sandbox and its IP; image pulls; init containers one
 * after another; sidecars; app containers; probes; exits, OOM kills and
 * restarts with the CrashLoopBackOff curve; graceful termination with preStop
 * hooks; node-pressure eviction; and the pod status the kubelet reports.
 *
 * This file holds the pod's state and its entry points. The sync is in
 * pod-sync.ts, container starts in container-start.ts, stops in
 * container-stop.ts, probes in pod-prober.ts, the status in
 * pod-status-report.ts, connections in pod-connect.ts.
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
import { Backoff } from '../client/backoff.ts';
import { type Run, clearTimers, newRun } from './container-run.ts';
import type { ConfigSource } from './container-config.ts';
import type { ImageManager } from './image-manager.ts';
import type { ProbeKind } from './prober.ts';
import { PodProber } from './pod-prober.ts';
import { type ConnectOutcome, connectToPod } from './pod-connect.ts';
import { buildPodStatus } from './pod-status-report.ts';
import { syncPod } from './pod-sync.ts';
import { type StopPlan, killContainer, terminationGrace } from './container-stop.ts';

export { BACKOFF_INITIAL_MS, BACKOFF_MAX_MS } from '../client/backoff.ts';
export { goSeconds, podFullName } from './container-run.ts';
export type { ConnectOutcome } from './pod-connect.ts';

/** The pod worker's retry after a failed sync: backOffPeriod with jitter factor 0.5 (pod_workers.go). */
const SYNC_ERROR_BACKOFF_MS = 10_000;

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
  startTime?: number;
  sandboxReady = false;
  termination?: Termination;
  terminated = false;
  private deleted = false;
  stopped = false;
  private syncTask?: TaskHandle;
  lastStatus?: PodStatus;
  /** `the containers of pod X keep crashing`: every start exits with code 1 at once. */
  crashing = false;
  readonly backoff: Backoff;
  readonly prober: PodProber;
  mountRetryMs = 0;
  /** Called once the pod's containers have all stopped after terminate (the eviction manager waits for it). */
  onTerminated?: () => void;
  /** The phase the kubelet decided once the pod cannot run again. */
  terminalPhase?: 'Succeeded' | 'Failed';

  constructor(
    readonly env: PodWorkerEnv,
    public pod: Stored<Pod>,
  ) {
    for (const c of pod.spec.initContainers ?? []) this.runs.push(newRun(c, true, c.restartPolicy === 'Always'));
    for (const c of pod.spec.containers) this.runs.push(newRun(c, false, false));
    this.backoff = new Backoff(() => env.clock.now());
    this.prober = new PodProber(this);
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
    this.prober.start();
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
    this.prober.stop();
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
    return this.prober.setFault(container, kind, scope);
  }

  /** The kubelet restarted: the prober forgets its results and starts again. */
  restartProbes(): void {
    this.prober.restart();
    this.flush();
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
      syncPod(this);
    });
  }

  /** The retry of a sync that failed (pull or config errors): 10 s plus up to half again. */
  requeueAfterError(): void {
    this.requestSync(Math.round(SYNC_ERROR_BACKOFF_MS * (1 + 0.5 * this.env.random.float())));
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
    this.prober.stop();
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

  /** A new TCP connection to `port` of this pod (pod-connect.ts). */
  connect(port: number, protocol = 'TCP'): ConnectOutcome {
    return connectToPod(this, port, protocol);
  }

  get isTerminated(): boolean {
    return this.terminated || this.terminalPhase !== undefined;
  }

  // ---- status ----

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
    const status = buildPodStatus(this, this.lastStatus);
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
