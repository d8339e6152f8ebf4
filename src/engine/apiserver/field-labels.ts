/**
 * Field selectors each resource supports (the field label conversion
 * functions registered per kind upstream). Every kind supports
 * metadata.name and metadata.namespace.
 */
import type { ResourceType } from '../api/kinds.ts';

const BY_KIND: Record<string, readonly string[]> = {
  '/Pod': [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.podIPs',
    'status.nominatedNodeName',
  ],
  '/Node': ['spec.unschedulable'],
  '/Event': [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  '/Namespace': ['status.phase'],
  '/Secret': ['type'],
  '/ReplicationController': ['status.replicas'],
  '/PersistentVolume': [],
  'apps/ReplicaSet': ['status.replicas'],
  'batch/Job': ['status.successful'],
  'certificates.k8s.io/CertificateSigningRequest': ['spec.signerName'],
};

export function fieldLabelSupported(type: ResourceType, field: string): boolean {
  if (field === 'metadata.name' || field === 'metadata.namespace') return true;
  return (BY_KIND[`${type.group}/${type.kind}`] ?? []).includes(field);
}
