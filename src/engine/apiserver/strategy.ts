/**
 * Per-kind behaviour of the API server's registry (pkg/registry/<group>/<kind>/strategy.go):
 * what create and update may set, and how deletion proceeds.
 */
import type { ResourceType } from '../api/kinds.ts';
import type { KubeObject, Pod, Stored } from '../api/types.ts';
import { podQOSClass } from '../api/qos.ts';
import { deepEqual } from '../api/meta.ts';

export interface Strategy {
  /** Clears or sets what a client may not choose on create (status, system fields). */
  prepareForCreate?(obj: KubeObject): void;
  /** Sets what an update of the main resource may not choose (PrepareForUpdate), knowing the stored object. */
  prepareForUpdate?(obj: KubeObject, old: Stored): void;
  /**
   * Grace period of a delete, in seconds: 0 deletes at once, more marks the
   * object with a deletionTimestamp that far ahead (graceful deletion).
   */
  gracePeriodSeconds?(obj: Stored, requested: number | undefined): number;
  /**
   * When set and returning an object, deletion stores that object (e.g. a
   * namespace turning Terminating) instead of removing it.
   */
  onDelete?(obj: Stored, nowIso: string): KubeObject | undefined;
}

/**
 * mutatePodAffinity (MatchLabelKeysInPodAffinity, beta and on in 1.33): the
 * values of the pod's own labels named by matchLabelKeys (In) and
 * mismatchLabelKeys (NotIn) join each affinity term's label selector.
 */
function mutatePodAffinity(pod: Pod): void {
  const labels = pod.metadata.labels ?? {};
  type Term = { labelSelector?: { matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> }; matchLabelKeys?: string[]; mismatchLabelKeys?: string[] };
  const apply = (t: Term | undefined) => {
    if (!t || (!t.matchLabelKeys?.length && !t.mismatchLabelKeys?.length) || !t.labelSelector) return;
    const add = (keys: string[] | undefined, operator: string) => {
      for (const k of keys ?? []) {
        if (!Object.prototype.hasOwnProperty.call(labels, k)) continue;
        t.labelSelector!.matchExpressions = [...(t.labelSelector!.matchExpressions ?? []), { key: k, operator, values: [labels[k]] }];
      }
    };
    add(t.matchLabelKeys, 'In');
    add(t.mismatchLabelKeys, 'NotIn');
  };
  for (const a of [pod.spec?.affinity?.podAffinity, pod.spec?.affinity?.podAntiAffinity]) {
    if (!a) continue;
    for (const w of a.preferredDuringSchedulingIgnoredDuringExecution ?? []) apply(w?.podAffinityTerm as Term);
    for (const t of a.requiredDuringSchedulingIgnoredDuringExecution ?? []) apply(t as Term);
  }
}

const pods: Strategy = {
  prepareForCreate(obj) {
    const pod = obj as Pod;
    pod.status = { phase: 'Pending', qosClass: podQOSClass(pod.spec) };
    // applySchedulingGatedCondition
    if ((pod.spec?.schedulingGates ?? []).length) {
      pod.status.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }];
    }
    mutatePodAffinity(pod);
  },
  gracePeriodSeconds(obj, requested) {
    const pod = obj as unknown as Pod;
    let period = requested ?? pod.spec.terminationGracePeriodSeconds ?? 0;
    // An unscheduled pod has nothing to stop; a finished one has stopped already.
    if (!pod.spec.nodeName) period = 0;
    if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') period = 0;
    return period;
  },
};

const namespaces: Strategy = {
  prepareForCreate(obj) {
    const ns = obj as KubeObject & { spec?: { finalizers?: string[] }; status?: unknown };
    ns.spec = { ...(ns.spec ?? {}), finalizers: ['kubernetes'] };
    ns.status = { phase: 'Active' };
  },
  onDelete(obj, nowIso) {
    const ns = obj as unknown as KubeObject & { spec?: { finalizers?: string[] }; status?: { phase?: string } };
    if (!(ns.spec?.finalizers ?? []).length) return undefined;
    if (ns.metadata.deletionTimestamp) return ns;
    return {
      ...ns,
      metadata: { ...ns.metadata, deletionTimestamp: nowIso, deletionGracePeriodSeconds: 0 },
      status: { ...(ns.status ?? {}), phase: 'Terminating' },
    };
  },
};

const nodes: Strategy = {
  // The kubelet registers its node with a status; create keeps it.
  prepareForCreate() {},
};

/**
 * Jobs (pkg/registry/batch/job/strategy.go generateSelector): unless
 * manualSelector is set, the selector is the job's controller-uid, and the
 * pod template carries the job-name and controller-uid labels, both the
 * legacy and the batch.kubernetes.io/ forms.
 */
const jobs: Strategy = {
  prepareForCreate(obj) {
    const job = obj as KubeObject & {
      spec?: { manualSelector?: boolean; selector?: { matchLabels?: Record<string, string> }; template?: { metadata?: { labels?: Record<string, string> } } };
      status?: unknown;
    };
    job.status = {};
    const spec = job.spec;
    if (!spec || spec.manualSelector) return;
    const uid = job.metadata.uid!;
    const name = job.metadata.name ?? '';
    spec.selector = { ...(spec.selector ?? {}), matchLabels: { ...(spec.selector?.matchLabels ?? {}), 'batch.kubernetes.io/controller-uid': uid } };
    spec.template = spec.template ?? {};
    spec.template.metadata = spec.template.metadata ?? {};
    const labels = { ...(spec.template.metadata.labels ?? {}) };
    labels['batch.kubernetes.io/controller-uid'] ??= uid;
    labels['batch.kubernetes.io/job-name'] ??= name;
    labels['controller-uid'] ??= uid;
    labels['job-name'] ??= name;
    spec.template.metadata.labels = labels;
  },
};

/**
 * DaemonSets (pkg/registry/apps/daemonset/strategy.go): the template
 * generation, served in apps/v1 as the deprecated.daemonset.template.generation
 * annotation, starts at 1 and grows with every change of the pod template.
 */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
const daemonSets: Strategy = {
  prepareForCreate(obj) {
    const ds = obj as KubeObject & { status?: unknown };
    ds.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    const current = Number(ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION]);
    if (!(current >= 1)) ds.metadata.annotations = { ...(ds.metadata.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: '1' };
  },
  prepareForUpdate(obj, old) {
    const template = (o: KubeObject) => (o as { spec?: { template?: unknown } }).spec?.template;
    const previous = old.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? '1';
    const next = deepEqual(template(obj), template(old)) ? previous : String(Number(previous) + 1);
    obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [TEMPLATE_GENERATION_ANNOTATION]: next };
  },
};

const STRATEGIES: Record<string, Strategy> = {
  'apps/DaemonSet': daemonSets,
  '/Pod': pods,
  '/Namespace': namespaces,
  '/Node': nodes,
  'batch/Job': jobs,
};

/**
 * The zero status a new object starts with, as the Go zero value serialises:
 * fields without omitempty appear as 0.
 */
const ZERO_STATUS: Record<string, () => Record<string, unknown>> = {
  'apps/ReplicaSet': () => ({ replicas: 0 }),
  'apps/StatefulSet': () => ({ replicas: 0, availableReplicas: 0 }),
  'apps/DaemonSet': () => ({ currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }),
  '/ReplicationController': () => ({ replicas: 0 }),
  '/Service': () => ({ loadBalancer: {} }),
  'autoscaling/HorizontalPodAutoscaler': () => ({ desiredReplicas: 0 }),
  'policy/PodDisruptionBudget': () => ({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }),
};

export function strategyFor(type: ResourceType): Strategy {
  const key = `${type.group}/${type.kind}`;
  const s = STRATEGIES[key];
  if (s) return s;
  const zero = ZERO_STATUS[key] ?? (() => ({}));
  return type.statusSubresource
    ? {
        prepareForCreate(obj) {
          (obj as KubeObject & { status?: unknown }).status = zero();
        },
      }
    : {};
}
