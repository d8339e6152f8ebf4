/**
 * What the container runtime knows of one container of a pod: its current
 * instance (waiting, running or exited), the previous one (for
 * `kubectl logs --previous` and lastState), its restart count, and the
 * kubelet's view of it (started, ready), as the pod worker keeps them.
 */
import type { Container, ContainerStatus, Pod } from '../api/types.ts';
import type { IContainerStateTerminated } from 'kubernetes-models/v1/ContainerStateTerminated';
import type { TaskHandle } from '../clock/clock.ts';
import type { ContainerBehaviour } from './behaviour.ts';

/** How a container instance ended. Times are epoch milliseconds on the simulated clock. */
export interface Terminated {
  exitCode: number;
  /** Completed, Error, OOMKilled, StartError, ContainerStatusUnknown, ... */
  reason: string;
  message?: string;
  startedAt?: number;
  finishedAt: number;
  containerID?: string;
}

/** Why the kubelet stopped a running container. */
export type KillReason = 'liveness' | 'startup' | 'termination' | 'eviction';

export interface Run {
  readonly spec: Container;
  /** An init container (regular or sidecar). */
  readonly init: boolean;
  /** A restartable init container (restartPolicy Always). */
  readonly sidecar: boolean;
  state: 'waiting' | 'running' | 'terminated';
  waiting: { reason: string; message?: string };
  behaviour?: ContainerBehaviour;
  /** When the current instance started running. */
  startedAt?: number;
  /** The current instance, once it exited. */
  terminated?: Terminated;
  /** The instance before the current one (lastState). */
  lastTerminated?: Terminated;
  /** The previous instance's behaviour and life, for its logs. */
  prev?: { behaviour: ContainerBehaviour; startedAt: number; finishedAt: number };
  restartCount: number;
  /** containerStatuses[].started: the startup probe passed (or there is none). */
  started: boolean;
  ready: boolean;
  containerID?: string;
  /** Timers of the current instance: its exit, its termination. */
  timers: TaskHandle[];
  /** The kubelet is stopping it, and why. */
  killing?: KillReason;
  /** The finish of the instance before the one a probe killed: what the kubelet's stale status shows (doBackOff). */
  staleFinish?: number | null;
  /** An image pull for this container is under way. */
  pulling: boolean;
  /** When the current process got SIGTERM: it stops accepting connections then. */
  sigtermAt?: number;
}

export function newRun(spec: Container, init: boolean, sidecar: boolean): Run {
  return {
    spec,
    init,
    sidecar,
    state: 'waiting',
    waiting: { reason: init ? 'PodInitializing' : 'ContainerCreating' },
    restartCount: 0,
    started: false,
    ready: false,
    timers: [],
    pulling: false,
  };
}

export function clearTimers(r: Run): void {
  for (const t of r.timers) t.cancel();
  r.timers = [];
}

/** The `spec.containers{app}` field path events name. */
export function containerPath(r: Pick<Run, 'init' | 'spec'>): string {
  return `${r.init ? 'spec.initContainers' : 'spec.containers'}{${r.spec.name}}`;
}

function terminatedStatus(t: Terminated, iso: (ms: number) => string): IContainerStateTerminated {
  const out: IContainerStateTerminated = { exitCode: t.exitCode, reason: t.reason, finishedAt: iso(t.finishedAt) };
  if (t.startedAt !== undefined) out.startedAt = iso(t.startedAt);
  if (t.message) out.message = t.message;
  if (t.containerID) out.containerID = t.containerID;
  return out;
}

/** The container's status as the kubelet reports it (convertToAPIContainerStatuses). */
export function containerStatus(r: Run, iso: (ms: number) => string, imageID: (image: string) => string): ContainerStatus {
  const s: ContainerStatus = {
    name: r.spec.name,
    image: r.spec.image ?? '',
    imageID: r.containerID ? imageID(r.spec.image ?? '') : '',
    ready: r.ready,
    restartCount: r.restartCount,
    started: r.state === 'running' ? r.started : false,
    state: {},
  };
  if (r.containerID) s.containerID = r.containerID;
  if (r.state === 'running') s.state = { running: { startedAt: iso(r.startedAt ?? 0) } };
  else if (r.state === 'terminated' && r.terminated) s.state = { terminated: terminatedStatus(r.terminated, iso) };
  else s.state = { waiting: r.waiting.message ? { reason: r.waiting.reason, message: r.waiting.message } : { reason: r.waiting.reason } };
  s.lastState = r.lastTerminated ? { terminated: terminatedStatus(r.lastTerminated, iso) } : {};
  return s;
}

/** A stable image digest per image reference, in containerd's form. */
export function imageDigest(image: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < image.length; i++) {
    h1 = Math.imul(h1 ^ image.charCodeAt(i), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ image.charCodeAt(i), 0x85ebca6b) >>> 0;
  }
  return `sha256:${(h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(4)}`;
}

/** format.Pod: `name_namespace(uid)`, as kubelet messages name a pod. */
export function podFullName(pod: Pick<Pod, 'metadata'>): string {
  return `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;
}

/** Go's Duration.String() for whole seconds: 10s, 5m0s. */
export function goSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return m ? `${m}m${s % 60}s` : `${s}s`;
}
