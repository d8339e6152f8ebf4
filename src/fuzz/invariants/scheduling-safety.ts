/**
 * scheduling-safety: every binding is one the scheduler was allowed to make.
 *
 * Checked at each binding, against the state at that moment: the node's pods
 * (not finished) fit its allocatable CPU, memory and pod count; the pod's
 * nodeSelector and required node affinity match the node; the node has no
 * NoSchedule or NoExecute taint the pod does not tolerate and is not cordoned
 * (unless the pod tolerates node.kubernetes.io/unschedulable); no host port
 * clashes; required inter-pod (anti-)affinity holds both ways and hard
 * topology spread stays within maxSkew. Taints and cordons younger than the
 * watch lag a perturbation allows are not held against it: the scheduler
 * could not have seen them yet. Nor are inter-pod rules that hold if the
 * pods that went within that lag (or at that very instant, which a cache
 * hears of later in the instant even unperturbed), and the nodes deleted
 * then with their pods, were still there: a lagging cache still shows them
 * (a deleted pod may satisfy required affinity, or weigh in a spread). As
 * the cache follows the changes of pods in order, the rules may also hold
 * in the state as of any change since the decision, all but the scheduler's
 * own bindings (a pod that began terminating no longer weighs in a spread,
 * but the cache may not know yet). A pod with claims
 * to be provisioned for its node is decided on
 * when the scheduler assumes it there (assumed-pods.ts) and bound only once
 * its volumes are: a taint or cordon that came in between is not held
 * against it (kube-scheduler does not filter again), and while assumed it
 * counts for the inter-pod rules of pods scheduled meanwhile, as it does in
 * the scheduler's cache. The volumes of its claims must be reachable from
 * the node (their node affinity).
 */
import { R, isPodTerminal, resourceAmount, storePrefix, type Node, type Pod, type Stored, type StoreEvent } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import type { Invariant, MonitorContext, Report } from './types.ts';
import { hostPortsClash, hostPortsOf, nodeSelectionProblem, requestsOf, untoleratedHardTaints, tolerates, volumeProblem } from './oracle.ts';
import { interPodProblems, type Placed } from './pod-topology.ts';
import { AssumedPods } from './assumed-pods.ts';

const NODES = storePrefix(R.nodes);
const PODS = storePrefix(R.pods);
const UNSCHEDULABLE_TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const };

const taintKey = (t: { key: string; value?: string; effect: string }) => `${t.key}=${t.value ?? ''}:${t.effect}`;

function hasInterPodRules(p: Pod): boolean {
  const a = p.spec.affinity;
  return !!(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length || a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length || p.spec.topologySpreadConstraints?.length);
}

function monitor(ctx: MonitorContext, report: Report) {
  /** Bound pods that are not finished, by node, by uid. */
  const onNode = new Map<string, Map<string, Stored<Pod>>>();
  /** Since when each hard taint (and the cordon) has been on each node. */
  const since = new Map<string, Map<string, number>>();
  let withRules = 0;
  const assumed = new AssumedPods();

  /** Pods that left their node (deleted or finished), with when, for as long as a lagging cache may still show them. */
  let gone: Array<{ pod: Stored<Pod>; node: string; at: number }> = [];
  /** Nodes deleted, as they last were, with when. */
  const goneNodes = new Map<string, { node: Stored<Node>; at: number }>();
  /**
   * Pod changes, oldest first, for as long as a lagging cache may not have
   * seen them: the scheduler's cache follows one watch of pods, so what it
   * showed when it decided is the state as of one of these changes.
   */
  let changes: Array<{ uid: string; before: Stored<Pod> | undefined; at: number; binding: boolean }> = [];
  const place = (p: Stored<Pod>, add: boolean) => {
    const node = p.spec.nodeName!;
    let m = onNode.get(node);
    if (!m) onNode.set(node, (m = new Map()));
    const had = m.get(p.metadata.uid);
    if (had && hasInterPodRules(had)) withRules--;
    if (add) {
      m.set(p.metadata.uid, p);
      if (hasInterPodRules(p)) withRules++;
    } else m.delete(p.metadata.uid);
  };
  const trackNode = (n: Stored<Node>, at: number) => {
    const old = since.get(n.metadata.name) ?? new Map<string, number>();
    const next = new Map<string, number>();
    const hard = (n.spec?.taints ?? []).filter((t) => t.effect !== 'PreferNoSchedule').map(taintKey);
    if (n.spec?.unschedulable) hard.push('spec.unschedulable');
    for (const k of hard) next.set(k, old.get(k) ?? at);
    since.set(n.metadata.name, next);
  };

  for (const n of ctx.initial.list<Node>(R.nodes)) trackNode(n, Number.NEGATIVE_INFINITY);
  for (const p of ctx.initial.list<Pod>(R.pods)) if (p.spec.nodeName && !isPodTerminal(p)) place(p, true);

  const known = (node: string, key: string, at: number) => {
    const t = since.get(node)?.get(key);
    return t !== undefined && t < at - ctx.staleness;
  };

  /**
   * Whether the inter-pod rules of binding `pod` to `node` held in some state
   * the scheduler's cache may have shown when it decided: the pods as of one
   * of the changes since `decided` (less the lag), undone one by one from the
   * latest, all but its own bindings.
   */
  const seenBefore = (pod: Stored<Pod>, node: Stored<Node>, placed: readonly Placed[], nodes: readonly Stored<Node>[], decided: number): boolean => {
    const nodeNamed = new Map(nodes.map((n) => [n.metadata.name, n]));
    const view = new Map<string, Placed>();
    for (const pl of placed) view.set(pl.pod.metadata.uid, pl);
    // Where a pod was for the scheduler: its node, or the node it is assumed on.
    const placedOn = (p: Stored<Pod> | undefined): Stored<Node> | undefined => {
      const name = p && !isPodTerminal(p) ? (p.spec.nodeName ?? assumed.of(p)?.node) : undefined;
      return name ? nodeNamed.get(name) : undefined;
    };
    for (let i = changes.length - 1; i >= 0 && changes[i].at >= decided - ctx.staleness; i--) {
      const { uid, before, binding } = changes[i];
      // The scheduler's own bindings are in its cache from the moment it decides them (it assumes the pod).
      if (uid === pod.metadata.uid || binding) continue;
      const n = placedOn(before);
      if (n) view.set(uid, { pod: before!, node: n });
      else view.delete(uid);
      if (!interPodProblems(pod, node, [...view.values()], nodes).length) return true;
    }
    return false;
  };

  const checkBinding = (pod: Stored<Pod>, state: View, at: number) => {
    const nodeName = pod.spec.nodeName!;
    const node = state.get<Node>(R.nodes, undefined, nodeName);
    if (!node) return;
    const who = `pod "${pod.metadata.namespace}/${pod.metadata.name}" was bound to node "${nodeName}"`;
    const pods = [...(onNode.get(nodeName)?.values() ?? [])];
    const alloc = (node.status?.allocatable ?? {}) as Record<string, string>;
    const maxPods = Number(alloc.pods ?? 110);
    if (pods.length > maxPods) report(`${who}, which then ran ${pods.length} pods, more than its capacity of ${maxPods}`, at);
    const used = new Map<string, number>();
    for (const p of pods) for (const [r, v] of requestsOf(p)) used.set(r, (used.get(r) ?? 0) + v);
    const mine = requestsOf(pod);
    for (const [r, v] of used) {
      if (!mine.get(r) || alloc[r] === undefined) continue;
      const cap = resourceAmount(r, alloc[r]);
      if (v > cap) report(`${who}, over-committing its ${r}: its pods request ${v} of ${cap} allocatable`, at);
    }
    const sel = nodeSelectionProblem(node, pod);
    if (sel) report(`${who} although ${sel}`, at);
    const vol = volumeProblem(pod, node, state);
    if (vol) report(`${who} although ${vol}`, at);
    const decided = assumed.decidedAt(pod, nodeName, at);
    for (const t of untoleratedHardTaints(node, pod)) {
      if (known(nodeName, taintKey(t), decided)) report(`${who} although the node has the taint ${taintKey(t)}, which the pod does not tolerate`, at);
    }
    if (node.spec?.unschedulable && known(nodeName, 'spec.unschedulable', decided) && !(pod.spec.tolerations ?? []).some((t) => tolerates(t, UNSCHEDULABLE_TAINT))) {
      report(`${who} although the node is cordoned (spec.unschedulable)`, at);
    }
    const ports = hostPortsOf(pod);
    if (ports.length) {
      for (const o of pods) {
        if (o.metadata.uid === pod.metadata.uid) continue;
        for (const a of ports) for (const b of hostPortsOf(o)) if (hostPortsClash(a, b)) report(`${who}, where pod "${o.metadata.name}" already holds host port ${b}`, at);
      }
    }
    if (withRules > 0 || hasInterPodRules(pod)) {
      const placed: Placed[] = [];
      for (const [n, m] of onNode) {
        const nodeObj = state.get<Node>(R.nodes, undefined, n);
        if (!nodeObj) continue;
        for (const p of m.values()) if (p.metadata.uid !== pod.metadata.uid) placed.push({ pod: p, node: nodeObj });
      }
      // Pods assumed on a node while their volumes are provisioned are on it for the scheduler (its cache) already.
      for (const p of state.list<Pod>(R.pods)) {
        const a = p.metadata.uid !== pod.metadata.uid ? assumed.of(p) : undefined;
        const nodeObj = a && state.get<Node>(R.nodes, undefined, a.node);
        if (nodeObj) placed.push({ pod: p, node: nodeObj });
      }
      const nodes = state.list<Node>(R.nodes);
      let problems = interPodProblems(pod, node, placed, nodes);
      // What the scheduler may still have seen when it decided (for an assumed pod, before its volumes' wait).
      const seen = gone.filter((g) => g.at >= decided - ctx.staleness);
      // Nodes deleted since then, with their pods (which the pod garbage collector removes only later).
      const lostNodes = [...goneNodes.values()].filter((g) => g.at >= decided - ctx.staleness && !state.get<Node>(R.nodes, undefined, g.node.metadata.name));
      if (problems.length && (seen.length || lostNodes.length)) {
        const nodeNamed = (name: string) => state.get<Node>(R.nodes, undefined, name) ?? goneNodes.get(name)?.node;
        const stale: Placed[] = seen.flatMap((g) => {
          const n = nodeNamed(g.node);
          return n && g.pod.metadata.uid !== pod.metadata.uid ? [{ pod: g.pod, node: n }] : [];
        });
        for (const g of lostNodes) for (const p of onNode.get(g.node.metadata.name)?.values() ?? []) if (p.metadata.uid !== pod.metadata.uid) stale.push({ pod: p, node: g.node });
        const asSeen = new Set(interPodProblems(pod, node, [...placed, ...stale], [...nodes, ...lostNodes.map((g) => g.node)]));
        problems = problems.filter((p) => asSeen.has(p));
      }
      if (problems.length && seenBefore(pod, node, placed, nodes, decided)) return;
      for (const problem of problems) report(`${who} although ${problem}`, at);
    }
  };

  return {
    onEvent(e: StoreEvent, state: View) {
      const at = ctx.timeOf(e.revision) ?? 0;
      if (e.key.startsWith(NODES)) {
        const n = e.object as Stored<Node>;
        if (e.type === 'DELETED') {
          since.delete(n.metadata.name);
          goneNodes.set(n.metadata.name, { node: n, at });
        } else {
          goneNodes.delete(n.metadata.name);
          trackNode(n, at);
        }
        return;
      }
      if (!e.key.startsWith(PODS)) {
        assumed.onEvent(e, state, at);
        return;
      }
      const pod = e.object as Stored<Pod>;
      const prev = e.prev as Stored<Pod> | undefined;
      if (prev?.spec.nodeName) place(prev, false);
      const horizon = Math.min(at, assumed.oldest() ?? at) - ctx.staleness;
      if (e.type !== 'DELETED' && pod.spec.nodeName && !isPodTerminal(pod)) place(pod, true);
      // Even unperturbed, a cache learns of a change later in the same instant: what left at this instant may still count.
      else if (prev && !isPodTerminal(prev) && (prev.spec.nodeName || (e.type === 'DELETED' && assumed.of(prev)))) {
        // A pod that left its node (or, deleted, the node it was assumed on): kept while a binding still to come may
        // have been decided when it was there.
        if (gone.length && gone[0].at < horizon) gone = gone.filter((g) => g.at >= horizon);
        gone.push({ pod: prev, node: prev.spec.nodeName ?? assumed.of(prev)!.node, at });
      }
      if (e.type === 'MODIFIED' && !prev?.spec.nodeName && pod.spec.nodeName) checkBinding(pod, state, at);
      if (changes.length && changes[0].at < horizon) changes = changes.filter((c) => c.at >= horizon);
      changes.push({ uid: pod.metadata.uid, before: prev, at, binding: e.type === 'MODIFIED' && !prev?.spec.nodeName && !!pod.spec.nodeName });
      assumed.onEvent(e, state, at);
    },
  };
}

export const schedulingSafety: Invariant = {
  name: 'scheduling-safety',
  summary: 'every binding respects capacity, node selection, taints, cordons, host ports, inter-pod affinity and hard spread',
  promise:
    'The scheduler binds a pod only to a feasible node: one whose allocatable resources and pod capacity hold the requests of its pods, ' +
    'that matches the pod\'s nodeSelector and required node affinity, carries no NoSchedule or NoExecute taint the pod does not tolerate, ' +
    'is not cordoned, has the pod\'s host ports free, keeps required inter-pod affinity and DoNotSchedule topology spread, and is selected by the node affinity of the volumes of its claims.',
  references: [
    'https://kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/#kube-scheduler-implementation',
    'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#how-pods-with-resource-requests-are-scheduled',
    'https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/',
    'https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/',
    'https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/',
    'https://kubernetes.io/docs/concepts/storage/persistent-volumes/#node-affinity',
  ],
  kind: 'safety',
  monitor,
};
