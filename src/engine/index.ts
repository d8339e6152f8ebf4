/**
 * The engine's public surface: everything outside src/engine imports from
 * here only.
 */
export { createCluster, USER, type Cluster, type ClusterOptions, type NodeOptions } from './cluster.ts';
export { Trace, formatEntry, formatOffset, type TraceEntry } from './trace.ts';
export { Loads, type LoadRule, type LoadSource, type Usage } from './loads.ts';
export type { PodMetrics, ContainerUsage, ResourceMetricsSource } from './api/metrics.ts';
export { Clock, EPOCH_MS, LivelockError, type TaskHandle } from './clock/clock.ts';
export { Random } from './clock/random.ts';
export type { Client, Identity, ListOptions, ListResult, WatchEvent, DeleteOptions, PatchType } from './client/client.ts';
export { tryGet } from './client/client.ts';
export { bucketOf, type Store, type StoreEvent, type StoreSnapshot } from './store/store.ts';
export { RESOURCE_TYPES, R, resourceFor, resourceByName, namesOf, apiVersionOf, groupResource, groupKind, type ResourceType } from './api/kinds.ts';
export * as api from './api/types.ts';
export type {
  KubeObject,
  Stored,
  Pod,
  Node,
  Deployment,
  ReplicaSet,
  StatefulSet,
  DaemonSet,
  Job,
  CronJob,
  HorizontalPodAutoscaler,
  PersistentVolumeClaim,
  PersistentVolume,
  ControllerRevision,
  ResourceQuota,
  LimitRange,
  StorageClass,
  LabelSelector,
  Taint,
  Toleration,
  KubeEvent,
  PodDisruptionBudget,
} from './api/types.ts';
export { StatusError, isStatusError, type Status } from './api/errors.ts';
export { Selector, parseFieldSelector } from './api/selectors.ts';
export { milliValue, value as quantityValue, resourceAmount, formatAmount, isQuantity } from './api/quantity.ts';
export { parseDuration, tryParseDuration, formatDuration, DurationError } from './api/duration.ts';
export { utcOffsetMinutes } from './api/time-zone.ts';
export { clone, deepEqual, controllerRef, getCondition, namespacedName, storeKey, storePrefix } from './api/meta.ts';
export { isPodReady, isPodActive, isPodTerminal, podRequests, allContainers } from './api/pod.ts';
export { toleratesTaint, taintTolerated, taintString } from './api/taints.ts';
export { podMatchesNodeSelectorAndAffinity } from './scheduler/plugins/node-affinity.ts';
export { fitErrorMessage, explainDecision, type SchedulingDecision } from './scheduler/explain.ts';
export { SchedulerConfigError, type SchedulerConfiguration, type SchedulerProfile } from './scheduler/config.ts';
export type { Scheduler } from './scheduler/scheduler.ts';
export { validateSchedulerConfiguration } from './scheduler/profile.ts';
export { DEFAULT_CONTROLLER_CONFIG, type ControllerConfig, type Controller, type ControllerContext, type Result as ReconcileResult } from './controllers/manager.ts';
export type { Perturbation, WatchBatch, WatchDelivery, ReconcileAttempt, ControllerCrash } from './api/perturbation.ts';
export { REGISTRY as SCHEDULER_PLUGINS } from './scheduler/plugins/registry.ts';
export { applyPatch, createMergePatch, jsonEqual } from './api/patch.ts';
export { createThreeWayMergePatch, createTwoWayMergePatch, createThreeWayJsonMergePatch } from './api/patch-diff.ts';
export { getLastApplied, withLastApplied, goJson, LAST_APPLIED_ANNOTATION } from './api/last-applied.ts';
export { Network, OUTSIDE_CLIENT_IP, type DataPlane } from './network/network.ts';
export { parseTarget, type RequestResult, type TrafficSource, type FailureKind, TrafficStream } from './network/traffic.ts';
export { answer as dnsAnswer, resolve as dnsResolve, searchPath as dnsSearchPath, CLUSTER_DOMAIN, CLUSTER_DNS_IP, type DnsAnswer, type DnsData } from './network/dns.ts';
export { routeIngress, pathMatches, hostMatches, type Ingress } from './network/ingress-routing.ts';
export { connectionAllowed, type NetworkPolicy, type PolicyContext } from './network/network-policy.ts';
export { KubeProxy, categorize, type ProxyMode, type ProxyEndpoint } from './network/kube-proxy.ts';
export { INGRESS_CLASS } from './network/ingress-controller.ts';
