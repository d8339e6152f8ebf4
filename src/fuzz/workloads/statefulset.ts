/**
 * StatefulSets: generated with their headless Service (`<name>-headless`,
 * apart from the ClusterIP Service a Deployment of that name may have left
 * behind, as a Service's clusterIP cannot change), OrderedReady or
 * Parallel pod management and the RollingUpdate strategy, and half of them
 * with a volume claim template (`data`, 1Gi from the default StorageClass,
 * whose node-local volumes pin each pod to the node it first ran on) under
 * either persistentVolumeClaimRetentionPolicy. Settled when, as
 * `kubectl rollout status` and the StatefulSet docs say, the controller
 * observed the latest spec and runs exactly the ordinals 0..replicas-1,
 * every one ready, from the update revision (currentRevision caught up with
 * updateRevision), with a status that counts them; with claims, every
 * running ordinal's claim `data-<set>-<ordinal>` exists and is Bound.
 *
 * Pods no node can take may hold the set back for good: OrderedReady
 * creates no ordinal after a pending one, and a rolling update waits for
 * it; a pod whose volume was on a node that was removed can never run
 * again, as upstream. That is the scheduler's business (scheduler-liveness,
 * which knows volumes' node affinity); the set then only has to be at
 * rest, its pods named after distinct ordinals (below replicas, unless
 * OrderedReady's scale-down waits behind such a pod).
 */
import fc from 'fast-check';
import { sometimes } from '../arbitraries/chance.ts';
import { R, isPodReady, type PersistentVolumeClaim, type Stored, type StatefulSet } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import { podTemplate, podTemplateArb } from '../arbitraries/pods.ts';
import { serviceManifest } from './deployment.ts';
import { names, podsOf, templateObjects, who } from './common.ts';
import type { WorkloadConstraints, WorkloadKind, WorkloadSpec } from './types.ts';

export interface StatefulSetSpec extends WorkloadSpec {
  readonly kind: 'statefulset';
  readonly replicas: number;
  readonly podManagementPolicy: 'OrderedReady' | 'Parallel';
  /** A volume claim template `data`, and what becomes of the claims. */
  readonly claims?: { whenDeleted: 'Retain' | 'Delete'; whenScaled: 'Retain' | 'Delete' };
}

const CLAIM = 'data';

const REVISION_LABEL = 'controller-revision-hash';

export const statefulSetKind: WorkloadKind<StatefulSetSpec> = {
  kind: 'statefulset',
  type: R.statefulSets,
  writes: [R.statefulSets, R.controllerRevisions, R.pods, R.persistentVolumeClaims],
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
        claims: sometimes(fc.record({ whenDeleted: fc.constantFrom('Retain' as const, 'Delete' as const), whenScaled: fc.constantFrom('Retain' as const, 'Delete' as const) }), 50),
      })
      .map(({ replicas, template, podManagementPolicy, claims }): StatefulSetSpec => ({ kind: 'statefulset', name, replicas, template, podManagementPolicy, ...(claims ? { claims } : {}) }));
  },

  manifest(s) {
    const template = podTemplate(s.name, s.template) as { spec: { containers: Array<Record<string, unknown>> } };
    const spec: Record<string, unknown> = {
      serviceName: `${s.name}-headless`,
      replicas: s.replicas,
      podManagementPolicy: s.podManagementPolicy,
      selector: { matchLabels: { app: s.name } },
      template,
    };
    if (s.claims) {
      template.spec.containers[0].volumeMounts = [{ name: CLAIM, mountPath: '/data' }];
      spec.volumeClaimTemplates = [{ metadata: { name: CLAIM }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }];
      spec.persistentVolumeClaimRetentionPolicy = s.claims;
    }
    return [...templateObjects(s.template), serviceManifest(`${s.name}-headless`, s.name, true), { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: s.name }, spec }];
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
    // OrderedReady scales down one pod at a time, the highest first, each only once every pod below it is Running and
    // Ready (or it is the first that is not): a pod no node takes holds the ones above it (upstream as well).
    const ordered = (set.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const heldDown = ordered && live.some((p) => !p.spec.nodeName);
    for (const p of live) {
      const m = new RegExp(`^${set.metadata.name}-(\\d+)$`).exec(p.metadata.name);
      const ordinal = m ? Number(m[1]) : -1;
      if (ordinal < 0 || (ordinal >= replicas && !heldDown)) out.push(`pod "${p.metadata.name}" of ${me} has no ordinal below its ${replicas} replicas`);
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
    if (set.spec.volumeClaimTemplates?.length) out.push(...claimProblems(view, set, me, replicas));
    return out;
  },
};

/**
 * Claims of a set at rest: one Bound per running ordinal. (Claims above
 * replicas under whenScaled Delete are not judged here: the controller
 * hands a claim to its condemned pod to be collected with it, which
 * no-orphans follows; a claim whose pod was never made, as when a scale-up
 * is undone before the controller got to its pod, is left as upstream
 * leaves it.)
 */
function claimProblems(view: View, set: Stored<StatefulSet>, me: string, replicas: number): string[] {
  const out: string[] = [];
  const ns = set.metadata.namespace ?? 'default';
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    const prefix = `${t.metadata?.name}-${set.metadata.name}-`;
    for (let i = 0; i < replicas; i++) {
      const pvc = view.get<PersistentVolumeClaim>(R.persistentVolumeClaims, ns, `${prefix}${i}`);
      if (!pvc) out.push(`${me} has no claim "${prefix}${i}" for its pod "${set.metadata.name}-${i}"`);
      else if (pvc.status?.phase !== 'Bound') out.push(`claim "${prefix}${i}" of ${me} is ${pvc.status?.phase ?? 'Pending'}, not Bound`);
    }
  }
  return out;
}
