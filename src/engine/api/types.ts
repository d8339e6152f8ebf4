/**
 * Object shapes of the Kubernetes API, as stored and served by the engine.
 *
 * The field-level types come from `kubernetes-models` (generated from the
 * Kubernetes OpenAPI schema); this module narrows them where the engine
 * guarantees more than the wire format does: every stored object has
 * metadata with a name, a uid and a resourceVersion.
 */
import type { IObjectMeta } from '@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta';
import type { IOwnerReference } from '@kubernetes-models/apimachinery/apis/meta/v1/OwnerReference';
import type { ILabelSelector } from '@kubernetes-models/apimachinery/apis/meta/v1/LabelSelector';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodStatus } from 'kubernetes-models/v1/PodStatus';
import type { IPodCondition } from 'kubernetes-models/v1/PodCondition';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IContainerStatus } from 'kubernetes-models/v1/ContainerStatus';
import type { INodeSpec } from 'kubernetes-models/v1/NodeSpec';
import type { INodeStatus } from 'kubernetes-models/v1/NodeStatus';
import type { INodeCondition } from 'kubernetes-models/v1/NodeCondition';
import type { ITaint } from 'kubernetes-models/v1/Taint';
import type { IToleration } from 'kubernetes-models/v1/Toleration';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import type { IReplicaSetSpec } from 'kubernetes-models/apps/v1/ReplicaSetSpec';
import type { IReplicaSetStatus } from 'kubernetes-models/apps/v1/ReplicaSetStatus';
import type { IDeploymentSpec } from 'kubernetes-models/apps/v1/DeploymentSpec';
import type { IDeploymentStatus } from 'kubernetes-models/apps/v1/DeploymentStatus';
import type { IDeploymentCondition } from 'kubernetes-models/apps/v1/DeploymentCondition';
import type { ILeaseSpec } from 'kubernetes-models/coordination.k8s.io/v1/LeaseSpec';
import type { IObjectReference } from 'kubernetes-models/v1/ObjectReference';
import type { IEventSource } from 'kubernetes-models/v1/EventSource';
import type { INamespaceSpec } from 'kubernetes-models/v1/NamespaceSpec';
import type { INamespaceStatus } from 'kubernetes-models/v1/NamespaceStatus';
import type { INodeSelectorRequirement } from 'kubernetes-models/v1/NodeSelectorRequirement';
import type { INodeSelectorTerm } from 'kubernetes-models/v1/NodeSelectorTerm';
import type { IPodAffinityTerm } from 'kubernetes-models/v1/PodAffinityTerm';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IWeightedPodAffinityTerm } from 'kubernetes-models/v1/WeightedPodAffinityTerm';
import type { ITopologySpreadConstraint } from 'kubernetes-models/v1/TopologySpreadConstraint';
import type { IStatefulSetSpec } from 'kubernetes-models/apps/v1/StatefulSetSpec';
import type { IStatefulSetStatus } from 'kubernetes-models/apps/v1/StatefulSetStatus';
import type { IDaemonSetSpec } from 'kubernetes-models/apps/v1/DaemonSetSpec';
import type { IDaemonSetStatus } from 'kubernetes-models/apps/v1/DaemonSetStatus';
import type { IJobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import type { IJobStatus } from 'kubernetes-models/batch/v1/JobStatus';
import type { IJobCondition } from 'kubernetes-models/batch/v1/JobCondition';
import type { ICronJobSpec } from 'kubernetes-models/batch/v1/CronJobSpec';
import type { ICronJobStatus } from 'kubernetes-models/batch/v1/CronJobStatus';
import type { IHorizontalPodAutoscalerSpec } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscalerSpec';
import type { IHorizontalPodAutoscalerStatus } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscalerStatus';
import type { IPersistentVolumeClaimSpec } from 'kubernetes-models/v1/PersistentVolumeClaimSpec';
import type { IPersistentVolumeClaimStatus } from 'kubernetes-models/v1/PersistentVolumeClaimStatus';
import type { IPersistentVolumeSpec } from 'kubernetes-models/v1/PersistentVolumeSpec';
import type { IPersistentVolumeStatus } from 'kubernetes-models/v1/PersistentVolumeStatus';
import type { ICSINodeSpec } from 'kubernetes-models/storage.k8s.io/v1/CSINodeSpec';
import type { ITopologySelectorTerm } from 'kubernetes-models/v1/TopologySelectorTerm';
import type { IPodDisruptionBudgetSpec } from 'kubernetes-models/policy/v1/PodDisruptionBudgetSpec';
import type { IPodDisruptionBudgetStatus } from 'kubernetes-models/policy/v1/PodDisruptionBudgetStatus';
import type { IResourceQuotaSpec } from 'kubernetes-models/v1/ResourceQuotaSpec';
import type { IResourceQuotaStatus } from 'kubernetes-models/v1/ResourceQuotaStatus';
import type { ILimitRangeSpec } from 'kubernetes-models/v1/LimitRangeSpec';

export type ObjectMeta = IObjectMeta;
export type OwnerReference = IOwnerReference;
export type LabelSelector = ILabelSelector;
export type PodSpec = IPodSpec;
export type PodStatus = IPodStatus;
export type PodCondition = IPodCondition;
export type Container = IContainer;
export type ContainerStatus = IContainerStatus;
export type NodeSpec = INodeSpec;
export type NodeStatus = INodeStatus;
export type NodeCondition = INodeCondition;
export type Taint = ITaint;
export type Toleration = IToleration;
export type PodTemplateSpec = IPodTemplateSpec;
export type ReplicaSetSpec = IReplicaSetSpec;
export type ReplicaSetStatus = IReplicaSetStatus;
export type DeploymentSpec = IDeploymentSpec;
export type DeploymentStatus = IDeploymentStatus;
/** Every field optional: budgets are read before the disruption controller first writes their status. */
export type PodDisruptionBudgetStatus = Partial<IPodDisruptionBudgetStatus>;
export type DeploymentCondition = IDeploymentCondition;
export type LeaseSpec = ILeaseSpec;
export type ObjectReference = IObjectReference;
export type NodeSelectorRequirement = INodeSelectorRequirement;
export type NodeSelectorTerm = INodeSelectorTerm;
export type PodAffinityTerm = IPodAffinityTerm;
export type Volume = IVolume;
export type WeightedPodAffinityTerm = IWeightedPodAffinityTerm;
export type TopologySpreadConstraint = ITopologySpreadConstraint;
export type TopologySelectorTerm = ITopologySelectorTerm;

/** Metadata of an object the API server has stored: identity fields are always set. */
export interface StoredMeta extends ObjectMeta {
  name: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
}

/**
 * Any Kubernetes object, as a plain JSON value. `spec` and `status` are left
 * open; the typed aliases below narrow them per kind.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** An object as returned by the API server. */
export type Stored<T extends KubeObject = KubeObject> = T & { metadata: StoredMeta };

export interface Pod extends KubeObject {
  apiVersion: 'v1';
  kind: 'Pod';
  spec: PodSpec;
  status?: PodStatus;
}

export interface Node extends KubeObject {
  apiVersion: 'v1';
  kind: 'Node';
  spec?: NodeSpec;
  status?: NodeStatus;
}

export interface Namespace extends KubeObject {
  apiVersion: 'v1';
  kind: 'Namespace';
  spec?: INamespaceSpec;
  status?: INamespaceStatus;
}

export interface ReplicaSet extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'ReplicaSet';
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

export interface Deployment extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  spec: DeploymentSpec;
  status?: DeploymentStatus;
}

export interface Lease extends KubeObject {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  spec?: LeaseSpec;
}

export interface ServiceAccount extends KubeObject {
  apiVersion: 'v1';
  kind: 'ServiceAccount';
}

/** core/v1 Event, the shape `kubectl describe` and `kubectl get events` read. */
export interface KubeEvent extends KubeObject {
  apiVersion: 'v1';
  kind: 'Event';
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  source?: IEventSource;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string | null;
  count?: number;
  type?: string;
  reportingComponent?: string;
  reportingInstance?: string;
}

/** A reference to one object: its resource type, namespace (if namespaced) and name. */
export interface ObjectKey {
  namespace?: string;
  name: string;
}

// ---- the other workloads, storage and policy kinds the controllers manage ----


export type StatefulSetSpec = IStatefulSetSpec;
export type StatefulSetStatus = IStatefulSetStatus;
export type DaemonSetSpec = IDaemonSetSpec;
export type DaemonSetStatus = IDaemonSetStatus;
export type JobSpec = IJobSpec;
export type JobStatus = IJobStatus;
export type JobCondition = IJobCondition;
export type PersistentVolumeClaimSpec = IPersistentVolumeClaimSpec;

export interface StatefulSet extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'StatefulSet';
  spec: StatefulSetSpec;
  status?: StatefulSetStatus;
}

export interface DaemonSet extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'DaemonSet';
  spec: DaemonSetSpec;
  status?: DaemonSetStatus;
}

/** apps/v1 ControllerRevision: an immutable snapshot of a StatefulSet's or DaemonSet's template. */
export interface ControllerRevision extends KubeObject {
  apiVersion: 'apps/v1';
  kind: 'ControllerRevision';
  data?: unknown;
  revision: number;
}

export interface Job extends KubeObject {
  apiVersion: 'batch/v1';
  kind: 'Job';
  spec: JobSpec;
  status?: JobStatus;
}

export interface CronJob extends KubeObject {
  apiVersion: 'batch/v1';
  kind: 'CronJob';
  spec: ICronJobSpec;
  status?: ICronJobStatus;
}

export interface HorizontalPodAutoscaler extends KubeObject {
  apiVersion: 'autoscaling/v2';
  kind: 'HorizontalPodAutoscaler';
  spec: IHorizontalPodAutoscalerSpec;
  status?: IHorizontalPodAutoscalerStatus;
}

export interface PersistentVolumeClaim extends KubeObject {
  apiVersion: 'v1';
  kind: 'PersistentVolumeClaim';
  spec: PersistentVolumeClaimSpec;
  status?: IPersistentVolumeClaimStatus;
}

export interface PersistentVolume extends KubeObject {
  apiVersion: 'v1';
  kind: 'PersistentVolume';
  spec: IPersistentVolumeSpec;
  status?: IPersistentVolumeStatus;
}

export interface StorageClass extends KubeObject {
  apiVersion: 'storage.k8s.io/v1';
  kind: 'StorageClass';
  provisioner: string;
  parameters?: Record<string, string>;
  reclaimPolicy?: string;
  volumeBindingMode?: 'Immediate' | 'WaitForFirstConsumer';
  allowedTopologies?: TopologySelectorTerm[];
  allowVolumeExpansion?: boolean;
  mountOptions?: string[];
}

export interface CSINode extends KubeObject {
  apiVersion: 'storage.k8s.io/v1';
  kind: 'CSINode';
  spec: ICSINodeSpec;
}

export interface PodDisruptionBudget extends KubeObject {
  apiVersion: 'policy/v1';
  kind: 'PodDisruptionBudget';
  spec: IPodDisruptionBudgetSpec;
  status?: PodDisruptionBudgetStatus;
}

export interface PriorityClass extends KubeObject {
  apiVersion: 'scheduling.k8s.io/v1';
  kind: 'PriorityClass';
  value: number;
  globalDefault?: boolean;
  description?: string;
  preemptionPolicy?: 'Never' | 'PreemptLowerPriority';
}

export interface ResourceQuota extends KubeObject {
  apiVersion: 'v1';
  kind: 'ResourceQuota';
  spec?: IResourceQuotaSpec;
  status?: IResourceQuotaStatus;
}

export interface LimitRange extends KubeObject {
  apiVersion: 'v1';
  kind: 'LimitRange';
  spec: ILimitRangeSpec;
}
