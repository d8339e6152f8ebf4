/**
 * The scheduling framework (pkg/scheduler/framework): plugin interfaces for
 * each extension point, typed cycle state, statuses, the cluster events
 * plugins register with their queueing hints, and the Handle plugins get.
 *
 * A plugin imports only this module and `api`. It gets typed node snapshots
 * (NodeInfo), never bare names, and keeps per-cycle data under typed StateKeys.
 */
import type { ResourceType } from '../api/kinds.ts';
import type { KubeObject, Pod, Stored } from '../api/types.ts';
import type { Client } from '../client/client.ts';
import type { EventRecorder } from '../client/events.ts';
import type { NodeInfo, PodInfo } from './node-info.ts';

export {
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  NodeInfo,
  newPodInfo,
  podClaims,
  scoresResource,
  termMatches,
  type AffinityTerm,
  type HostPort,
  type ImageStateSummary,
  type PodInfo,
  Resource,
  type Resources,
  currentGeneration,
  allocatableOf,
  requestedOf,
  type WeightedAffinityTerm,
} from './node-info.ts';

/** Highest score a plugin may give a node after normalization. */
export const MAX_NODE_SCORE = 100;

// ---- statuses ----

export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip' | 'Pending';

export interface Status {
  code: Code;
  /** Reasons as they appear in FailedScheduling messages: "Insufficient cpu". */
  reasons: string[];
  /** The plugin that returned it (filled in by the framework). */
  plugin?: string;
}

export const SUCCESS: Status = Object.freeze({ code: 'Success', reasons: [] }) as unknown as Status;
export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: [] }) as unknown as Status;

export function status(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}

export function isSuccess(s: Status | undefined): boolean {
  return !s || s.code === 'Success';
}

export function isRejected(s: Status): boolean {
  return s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable' || s.code === 'Pending';
}

/** Status.Message(): the reasons joined by ", ". */
export function statusMessage(s: Status): string {
  return s.reasons.join(', ');
}

// ---- cycle state ----

/** A typed key of the cycle state: `new StateKey<PreFilterState>('PreFilterNodeResourcesFit')`. */
export class StateKey<T> {
  declare private readonly _t: T;
  constructor(readonly name: string) {}
}

/** State a plugin changes in AddPod/RemovePod must be copied when the cycle state is (StateData.Clone). */
export interface Clonable<T> {
  clone(): T;
}

/** Data plugins pass from one extension point to the next within one scheduling cycle. */
export class CycleState {
  private data = new Map<StateKey<unknown>, unknown>();
  /** Plugins whose PreFilter said Skip: their Filter is not called this cycle. */
  skipFilter = new Set<string>();
  skipScore = new Set<string>();
  /** The filter plugins that run this cycle (the profile's, less skipped ones), worked out once after PreFilter. */
  activeFilters: readonly FilterPlugin[] | undefined = undefined;
  /** The PreFilter plugins with AddPod/RemovePod that run this cycle, worked out once. */
  activeExtensions: readonly PreFilterPlugin[] | undefined = undefined;
  read<T>(key: StateKey<T>): T | undefined {
    return this.data.get(key as StateKey<unknown>) as T | undefined;
  }
  write<T>(key: StateKey<T>, value: T): void {
    this.data.set(key as StateKey<unknown>, value);
  }
  /** A copy whose clonable values are copies too. */
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v && typeof (v as Clonable<unknown>).clone === 'function' ? (v as Clonable<unknown>).clone() : v);
    c.skipFilter = this.skipFilter;
    c.skipScore = this.skipScore;
    c.activeFilters = this.activeFilters;
    c.activeExtensions = this.activeExtensions;
    return c;
  }
}

// ---- cluster events and queueing hints ----

/** The kinds of object whose changes can make pods schedulable (framework.EventResource). */
export type EventResource =
  | 'Pod'
  | 'AssignedPod'
  | 'UnschedulablePod'
  | 'Node'
  | 'PersistentVolume'
  | 'PersistentVolumeClaim'
  | 'StorageClass'
  | 'CSINode'
  | 'CSIDriver'
  | 'CSIStorageCapacity'
  | 'VolumeAttachment'
  | 'WildCard';

/** framework.ActionType: bit flags. */
export const Action = {
  Add: 1 << 0,
  Delete: 1 << 1,
  UpdateNodeAllocatable: 1 << 2,
  UpdateNodeLabel: 1 << 3,
  UpdateNodeTaint: 1 << 4,
  UpdateNodeCondition: 1 << 5,
  UpdateNodeAnnotation: 1 << 6,
  UpdatePodLabel: 1 << 7,
  UpdatePodScaleDown: 1 << 8,
  UpdatePodToleration: 1 << 9,
  UpdatePodSchedulingGatesEliminated: 1 << 10,
  UpdatePodGeneratedResourceClaim: 1 << 11,
  UpdatePodOther: 1 << 12,
  Update: ((1 << 13) - 1) & ~3,
  All: (1 << 13) - 1,
} as const;

/** One change in the cluster, as the queue sees it (framework.ClusterEvent). */
export interface ClusterEvent {
  resource: EventResource;
  action: number;
  /** Upstream's label for it: `NodeAdd`, `AssignedPodDelete`, `UnschedulableTimeout`. */
  label: string;
}

export type QueueingHint = 'Queue' | 'QueueSkip';

/**
 * QueueingHintFn: given a pod a plugin rejected and an event (old and new
 * object; old undefined for adds, new undefined for deletes), whether the pod
 * may now pass the plugin.
 */
export type QueueingHintFn = (pod: Stored<Pod>, oldObj: KubeObject | undefined, newObj: KubeObject | undefined) => QueueingHint;

export interface ClusterEventWithHint {
  event: { resource: EventResource; action: number };
  /** Undefined: always Queue. */
  hint?: QueueingHintFn;
}

/** Whether a registered event covers an incoming one (ClusterEvent.Match). */
export function eventMatches(registered: { resource: EventResource; action: number }, incoming: ClusterEvent): boolean {
  if (incoming.resource === 'WildCard' || registered.resource === 'WildCard') return true;
  const resourceOk =
    registered.resource === incoming.resource || (registered.resource === 'Pod' && (incoming.resource === 'AssignedPod' || incoming.resource === 'UnschedulablePod'));
  return resourceOk && (registered.action & incoming.action) !== 0;
}

export interface EnqueueExtensions {
  /** Events whose occurrence may make a pod this plugin rejected schedulable. */
  eventsToRegister(): readonly ClusterEventWithHint[];
}

// ---- the queue's view of a pod ----

/** A pod waiting in the scheduling queue. */
export interface QueuedPodInfo {
  pod: Stored<Pod>;
  /** When it entered the queue (or last failed): PrioritySort's tie-break and the backoff base. */
  timestamp: number;
  /** When it was first queued. */
  initialAttemptTimestamp: number;
  attempts: number;
  /** Plugins that rejected it in its last attempt (or gate it at PreEnqueue). */
  unschedulablePlugins: Set<string>;
  /** The PreEnqueue plugin that keeps it out of activeQ, if any. */
  gatingPlugin?: string;
  /** Cached backoff expiry; cleared when it is popped. */
  backoffExpiration?: number;
}

// ---- the handle ----

/** Read access to the scheduler's informer cache of one resource type. */
export interface Lister<T extends KubeObject> {
  get(namespace: string | undefined, name: string): Stored<T> | undefined;
  list(namespace?: string): Stored<T>[];
}

/**
 * What the framework offers plugins (framework.Handle): the snapshot, listers,
 * the Client, events, randomness, and the framework's own extension points
 * for plugins that evaluate hypothetical placements (preemption).
 */
export interface Handle {
  /** Every node of this cycle's snapshot, in the scheduler's node order. */
  nodes(): readonly NodeInfo[];
  node(name: string): NodeInfo | undefined;
  /** Nodes that have pods with affinity or anti-affinity terms. */
  havePodsWithAffinity(): readonly NodeInfo[];
  /** Nodes that have pods with required anti-affinity terms. */
  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[];
  /**
   * The nodes (of nodes()) that changed since `generation` (see
   * currentGeneration), possibly some more than once; undefined when that is
   * too long ago to tell. Optional: without it, plugins look at every node.
   */
  nodesChangedSince?(generation: number): readonly NodeInfo[] | undefined;
  /** POST pods/binding through the scheduler's Client. Throws a StatusError on refusal. */
  bind(pod: Stored<Pod>, nodeName: string): void;
  now(): number;
  /** The cluster's seeded random source (upstream's rand). */
  random: { int(n: number): number };
  client: Client;
  recorder: EventRecorder;
  /** An informer-backed lister; call it when the plugin is made. */
  lister<T extends KubeObject>(type: ResourceType): Lister<T>;
  /** Pods nominated to run on the node (by preemption), highest priority first. */
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Stored<Pod>, node: NodeInfo): Status;
  runPreFilterExtensionAddPod(state: CycleState, pod: Stored<Pod>, toAdd: PodInfo, node: NodeInfo): Status;
  runPreFilterExtensionRemovePod(state: CycleState, pod: Stored<Pod>, toRemove: PodInfo, node: NodeInfo): Status;
  /** Moves a pending pod to activeQ (Handle.Activate). */
  activate(pod: Stored<Pod>): void;
  /** Runs `fn` later at the current instant, as an asynchronous API call would (a goroutine upstream). */
  defer(label: string, fn: () => void): void;
}

// ---- plugins ----

export interface NodeScore {
  name: string;
  score: number;
}

export interface Plugin {
  /** The upstream plugin name: `NodeResourcesFit`. */
  readonly name: string;
}

export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: Stored<Pod>): Status;
}

export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/** What PreFilter may narrow the candidate nodes to (undefined: all). */
export interface PreFilterResult {
  nodeNames?: Set<string>;
}

/** Incremental updates of PreFilter state for a pod added to or removed from a node (preemption, nominated pods). */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: Stored<Pod>, toAdd: PodInfo, node: NodeInfo): Status;
  removePod(state: CycleState, podToSchedule: Stored<Pod>, toRemove: PodInfo, node: NodeInfo): Status;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Stored<Pod>, nodes: readonly NodeInfo[]): { status: Status; result?: PreFilterResult };
  preFilterExtensions?: PreFilterExtensions;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Stored<Pod>, node: NodeInfo): Status;
}

/** The filter verdicts of a failed cycle: explicit per evaluated node, `absent` for the rest. */
export interface NodeToStatus {
  readonly statuses: ReadonlyMap<string, Status>;
  readonly absent: Status;
  get(node: string): Status;
}

export interface PostFilterPlugin extends Plugin {
  /** Called when no node fits: may nominate a node (preemption). The status message joins the FailedScheduling message. */
  postFilter(state: CycleState, pod: Stored<Pod>, filtered: NodeToStatus): { status: Status; nominatedNodeName?: string };
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Stored<Pod>, nodes: readonly NodeInfo[]): Status;
}

export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: Stored<Pod>, node: NodeInfo): number;
  /** Rescales raw scores to 0..MAX_NODE_SCORE in place. */
  normalizeScore?(state: CycleState, pod: Stored<Pod>, scores: NodeScore[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Stored<Pod>, nodeName: string): Status;
  unreserve(state: CycleState, pod: Stored<Pod>, nodeName: string): void;
}

/** A PreBind that has to wait (VolumeBinding waiting for claims to bind): polled until it decides or times out. */
export interface PreBindWait {
  code: 'Wait';
  intervalMs: number;
  timeoutMs: number;
  /** Undefined: keep waiting. */
  check(): Status | undefined;
  /** The status when the wait times out. */
  timedOut(): Status;
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: Stored<Pod>, nodeName: string): Status | PreBindWait;
}

export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: Stored<Pod>, nodeName: string): Status;
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

/** corev1helpers.PodPriority: spec.priority, 0 when unset. */
export function podPriority(pod: Pod): number {
  return pod.spec.priority ?? 0;
}
