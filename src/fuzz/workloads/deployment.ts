/**
 * Deployments: generated with a rolling-update strategy (maxSurge and
 * maxUnavailable as integers or percentages, never both zero), some with a
 * PodDisruptionBudget, a Service or a CPU HorizontalPodAutoscaler, and settled
 * when, as `kubectl rollout status` would say, the rollout is complete: the
 * controller observed the latest spec, one ReplicaSet carries the current
 * template and all the replicas, the old ones are scaled to zero, and every
 * pod that found a node runs the current image and is ready.
 */
import fc from 'fast-check';
import { sometimes } from '../arbitraries/chance.ts';
import { R, controllerRef, deepEqual, getCondition, isPodReady, type Deployment, type HorizontalPodAutoscaler, type Pod, type ReplicaSet, type Stored } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import { podTemplate, podTemplateArb } from '../arbitraries/pods.ts';
import { cpuText } from '../arbitraries/quantities.ts';
import type { WorkloadConstraints, WorkloadKind, WorkloadSpec } from './types.ts';
import { owned, templateObjects } from './common.ts';

export interface DeploymentSpec extends WorkloadSpec {
  readonly kind: 'deployment';
  readonly replicas: number;
  readonly maxSurge: number | string;
  readonly maxUnavailable: number | string;
  /** A PodDisruptionBudget selecting its pods. */
  readonly pdb?: { minAvailable: number | string } | { maxUnavailable: number | string };
  /** A Service (ClusterIP, port 80) selecting its pods. */
  readonly service?: boolean;
  /**
   * A HorizontalPodAutoscaler on CPU utilization (only for templates that
   * request CPU); `load`, when set, is what each pod uses from the start, in
   * percent of its request (kubecuke.io/cpu-usage), so that the autoscaler
   * has something to scale for before any usage-change command.
   */
  readonly hpa?: { minReplicas: number; maxReplicas: number; cpuPercent: number; load?: number };
}

function hpaArb(maxReplicas: number): fc.Arbitrary<NonNullable<DeploymentSpec['hpa']>> {
  const most = Math.max(1, Math.min(maxReplicas, 8));
  return fc
    .record({
      minReplicas: fc.integer({ min: 1, max: Math.min(3, most) }),
      span: fc.integer({ min: 0, max: 4 }),
      cpuPercent: fc.constantFrom(50, 80),
      load: sometimes(fc.constantFrom(20, 60, 100, 150), 50),
    })
    .map(({ minReplicas, span, cpuPercent, load }) => ({ minReplicas, maxReplicas: Math.min(most, minReplicas + span), cpuPercent, ...(load ? { load } : {}) }));
}

/** The pod template with the standing CPU use its autoscaler is to see, if any. */
function loaded(template: Record<string, unknown>, s: DeploymentSpec): Record<string, unknown> {
  if (!s.hpa?.load) return template;
  const metadata = template.metadata as { annotations?: Record<string, string> };
  metadata.annotations = { ...metadata.annotations, 'kubecuke.io/cpu-usage': cpuText(Math.round((s.template.cpu * s.hpa.load) / 100)) };
  return template;
}

/** The autoscaler of a deployment named `name`. */
function hpaManifest(name: string, hpa: NonNullable<DeploymentSpec['hpa']>): Record<string, unknown> {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: hpa.minReplicas,
      maxReplicas: hpa.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: hpa.cpuPercent } } }],
    },
  };
}

/** A Service named `name` selecting `app: <app>` (ClusterIP, or headless), as `kubectl expose` makes one. */
export function serviceManifest(name: string, app = name, headless = false): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { ...(headless ? { clusterIP: 'None' } : {}), selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
  };
}

function pdbArb(): fc.Arbitrary<DeploymentSpec['pdb']> {
  return fc.oneof(
    fc.constantFrom(1, 2, '50%').map((v) => ({ minAvailable: v })),
    fc.constantFrom(1, '25%').map((v) => ({ maxUnavailable: v })),
  );
}

const SURGES: ReadonlyArray<number | string> = ['25%', 1, 0, 2, '50%'];

function strategyArb(): fc.Arbitrary<{ maxSurge: number | string; maxUnavailable: number | string }> {
  return fc
    .record({ maxSurge: fc.constantFrom(...SURGES), maxUnavailable: fc.constantFrom(...SURGES) })
    .map((s) => (s.maxSurge === 0 && s.maxUnavailable === 0 ? { maxSurge: 1, maxUnavailable: 0 } : s));
}

/** The template as the controller compares it: without the pod-template-hash label. */
export function withoutHash(t: unknown): unknown {
  const tpl = t as { metadata?: { labels?: Record<string, string> } } | undefined;
  if (!tpl?.metadata?.labels?.['pod-template-hash']) return tpl;
  const { 'pod-template-hash': _h, ...labels } = tpl.metadata.labels;
  return { ...tpl, metadata: { ...tpl.metadata, labels } };
}


/**
 * An autoscaler targeting the deployment keeps its replicas within
 * minReplicas..maxReplicas (unless scaled to 0, which turns autoscaling
 * off), and while it is able to compute its metric, at the count it last
 * decided.
 */
function autoscalerDisagreement(view: View, d: Stored<Deployment>, who: string): string[] {
  const hpa = view
    .list<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers, d.metadata.namespace)
    .find((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata.name);
  const replicas = d.spec.replicas ?? 1;
  if (!hpa || replicas === 0) return [];
  const min = hpa.spec.minReplicas ?? 1;
  if (replicas < min || replicas > hpa.spec.maxReplicas) return [`${who} asks for ${replicas} replicas, outside its autoscaler's ${min}..${hpa.spec.maxReplicas}`];
  const active = getCondition(hpa.status?.conditions, 'ScalingActive')?.status === 'True';
  const want = hpa.status?.desiredReplicas;
  if (active && want !== undefined && want !== replicas) return [`${who} asks for ${replicas} replicas, but its autoscaler decided on ${want}`];
  return [];
}

export const deploymentKind: WorkloadKind<DeploymentSpec> = {
  kind: 'deployment',
  type: R.deployments,
  writes: [R.deployments, R.replicaSets, R.pods],
  weight: 3,
  scalable: true,
  rollsOut: true,
  rollsBack: true,

  arbitrary(name: string, c: WorkloadConstraints) {
    return fc
      .record({
        replicas: fc.integer({ min: c.minReplicas ?? 0, max: Math.max(c.minReplicas ?? 0, c.maxReplicas) }),
        template: podTemplateArb(c),
        strategy: strategyArb(),
        pdb: c.pdbs ? sometimes(pdbArb(), 40) : fc.constant(undefined),
        service: fc.boolean(),
        hpa: sometimes(hpaArb(c.maxReplicas), 25),
      })
      .map(
        ({ replicas, template, strategy, pdb, service, hpa }): DeploymentSpec => ({
          kind: 'deployment',
          name,
          replicas,
          template,
          ...strategy,
          ...(pdb ? { pdb } : {}),
          ...(service ? { service } : {}),
          // Utilization is usage over requests: without a CPU request the autoscaler has nothing to go by.
          ...(hpa && template.cpu ? { hpa } : {}),
        }),
      );
  },

  manifest(s) {
    const budget = s.pdb
      ? [{ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: s.name }, spec: { ...s.pdb, selector: { matchLabels: { app: s.name } } } }]
      : [];
    return [
      ...templateObjects(s.template),
      ...budget,
      ...(s.service ? [serviceManifest(s.name)] : []),
      ...(s.hpa ? [hpaManifest(s.name, s.hpa)] : []),
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: s.name },
        spec: {
          replicas: s.replicas,
          selector: { matchLabels: { app: s.name } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: s.maxSurge, maxUnavailable: s.maxUnavailable } },
          template: loaded(podTemplate(s.name, s.template), s),
        },
      },
    ];
  },

  // An autoscaler may take it to its maxReplicas whatever it was set to.
  pods: (s) => (s.hpa ? Math.max(s.replicas, s.hpa.maxReplicas) : s.replicas),

  unsettled(view: View, obj: Stored) {
    const d = obj as Stored<Deployment>;
    const ns = d.metadata.namespace ?? 'default';
    const who = `deployment "${ns}/${d.metadata.name}"`;
    const replicas = d.spec.replicas ?? 1;
    const image = d.spec.template.spec?.containers[0]?.image;
    const out: string[] = [];
    if (d.metadata.deletionTimestamp) return [`${who} is still being deleted`];
    if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
      return [`${who} has not been observed by its controller (generation ${d.metadata.generation}, observed ${d.status?.observedGeneration ?? 0})`];
    }
    const sets = owned(view.list<ReplicaSet>(R.replicaSets, ns), d);
    const current = sets.filter((rs) => deepEqual(withoutHash(rs.spec.template), withoutHash(d.spec.template)));
    if (current.length !== 1) out.push(`${who} has ${current.length} replica sets with its current template, not 1`);
    const uids = new Set(sets.map((rs) => rs.metadata.uid));
    const pods = view.list<Pod>(R.pods, ns).filter((p) => uids.has(controllerRef(p)?.uid ?? ''));
    const terminating = pods.filter((p) => p.metadata.deletionTimestamp);
    const live = pods.filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded');
    if (terminating.length) out.push(`${who} still has ${terminating.length} terminating pods (${terminating.map((p) => p.metadata.name).join(', ')})`);
    if (!live.some((p) => !p.spec.nodeName)) {
      for (const rs of sets) {
        const want = current.includes(rs) ? replicas : 0;
        if ((rs.spec.replicas ?? 1) !== want) out.push(`replica set "${rs.metadata.name}" of ${who} asks for ${rs.spec.replicas} replicas, not ${want}`);
      }
      if (live.length !== replicas) out.push(`${who} has ${live.length} live pods, not ${replicas}`);
    }
    const currentUids = new Set(current.map((rs) => rs.metadata.uid));
    // Pods no node can take may hold a rollout back for good (maxUnavailable 0, or no room to surge): that is the
    // scheduler's business (scheduler-liveness). Then the deployment must only be at rest, its counts true.
    const blocked = live.some((p) => !p.spec.nodeName);
    for (const p of live) {
      if (!blocked && !currentUids.has(controllerRef(p)?.uid ?? '')) out.push(`pod "${p.metadata.name}" of ${who} belongs to an old replica set`);
      if (!blocked && p.spec.containers[0]?.image !== image) out.push(`pod "${p.metadata.name}" of ${who} runs ${p.spec.containers[0]?.image}, not ${image}`);
      if (p.spec.nodeName && !isPodReady(p)) out.push(`pod "${p.metadata.name}" of ${who} runs on node "${p.spec.nodeName}" but is not ready (phase ${p.status?.phase ?? 'Pending'})`);
    }
    if (blocked) {
      for (const rs of sets) {
        const n = live.filter((p) => controllerRef(p)?.uid === rs.metadata.uid).length;
        if (n !== (rs.spec.replicas ?? 1)) out.push(`replica set "${rs.metadata.name}" of ${who} has ${n} live pods, not the ${rs.spec.replicas} it asks for`);
      }
    }
    out.push(...autoscalerDisagreement(view, d, who));
    const ready = live.filter((p) => isPodReady(p)).length;
    const updated = live.filter((p) => currentUids.has(controllerRef(p)?.uid ?? '')).length;
    const st = d.status ?? {};
    if ((st.replicas ?? 0) !== live.length || (st.updatedReplicas ?? 0) !== updated || (st.readyReplicas ?? 0) !== ready) {
      out.push(
        `${who} reports ${st.replicas ?? 0} replicas, ${st.updatedReplicas ?? 0} updated and ${st.readyReplicas ?? 0} ready; ` +
          `it has ${live.length} pods, ${updated} of them updated and ${ready} ready`,
      );
    }
    return out;
  },
};
