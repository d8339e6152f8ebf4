/**
 * The scheduling framework (pkg/scheduler/framework): plugin interfaces for
 * each extension point, typed cycle state, statuses, and the per-node
 * aggregates plugins read (NodeInfo).
 *
 * A plugin imports only this module and `api`. It gets typed node snapshots,
 * never bare names, and keeps per-cycle data under typed StateKeys.
 */
import type { Container, Node, Pod, Stored } from '../api/types.ts';
import { podRequests } from '../api/pod.ts';
import { resourceAmount } from '../api/quantity.ts';

/** Highest score a plugin may give a node after normalization. */
export const MAX_NODE_SCORE = 100;
/** schedutil.DefaultMilliCPURequest and DefaultMemoryRequest: what a container without requests counts as when scoring. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

// ---- statuses ----

export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip' | 'Pending';

export interface Status {
  code: Code;
  /** Reasons as they appear in FailedScheduling messages: "Insufficient cpu". */
  reasons: string[];
  /** The plugin that returned it (filled in by the framework). */
  plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: [] }) as Status;
export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: [] }) as Status;

export function status(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}

export function isSuccess(s: Status | undefined): boolean {
  return !s || s.code === 'Success';
}

export function isRejected(s: Status): boolean {
  return s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable' || s.code === 'Pending';
}

// ---- cycle state ----

/** A typed key of the cycle state: `new StateKey<PreFilterState>('PreFilterNodeResourcesFit')`. */
export class StateKey<T> {
  declare private readonly _t: T;
  constructor(readonly name: string) {}
}

/** Data plugins pass from one extension point to the next within one scheduling cycle. */
export class CycleState {
  private readonly data = new Map<StateKey<unknown>, unknown>();
  /** Plugins whose PreFilter said Skip: their Filter is not called this cycle. */
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();
  read<T>(key: StateKey<T>): T | undefined {
    return this.data.get(key as StateKey<unknown>) as T | undefined;
  }
  write<T>(key: StateKey<T>, value: T): void {
    this.data.set(key as StateKey<unknown>, value);
  }
}

// ---- node and pod aggregates ----

export type Resources = Map<string, number>;

/** A pod as the scheduler's cache holds it, with its requests computed once. */
export interface PodInfo {
  pod: Stored<Pod>;
  /** Effective requests, canonical units (millicores for cpu). */
  requests: Resources;
  /** cpu and memory requests with the scoring defaults for containers that request none. */
  nonZeroCpu: number;
  nonZeroMemory: number;
}

export function newPodInfo(pod: Stored<Pod>): PodInfo {
  const requests = podRequests(pod);
  // resourcehelper.PodRequests with NonMissingContainerRequests: every container
  // (init containers and sidecars included) that requests no cpu or memory counts
  // the defaults, then init containers and sidecars combine as for real requests.
  const withDefaults = (c: Container): Container => {
    const r = { ...((c.resources?.requests ?? {}) as Record<string, string>) };
    if (r.cpu === undefined) r.cpu = `${DEFAULT_MILLI_CPU_REQUEST}m`;
    if (r.memory === undefined) r.memory = String(DEFAULT_MEMORY_REQUEST);
    return { ...c, resources: { ...c.resources, requests: r } };
  };
  const nonZero = podRequests({
    spec: { ...pod.spec, containers: (pod.spec.containers ?? []).map(withDefaults), initContainers: pod.spec.initContainers?.map(withDefaults) },
  });
  return { pod, requests, nonZeroCpu: nonZero.get('cpu') ?? 0, nonZeroMemory: nonZero.get('memory') ?? 0 };
}

/**
 * calculateResourceAllocatableRequest's bypass: a scalar resource (extended,
 * hugepages, ...) the pod does not request is left out of the score.
 */
export function scoresResource(pi: PodInfo, resource: string): boolean {
  return resource === 'cpu' || resource === 'memory' || resource === 'ephemeral-storage' || (pi.requests.get(resource) ?? 0) > 0;
}

/**
 * A node and what is on it, as the scheduler's cache sees it (assumed pods
 * included). Plugins must not change it.
 */
export class NodeInfo {
  readonly pods = new Map<string, PodInfo>();
  readonly requested: Resources = new Map();
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  readonly allocatable: Resources = new Map();
  /** hostPort usages: `protocol/hostIP/port`. */
  readonly usedPorts = new Map<string, number>();
  /** Bumped on every change, so cached per-node computations can be reused safely. */
  generation = 0;

  constructor(public node: Stored<Node>) {
    this.setNode(node);
  }

  get name(): string {
    return this.node.metadata.name;
  }

  setNode(node: Stored<Node>): void {
    this.node = node;
    this.allocatable.clear();
    for (const [r, q] of Object.entries((node.status?.allocatable ?? {}) as Record<string, string>)) {
      this.allocatable.set(r, resourceAmount(r, q));
    }
    this.generation++;
  }

  addPod(pi: PodInfo): void {
    const key = pi.pod.metadata.uid;
    if (this.pods.has(key)) this.removePod(key);
    this.pods.set(key, pi);
    for (const [r, v] of pi.requests) this.requested.set(r, (this.requested.get(r) ?? 0) + v);
    this.nonZeroCpu += pi.nonZeroCpu;
    this.nonZeroMemory += pi.nonZeroMemory;
    for (const p of hostPorts(pi.pod)) this.usedPorts.set(p, (this.usedPorts.get(p) ?? 0) + 1);
    this.generation++;
  }

  removePod(uid: string): boolean {
    const pi = this.pods.get(uid);
    if (!pi) return false;
    this.pods.delete(uid);
    for (const [r, v] of pi.requests) this.requested.set(r, (this.requested.get(r) ?? 0) - v);
    this.nonZeroCpu -= pi.nonZeroCpu;
    this.nonZeroMemory -= pi.nonZeroMemory;
    for (const p of hostPorts(pi.pod)) {
      const n = (this.usedPorts.get(p) ?? 1) - 1;
      if (n <= 0) this.usedPorts.delete(p);
      else this.usedPorts.set(p, n);
    }
    this.generation++;
    return true;
  }
}

function hostPorts(pod: Pod): string[] {
  const out: string[] = [];
  for (const c of pod.spec.containers ?? []) {
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP ?? '0.0.0.0'}/${p.hostPort}`);
  }
  return out;
}

// ---- plugins ----

export interface NodeScore {
  name: string;
  score: number;
}

/** What the framework offers plugins: reading the snapshot, binding, time. */
export interface Handle {
  /** Every node of this cycle's snapshot, in the scheduler's node order. */
  nodes(): readonly NodeInfo[];
  node(name: string): NodeInfo | undefined;
  /** POST pods/binding through the scheduler's Client. Throws a StatusError on refusal. */
  bind(pod: Stored<Pod>, nodeName: string): void;
  now(): number;
}

export interface Plugin {
  /** The upstream plugin name: `NodeResourcesFit`. */
  readonly name: string;
}

export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/** What PreFilter may narrow the candidate nodes to (undefined: all). */
export interface PreFilterResult {
  nodeNames?: Set<string>;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Stored<Pod>, nodes: readonly NodeInfo[]): { status: Status; result?: PreFilterResult };
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Stored<Pod>, node: NodeInfo): Status;
}

export interface PostFilterPlugin extends Plugin {
  /** Called when no node fits: may nominate a node (preemption). */
  postFilter(state: CycleState, pod: Stored<Pod>, filtered: ReadonlyMap<string, Status>): { status: Status; nominatedNodeName?: string; message?: string };
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Stored<Pod>, nodes: readonly NodeInfo[]): Status;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: Stored<Pod>, node: NodeInfo): number;
  /** Rescales raw scores to 0..MAX_NODE_SCORE in place. */
  normalizeScore?(state: CycleState, pod: Stored<Pod>, scores: NodeScore[]): void;
}

export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: Stored<Pod>, nodeName: string): Status;
}

/** Cluster events a plugin's rejection can be cured by (EnqueueExtensions.EventsToRegister). */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeUpdateAllocatable'
  | 'NodeUpdateLabel'
  | 'NodeUpdateTaint'
  | 'NodeUpdateCondition'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete'
  | 'UnscheduledPodUpdate';

export interface EnqueueExtensions {
  events(): readonly ClusterEvent[];
}

/** A pod waiting in the scheduling queue. */
export interface QueuedPodInfo {
  pod: Stored<Pod>;
  /** When it entered the queue (or last failed): PrioritySort's tie-break. */
  timestamp: number;
  /** When it was first queued. */
  initialAttemptTimestamp: number;
  attempts: number;
  /** Plugins that rejected it in its last attempt. */
  unschedulablePlugins: Set<string>;
}

/** A normalizer used by several plugins: scale to 0..100, optionally reversed (DefaultNormalizeScore). */
export function defaultNormalizeScore(max: number, reverse: boolean, scores: NodeScore[]): void {
  let highest = 0;
  for (const s of scores) if (s.score > highest) highest = s.score;
  if (highest === 0) {
    if (reverse) for (const s of scores) s.score = max;
    return;
  }
  for (const s of scores) {
    let v = Math.trunc((max * s.score) / highest);
    if (reverse) v = max - v;
    s.score = v;
  }
}
