/**
 * preemption-safety: the scheduler preempts only when the pod fits no node,
 * only pods of strictly lower priority, and only on one node at a time
 * (the node it then nominates), and never for a pod whose
 * preemptionPolicy is Never. Victims are the pods the scheduler deletes;
 * the preemptor is the pod it nominates at the same instant.
 */
import { R, storePrefix, type Node, type Pod, type Stored, type StoreEvent } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import type { Invariant, MonitorContext, Report } from './types.ts';
import { fits } from './scheduler-liveness.ts';
import type { Placed } from './pod-topology.ts';

const PODS = storePrefix(R.pods);
const SCHEDULER = 'default-scheduler';

export const preemptionSafety: Invariant = {
  name: 'preemption-safety',
  summary: 'preemption evicts only strictly lower priority pods, on one node, and only when nothing fits',
  promise:
    'If a pending pod cannot be scheduled, the scheduler tries to preempt lower priority pods to make scheduling of the pending pod possible; it picks one node, ' +
    'evicts only pods of lower priority there, and pods with preemptionPolicy Never never preempt.',
  references: [
    'https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#preemption',
    'https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#non-preempting-priority-class',
  ],
  kind: 'safety',
  monitor(ctx: MonitorContext, report: Report) {
    let victims: Array<{ pod: Stored<Pod>; at: number }> = [];
    return {
      onEvent(e: StoreEvent, state: View) {
        if (!e.key.startsWith(PODS) || !e.prev) return;
        const at = ctx.timeOf(e.revision) ?? 0;
        if (victims.length && victims[0].at !== at) victims = [];
        const pod = e.object as Stored<Pod>;
        const prev = e.prev as Stored<Pod>;
        if (ctx.writerOf(e.revision)?.component !== SCHEDULER) return;
        const deleted = e.type === 'DELETED' || (pod.metadata.deletionTimestamp && !prev.metadata.deletionTimestamp);
        if (deleted) {
          victims.push({ pod: prev, at });
          return;
        }
        const nominated = pod.status?.nominatedNodeName;
        if (!nominated || nominated === prev.status?.nominatedNodeName || !victims.length) return;
        const who = `pod "${pod.metadata.namespace}/${pod.metadata.name}"`;
        if (pod.spec.preemptionPolicy === 'Never') report(`${who} preempted pods although its preemptionPolicy is Never`, at);
        for (const v of victims) {
          if (v.pod.spec.nodeName !== nominated) report(`${who} was nominated to node "${nominated}" but pod "${v.pod.metadata.name}" was preempted on node "${v.pod.spec.nodeName}"`, at);
          if ((v.pod.spec.priority ?? 0) >= (pod.spec.priority ?? 0)) {
            report(`${who} (priority ${pod.spec.priority ?? 0}) preempted pod "${v.pod.metadata.name}" of priority ${v.pod.spec.priority ?? 0}`, at);
          }
        }
        // Nothing may have fit before the victims went.
        const nodes = state.list<Node>(R.nodes);
        const byName = new Map(nodes.map((n) => [n.metadata.name, n]));
        const bound = [...state.list<Pod>(R.pods).filter((p) => p.spec.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed'), ...victims.map((v) => v.pod)];
        const seen = new Set<string>();
        const onNode = new Map<string, Stored<Pod>[]>();
        const placed: Placed[] = [];
        for (const p of bound) {
          if (seen.has(p.metadata.uid)) continue;
          seen.add(p.metadata.uid);
          if (!onNode.has(p.spec.nodeName!)) onNode.set(p.spec.nodeName!, []);
          onNode.get(p.spec.nodeName!)!.push(p);
          const n = byName.get(p.spec.nodeName!);
          if (n) placed.push({ pod: p, node: n });
        }
        const fit = nodes.find((n) => fits(pod, n, onNode.get(n.metadata.name) ?? [], placed, nodes));
        if (fit) report(`${who} preempted ${victims.length} pods although node "${fit.metadata.name}" could take it`, at);
        victims = [];
      },
    };
  },
};
