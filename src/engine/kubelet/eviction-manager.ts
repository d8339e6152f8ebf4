/**
 * The kubelet's eviction manager (pkg/kubelet/eviction): every 10 s it
 * observes the node's signals against the default hard thresholds
 * (memory.available < 100Mi, nodefs.available < 10%), reports pressure
 * (MemoryPressure, DiskPressure, kept for 5 minutes after the last
 * observation), and while a threshold is met evicts one pod at a time,
 * ranked as upstream ranks them, then looks again as soon as that pod is
 * cleaned up.
 *
 * Simulation model: memory.available is the node's memory capacity minus
 * the working sets of its running containers (their declared usage; no
 * system daemons); nodefs.available is full unless a scenario fills the
 * disk. Ties in the ranking keep the order the pods were admitted in
 * (upstream sorts without a stable order).
 */
import type { Pod, PodCondition } from '../api/types.ts';
import { formatAmount, resourceAmount } from '../api/quantity.ts';

/** Linux defaults of --eviction-hard for the signals simulated here. */
export const MEMORY_AVAILABLE_THRESHOLD_BYTES = 100 * 1024 * 1024;
export const NODEFS_AVAILABLE_THRESHOLD = 0.1;
/** --eviction-monitoring-period (housekeeping) and --eviction-pressure-transition-period. */
export const MONITORING_INTERVAL_MS = 10_000;
export const PRESSURE_TRANSITION_PERIOD_MS = 5 * 60_000;
/** podCleanupTimeout: how long the manager waits for an evicted pod's resources. */
export const POD_CLEANUP_TIMEOUT_MS = 30_000;
/** Critical pods (system-cluster-critical and above) are never evicted. */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

export type PressureCondition = 'MemoryPressure' | 'DiskPressure';

/** A pod the manager may rank: its spec, and its containers' memory use in bytes (undefined: no stats). */
export interface RankedPod {
  pod: Pick<Pod, 'metadata' | 'spec'>;
  memory?: Map<string, number>;
}

function podMemoryRequest(pod: Pick<Pod, 'spec'>): number {
  let sum = 0;
  for (const c of pod.spec.containers ?? []) {
    const q = c.resources?.requests?.memory;
    if (q !== undefined && q !== null) sum += resourceAmount('memory', q as string);
  }
  // Init containers run one at a time; the largest counts if larger (GetResourceRequestQuantity).
  for (const c of pod.spec.initContainers ?? []) {
    const q = c.resources?.requests?.memory;
    if (q !== undefined && q !== null) sum = Math.max(sum, resourceAmount('memory', q as string));
  }
  return sum;
}

const podMemory = (p: RankedPod) => [...(p.memory?.values() ?? [])].reduce((a, b) => a + b, 0);
const priorityOf = (p: RankedPod) => p.pod.spec.priority ?? 0;
/** cmpBool: true ranks first. */
const cmpBool = (a: boolean, b: boolean) => (a === b ? 0 : a ? -1 : 1);

/**
 * rankMemoryPressure: pods whose usage exceeds their requests first, then
 * lower priority first, then the larger usage above requests first. Pods
 * without stats rank first of all.
 */
export function rankMemoryPressure<T extends RankedPod>(pods: readonly T[]): T[] {
  const cmp = (a: T, b: T): number => {
    if (!a.memory || !b.memory) return cmpBool(!a.memory, !b.memory);
    const exceeds = cmpBool(podMemory(a) > podMemoryRequest(a.pod), podMemory(b) > podMemoryRequest(b.pod));
    if (exceeds) return exceeds;
    if (priorityOf(a) !== priorityOf(b)) return priorityOf(a) < priorityOf(b) ? -1 : 1;
    return podMemory(b) - podMemoryRequest(b.pod) - (podMemory(a) - podMemoryRequest(a.pod));
  };
  return pods.map((p, i) => ({ p, i })).sort((x, y) => cmp(x.p, y.p) || x.i - y.i).map((x) => x.p);
}

/** rankDiskPressureFunc with no per-pod disk use simulated: lower priority first. */
export function rankDiskPressure<T extends RankedPod>(pods: readonly T[]): T[] {
  return pods.map((p, i) => ({ p, i })).sort((x, y) => priorityOf(x.p) - priorityOf(y.p) || x.i - y.i).map((x) => x.p);
}

/** evictionMessage: "The node was low on resource: memory. Threshold quantity: 100Mi, available: 50Mi. Container app was using 600Mi, request is 0, has larger consumption of memory. " */
export function evictionMessage(resource: 'memory' | 'ephemeral-storage', p: RankedPod, threshold: string, available: string): string {
  let message = `The node was low on resource: ${resource}. Threshold quantity: ${threshold}, available: ${available}. `;
  if (resource === 'memory') {
    for (const c of p.pod.spec.containers ?? []) {
      const used = p.memory?.get(c.name);
      const q = c.resources?.requests?.memory;
      const request = q !== undefined && q !== null ? resourceAmount('memory', q as string) : 0;
      // The request prints as the quantity was written (128M stays 128M), the usage in binary units.
      if (used !== undefined && used > request) {
        message += `Container ${c.name} was using ${formatAmount('memory', used)}, request is ${q !== undefined && q !== null ? String(q) : '0'}, has larger consumption of memory. `;
      }
    }
  }
  return message;
}

export interface EvictionHost<T extends RankedPod> {
  now(): number;
  schedule(ms: number, fn: () => void): void;
  memoryCapacityBytes(): number;
  /** The node filesystem's size and free bytes. */
  nodefs(): { capacity: number; available: number };
  /** Pods that may be evicted: admitted, not terminal, not being stopped. */
  activePods(): T[];
  /** Evicts the pod; `cleaned` is called once its containers stopped. */
  evict(p: T, message: string, condition: PodCondition, cleaned: () => void): void;
  /** The set of pressure conditions changed. */
  conditionsChanged(): void;
}

export class EvictionManager<T extends RankedPod> {
  private readonly lastObserved = new Map<PressureCondition, number>();
  private conditions: PressureCondition[] = [];
  private running = false;

  constructor(private readonly host: EvictionHost<T>) {}

  /** The node's pressure conditions now. */
  pressure(): readonly PressureCondition[] {
    return this.conditions;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.host.schedule(MONITORING_INTERVAL_MS, () => this.loop());
  }

  stop(): void {
    this.running = false;
  }

  private loop(): void {
    if (!this.running) return;
    const evicted = this.synchronize();
    if (!evicted) {
      this.host.schedule(MONITORING_INTERVAL_MS, () => this.loop());
      return;
    }
    // waitForPodsCleanup: look again once the pod is gone, at most 30 s later.
    let done = false;
    const next = () => {
      if (done) return;
      done = true;
      this.loop();
    };
    this.host.schedule(POD_CLEANUP_TIMEOUT_MS, next);
    evicted(next);
  }

  /** One pass; returns a way to wait for the evicted pod, when one was evicted. */
  synchronize(): ((cleaned: () => void) => void) | undefined {
    const now = this.host.now();
    const pods = this.host.activePods();
    let used = 0;
    for (const p of pods) for (const v of p.memory?.values() ?? []) used += v;
    const available = this.host.memoryCapacityBytes() - used;
    const memoryMet = available < MEMORY_AVAILABLE_THRESHOLD_BYTES;
    const fs = this.host.nodefs();
    const diskMet = fs.available < fs.capacity * NODEFS_AVAILABLE_THRESHOLD;
    if (memoryMet) this.lastObserved.set('MemoryPressure', now);
    if (diskMet) this.lastObserved.set('DiskPressure', now);
    const next = (['MemoryPressure', 'DiskPressure'] as const).filter((c) => {
      const at = this.lastObserved.get(c);
      return at !== undefined && now - at < PRESSURE_TRANSITION_PERIOD_MS;
    });
    if (next.join() !== this.conditions.join()) {
      this.conditions = next;
      this.host.conditionsChanged();
    }
    if (!memoryMet && !diskMet) return undefined;
    const candidates = pods.filter((p) => (p.pod.spec.priority ?? 0) < SYSTEM_CRITICAL_PRIORITY);
    const resource = memoryMet ? 'memory' : 'ephemeral-storage';
    const ranked = memoryMet ? rankMemoryPressure(candidates) : rankDiskPressure(candidates);
    const victim = ranked[0];
    if (!victim) return undefined;
    const message = memoryMet
      ? evictionMessage('memory', victim, formatAmount('memory', MEMORY_AVAILABLE_THRESHOLD_BYTES), formatAmount('memory', available))
      : evictionMessage(resource, victim, formatAmount('memory', Math.ceil(fs.capacity * NODEFS_AVAILABLE_THRESHOLD)), formatAmount('memory', fs.available));
    const condition = { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message } as PodCondition;
    return (cleaned) => this.host.evict(victim, message, condition, cleaned);
  }
}
