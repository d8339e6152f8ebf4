/**
 * The controller manager (kube-controller-manager, in the style of
 * controller-runtime): shared informers, one work queue per controller, and
 * the loop that hands each queued key to the controller's reconcile.
 *
 * Reconcile is level-based: it gets a key (`namespace/name`) and nothing
 * else, reads the world from informers, writes through the Client and says
 * when to look again. Failures are retried with per-key exponential backoff
 * (5 ms doubling to 1000 s, client-go's default controller rate limiter).
 * Each key is reconciled in its own task on the event loop, so watch
 * deliveries interleave with reconciles as they do in a real cluster.
 */
import type { Clock, TaskHandle } from '../clock/clock.ts';
import type { Random } from '../clock/random.ts';
import type { Client } from '../client/client.ts';
import { InformerFactory } from '../client/informer.ts';
import { type EventRecorder, EventSequence, newRecorder } from '../client/events.ts';
import type { Backoff } from '../client/backoff.ts';
import type { Perturbation } from '../api/perturbation.ts';
import { crashingClient, ProcessCrashed, type CrashSwitch } from './crash-util.ts';

/** What a reconcile returns: when to reconcile the key again, if it should be. */
export interface Result {
  requeueAfterMs?: number;
}

export interface ControllerContext {
  readonly client: Client;
  readonly informers: InformerFactory;
  readonly recorder: EventRecorder;
  readonly clock: Pick<Clock, 'now' | 'iso' | 'isoMicro' | 'schedule' | 'scheduleAt'>;
  readonly random: Random;
  /** Adds a key to this controller's queue (now, or after a delay). */
  enqueue(key: string, afterMs?: number): void;
  /** Controller-specific settings from the cluster options. */
  readonly config: ControllerConfig;
}

/** Tunables of the controllers, with upstream defaults (see K8S-FACTS.md). */
export interface ControllerConfig {
  /** --node-monitor-grace-period, ms (50 s since Kubernetes 1.32). */
  nodeMonitorGracePeriodMs: number;
  /** --node-monitor-period, ms. */
  nodeMonitorPeriodMs: number;
  /** --node-startup-grace-period, ms. */
  nodeStartupGracePeriodMs: number;
  /** --terminated-pod-gc-threshold. */
  terminatedPodGCThreshold: number;
  /** Feature gates the controllers read, at their Kubernetes 1.33 defaults unless set. */
  featureGates?: FeatureGates;
}

/** Feature gates that change what a controller does (kube-controller-manager --feature-gates). */
export interface FeatureGates {
  /** StatefulSet RollingUpdate honours maxUnavailable; alpha in 1.33, off by default (beta and on from 1.35). */
  MaxUnavailableStatefulSet?: boolean;
}

export const DEFAULT_CONTROLLER_CONFIG: ControllerConfig = {
  nodeMonitorGracePeriodMs: 50_000,
  nodeMonitorPeriodMs: 5_000,
  nodeStartupGracePeriodMs: 60_000,
  terminatedPodGCThreshold: 12_500,
};

/**
 * A controller. `setup` declares its informers and handlers (which enqueue
 * keys); `reconcile` brings one key's world to its desired state.
 *
 * WARNING: reconcile must be idempotent and must read only informers and the
 * Client: it can run any number of times for a key, at any instant.
 */
export interface Controller {
  /** The upstream controller name, as its events' source: `replicaset-controller`. */
  readonly name: string;
  /** The event source component when upstream's differs from the name (`node-controller`). */
  readonly eventSource?: string;
  setup(ctx: ControllerContext): void;
  reconcile(key: string, ctx: ControllerContext): Result | void;
}

const BASE_DELAY_MS = 5;
/** The back-off key of the controller manager's container. */
const PROCESS = 'kube-controller-manager';
const MAX_DELAY_MS = 1_000_000;

class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, TaskHandle>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly label: string,
    private readonly process: (key: string) => void,
  ) {}

  add(key: string): void {
    if (this.stopped || this.dirty.has(key)) return;
    this.dirty.add(key);
    this.queue.push(key);
    this.kick();
  }

  /** Adds `key` after `ms`; an earlier pending add for the same key wins. */
  addAfter(key: string, ms: number): void {
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && !existing.cancelled && existing.at <= at) return;
    existing?.cancel();
    this.delayed.set(
      key,
      this.clock.scheduleAt(at, `${this.label} requeue ${key}`, () => {
        this.delayed.delete(key);
        this.add(key);
      }),
    );
  }

  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    this.addAfter(key, Math.min(BASE_DELAY_MS * 2 ** n, MAX_DELAY_MS));
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  get length(): number {
    return this.queue.length;
  }

  /** The queue's process is gone: nothing queued or delayed runs any more. */
  stop(): void {
    this.stopped = true;
    for (const t of this.delayed.values()) t.cancel();
    this.delayed.clear();
  }

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.clock.schedule(0, this.label, () => {
      this.scheduled = false;
      if (this.stopped) return;
      const key = this.queue.shift();
      if (key === undefined) return;
      this.dirty.delete(key);
      if (this.queue.length) this.kick();
      this.process(key);
    });
  }
}

/** A failure the manager reports in the trace (a reconcile that threw). */
export interface ReconcileError {
  at: number;
  controller: string;
  key: string;
  message: string;
}

export interface ManagerOptions {
  clock: Clock;
  /** May crash the process during reconciles (tests only; see api/perturbation.ts). */
  perturbation?: Perturbation;
  /** Called when the process crashes and when it is back, for the trace. */
  onRestart?(e: { at: number; controller: string; key: string; phase: 'crashed' | 'restarted' }): void;
  /**
   * The kubelet's back-off for the process's container (it runs as a static
   * pod): a crash soon after a restart waits out the window (10 s, doubling
   * up to 5 min) before the next start. Without it a crashed process comes
   * back after the crash's own down time only.
   */
  restartBackoff?: Backoff;
  random: Random;
  /** A Client acting as the named controller (its own identity, as with per-controller service accounts). */
  clientFor(controllerName: string): Client;
  config?: Partial<ControllerConfig>;
  events: EventSequence;
  onError?(e: ReconcileError): void;
}

/**
 * WARNING: a restart builds every controller anew from `make`, so a
 * controller must keep all its state inside what its factory returns; the
 * old instances' informers, queues and timers are dead from the crash on.
 */
export class ControllerManager {
  private informers: InformerFactory;
  private queues = new Map<string, WorkQueue>();
  private started = false;
  private controllers: readonly Controller[];
  /** Incremented at each crash: tasks of an earlier generation do nothing. */
  private generation = 0;
  private readonly crash: CrashSwitch = { writesLeft: Infinity, crashed: false };
  readonly config: ControllerConfig;

  private readonly make: () => readonly Controller[];

  /** `controllers`: the controllers, or a factory of them (needed for restarts to start from nothing). */
  constructor(
    private readonly options: ManagerOptions,
    controllers: readonly Controller[] | (() => readonly Controller[]),
  ) {
    // One shared informer factory, as kube-controller-manager shares its informers.
    this.informers = new InformerFactory(options.clientFor('kube-controller-manager'));
    this.make = typeof controllers === 'function' ? controllers : () => controllers;
    this.controllers = this.make();
    this.config = { ...DEFAULT_CONTROLLER_CONFIG, ...(options.config ?? {}) };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const { clock } = this.options;
    const generation = this.generation;
    // Timers of a crashed process never fire.
    const guard = (fn: () => void) => () => {
      if (generation === this.generation) fn();
    };
    const ctxClock: ControllerContext['clock'] = {
      now: () => clock.now(),
      iso: (ms) => clock.iso(ms),
      isoMicro: (ms) => clock.isoMicro(ms),
      schedule: (ms, label, fn) => clock.schedule(ms, label, guard(fn)),
      scheduleAt: (at, label, fn) => clock.scheduleAt(at, label, guard(fn)),
    };
    for (const c of this.controllers) {
      const client = this.options.perturbation?.reconcile ? crashingClient(this.options.clientFor(c.name), this.crash) : this.options.clientFor(c.name);
      const recorder = newRecorder(client, { component: c.eventSource ?? c.name, now: () => clock.now(), iso: (ms) => clock.iso(ms) }, this.options.events);
      let queue!: WorkQueue;
      const ctx: ControllerContext = {
        client,
        informers: this.informers,
        recorder,
        clock: ctxClock,
        random: this.options.random,
        config: this.config,
        enqueue: (key, afterMs) => (afterMs ? queue.addAfter(key, afterMs) : queue.add(key)),
      };
      queue = new WorkQueue(clock, `controller ${c.name}`, (key) => this.run(c, ctx, queue, key));
      this.queues.set(c.name, queue);
      c.setup(ctx);
    }
    this.informers.start();
  }

  private run(c: Controller, ctx: ControllerContext, queue: WorkQueue, key: string): void {
    const fate = this.options.perturbation?.reconcile?.({ controller: c.name, key });
    if (fate) this.crash.writesLeft = fate.afterWrites;
    try {
      const res = c.reconcile(key, ctx);
      // A crash due during this reconcile happens at its end if it made fewer writes.
      if (fate) this.crash.crashed = true;
      if (!this.crash.crashed) {
        queue.forget(key);
        if (res && res.requeueAfterMs !== undefined) queue.addAfter(key, res.requeueAfterMs);
      }
    } catch (e) {
      if (fate) this.crash.crashed = true;
      if (!this.crash.crashed && !(e instanceof ProcessCrashed)) {
        this.options.onError?.({ at: this.options.clock.now(), controller: c.name, key, message: (e as Error).message });
        queue.addRateLimited(key);
      }
    } finally {
      this.crash.writesLeft = Infinity;
    }
    if (this.crash.crashed) this.restart(c.name, key, fate?.downMs ?? 0);
  }

  /**
   * The process dies now and starts again, with nothing of its memory, `downMs` later, or once the kubelet's
   * CrashLoopBackOff window since the crash is over (doBackOff: IsInBackOffSince the container's finish, then Next).
   */
  private restart(controller: string, key: string, downMs: number): void {
    const { clock } = this.options;
    const crashedAt = clock.now();
    const backoff = this.options.restartBackoff;
    const wait = backoff?.isInBackOffSince(PROCESS, crashedAt) ? backoff.endSince(PROCESS, crashedAt)! - crashedAt : 0;
    this.options.onRestart?.({ at: crashedAt, controller, key, phase: 'crashed' });
    this.generation++;
    this.informers.stop();
    for (const q of this.queues.values()) q.stop();
    this.queues = new Map();
    this.crash.crashed = false;
    this.started = false;
    const generation = this.generation;
    clock.schedule(Math.max(downMs, wait), 'controller-manager restart', () => {
      if (generation !== this.generation) return;
      backoff?.next(PROCESS, crashedAt);
      this.informers = new InformerFactory(this.options.clientFor('kube-controller-manager'));
      this.controllers = this.make();
      this.start();
      this.options.onRestart?.({ at: clock.now(), controller, key, phase: 'restarted' });
    });
  }

  /** Controllers by name, for features that disable one ("with the deployment-controller stopped"). */
  names(): string[] {
    return this.controllers.map((c) => c.name);
  }
}
