/**
 * preemption-safety: the scheduler preempts only pods of strictly lower
 * priority, all of one preemption on one node, never for a pod whose
 * preemptionPolicy is Never, and only when the pod fits no node.
 *
 * Each preemption is read from the scheduler's own record of it: the
 * `Preempted` event on the victim, "Preempted by pod <uid> on node <node>"
 * (upstream's PreemptPod records exactly this). Victims are deleted after
 * the preemptor is nominated (asynchronous preemption), so an event, not
 * the order of writes, says whose victim a pod was.
 *
 * "Only when nothing fits" is judged on the state the scheduler decided
 * on: just before it nominated the preemptor (the scheduling cycle that
 * failed and chose the victims; they are deleted afterwards, by which time
 * pods that were terminating then may be gone). No node could take the
 * preemptor then, counting the pods bound there (terminating ones too, as
 * the scheduler does until they are gone) and the pending pods nominated
 * there of at least its priority, as the filters count them
 * (addNominatedPods), and the pods the scheduler has assumed on a node
 * while their volumes are provisioned there (in its cache, and so
 * possible victims, before they are bound); all of them count for room and
 * for inter-pod rules alike.
 *
 * WARNING: with watch deliveries perturbed the scheduler decides from a
 * stale cache, and preempts for room it cannot yet see, upstream as well:
 * those histories are not held to "only when nothing fits".
 */
import { R, isPodTerminal, storePrefix, type KubeObject, type Node, type Pod, type Stored, type StoreEvent } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import type { Invariant, MonitorContext, Report } from './types.ts';
import { fits } from './scheduler-liveness.ts';
import { AssumedPods } from './assumed-pods.ts';
import type { Placed } from './pod-topology.ts';

const PODS = storePrefix(R.pods);
const EVENTS = storePrefix(R.events);
const SCHEDULER = 'default-scheduler';
const PREEMPTED = /^Preempted by pod (\S+) on node (\S+)$/;

interface PreemptedEvent extends KubeObject {
  involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string };
  reason?: string;
  message?: string;
  count?: number;
}

const priority = (p: Pod) => p.spec.priority ?? 0;

/** The node of `nodes` that could take `pod` among `pods`, if any, as the scheduler's filters see it. */
function nodeThatFits(pod: Stored<Pod>, pods: readonly Stored<Pod>[], nodes: readonly Stored<Node>[], assumedOn: ReadonlyMap<string, string>, volumes: Pick<View, 'get'>): Stored<Node> | undefined {
  const byName = new Map(nodes.map((n) => [n.metadata.name, n]));
  const onNode = new Map<string, Stored<Pod>[]>();
  const placed: Placed[] = [];
  const nominatedOn = new Map<string, Placed[]>();
  const add = <T>(m: Map<string, T[]>, k: string, v: T) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const p of pods) {
    if (p.metadata.uid === pod.metadata.uid || isPodTerminal(p)) continue;
    // Pending pods nominated to a node hold room there for pods of lower or equal priority.
    const nominated = !p.spec.nodeName && p.status?.nominatedNodeName && priority(p) >= priority(pod) ? p.status.nominatedNodeName : undefined;
    const bound = p.spec.nodeName ?? assumedOn.get(p.metadata.uid);
    const where = bound ?? nominated;
    if (!where) continue;
    add(onNode, where, p);
    const n = byName.get(where);
    if (!n) continue;
    // Bound and assumed pods are in the scheduler's cache, for every node's inter-pod rules; nominated ones are added
    // only while their own node is filtered (addNominatedPods).
    if (bound) placed.push({ pod: p, node: n });
    else add(nominatedOn, where, { pod: p, node: n });
  }
  return nodes.find((n) => fits(pod, n, onNode.get(n.metadata.name) ?? [], [...placed, ...(nominatedOn.get(n.metadata.name) ?? [])], nodes, volumes));
}

function monitor(ctx: MonitorContext, report: Report) {
  /** Every pod seen, by uid, as last seen (deleted ones too: a victim is gone when its event is written). */
  const seen = new Map<string, Stored<Pod>>();
  for (const p of ctx.initial.list<Pod>(R.pods)) seen.set(p.metadata.uid, p);
  /** Per preemptor, the state before the scheduler last nominated it. */
  const decided = new Map<string, { pods: Stored<Pod>[]; nodes: Stored<Node>[]; assumedOn: Map<string, string> }>();
  const assumed = new AssumedPods();
  /** The node each preemptor preempted on, per instant. */
  const nodeOf = new Map<string, string>();
  /** The nodes each preemptor was nominated to, per instant: one per preemption (scheduling cycle). */
  const nominatedTo = new Map<string, Set<string>>();
  const judged = new Set<string>();

  const onPreempted = (ev: PreemptedEvent, at: number, state: View) => {
    const m = PREEMPTED.exec(ev.message ?? '');
    const victimUid = ev.involvedObject?.uid;
    if (!m || !victimUid) return;
    const [, preemptorUid, node] = m;
    const victim = seen.get(victimUid);
    const preemptor = seen.get(preemptorUid);
    const victimName = `pod "${ev.involvedObject?.namespace}/${ev.involvedObject?.name}"`;
    if (!preemptor) {
      report(`${victimName} was preempted by pod ${preemptorUid}, which never existed`, at);
      return;
    }
    const who = `pod "${preemptor.metadata.namespace}/${preemptor.metadata.name}"`;
    if (preemptor.spec.preemptionPolicy === 'Never') report(`${who} preempted ${victimName} although its preemptionPolicy is Never`, at);
    if (victim && priority(victim) >= priority(preemptor)) report(`${who} (priority ${priority(preemptor)}) preempted ${victimName} of priority ${priority(victim)}`, at);
    const before = decided.get(preemptorUid);
    const victimNode = victim && (victim.spec.nodeName ?? before?.assumedOn.get(victim.metadata.uid) ?? assumed.of(victim)?.node);
    if (victim && victimNode !== node) report(`${who} preempted ${victimName} on node "${victimNode}" for room on node "${node}"`, at);
    const key = `${preemptorUid}@${at}`;
    const earlier = nodeOf.get(key);
    // Two cycles may preempt in one instant (the second before the cache hears of the first one's victims), each
    // nominating the pod to its own node; one preemption never spans two nodes.
    const cycles = nominatedTo.get(key);
    if (earlier && earlier !== node && !(cycles?.has(earlier) && cycles.has(node))) report(`${who} preempted pods on two nodes at once: "${earlier}" and "${node}"`, at);
    nodeOf.set(key, node);
    if (ctx.watchesPerturbed || judged.has(key) || !before) return;
    judged.add(key);
    const asBefore = before.pods.find((p) => p.metadata.uid === preemptorUid) ?? preemptor;
    if (asBefore.spec.nodeName) return;
    // Claims and volumes as they are now (a volume's node affinity does not change once it is bound).
    const fit = nodeThatFits(asBefore, before.pods, before.nodes, before.assumedOn, state);
    if (fit) report(`${who} preempted ${victimName} although node "${fit.metadata.name}" could take it`, at);
  };

  return {
    onEvent(e: StoreEvent, state: View) {
      const at = ctx.timeOf(e.revision) ?? 0;
      assumed.onEvent(e, state, at);
      if (e.key.startsWith(PODS)) {
        const pod = e.object as Stored<Pod>;
        const prev = e.prev as Stored<Pod> | undefined;
        // A nomination is written by the scheduling cycle that chose the victims: what it decided on is the state before.
        if (prev && e.type === 'MODIFIED' && !pod.spec.nodeName && pod.status?.nominatedNodeName && ctx.writerOf(e.revision)?.component === SCHEDULER) {
          const k = `${pod.metadata.uid}@${at}`;
          if (!nominatedTo.has(k)) nominatedTo.set(k, new Set());
          nominatedTo.get(k)!.add(pod.status.nominatedNodeName);
          const pods = state.list<Pod>(R.pods).map((p) => (p.metadata.uid === pod.metadata.uid ? prev : p));
          const assumedOn = new Map<string, string>();
          for (const p of pods) {
            const a = assumed.of(p);
            if (a) assumedOn.set(p.metadata.uid, a.node);
          }
          decided.set(pod.metadata.uid, { pods, nodes: state.list<Node>(R.nodes), assumedOn });
        }
        seen.set(pod.metadata.uid, pod);
        return;
      }
      if (!e.key.startsWith(EVENTS) || e.type === 'DELETED') return;
      const ev = e.object as PreemptedEvent;
      if (ev.reason !== 'Preempted' || ctx.writerOf(e.revision)?.component !== SCHEDULER) return;
      if (e.type === 'MODIFIED' && (ev.count ?? 1) <= ((e.prev as PreemptedEvent | undefined)?.count ?? 1)) return;
      onPreempted(ev, at, state);
    },
  };
}

export const preemptionSafety: Invariant = {
  name: 'preemption-safety',
  summary: 'preemption evicts only strictly lower priority pods, on one node, and only when nothing fits',
  promise:
    'If a pending pod cannot be scheduled, the scheduler tries to preempt lower priority pods to make scheduling of the pending pod possible; it picks one node, ' +
    'evicts only pods of lower priority there, and pods with preemptionPolicy Never never preempt.',
  references: [
    'https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#preemption',
    'https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#non-preempting-priority-class',
    'kubernetes/kubernetes pkg/scheduler/framework/preemption/preemption.go (PreemptPod: "Preempted by pod %v on node %v")',
  ],
  kind: 'safety',
  monitor,
};
