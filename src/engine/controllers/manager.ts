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
const MAX_DELAY_MS = 1_000_000;

class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, TaskHandle>();
  private scheduled = false;

  constructor(
    private readonly clock: Clock,
    private readonly label: string,
    private readonly process: (key: string) => void,
  ) {}

  add(key: string): void {
    if (this.dirty.has(key)) return;
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

  private kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.clock.schedule(0, this.label, () => {
      this.scheduled = false;
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
  random: Random;
  /** A Client acting as the named controller (its own identity, as with per-controller service accounts). */
  clientFor(controllerName: string): Client;
  config?: Partial<ControllerConfig>;
  events: EventSequence;
  onError?(e: ReconcileError): void;
}

export class ControllerManager {
  private readonly informers: InformerFactory;
  private readonly queues = new Map<string, WorkQueue>();
  private started = false;
  readonly config: ControllerConfig;

  constructor(
    private readonly options: ManagerOptions,
    private readonly controllers: readonly Controller[],
  ) {
    // One shared informer factory, as kube-controller-manager shares its informers.
    this.informers = new InformerFactory(options.clientFor('kube-controller-manager'));
    this.config = { ...DEFAULT_CONTROLLER_CONFIG, ...(options.config ?? {}) };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const { clock } = this.options;
    for (const c of this.controllers) {
      const client = this.options.clientFor(c.name);
      const recorder = newRecorder(client, { component: c.eventSource ?? c.name, now: () => clock.now(), iso: (ms) => clock.iso(ms) }, this.options.events);
      let queue!: WorkQueue;
      const ctx: ControllerContext = {
        client,
        informers: this.informers,
        recorder,
        clock,
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
    try {
      const res = c.reconcile(key, ctx);
      queue.forget(key);
      if (res && res.requeueAfterMs !== undefined) queue.addAfter(key, res.requeueAfterMs);
    } catch (e) {
      this.options.onError?.({ at: this.options.clock.now(), controller: c.name, key, message: (e as Error).message });
      queue.addRateLimited(key);
    }
  }

  /** Controllers by name, for features that disable one ("with the deployment-controller stopped"). */
  names(): string[] {
    return this.controllers.map((c) => c.name);
  }
}
