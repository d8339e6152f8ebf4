/**
 * Strategic merge patch metadata: the patchStrategy / patchMergeKey struct
 * tags of the Go types (k8s.io/api and apimachinery's ObjectMeta, release
 * 1.33), by struct, and how a field's tags are read.
 */


/** One field's tags: `t` the struct type it holds, `s` patchStrategy, `k` patchMergeKey. */
export interface FieldMeta {
  t?: string;
  s?: 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';
  k?: string;
}
export type StructMeta = Readonly<Record<string, FieldMeta>>;

const byName = (t?: string): FieldMeta => ({ t, s: 'merge', k: 'name' });
const M: StructMeta = { metadata: { t: 'ObjectMeta' } };
const CONDS: FieldMeta = { s: 'merge', k: 'type' };
const withConditions: FieldMeta = { t: 'WithConditions' };
const templated = (spec: string): StructMeta => ({ ...M, spec: { t: spec }, status: withConditions });

/** Struct types whose fields carry patch tags, and the kinds' top-level shapes. */
export const PATCH_SCHEMA: Readonly<Record<string, StructMeta>> = {
  ObjectMeta: { ownerReferences: { s: 'merge', k: 'uid' }, finalizers: { s: 'merge' } },
  WithConditions: { conditions: CONDS },
  PodTemplateSpec: { ...M, spec: { t: 'PodSpec' } },
  WithTemplate: { template: { t: 'PodTemplateSpec' } },
  PodSpec: {
    volumes: { s: 'merge,retainKeys', k: 'name' },
    initContainers: byName('Container'),
    containers: byName('Container'),
    ephemeralContainers: byName('Container'),
    imagePullSecrets: byName(),
    hostAliases: { s: 'merge', k: 'ip' },
    topologySpreadConstraints: { s: 'merge', k: 'topologyKey' },
    schedulingGates: byName(),
    resourceClaims: { s: 'merge,retainKeys', k: 'name' },
  },
  Container: {
    ports: { s: 'merge', k: 'containerPort' },
    env: byName(),
    volumeMounts: { s: 'merge', k: 'mountPath' },
    volumeDevices: { s: 'merge', k: 'devicePath' },
  },
  PodStatus: {
    conditions: CONDS,
    hostIPs: { s: 'merge', k: 'ip' },
    podIPs: { s: 'merge', k: 'ip' },
    resourceClaimStatuses: { s: 'merge,retainKeys', k: 'name' },
    containerStatuses: {},
  },
  DeploymentSpec: { template: { t: 'PodTemplateSpec' }, strategy: { s: 'retainKeys' } },
  JobTemplateSpec: { ...M, spec: { t: 'WithTemplate' } },
  CronJobSpec: { jobTemplate: { t: 'JobTemplateSpec' } },
  ServiceSpec: { ports: { s: 'merge', k: 'port' } },
  NodeSpec: { podCIDRs: { s: 'merge' } },
  NodeStatus: { conditions: CONDS, addresses: { s: 'merge', k: 'type' } },
  PodDisruptionBudgetSpec: { selector: { s: 'replace' } },
  CSINodeSpec: { drivers: byName() },
  // kinds
  Pod: { ...M, spec: { t: 'PodSpec' }, status: { t: 'PodStatus' } },
  PodTemplate: { ...M, template: { t: 'PodTemplateSpec' } },
  ReplicationController: templated('WithTemplate'),
  Deployment: templated('DeploymentSpec'),
  ReplicaSet: templated('WithTemplate'),
  StatefulSet: templated('WithTemplate'),
  DaemonSet: templated('WithTemplate'),
  Job: templated('WithTemplate'),
  CronJob: { ...M, spec: { t: 'CronJobSpec' } },
  Service: { ...M, spec: { t: 'ServiceSpec' }, status: withConditions },
  Node: { ...M, spec: { t: 'NodeSpec' }, status: { t: 'NodeStatus' } },
  Namespace: { ...M, status: withConditions },
  PersistentVolumeClaim: { ...M, status: withConditions },
  ServiceAccount: { ...M, secrets: byName() },
  HorizontalPodAutoscaler: { ...M, status: withConditions },
  PodDisruptionBudget: { ...M, spec: { t: 'PodDisruptionBudgetSpec' }, status: withConditions },
  CSINode: { ...M, spec: { t: 'CSINodeSpec' } },
  Object: M,
};

const KIND_STRUCTS = new Set(['Pod', 'PodTemplate', 'ReplicationController', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Service', 'Node', 'Namespace', 'PersistentVolumeClaim', 'ServiceAccount', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'CSINode']);

/** The patch metadata of a kind's top-level struct; kinds without tagged fields only merge their metadata. */
export function schemaForKind(kind: string | undefined): StructMeta {
  return PATCH_SCHEMA[kind && KIND_STRUCTS.has(kind) ? kind : 'Object'];
}

export function field(t: StructMeta | undefined, key: string): FieldMeta {
  return t?.[key] ?? {};
}
export const typeOfField = (f: FieldMeta): StructMeta | undefined => (f.t ? PATCH_SCHEMA[f.t] : undefined);
export const strategyOf = (f: FieldMeta): string => (f.s ?? '').split(',').filter((s) => s !== 'retainKeys')[0] ?? '';
export const retainsKeys = (f: FieldMeta): boolean => (f.s ?? '').split(',').includes('retainKeys');
