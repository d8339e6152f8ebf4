/**
 * StatefulSets: generated with their headless Service (`<name>-headless`,
 * apart from the ClusterIP Service a Deployment of that name may have left
 * behind, as a Service's clusterIP cannot change), OrderedReady or
 * Parallel pod management and the RollingUpdate strategy, without volume
 * claims (a claim's volume pins its pod to one node, which a removed node
 * would strand for good, as it does upstream). Settled when, as
 * `kubectl rollout status` and the StatefulSet docs say, the controller
 * observed the latest spec and runs exactly the ordinals 0..replicas-1,
 * every one ready, from the update revision (currentRevision caught up with
 * updateRevision), with a status that counts them.
 *
 * Pods no node can take may hold the set back for good: OrderedReady
 * creates no ordinal after a pending one, and a rolling update waits for
 * it. That is the scheduler's business (scheduler-liveness); the set then
 * only has to be at rest, its pods named after distinct ordinals below
 * replicas.
 */
import fc from 'fast-check';
import { R, isPodReady, type Stored, type StatefulSet } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import { podTemplate, podTemplateArb } from '../arbitraries/pods.ts';
import { serviceManifest } from './deployment.ts';
import { names, podsOf, templateObjects, who } from './common.ts';
import type { WorkloadConstraints, WorkloadKind, WorkloadSpec } from './types.ts';

export interface StatefulSetSpec extends WorkloadSpec {
  readonly kind: 'statefulset';
  readonly replicas: number;
  readonly podManagementPolicy: 'OrderedReady' | 'Parallel';
}

const REVISION_LABEL = 'controller-revision-hash';

export const statefulSetKind: WorkloadKind<StatefulSetSpec> = {
  kind: 'statefulset',
  type: R.statefulSets,
  writes: [R.statefulSets, R.controllerRevisions, R.pods],
  scalable: true,
  rollsOut: true,
  rollsBack: true,

  arbitrary(name: string, c: WorkloadConstraints) {
    return fc
      .record({
        // Ordered creation takes a while per pod: fewer of them.
        replicas: fc.integer({ min: c.minReplicas ?? 0, max: Math.max(c.minReplicas ?? 0, Math.min(c.maxReplicas, 8)) }),
        template: podTemplateArb(c),
        podManagementPolicy: fc.constantFrom<StatefulSetSpec['podManagementPolicy']>('OrderedReady', 'Parallel'),
      })
      .map(({ replicas, template, podManagementPolicy }): StatefulSetSpec => ({ kind: 'statefulset', name, replicas, template, podManagementPolicy }));
  },

  manifest(s) {
    return [
      ...templateObjects(s.template),
      serviceManifest(`${s.name}-headless`, s.name, true),
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: s.name },
        spec: {
          serviceName: `${s.name}-headless`,
          replicas: s.replicas,
          podManagementPolicy: s.podManagementPolicy,
          selector: { matchLabels: { app: s.name } },
          template: podTemplate(s.name, s.template),
        },
      },
    ];
  },

  pods: (s) => s.replicas,

  unsettled(view: View, obj: Stored) {
    const set = obj as Stored<StatefulSet>;
    const me = who('statefulset', set);
    if (set.metadata.deletionTimestamp) return [`${me} is still being deleted`];
    if ((set.status?.observedGeneration ?? 0) < (set.metadata.generation ?? 0)) {
      return [`${me} has not been observed by its controller (generation ${set.metadata.generation}, observed ${set.status?.observedGeneration ?? 0})`];
    }
    const replicas = set.spec.replicas ?? 1;
    const image = set.spec.template.spec?.containers[0]?.image;
    const { live, terminating, finished } = podsOf(view, set);
    const out: string[] = [];
    if (terminating.length) out.push(`${me} still has ${terminating.length} terminating pods (${names(terminating)})`);
    if (finished.length) out.push(`${me} keeps finished pods it should have replaced (${names(finished)})`);
    const ordinals = new Set<number>();
    for (const p of live) {
      const m = new RegExp(`^${set.metadata.name}-(\\d+)$`).exec(p.metadata.name);
      const ordinal = m ? Number(m[1]) : -1;
      if (ordinal < 0 || ordinal >= replicas) out.push(`pod "${p.metadata.name}" of ${me} has no ordinal below its ${replicas} replicas`);
      else if (ordinals.has(ordinal)) out.push(`${me} has two pods with ordinal ${ordinal}`);
      ordinals.add(ordinal);
    }
    if (live.some((p) => !p.spec.nodeName)) return out;
    for (let i = 0; i < replicas; i++) if (!ordinals.has(i)) out.push(`${me} has no pod "${set.metadata.name}-${i}"`);
    const st = set.status ?? { replicas: 0 };
    for (const p of live) {
      if (!isPodReady(p)) out.push(`pod "${p.metadata.name}" of ${me} runs on node "${p.spec.nodeName}" but is not ready (phase ${p.status?.phase ?? 'Pending'})`);
      if (p.spec.containers[0]?.image !== image) out.push(`pod "${p.metadata.name}" of ${me} runs ${p.spec.containers[0]?.image}, not ${image}`);
      else if (st.updateRevision && p.metadata.labels?.[REVISION_LABEL] !== st.updateRevision) {
        out.push(`pod "${p.metadata.name}" of ${me} is at revision ${p.metadata.labels?.[REVISION_LABEL]}, not the update revision ${st.updateRevision}`);
      }
    }
    if (st.currentRevision !== st.updateRevision) out.push(`${me} has current revision ${st.currentRevision} but update revision ${st.updateRevision}`);
    const ready = live.filter((p) => isPodReady(p)).length;
    if ((st.replicas ?? 0) !== live.length || (st.readyReplicas ?? 0) !== ready || (st.updatedReplicas ?? 0) !== live.length) {
      out.push(`${me} reports ${st.replicas ?? 0} replicas, ${st.readyReplicas ?? 0} ready and ${st.updatedReplicas ?? 0} updated; it has ${live.length} pods, ${ready} of them ready`);
    }
    return out;
  },
};
