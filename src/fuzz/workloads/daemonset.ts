/**
 * DaemonSets: generated with the RollingUpdate strategy (maxUnavailable,
 * or maxSurge with maxUnavailable 0). Settled when the controller observed
 * the latest spec and every node that should run a daemon pod runs exactly
 * one, ready and with the current image, no other node runs one, and the
 * status counts them.
 *
 * Which nodes should run one is judged from the DaemonSet documentation,
 * not the controller's helpers: the node matches the template's
 * nodeSelector and required node affinity, and every NoSchedule and
 * NoExecute taint on it is tolerated by the template's tolerations or by
 * those every daemon pod gets (not-ready and unreachable NoExecute;
 * disk-, memory- and pid-pressure and unschedulable NoSchedule)
 * (https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#taints-and-tolerations).
 *
 * A daemon pod that its node has no room for stays pending (the scheduler
 * places daemon pods, and preemption may or may not make room): that node is
 * the scheduler's business (scheduler-liveness), and as the pending pod
 * counts as unavailable it may hold the rolling update back on other nodes,
 * so then old images are not held against the set.
 */
import fc from 'fast-check';
import { R, isPodReady, type DaemonSet, type Node, type Pod, type Stored, type Toleration } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import { podTemplate, podTemplateArb } from '../arbitraries/pods.ts';
import { nodeSelectionProblem, untoleratedHardTaints } from '../invariants/oracle.ts';
import { names, podsOf, templateObjects, who } from './common.ts';
import type { WorkloadConstraints, WorkloadKind, WorkloadSpec } from './types.ts';

export interface DaemonSetSpec extends WorkloadSpec {
  readonly kind: 'daemonset';
  readonly maxUnavailable: number | string;
  /** With maxUnavailable 0: the new pod starts before the old one goes. */
  readonly maxSurge: number | string;
}

/** The tolerations the DaemonSet controller adds to every daemon pod (AddOrUpdateDaemonPodTolerations), hostNetwork aside. */
export const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** Whether a daemon pod of `ds` belongs on `node`. */
export function shouldRunOn(ds: DaemonSet, node: Node): boolean {
  const pod = { metadata: {}, spec: { ...ds.spec.template.spec, tolerations: [...(ds.spec.template.spec?.tolerations ?? []), ...DAEMON_TOLERATIONS] } } as unknown as Pod;
  return !nodeSelectionProblem(node, pod) && untoleratedHardTaints(node, pod).length === 0;
}

export const daemonSetKind: WorkloadKind<DaemonSetSpec> = {
  kind: 'daemonset',
  type: R.daemonSets,
  writes: [R.daemonSets, R.controllerRevisions, R.pods],
  scalable: false,
  rollsOut: true,
  rollsBack: true,

  arbitrary(name: string, c: WorkloadConstraints) {
    return fc
      .record({
        template: podTemplateArb(c),
        strategy: fc.constantFrom<Pick<DaemonSetSpec, 'maxUnavailable' | 'maxSurge'>>(
          { maxUnavailable: 1, maxSurge: 0 },
          { maxUnavailable: '50%', maxSurge: 0 },
          { maxUnavailable: 0, maxSurge: 1 },
        ),
      })
      // A surge pod can never join the old one on its node when they share a host port or repel each other.
      .map(({ template, strategy }): DaemonSetSpec => ({
        kind: 'daemonset',
        name,
        template,
        ...(strategy.maxSurge && (template.hostPort || template.antiAffinity) ? { maxUnavailable: 1, maxSurge: 0 } : strategy),
      }));
  },

  manifest(s) {
    return [
      ...templateObjects(s.template),
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: s.name },
        spec: {
          selector: { matchLabels: { app: s.name } },
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: s.maxUnavailable, maxSurge: s.maxSurge } },
          template: podTemplate(s.name, s.template),
        },
      },
    ];
  },

  pods: (_s, nodes) => nodes,

  unsettled(view: View, obj: Stored) {
    const ds = obj as Stored<DaemonSet>;
    const me = who('daemonset', ds);
    if (ds.metadata.deletionTimestamp) return [`${me} is still being deleted`];
    if ((ds.status?.observedGeneration ?? 0) < (ds.metadata.generation ?? 0)) {
      return [`${me} has not been observed by its controller (generation ${ds.metadata.generation}, observed ${ds.status?.observedGeneration ?? 0})`];
    }
    const image = ds.spec.template.spec?.containers[0]?.image;
    const { live, terminating, finished } = podsOf(view, ds);
    const out: string[] = [];
    if (terminating.length) out.push(`${me} still has ${terminating.length} terminating pods (${names(terminating)})`);
    if (finished.length) out.push(`${me} keeps finished pods it should have replaced (${names(finished)})`);
    const nodes = view.list<Node>(R.nodes);
    const wanted = nodes.filter((n) => shouldRunOn(ds, n));
    const target = (p: Stored<Pod>) => p.spec.nodeName ?? targetNode(p);
    // A pending pod also holds the rolling update back (it counts as unavailable): old images may stay elsewhere.
    const pending = live.some((p) => !p.spec.nodeName);
    for (const n of nodes) {
      const here = live.filter((p) => target(p) === n.metadata.name);
      const should = wanted.includes(n);
      if (!should) {
        if (here.length) out.push(`${me} runs pods on node "${n.metadata.name}", which should not run one (${names(here)})`);
        continue;
      }
      // A pod still waiting for room on its node (an old one may stay beside it, with maxSurge) is the scheduler's business.
      if (here.some((p) => !p.spec.nodeName)) continue;
      if (here.length !== 1) {
        out.push(`${me} has ${here.length} pods for node "${n.metadata.name}", not 1${here.length ? ` (${names(here)})` : ''}`);
        continue;
      }
      const p = here[0];
      if (!isPodReady(p)) out.push(`pod "${p.metadata.name}" of ${me} runs on node "${p.spec.nodeName}" but is not ready (phase ${p.status?.phase ?? 'Pending'})`);
      if (!pending && p.spec.containers[0]?.image !== image) out.push(`pod "${p.metadata.name}" of ${me} runs ${p.spec.containers[0]?.image}, not ${image}`);
    }
    for (const p of live) if (!nodes.some((n) => n.metadata.name === target(p))) out.push(`pod "${p.metadata.name}" of ${me} is meant for node "${target(p)}", which does not exist`);
    const st = ds.status ?? { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
    if (st.desiredNumberScheduled !== wanted.length || st.numberMisscheduled !== 0) {
      out.push(`${me} reports ${st.desiredNumberScheduled} nodes that should run its pod and ${st.numberMisscheduled} that should not; ${wanted.length} should and none should not`);
    }
    if (!pending) {
      const ready = live.filter((p) => isPodReady(p)).length;
      if (st.currentNumberScheduled !== wanted.length || st.numberReady !== ready || (st.updatedNumberScheduled ?? 0) !== wanted.length) {
        out.push(
          `${me} reports ${st.currentNumberScheduled} nodes running its pod, ${st.numberReady} ready and ${st.updatedNumberScheduled ?? 0} updated; ` +
            `${wanted.length} nodes run it, ${ready} ready`,
        );
      }
    }
    return out;
  },
};

/** The node a daemon pod is pinned to by its required node affinity (metadata.name In [node]), before it is bound. */
function targetNode(p: Pod): string | undefined {
  for (const term of p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}
