/**
 * Scheme defaults of the built-in kinds (SetObjectDefaults_* of release
 * 1.33), applied in place as decoding a request body applies them.
 *
 * Defaulting that upstream does in registry strategies rather than in the
 * scheme (pod phase Pending and QoS class, namespace finalizers, generated
 * Job selectors, Service IP families and allocated IPs and ports, status
 * resets) is the API server's, not done here.
 */
import type { ResourceType } from '../kinds.ts';
import type { KubeObject } from '../types.ts';
import { defaultCronJob, defaultJob } from './batch.ts';
import {
  defaultEndpoints,
  defaultLimitRange,
  defaultNamespace,
  defaultNode,
  defaultPodTemplate,
  defaultReplicationController,
  defaultResourceQuota,
  defaultSecret,
  defaultService,
} from './core.ts';
import { defaultEndpointSlice, defaultHPA, defaultNetworkPolicy, defaultPriorityClass, defaultRoleBinding } from './others.ts';
import { defaultPod } from './pod.ts';
import { defaultPersistentVolume, defaultPersistentVolumeClaim, defaultStorageClass } from './storage.ts';
import type { Rec } from './util.ts';
import { defaultDaemonSet, defaultDeployment, defaultReplicaSet, defaultStatefulSet } from './workloads.ts';

const DEFAULTERS: Record<string, (o: Rec) => void> = {
  '/Pod': defaultPod,
  '/PodTemplate': defaultPodTemplate,
  '/ReplicationController': defaultReplicationController,
  '/Service': defaultService,
  '/Namespace': defaultNamespace,
  '/Node': defaultNode,
  '/Secret': defaultSecret,
  '/Endpoints': defaultEndpoints,
  '/LimitRange': defaultLimitRange,
  '/ResourceQuota': defaultResourceQuota,
  '/PersistentVolume': defaultPersistentVolume,
  '/PersistentVolumeClaim': defaultPersistentVolumeClaim,
  'apps/Deployment': defaultDeployment,
  'apps/ReplicaSet': defaultReplicaSet,
  'apps/StatefulSet': defaultStatefulSet,
  'apps/DaemonSet': defaultDaemonSet,
  'batch/Job': defaultJob,
  'batch/CronJob': defaultCronJob,
  'autoscaling/HorizontalPodAutoscaler': defaultHPA,
  'networking.k8s.io/NetworkPolicy': defaultNetworkPolicy,
  'storage.k8s.io/StorageClass': defaultStorageClass,
  'scheduling.k8s.io/PriorityClass': defaultPriorityClass,
  'rbac.authorization.k8s.io/RoleBinding': defaultRoleBinding,
  'rbac.authorization.k8s.io/ClusterRoleBinding': defaultRoleBinding,
  'discovery.k8s.io/EndpointSlice': defaultEndpointSlice,
};

/** Applies the scheme defaults of the kind in place (SetObjectDefaults_*), as decoding does. */
export function applyDefaults(type: ResourceType, obj: KubeObject): void {
  const defaulter = DEFAULTERS[`${type.group}/${type.kind}`];
  if (defaulter && obj !== null && typeof obj === 'object') defaulter(obj as unknown as Rec);
}
