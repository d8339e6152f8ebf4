/**
 * kube-scheduler: watches pods, nodes and the storage objects its plugins
 * read, keeps a cache of what runs where, queues pending pods, and schedules
 * one pod per task (schedule-one.ts). Cluster events are turned into queue
 * moves as upstream's event handlers do (eventhandlers.go), so an
 * unschedulable pod is retried when something that could help it changes.
 */
import { R, type ResourceType } from '../api/kinds.ts';
import type { KubeObject, Node, Pod, Stored } from '../api/types.ts';
import { deepEqual } from '../api/meta.ts';
import type { Clock } from '../clock/clock.ts';
import type { Random } from '../clock/random.ts';
import type { Client } from '../client/client.ts';
import { InformerFactory, type Informer } from '../client/informer.ts';
import type { EventRecorder } from '../client/events.ts';
import { Action, type ClusterEvent, type ClusterEventWithHint, type Lister, eventMatches, newPodInfo, podPriority } from './framework.ts';
import { type ResolvedConfiguration, type SchedulerConfiguration, DEFAULT_SCHEDULER_NAME, resolveConfiguration } from './config.ts';
import { Framework, type SchedulerServices } from './runtime.ts';
import { SchedulerCache } from './cache.ts';
import { type QueueingStrategy, SchedulingQueue } from './queue.ts';
import { type SchedulerCore, numFeasibleNodesToFind, scheduleOne } from './schedule-one.ts';
import type { SchedulingDecision } from './explain.ts';

export { fitErrorMessage, explainDecision, type SchedulingDecision } from './explain.ts';

export interface SchedulerOptions {
  client: Client;
  clock: Clock;
  random: Random;
  recorder: EventRecorder;
  config?: SchedulerConfiguration;
  /** Record every plugin's filter verdict and score per node (default true; benchmarks turn it off). */
  explain?: boolean;
}

/** Resource types whose changes the scheduler turns into cluster events, by event resource. */
const EVENT_RESOURCES: Array<[ResourceType, ClusterEvent['resource']]> = [
  [R.persistentVolumeClaims, 'PersistentVolumeClaim'],
  [R.persistentVolumes, 'PersistentVolume'],
  [R.storageClasses, 'StorageClass'],
  [R.csiNodes, 'CSINode'],
  [R.csiDrivers, 'CSIDriver'],
];

const ev = (resource: ClusterEvent['resource'], action: number, label: string): ClusterEvent => ({ resource, action, label });
const ASSIGNED_POD_ADD = ev('AssignedPod', Action.Add, 'AssignedPodAdd');
const ASSIGNED_POD_DELETE = ev('AssignedPod', Action.Delete, 'AssignedPodDelete');

export class Scheduler {
  private readonly informers: InformerFactory;
  private readonly nodeInformer: Informer<Node>;
  private readonly pods: Informer<Pod>;
  private readonly cache = new SchedulerCache();
  private readonly frameworks = new Map<string, Framework>();
  private readonly queue: SchedulingQueue;
  private readonly config: ResolvedConfiguration;
  /** Per profile: plugin -> its registered events. */
  private readonly hints = new Map<string, Map<string, readonly ClusterEventWithHint[]>>();
  private readonly core: SchedulerCore;
  private started = false;
  private stopped = false;
  private scheduled = false;
  /** The latest decision per pod (`namespace/name`). */
  readonly decisions = new Map<string, SchedulingDecision>();

  /** Throws SchedulerConfigError for a configuration kube-scheduler would refuse. */
  constructor(private readonly o: SchedulerOptions) {
    this.config = resolveConfiguration(o.config ?? {});
    this.informers = new InformerFactory(o.client);
    this.nodeInformer = this.informers.informer<Node>(R.nodes);
    // Finished pods free their node's resources: the scheduler does not watch them.
    this.pods = this.informers.informer<Pod>(R.pods, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' });
    const services: SchedulerServices = {
      nodes: () => this.cache.nodes(),
      node: (n) => this.cache.node(n),
      havePodsWithAffinity: () => this.cache.havePodsWithAffinity(),
      havePodsWithRequiredAntiAffinity: () => this.cache.havePodsWithRequiredAntiAffinity(),
      nodesChangedSince: (g) => this.cache.nodesChangedSince(g),
      now: () => o.clock.now(),
      random: o.random,
      client: o.client,
      recorder: o.recorder,
      lister: (t) => this.lister(t),
      nominatedPodsForNode: (n) => this.queue.nominatedPodsForNode(n),
      activate: (p) => this.queue.activate([p.metadata.uid]),
      defer: (label, fn) => o.clock.schedule(0, `scheduler ${label}`, fn),
    };
    for (const p of this.config.profiles) {
      const fwk = new Framework(services, p);
      this.frameworks.set(p.schedulerName, fwk);
      const m = new Map<string, readonly ClusterEventWithHint[]>();
      for (const { name, ext } of fwk.plugins.enqueueExtensions) m.set(name, ext.eventsToRegister());
      this.hints.set(p.schedulerName, m);
    }
    const first = [...this.frameworks.values()][0];
    this.queue = new SchedulingQueue({
      clock: o.clock,
      less: (a, b) => first.plugins.queueSort.less(a, b),
      initialBackoffMs: this.config.podInitialBackoffSeconds * 1000,
      maxBackoffMs: this.config.podMaxBackoffSeconds * 1000,
      preEnqueue: (pod) => {
        for (const p of this.frameworkFor(pod)?.plugins.preEnqueue ?? []) {
          const st = p.preEnqueue(pod);
          if (st.code !== 'Success') return { plugin: p.name, status: st };
        }
        return undefined;
      },
      worthRequeuing: (q, e, oldObj, newObj) => this.worthRequeuing(q.pod, q.unschedulablePlugins, e, oldObj, newObj),
      interested: (e) => this.interested(e),
      onActive: () => this.kick(),
    });
    this.core = {
      clock: o.clock,
      random: o.random,
      client: o.client,
      recorder: o.recorder,
      cache: this.cache,
      queue: this.queue,
      pods: this.pods,
      frameworkFor: (p) => this.frameworkFor(p),
      percentageOfNodesToScore: this.config.percentageOfNodesToScore,
      nextStartNodeIndex: 0,
      explain: o.explain ?? true,
      record: (d) => this.decisions.set(d.pod, d),
    };
  }

  private frameworkFor(pod: Pod): Framework | undefined {
    return this.frameworks.get(pod.spec.schedulerName || DEFAULT_SCHEDULER_NAME);
  }

  /** The scheduler's informer-backed lister of a type; the pod and node listers are its own informers. */
  private lister<T extends KubeObject>(type: ResourceType): Lister<T> {
    if (type === R.pods) return this.pods as unknown as Lister<T>;
    if (type === R.nodes) return this.nodeInformer as unknown as Lister<T>;
    const inf = this.informers.informer<T>(type);
    if (this.started) inf.start();
    return inf;
  }

  /** isPodWorthRequeuing: a hint of a plugin that rejected the pod says the event may help. */
  private worthRequeuing(pod: Stored<Pod>, rejectors: ReadonlySet<string>, e: ClusterEvent, oldObj: unknown, newObj: unknown): QueueingStrategy {
    const m = this.hints.get(pod.spec.schedulerName || DEFAULT_SCHEDULER_NAME);
    if (!m) return 'queueAfterBackoff';
    for (const plugin of rejectors) {
      for (const reg of m.get(plugin) ?? []) {
        if (!eventMatches(reg.event, e)) continue;
        let hint: 'Queue' | 'QueueSkip';
        try {
          hint = reg.hint ? reg.hint(pod, oldObj as KubeObject | undefined, newObj as KubeObject | undefined) : 'Queue';
        } catch {
          // A hint that fails must not leave the pod stuck.
          hint = 'Queue';
        }
        if (hint === 'Queue') return 'queueAfterBackoff';
      }
    }
    return 'queueSkip';
  }

  private interested(e: ClusterEvent): boolean {
    if (e.resource === 'WildCard') return true;
    for (const m of this.hints.values()) for (const regs of m.values()) for (const r of regs) if (eventMatches(r.event, e)) return true;
    return false;
  }

  start(): void {
    this.nodeInformer.on({
      add: (n) => {
        this.cache.addNode(n);
        this.queue.onEvent(ev('Node', Action.Add, 'NodeAdd'), undefined, n);
      },
      update: (old, n) => {
        this.cache.updateNode(n);
        for (const e of nodeSchedulingPropertiesChange(n, old)) this.queue.onEvent(e, old, n);
      },
      delete: (n) => {
        this.cache.removeNode(n.metadata.name);
        this.queue.onEvent(ev('Node', Action.Delete, 'NodeDelete'), n, undefined);
      },
    });
    this.pods.on({ add: (p) => this.onPodAdd(p), update: (old, p) => this.onPodUpdate(old, p), delete: (p) => this.onPodDelete(p) });
    for (const [type, resource] of EVENT_RESOURCES) {
      if (!this.interestedInResource(resource)) continue;
      this.informers.informer<KubeObject>(type).on({
        add: (o) => this.queue.onEvent(ev(resource, Action.Add, `${resource}Add`), undefined, o),
        update: (old, o) => this.queue.onEvent(ev(resource, Action.Update, `${resource}Update`), old, o),
        delete: (o) => this.queue.onEvent(ev(resource, Action.Delete, `${resource}Delete`), o, undefined),
      });
    }
    this.started = true;
    this.informers.start();
  }

  private interestedInResource(resource: ClusterEvent['resource']): boolean {
    for (const m of this.hints.values()) for (const regs of m.values()) if (regs.some((r) => r.event.resource === resource)) return true;
    return false;
  }

  stop(): void {
    this.stopped = true;
    this.informers.stop();
  }

  /** How many feasible nodes a cycle looks for among `total` (numFeasibleNodesToFind, the default profile's setting). */
  numFeasibleNodesToFind(total: number): number {
    const first = [...this.frameworks.values()][0];
    return numFeasibleNodesToFind(first?.profile.percentageOfNodesToScore ?? this.config.percentageOfNodesToScore, total);
  }

  /** Pending pods by where they wait, for explanations. */
  queueSnapshot() {
    return this.queue.snapshot();
  }

  /** The profiles by scheduler name. */
  profileNames(): string[] {
    return [...this.frameworks.keys()];
  }

  private responsible(p: Pod): boolean {
    return this.frameworks.has(p.spec.schedulerName || DEFAULT_SCHEDULER_NAME);
  }

  private onPodAdd(p: Stored<Pod>): void {
    if (p.spec.nodeName) {
      this.cache.addPod(p);
      this.queue.onEvent(ASSIGNED_POD_ADD, undefined, p);
    } else if (this.responsible(p)) this.queue.add(p);
  }

  private onPodUpdate(old: Stored<Pod>, p: Stored<Pod>): void {
    if (p.spec.nodeName) {
      if (!old.spec.nodeName) {
        // Bound: it leaves the queue and joins the cache.
        this.queue.delete(old);
        this.cache.addPod(p);
        this.queue.onEvent(ASSIGNED_POD_ADD, undefined, p);
        return;
      }
      this.cache.addPod(p);
      for (const e of podSchedulingPropertiesChange(p, old, 'AssignedPod')) this.queue.onEvent(e, old, p);
      return;
    }
    if (!this.responsible(p) || old.metadata.resourceVersion === p.metadata.resourceVersion) return;
    if (this.cache.isAssumed(p.metadata.uid)) return;
    this.queue.update(old, p, podSchedulingPropertiesChange(p, old, 'UnschedulablePod'));
    if ((old.status?.nominatedNodeName ?? '') !== (p.status?.nominatedNodeName ?? '') && old.status?.nominatedNodeName) {
      // Its old nominated node has room again for pods of lower or equal priority.
      this.queue.onEvent(ASSIGNED_POD_DELETE, old, undefined, (q) => podPriority(q) <= podPriority(old));
    }
  }

  private onPodDelete(p: Stored<Pod>): void {
    if (p.spec.nodeName || this.cache.isAssumed(p.metadata.uid)) {
      this.cache.removePod(p.metadata.uid);
      this.queue.onEvent(ASSIGNED_POD_DELETE, p, undefined);
    }
    this.queue.delete(p);
  }

  private kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    this.o.clock.schedule(0, 'scheduler scheduleOne', () => {
      this.scheduled = false;
      const q = this.queue.pop();
      if (!q) return;
      scheduleOne(this.core, q);
      if (this.queue.poppable) this.kick();
    });
  }
}

/** PodSchedulingPropertiesChange: which scheduling-relevant properties of a pod changed. */
export function podSchedulingPropertiesChange(p: Pod, old: Pod, resource: 'AssignedPod' | 'UnschedulablePod'): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  const r = resource === 'AssignedPod' ? 'AssignedPod' : 'UnschedulablePod';
  if (!deepEqual(p.metadata.labels ?? {}, old.metadata.labels ?? {})) out.push(ev(r, Action.UpdatePodLabel, `${r}UpdatePodLabel`));
  const a = newPodInfo(old as Stored<Pod>).requests;
  const b = newPodInfo(p as Stored<Pod>).requests;
  if ([...a].some(([k, v]) => (b.get(k) ?? 0) < v)) out.push(ev(r, Action.UpdatePodScaleDown, `${r}UpdatePodScaleDown`));
  if ((old.spec.schedulingGates?.length ?? 0) > 0 && !(p.spec.schedulingGates?.length ?? 0)) out.push(ev(r, Action.UpdatePodSchedulingGatesEliminated, `${r}UpdatePodSchedulingGatesEliminated`));
  if ((p.spec.tolerations?.length ?? 0) !== (old.spec.tolerations?.length ?? 0)) out.push(ev(r, Action.UpdatePodToleration, `${r}UpdatePodToleration`));
  if (!out.length) out.push(ev(r, Action.UpdatePodOther, `${r}UpdatePodOther`));
  return out;
}

/** nodeSchedulingPropertiesChange */
export function nodeSchedulingPropertiesChange(n: Node, old: Node): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if (!!n.spec?.unschedulable !== !!old.spec?.unschedulable) out.push(ev('Node', Action.UpdateNodeTaint, 'NodeSpecUnschedulableChange'));
  if (!deepEqual(n.status?.allocatable, old.status?.allocatable)) out.push(ev('Node', Action.UpdateNodeAllocatable, 'NodeAllocatableChange'));
  if (!deepEqual(n.metadata.labels, old.metadata.labels)) out.push(ev('Node', Action.UpdateNodeLabel, 'NodeLabelChange'));
  if (!deepEqual(n.spec?.taints, old.spec?.taints)) out.push(ev('Node', Action.UpdateNodeTaint, 'NodeTaintChange'));
  const conds = (x: Node) => (x.status?.conditions ?? []).map((c) => [c.type, c.status]);
  if (!deepEqual(conds(n), conds(old))) out.push(ev('Node', Action.UpdateNodeCondition, 'NodeConditionChange'));
  if (!deepEqual(n.metadata.annotations, old.metadata.annotations)) out.push(ev('Node', Action.UpdateNodeAnnotation, 'NodeAnnotationChange'));
  return out;
}
