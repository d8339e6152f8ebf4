/**
 * The built-in resource types the engine serves, as API discovery lists them:
 * group, version, kind, plural resource name, short names, scope and
 * subresources. Names and short names are those of `kubectl api-resources`.
 */

export interface ResourceType {
  /** API group, '' for the core group. */
  group: string;
  version: string;
  kind: string;
  /** Plural lower-case resource name, as in URLs: `deployments`. */
  resource: string;
  /** Singular lower-case name, as kubectl accepts it: `deployment`. */
  singular: string;
  shortNames: string[];
  namespaced: boolean;
  /** The resource has a /status subresource: updates ignore status, status updates ignore the rest. */
  statusSubresource: boolean;
  /** metadata.generation is bumped on every change outside metadata and status. */
  generation: boolean;
  /** Module of `kubernetes-models` that validates this kind against the OpenAPI schema. */
  schemaModule: string;
  /** Name of the generated model in @kubernetes/client-node, used for strict decoding. */
  modelName: string;
}

type Def = [
  group: string,
  version: string,
  kind: string,
  resource: string,
  shortNames: string[],
  namespaced: boolean,
  statusSubresource: boolean,
  generation: boolean,
  modelName?: string,
];

// [group, version, kind, resource, shortNames, namespaced, status, generation, model]
const DEFS: Def[] = [
  ['', 'v1', 'Binding', 'bindings', [], true, false, false],
  ['', 'v1', 'ConfigMap', 'configmaps', ['cm'], true, false, false],
  ['', 'v1', 'Endpoints', 'endpoints', ['ep'], true, false, false],
  ['', 'v1', 'Event', 'events', ['ev'], true, false, false, 'CoreV1Event'],
  ['', 'v1', 'LimitRange', 'limitranges', ['limits'], true, false, false],
  ['', 'v1', 'Namespace', 'namespaces', ['ns'], false, true, false],
  ['', 'v1', 'Node', 'nodes', ['no'], false, true, false],
  ['', 'v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', ['pvc'], true, true, false],
  ['', 'v1', 'PersistentVolume', 'persistentvolumes', ['pv'], false, true, false],
  ['', 'v1', 'Pod', 'pods', ['po'], true, true, false],
  ['', 'v1', 'PodTemplate', 'podtemplates', [], true, false, false],
  ['', 'v1', 'ReplicationController', 'replicationcontrollers', ['rc'], true, true, true],
  ['', 'v1', 'ResourceQuota', 'resourcequotas', ['quota'], true, true, false],
  ['', 'v1', 'Secret', 'secrets', [], true, false, false],
  ['', 'v1', 'ServiceAccount', 'serviceaccounts', ['sa'], true, false, false],
  ['', 'v1', 'Service', 'services', ['svc'], true, true, false],
  ['admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', [], false, false, true],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', [], false, false, true],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicy', 'validatingadmissionpolicies', [], false, true, true],
  ['admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicyBinding', 'validatingadmissionpolicybindings', [], false, false, true],
  ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', ['crd', 'crds'], false, true, true],
  ['apps', 'v1', 'ControllerRevision', 'controllerrevisions', [], true, false, false],
  ['apps', 'v1', 'DaemonSet', 'daemonsets', ['ds'], true, true, true],
  ['apps', 'v1', 'Deployment', 'deployments', ['deploy'], true, true, true],
  ['apps', 'v1', 'ReplicaSet', 'replicasets', ['rs'], true, true, true],
  ['apps', 'v1', 'StatefulSet', 'statefulsets', ['sts'], true, true, true],
  ['autoscaling', 'v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', ['hpa'], true, true, false, 'V2HorizontalPodAutoscaler'],
  ['batch', 'v1', 'CronJob', 'cronjobs', ['cj'], true, true, true],
  ['batch', 'v1', 'Job', 'jobs', [], true, true, true],
  ['certificates.k8s.io', 'v1', 'CertificateSigningRequest', 'certificatesigningrequests', ['csr'], false, true, false],
  ['coordination.k8s.io', 'v1', 'Lease', 'leases', [], true, false, false],
  ['discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', [], true, false, false],
  ['events.k8s.io', 'v1', 'Event', 'events', ['ev'], true, false, false, 'EventsV1Event'],
  ['flowcontrol.apiserver.k8s.io', 'v1', 'FlowSchema', 'flowschemas', [], false, true, true],
  ['flowcontrol.apiserver.k8s.io', 'v1', 'PriorityLevelConfiguration', 'prioritylevelconfigurations', [], false, true, true],
  ['networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', [], false, false, true],
  ['networking.k8s.io', 'v1', 'Ingress', 'ingresses', ['ing'], true, true, true],
  ['networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', ['netpol'], true, false, true],
  ['node.k8s.io', 'v1', 'RuntimeClass', 'runtimeclasses', [], false, false, false],
  ['policy', 'v1', 'Eviction', 'evictions', [], true, false, false],
  ['policy', 'v1', 'PodDisruptionBudget', 'poddisruptionbudgets', ['pdb'], true, true, true],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', [], false, false, false],
  ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', [], false, false, false],
  ['rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', [], true, false, false],
  ['rbac.authorization.k8s.io', 'v1', 'Role', 'roles', [], true, false, false],
  ['scheduling.k8s.io', 'v1', 'PriorityClass', 'priorityclasses', ['pc'], false, false, false],
  ['storage.k8s.io', 'v1', 'CSIDriver', 'csidrivers', [], false, false, false],
  ['storage.k8s.io', 'v1', 'CSINode', 'csinodes', [], false, false, false],
  ['storage.k8s.io', 'v1', 'StorageClass', 'storageclasses', ['sc'], false, false, false],
  ['storage.k8s.io', 'v1', 'VolumeAttachment', 'volumeattachments', [], false, true, false],
];

/** Older served versions that manifests still use; they are stored as the preferred version. */
const ALIASES: Record<string, string> = {
  'autoscaling/v1/HorizontalPodAutoscaler': 'autoscaling/v2/HorizontalPodAutoscaler',
};

function schemaModuleFor(group: string, version: string, kind: string): string {
  return group === '' ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

export const RESOURCE_TYPES: readonly ResourceType[] = DEFS.map(
  ([group, version, kind, resource, shortNames, namespaced, statusSubresource, generation, modelName]) => ({
    group,
    version,
    kind,
    resource,
    singular: kind.toLowerCase(),
    shortNames,
    namespaced,
    statusSubresource,
    generation,
    schemaModule: schemaModuleFor(group, version, kind),
    modelName: modelName ?? `${version[0].toUpperCase()}${version.slice(1)}${kind}`,
  }),
);

const byApiVersionKind = new Map<string, ResourceType>();
for (const t of RESOURCE_TYPES) byApiVersionKind.set(`${apiVersionOf(t)}/${t.kind}`, t);

export function apiVersionOf(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

/** `deployments.apps`, `pods`: the group-qualified resource, as error messages name it. */
export function groupResource(t: ResourceType): string {
  return t.group === '' ? t.resource : `${t.resource}.${t.group}`;
}

/** `Deployment.apps`, `Pod`: the group-qualified kind, as "is invalid" messages name it. */
export function groupKind(t: ResourceType): string {
  return t.group === '' ? t.kind : `${t.kind}.${t.group}`;
}

/** The resource type for an apiVersion and kind, or undefined when the engine does not serve it. */
export function resourceFor(apiVersion: string, kind: string): ResourceType | undefined {
  const key = `${apiVersion}/${kind}`;
  return byApiVersionKind.get(ALIASES[key] ?? key);
}

/** True when apiVersion/kind is an older version served by conversion to the stored one. */
export function isAliasVersion(apiVersion: string, kind: string): boolean {
  return `${apiVersion}/${kind}` in ALIASES;
}

/**
 * Resolves a name as kubectl accepts it (`deploy`, `deployment`, `deployments`,
 * `deployments.apps`, `Deployment`) to a resource type. Core and apps kinds
 * win over later groups for the same name (`events` is core/v1).
 */
export function resourceByName(name: string): ResourceType | undefined {
  const lower = name.toLowerCase();
  const dot = lower.indexOf('.');
  const [base, group] = dot >= 0 ? [lower.slice(0, dot), lower.slice(dot + 1)] : [lower, undefined];
  for (const t of RESOURCE_TYPES) {
    if (group !== undefined && t.group !== group) continue;
    if (t.resource === base || t.singular === base || t.shortNames.includes(base)) return t;
  }
  return undefined;
}

/** Every name kubectl would accept for a type, for suggestions. */
export function namesOf(t: ResourceType): string[] {
  return [t.singular, t.resource, ...t.shortNames];
}

export function mustResource(apiVersion: string, kind: string): ResourceType {
  const t = resourceFor(apiVersion, kind);
  if (!t) throw new Error(`no resource type for ${apiVersion} ${kind}`);
  return t;
}

function core(kind: string): ResourceType {
  const t = RESOURCE_TYPES.find((r) => r.kind === kind && (r.group === '' || r.group === 'apps' || r.group === 'coordination.k8s.io'));
  if (!t) throw new Error(`no resource type ${kind}`);
  return t;
}

function inGroup(group: string, kind: string): ResourceType {
  const t = RESOURCE_TYPES.find((r) => r.kind === kind && r.group === group);
  if (!t) throw new Error(`no resource type ${group} ${kind}`);
  return t;
}

/** Resource types the engine's components use by name. */
export const R = {
  pods: core('Pod'),
  nodes: core('Node'),
  namespaces: core('Namespace'),
  services: core('Service'),
  endpoints: core('Endpoints'),
  configMaps: core('ConfigMap'),
  secrets: core('Secret'),
  serviceAccounts: core('ServiceAccount'),
  events: inGroup('', 'Event'),
  persistentVolumeClaims: core('PersistentVolumeClaim'),
  persistentVolumes: core('PersistentVolume'),
  resourceQuotas: core('ResourceQuota'),
  limitRanges: core('LimitRange'),
  podTemplates: core('PodTemplate'),
  deployments: inGroup('apps', 'Deployment'),
  replicaSets: inGroup('apps', 'ReplicaSet'),
  statefulSets: inGroup('apps', 'StatefulSet'),
  daemonSets: inGroup('apps', 'DaemonSet'),
  controllerRevisions: inGroup('apps', 'ControllerRevision'),
  jobs: inGroup('batch', 'Job'),
  cronJobs: inGroup('batch', 'CronJob'),
  leases: inGroup('coordination.k8s.io', 'Lease'),
  endpointSlices: inGroup('discovery.k8s.io', 'EndpointSlice'),
  priorityClasses: inGroup('scheduling.k8s.io', 'PriorityClass'),
  podDisruptionBudgets: inGroup('policy', 'PodDisruptionBudget'),
  horizontalPodAutoscalers: inGroup('autoscaling', 'HorizontalPodAutoscaler'),
  ingresses: inGroup('networking.k8s.io', 'Ingress'),
  ingressClasses: inGroup('networking.k8s.io', 'IngressClass'),
  networkPolicies: inGroup('networking.k8s.io', 'NetworkPolicy'),
  storageClasses: inGroup('storage.k8s.io', 'StorageClass'),
  replicationControllers: core('ReplicationController'),
  csiNodes: inGroup('storage.k8s.io', 'CSINode'),
  csiDrivers: inGroup('storage.k8s.io', 'CSIDriver'),
} as const;
