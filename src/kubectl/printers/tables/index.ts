/**
 * The table `kubectl get` prints for each kind: the columns and rows the API
 * server's table convertor produces (pkg/printers/internalversion).
 */
import type { KubeObject } from '../../../engine/index.ts';
import type { Column, Row, Table } from '../table.ts';
import type { Json } from '../fields.ts';
import { POD_COLUMNS, podRow } from './pods.ts';
import * as w from './workloads.ts';
import * as n from './network.ts';
import * as c from './cluster.ts';

type RowFn = (o: Json, now: number, wide: boolean) => Row;

const PRINTERS: Record<string, [Column[], RowFn]> = {
  Pod: [POD_COLUMNS, podRow],
  PodTemplate: [w.POD_TEMPLATE_COLUMNS, w.podTemplateRow],
  Deployment: [w.DEPLOYMENT_COLUMNS, w.deploymentRow],
  ReplicaSet: [w.REPLICASET_COLUMNS, w.replicaSetRow],
  ReplicationController: [w.REPLICASET_COLUMNS, w.replicationControllerRow],
  StatefulSet: [w.STATEFULSET_COLUMNS, w.statefulSetRow],
  DaemonSet: [w.DAEMONSET_COLUMNS, w.daemonSetRow],
  Job: [w.JOB_COLUMNS, w.jobRow],
  CronJob: [w.CRONJOB_COLUMNS, w.cronJobRow],
  PodDisruptionBudget: [w.PDB_COLUMNS, w.pdbRow],
  HorizontalPodAutoscaler: [w.HPA_COLUMNS, w.hpaRow],
  ControllerRevision: [w.CONTROLLER_REVISION_COLUMNS, w.controllerRevisionRow],
  Service: [n.SERVICE_COLUMNS, n.serviceRow],
  Endpoints: [n.ENDPOINTS_COLUMNS, n.endpointsRow],
  EndpointSlice: [n.ENDPOINTSLICE_COLUMNS, n.endpointSliceRow],
  Ingress: [n.INGRESS_COLUMNS, n.ingressRow],
  IngressClass: [n.INGRESS_CLASS_COLUMNS, n.ingressClassRow],
  NetworkPolicy: [n.NETWORK_POLICY_COLUMNS, n.networkPolicyRow],
  Node: [c.NODE_COLUMNS, c.nodeRow],
  Namespace: [c.NAMESPACE_COLUMNS, c.namespaceRow],
  ConfigMap: [c.CONFIGMAP_COLUMNS, c.configMapRow],
  Secret: [c.SECRET_COLUMNS, c.secretRow],
  ServiceAccount: [c.SERVICE_ACCOUNT_COLUMNS, c.serviceAccountRow],
  PersistentVolumeClaim: [c.PVC_COLUMNS, c.pvcRow],
  PersistentVolume: [c.PV_COLUMNS, c.pvRow],
  StorageClass: [c.STORAGE_CLASS_COLUMNS, c.storageClassRow],
  Lease: [c.LEASE_COLUMNS, c.leaseRow],
  PriorityClass: [c.PRIORITY_CLASS_COLUMNS, c.priorityClassRow],
  RoleBinding: [c.BINDING_COLUMNS, c.bindingRow],
  ClusterRoleBinding: [c.BINDING_COLUMNS, c.bindingRow],
  RuntimeClass: [c.RUNTIME_CLASS_COLUMNS, c.runtimeClassRow],
  MutatingWebhookConfiguration: [c.WEBHOOK_COLUMNS, c.webhookRow],
  ValidatingWebhookConfiguration: [c.WEBHOOK_COLUMNS, c.webhookRow],
  CSINode: [c.CSINODE_COLUMNS, c.csiNodeRow],
  ResourceQuota: [c.RESOURCE_QUOTA_COLUMNS, c.resourceQuotaRow],
};

export interface TableContext {
  /** Simulated now, for ages. */
  now: number;
  wide?: boolean;
}

/** The table of `objects`, all of one kind, as the API server would render it for `kubectl get`. */
export function tableFor(kind: string, objects: readonly KubeObject[], ctx: TableContext): Table {
  const wide = ctx.wide ?? false;
  if (kind === 'Event') {
    const columns = wide ? c.EVENT_WIDE_COLUMNS : c.EVENT_COLUMNS;
    return { columns, rows: objects.map((o) => c.eventRow(o as Json, ctx.now, wide)) };
  }
  const printer = PRINTERS[kind];
  if (!printer) return { columns: c.DEFAULT_COLUMNS, rows: objects.map((o) => c.defaultRow(o as Json)) };
  const [columns, row] = printer;
  return { columns, rows: objects.map((o) => row(o as Json, ctx.now, wide)) };
}

/** True when `kubectl get` has a dedicated table for the kind (else NAME and CREATED AT). */
export function hasTable(kind: string): boolean {
  return kind === 'Event' || kind in PRINTERS;
}
