/**
 * The node lifecycle controller (pkg/controller/nodelifecycle).
 *
 * - Every node-monitor-period (5 s) it checks each node's health: a node whose
 *   Lease was not renewed and whose Ready condition's heartbeat did not move
 *   for node-monitor-grace-period (50 s) gets Ready, MemoryPressure,
 *   DiskPressure and PIDPressure set to Unknown ("Kubelet stopped posting node
 *   status."), a NodeNotReady event, and its pods marked not Ready.
 * - From the pre-check Ready condition of each pass, a node that is Unknown or
 *   False is queued for the unreachable or not-ready NoExecute taint, added
 *   every 100 ms at 0.1 nodes per second per zone (0.01, or none in small
 *   clusters, when more than 55% of a zone is unhealthy; none at all when
 *   every node of the cluster is unhealthy). A Ready node loses both taints.
 * - On every node change, the NoSchedule taints mirror the node's conditions
 *   (not-ready, unreachable, memory/disk/pid pressure, network unavailable)
 *   and spec.unschedulable.
 */
import { R } from '../api/kinds.ts';
import type { Lease, Node, NodeCondition, Pod, Stored, Taint } from '../api/types.ts';
import { clone, deepEqual, getCondition } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller, ControllerContext } from './manager.ts';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
const CONDITION_TAINT_KEYS = new Set(Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)));

/** scheduler.NodeEvictionPeriod: how often the NoExecute tainter runs. */
const NODE_EVICTION_PERIOD_MS = 100;
/** --node-eviction-rate and --secondary-node-eviction-rate, nodes per second. */
const EVICTION_QPS = 0.1;
const SECONDARY_EVICTION_QPS = 0.01;
/** --unhealthy-zone-threshold and --large-cluster-size-threshold. */
const UNHEALTHY_ZONE_THRESHOLD = 0.55;
const LARGE_CLUSTER_THRESHOLD = 50;

type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

interface Health {
  probeTimestamp: number;
  readyTransitionTimestamp: number;
  heartbeat?: string;
  transition?: string;
  renewTime?: string;
}

/** A token bucket (burst 1) gating how many nodes of a zone may be tainted. */
class ZoneTainter {
  readonly queue: string[] = [];
  private tokens = 1;
  private last: number;
  constructor(
    public qps: number,
    now: number,
  ) {
    this.last = now;
  }
  add(node: string): boolean {
    if (this.queue.includes(node)) return false;
    this.queue.push(node);
    return true;
  }
  remove(node: string): void {
    const i = this.queue.indexOf(node);
    if (i >= 0) this.queue.splice(i, 1);
  }
  take(now: number): boolean {
    if (this.qps > 0) this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
    // Tokens accrue in small steps (a pass every 100 ms): allow for rounding, so 0.1/s means every 10 s exactly.
    if (this.qps <= 0 || this.tokens < 1 - 1e-9) return false;
    this.tokens = Math.max(0, this.tokens - 1);
    return true;
  }
}

export function zoneKey(node: Pick<Node, 'metadata'>): string {
  const l = node.metadata.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region || zone ? `${region}:\u0000:${zone}` : '';
}

export function nodeLifecycleController(): Controller {
  let nodes: Informer<Node>;
  let leases: Informer<Lease>;
  let pods: Informer<Pod>;
  const health = new Map<string, Health>();
  const known = new Map<string, string>();
  const tainters = new Map<string, ZoneTainter>();
  const zoneStates = new Map<string, ZoneState>();
  const retry = new Set<string>();
  let ctx!: ControllerContext;

  const tainter = (zone: string) => {
    let t = tainters.get(zone);
    if (!t) tainters.set(zone, (t = new ZoneTainter(EVICTION_QPS, ctx.clock.now())));
    return t;
  };

  const monitor = () => {
    monitorNodeHealth();
    ctx.clock.schedule(ctx.config.nodeMonitorPeriodMs, 'controller node-lifecycle-controller monitor', monitor);
  };
  const taintPass = () => {
    doNoExecuteTaintingPass();
    ctx.clock.schedule(NODE_EVICTION_PERIOD_MS, 'controller node-lifecycle-controller taint', taintPass);
  };

  function monitorNodeHealth(): void {
    const all = nodes.list();
    const seen = new Set<string>();
    for (const node of all) {
      const name = node.metadata.name;
      seen.add(name);
      if (!known.has(name)) {
        known.set(name, node.metadata.uid);
        tainter(zoneKey(node));
        ctx.recorder.event(node, 'Normal', 'RegisteredNode', `Node ${name} event: Registered Node ${name} in Controller`);
      }
    }
    for (const [name, uid] of [...known]) {
      if (seen.has(name)) continue;
      known.delete(name);
      health.delete(name);
      for (const t of tainters.values()) t.remove(name);
      ctx.recorder.event(
        { apiVersion: 'v1', kind: 'Node', metadata: { name, uid } },
        'Normal',
        'RemovingNode',
        `Node ${name} event: Removing Node ${name} from Controller`,
      );
    }
    const zoneConditions = new Map<string, Array<NodeCondition | undefined>>();
    for (const cached of all) {
      let node = cached;
      const { observed, current, updated } = tryUpdateNodeHealth(node);
      if (updated) node = updated;
      const zone = zoneKey(node);
      if (!zoneConditions.has(zone)) zoneConditions.set(zone, []);
      zoneConditions.get(zone)!.push(current);
      if (!current) continue;
      const onNode = pods.byIndex('node', node.metadata.name);
      processTaintBaseEviction(node, observed);
      const name = node.metadata.name;
      if (current.status !== 'True' && observed.status === 'True') {
        ctx.recorder.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
        markPodsNotReady(onNode, name);
      } else if (retry.has(name) && observed.status !== 'True') {
        markPodsNotReady(onNode, name);
      }
    }
    handleDisruption(zoneConditions, all);
  }

  function tryUpdateNodeHealth(node: Stored<Node>): { observed: NodeCondition; current?: NodeCondition; updated?: Stored<Node> } {
    const now = ctx.clock.now();
    const name = node.metadata.name;
    const ready = getCondition(node.status?.conditions, 'Ready');
    const created = Date.parse(node.metadata.creationTimestamp);
    let grace = ctx.config.nodeMonitorGracePeriodMs;
    let observed: NodeCondition;
    let h = health.get(name);
    if (!ready) {
      observed = { type: 'Ready', status: 'Unknown', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: node.metadata.creationTimestamp };
      grace = ctx.config.nodeStartupGracePeriodMs;
      if (!h) h = { probeTimestamp: created, readyTransitionTimestamp: created };
    } else {
      observed = { ...ready };
      if (!h || h.heartbeat === undefined) {
        h = { probeTimestamp: now, readyTransitionTimestamp: now, renewTime: h?.renewTime };
      } else if (h.heartbeat !== ready.lastHeartbeatTime) {
        const transition = h.transition !== ready.lastTransitionTime ? now : h.readyTransitionTimestamp;
        h = { probeTimestamp: now, readyTransitionTimestamp: transition, renewTime: h.renewTime };
      }
      h.heartbeat = ready.lastHeartbeatTime;
      h.transition = ready.lastTransitionTime;
    }
    // A renewed Lease counts as a heartbeat.
    const lease = leases.get('kube-node-lease', name);
    const renew = lease?.spec?.renewTime;
    if (renew && (h.renewTime === undefined || Date.parse(h.renewTime) < Date.parse(renew))) {
      h.renewTime = renew;
      h.probeTimestamp = now;
    }
    health.set(name, h);
    if (!(now > h.probeTimestamp + grace)) return { observed, current: ready };

    const next = clone(node) as Stored<Node>;
    next.status = next.status ?? {};
    const conditions = next.status.conditions ?? (next.status.conditions = []);
    const iso = ctx.clock.iso(now);
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      const c = conditions.find((x) => x.type === type);
      if (!c) {
        conditions.push({
          type,
          status: 'Unknown',
          reason: 'NodeStatusNeverUpdated',
          message: 'Kubelet never posted node status.',
          lastHeartbeatTime: node.metadata.creationTimestamp,
          lastTransitionTime: iso,
        });
      } else if (c.status !== 'Unknown') {
        c.status = 'Unknown';
        c.reason = 'NodeStatusUnknown';
        c.message = 'Kubelet stopped posting node status.';
        c.lastTransitionTime = iso;
      }
    }
    const current = conditions.find((c) => c.type === 'Ready')!;
    if (deepEqual(current, observed)) return { observed, current };
    try {
      const updated = ctx.client.updateStatus(R.nodes, next);
      health.set(name, { ...h, readyTransitionTimestamp: now, heartbeat: current.lastHeartbeatTime, transition: current.lastTransitionTime });
      return { observed, current, updated };
    } catch (e) {
      if (isStatusError(e, 'NotFound') || isStatusError(e, 'Conflict')) return { observed, current: ready };
      throw e;
    }
  }

  function processTaintBaseEviction(node: Stored<Node>, observed: NodeCondition): void {
    const taints = node.spec?.taints ?? [];
    const has = (key: string) => taints.some((t) => t.key === key && t.effect === 'NoExecute');
    const zone = zoneKey(node);
    if (observed.status === 'False') {
      if (has(TAINT_UNREACHABLE)) swapTaints(node, [noExecute(TAINT_NOT_READY)], [TAINT_UNREACHABLE]);
      else tainter(zone).add(node.metadata.name);
    } else if (observed.status === 'Unknown') {
      if (has(TAINT_NOT_READY)) swapTaints(node, [noExecute(TAINT_UNREACHABLE)], [TAINT_NOT_READY]);
      else tainter(zone).add(node.metadata.name);
    } else if (observed.status === 'True') {
      markNodeAsReachable(node);
    }
  }

  function markNodeAsReachable(node: Stored<Node>): void {
    const taints = node.spec?.taints ?? [];
    if (taints.some((t) => (t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY) && t.effect === 'NoExecute')) {
      swapTaints(node, [], [TAINT_UNREACHABLE, TAINT_NOT_READY]);
    }
    tainter(zoneKey(node)).remove(node.metadata.name);
  }

  function doNoExecuteTaintingPass(): void {
    const now = ctx.clock.now();
    if (allFullyDisrupted()) return;
    for (const t of tainters.values()) {
      while (t.queue.length) {
        // RateLimitedTimedQueue.Try: every attempt takes a token, even one that finds the node ready again.
        if (!t.take(now)) break;
        const name = t.queue.shift()!;
        const node = nodes.get(undefined, name);
        const ready = node ? getCondition(node.status?.conditions, 'Ready') : undefined;
        if (!node || !ready || ready.status === 'True') continue;
        const [add, remove] = ready.status === 'False' ? [TAINT_NOT_READY, TAINT_UNREACHABLE] : [TAINT_UNREACHABLE, TAINT_NOT_READY];
        swapTaints(node, [noExecute(add)], [remove]);
      }
    }
  }

  function allFullyDisrupted(): boolean {
    if (!zoneStates.size) return false;
    for (const s of zoneStates.values()) if (s !== 'FullDisruption') return false;
    return true;
  }

  function handleDisruption(zoneConditions: Map<string, Array<NodeCondition | undefined>>, all: Stored<Node>[]): void {
    const wasAllFull = allFullyDisrupted();
    const states = new Map<string, { state: ZoneState; size: number }>();
    for (const [zone, conds] of zoneConditions) {
      let readyNodes = 0;
      let notReady = 0;
      for (const c of conds) if (c?.status === 'True') readyNodes++; else notReady++;
      let state: ZoneState = 'Normal';
      if (readyNodes === 0 && notReady > 0) state = 'FullDisruption';
      else if (notReady > 2 && notReady / (notReady + readyNodes) >= UNHEALTHY_ZONE_THRESHOLD) state = 'PartialDisruption';
      states.set(zone, { state, size: conds.length });
    }
    for (const zone of [...zoneStates.keys()]) if (!states.has(zone)) zoneStates.delete(zone);
    const nowAllFull = states.size > 0 && [...states.values()].every((s) => s.state === 'FullDisruption');
    if (nowAllFull) {
      // Master disruption mode: when every node is unhealthy the problem is the control plane's, so no one is evicted.
      if (!wasAllFull) for (const node of all) markNodeAsReachable(node);
      for (const [zone, s] of states) {
        zoneStates.set(zone, s.state);
        tainter(zone).qps = 0;
      }
      return;
    }
    if (wasAllFull) {
      // Leaving master disruption mode: every node gets a fresh grace period.
      const now = ctx.clock.now();
      for (const h of health.values()) {
        h.probeTimestamp = now;
        h.readyTransitionTimestamp = now;
      }
    }
    for (const [zone, s] of states) {
      zoneStates.set(zone, s.state);
      const t = tainter(zone);
      t.qps = s.state === 'PartialDisruption' ? (s.size > LARGE_CLUSTER_THRESHOLD ? SECONDARY_EVICTION_QPS : 0) : EVICTION_QPS;
    }
  }

  /** SwapNodeControllerTaint: adds NoExecute taints (stamped with timeAdded) and removes others, on the live node. */
  function swapTaints(node: Stored<Node>, add: Taint[], removeKeys: string[]): boolean {
    try {
      const fresh = ctx.client.get<Node>(R.nodes, undefined, node.metadata.name);
      const before = fresh.spec?.taints ?? [];
      const taints = before.filter((t) => !(t.effect === 'NoExecute' && removeKeys.includes(t.key)));
      for (const a of add) if (!taints.some((t) => t.key === a.key && t.effect === a.effect)) taints.push({ ...a, timeAdded: ctx.clock.iso() });
      if (deepEqual(taints, before)) return true;
      const spec = { ...(fresh.spec ?? {}), taints };
      if (!taints.length) delete (spec as { taints?: Taint[] }).taints;
      ctx.client.update(R.nodes, { ...fresh, spec });
      return true;
    } catch (e) {
      if (isStatusError(e, 'NotFound') || isStatusError(e, 'Conflict')) return false;
      throw e;
    }
  }

  function markPodsNotReady(onNode: Stored<Pod>[], nodeName: string): void {
    let failed = false;
    for (const pod of onNode) {
      if (pod.spec.nodeName !== nodeName) continue;
      const conditions = pod.status?.conditions ?? [];
      const i = conditions.findIndex((c) => c.type === 'Ready');
      if (i < 0 || conditions[i].status === 'False') continue;
      const next = clone(pod);
      next.status!.conditions![i] = { ...conditions[i], status: 'False', lastTransitionTime: ctx.clock.iso() };
      try {
        ctx.client.updateStatus(R.pods, next);
        ctx.recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (e) {
        if (isStatusError(e, 'NotFound')) continue;
        failed = true;
      }
    }
    if (failed) retry.add(nodeName);
    else retry.delete(nodeName);
  }

  /** doNoScheduleTaintingPass: NoSchedule taints follow the node's conditions and spec.unschedulable. */
  function syncNoScheduleTaints(node: Stored<Node>): void {
    const want: Taint[] = [];
    for (const c of node.status?.conditions ?? []) {
      const key = CONDITION_TAINTS[c.type]?.[c.status];
      if (key) want.push({ key, effect: 'NoSchedule' });
    }
    if (node.spec?.unschedulable) want.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
    const have = (node.spec?.taints ?? []).filter((t) => t.effect === 'NoSchedule' && (t.key === TAINT_UNSCHEDULABLE || CONDITION_TAINT_KEYS.has(t.key)));
    const toAdd = want.filter((w) => !have.some((h) => h.key === w.key));
    const toDel = have.filter((h) => !want.some((w) => w.key === h.key));
    if (!toAdd.length && !toDel.length) return;
    const iso = ctx.clock.iso();
    try {
      const fresh = ctx.client.get<Node>(R.nodes, undefined, node.metadata.name);
      const taints = (fresh.spec?.taints ?? []).filter((t) => !(t.effect === 'NoSchedule' && toDel.some((d) => d.key === t.key)));
      for (const a of toAdd) if (!taints.some((t) => t.key === a.key && t.effect === 'NoSchedule')) taints.push({ ...a, timeAdded: iso });
      const spec = { ...(fresh.spec ?? {}), taints };
      if (!taints.length) delete (spec as { taints?: Taint[] }).taints;
      ctx.client.update(R.nodes, { ...fresh, spec });
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
      ctx.enqueue(node.metadata.name, 1000);
    }
  }

  return {
    name: 'node-lifecycle-controller',
    // Upstream's node lifecycle controller records its events as "node-controller".
    eventSource: 'node-controller',
    setup(c) {
      ctx = c;
      nodes = ctx.informers.informer<Node>(R.nodes);
      leases = ctx.informers.informer<Lease>(R.leases, { namespace: 'kube-node-lease' });
      pods = ctx.informers.informer<Pod>(R.pods).addIndex('node', (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
      nodes.on({ add: (n) => ctx.enqueue(n.metadata.name), update: (_o, n) => ctx.enqueue(n.metadata.name) });
      // A pod newly bound to an unhealthy node is marked not ready at once (processPod).
      pods.on({
        add: (p) => p.spec.nodeName && ctx.enqueue(`pod:${p.metadata.namespace}/${p.metadata.name}`),
        update: (o, p) => p.spec.nodeName && o.spec.nodeName !== p.spec.nodeName && ctx.enqueue(`pod:${p.metadata.namespace}/${p.metadata.name}`),
      });
      ctx.clock.schedule(0, 'controller node-lifecycle-controller monitor', monitor);
      ctx.clock.schedule(0, 'controller node-lifecycle-controller taint', taintPass);
    },
    reconcile(key) {
      if (key.startsWith('pod:')) {
        const [ns, name] = key.slice(4).split('/');
        const pod = pods.get(ns, name);
        const node = pod?.spec.nodeName ? nodes.get(undefined, pod.spec.nodeName) : undefined;
        if (!pod || !node) return;
        if (getCondition(node.status?.conditions, 'Ready')?.status !== 'True') markPodsNotReady([pod], node.metadata.name);
        return;
      }
      const node = nodes.get(undefined, key);
      if (node) syncNoScheduleTaints(node);
    },
  };
}

function noExecute(key: string): Taint {
  return { key, effect: 'NoExecute' };
}
