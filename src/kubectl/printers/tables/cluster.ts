/**
 * Tables of nodes, namespaces, events, configuration, storage and the other
 * cluster kinds (printNode, printEvent, printConfigMap, printSecret, ...).
 */
import type { Column, Row } from '../table.ts';
import { since } from '../duration.ts';
import { type Json, list, map, str, num, at, has } from '../fields.ts';

const NAME: Column = { name: 'Name', format: 'name' };
const AGE: Column = { name: 'Age' };
const age = (o: Json, now: number) => since(at(o, 'metadata', 'creationTimestamp'), now);
const name = (o: Json) => str(o, 'metadata', 'name');

/** The STATUS column of a node: `Ready`, `NotReady`, `Unknown`, with `,SchedulingDisabled` when cordoned. */
export function nodeStatus(node: Json): string {
  const status: string[] = [];
  const ready = list(node, 'status', 'conditions').find((c) => c.type === 'Ready');
  if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (status.length === 0) status.push('Unknown');
  if (at(node, 'spec', 'unschedulable') === true) status.push('SchedulingDisabled');
  return status.join(',');
}

/** findNodeRoles: from `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels. */
export function nodeRoles(node: Json): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(map(node, 'metadata', 'labels'))) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(String(v));
  }
  return [...roles].sort().join(',') || '<none>';
}

const nodeAddress = (node: Json, type: string) => str(list(node, 'status', 'addresses').find((a) => a.type === type), 'address') || '<none>';

export const NODE_COLUMNS: Column[] = [
  NAME,
  { name: 'Status' },
  { name: 'Roles' },
  AGE,
  { name: 'Version' },
  { name: 'Internal-IP', priority: 1 },
  { name: 'External-IP', priority: 1 },
  { name: 'OS-Image', priority: 1 },
  { name: 'Kernel-Version', priority: 1 },
  { name: 'Container-Runtime', priority: 1 },
];
export function nodeRow(o: Json, now: number): Row {
  const info = map(o, 'status', 'nodeInfo');
  return {
    object: o as never,
    cells: [
      name(o),
      nodeStatus(o),
      nodeRoles(o),
      age(o, now),
      str(info, 'kubeletVersion'),
      nodeAddress(o, 'InternalIP'),
      nodeAddress(o, 'ExternalIP'),
      str(info, 'osImage') || '<unknown>',
      str(info, 'kernelVersion') || '<unknown>',
      str(info, 'containerRuntimeVersion') || '<unknown>',
    ],
  };
}

export const NAMESPACE_COLUMNS: Column[] = [NAME, { name: 'Status' }, AGE];
export function namespaceRow(o: Json, now: number): Row {
  return { object: o as never, cells: [name(o), str(o, 'status', 'phase'), age(o, now)] };
}

export const EVENT_COLUMNS: Column[] = [{ name: 'Last Seen' }, { name: 'Type' }, { name: 'Reason' }, { name: 'Object' }, { name: 'Message' }];
export const EVENT_WIDE_COLUMNS: Column[] = [
  { name: 'Last Seen' },
  { name: 'Type' },
  { name: 'Reason' },
  { name: 'Object' },
  { name: 'Subobject' },
  { name: 'Source' },
  { name: 'Message' },
  { name: 'First Seen' },
  { name: 'Count' },
  { name: 'Name', format: 'name' },
];

/** formatEventSource: `component, host`, falling back to the reporting controller and instance. */
export function eventSource(e: Json): string {
  const component = str(e, 'source', 'component') || str(e, 'reportingComponent');
  const host = str(e, 'source', 'host') || str(e, 'reportingInstance');
  return host ? `${component}, ${host}` : component;
}

export function eventRow(e: Json, now: number, wide: boolean): Row {
  const first = has(e, 'firstTimestamp') ? since(at(e, 'firstTimestamp'), now) : since(at(e, 'eventTime'), now);
  let last = has(e, 'lastTimestamp') ? since(at(e, 'lastTimestamp'), now) : first;
  let count = num(e, ['count']);
  if (has(e, 'series')) {
    last = since(at(e, 'series', 'lastObservedTime'), now);
    count = num(e, ['series', 'count']);
  } else if (count === 0) count = 1;
  const kind = str(e, 'involvedObject', 'kind').toLowerCase();
  const target = str(e, 'involvedObject', 'name') ? `${kind}/${str(e, 'involvedObject', 'name')}` : kind;
  const message = str(e, 'message').trim();
  const cells = wide
    ? [last, str(e, 'type'), str(e, 'reason'), target, str(e, 'involvedObject', 'fieldPath'), eventSource(e), message, first, count, name(e)]
    : [last, str(e, 'type'), str(e, 'reason'), target, message];
  return { object: e as never, cells };
}

export const CONFIGMAP_COLUMNS: Column[] = [NAME, { name: 'Data' }, AGE];
export function configMapRow(o: Json, now: number): Row {
  return { object: o as never, cells: [name(o), Object.keys(map(o, 'data')).length + Object.keys(map(o, 'binaryData')).length, age(o, now)] };
}

export const SECRET_COLUMNS: Column[] = [NAME, { name: 'Type' }, { name: 'Data' }, AGE];
export function secretRow(o: Json, now: number): Row {
  return { object: o as never, cells: [name(o), str(o, 'type') || 'Opaque', Object.keys(map(o, 'data')).length, age(o, now)] };
}

export const SERVICE_ACCOUNT_COLUMNS: Column[] = [NAME, { name: 'Secrets' }, AGE];
export function serviceAccountRow(o: Json, now: number): Row {
  return { object: o as never, cells: [name(o), list(o, 'secrets').length, age(o, now)] };
}

/** GetAccessModesAsString: `RWO,ROX,RWX,RWOP` in that order. */
export function accessModes(modes: unknown): string {
  const m = Array.isArray(modes) ? modes : [];
  const out: string[] = [];
  if (m.includes('ReadWriteOnce')) out.push('RWO');
  if (m.includes('ReadOnlyMany')) out.push('ROX');
  if (m.includes('ReadWriteMany')) out.push('RWX');
  if (m.includes('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

const storageClassOf = (o: Json) => str(o, 'metadata', 'annotations', 'volume.beta.kubernetes.io/storage-class') || str(o, 'spec', 'storageClassName');

export const PVC_COLUMNS: Column[] = [
  NAME,
  { name: 'Status' },
  { name: 'Volume' },
  { name: 'Capacity' },
  { name: 'Access Modes' },
  { name: 'StorageClass' },
  { name: 'VolumeAttributesClass' },
  AGE,
  { name: 'VolumeMode', priority: 1 },
];
export function pvcRow(o: Json, now: number): Row {
  const phase = has(o, 'metadata', 'deletionTimestamp') ? 'Terminating' : str(o, 'status', 'phase');
  const bound = str(o, 'spec', 'volumeName') !== '';
  return {
    object: o as never,
    cells: [
      name(o),
      phase,
      str(o, 'spec', 'volumeName'),
      bound ? str(o, 'status', 'capacity', 'storage') : '',
      bound ? accessModes(at(o, 'status', 'accessModes')) : '',
      storageClassOf(o),
      str(o, 'spec', 'volumeAttributesClassName') || '<unset>',
      age(o, now),
      str(o, 'spec', 'volumeMode') || '<unset>',
    ],
  };
}

export const PV_COLUMNS: Column[] = [
  NAME,
  { name: 'Capacity' },
  { name: 'Access Modes' },
  { name: 'Reclaim Policy' },
  { name: 'Status' },
  { name: 'Claim' },
  { name: 'StorageClass' },
  { name: 'VolumeAttributesClass' },
  { name: 'Reason' },
  AGE,
  { name: 'VolumeMode', priority: 1 },
];
export function pvRow(o: Json, now: number): Row {
  const claim = has(o, 'spec', 'claimRef') ? `${str(o, 'spec', 'claimRef', 'namespace')}/${str(o, 'spec', 'claimRef', 'name')}` : '';
  return {
    object: o as never,
    cells: [
      name(o),
      str(o, 'spec', 'capacity', 'storage'),
      accessModes(at(o, 'spec', 'accessModes')),
      str(o, 'spec', 'persistentVolumeReclaimPolicy'),
      has(o, 'metadata', 'deletionTimestamp') ? 'Terminating' : str(o, 'status', 'phase'),
      claim,
      storageClassOf(o),
      str(o, 'spec', 'volumeAttributesClassName') || '<unset>',
      str(o, 'status', 'reason'),
      age(o, now),
      str(o, 'spec', 'volumeMode') || '<unset>',
    ],
  };
}

export const STORAGE_CLASS_COLUMNS: Column[] = [NAME, { name: 'Provisioner' }, { name: 'ReclaimPolicy' }, { name: 'VolumeBindingMode' }, { name: 'AllowVolumeExpansion' }, AGE];
export function storageClassRow(o: Json, now: number): Row {
  const ann = map(o, 'metadata', 'annotations');
  const isDefault = ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
  return {
    object: o as never,
    cells: [
      `${name(o)}${isDefault ? ' (default)' : ''}`,
      str(o, 'provisioner'),
      str(o, 'reclaimPolicy') || 'Delete',
      str(o, 'volumeBindingMode') || 'Immediate',
      at(o, 'allowVolumeExpansion') === true,
      age(o, now),
    ],
  };
}

export const LEASE_COLUMNS: Column[] = [NAME, { name: 'Holder' }, AGE];
export function leaseRow(o: Json, now: number): Row {
  return { object: o as never, cells: [name(o), str(o, 'spec', 'holderIdentity'), age(o, now)] };
}

export const PRIORITY_CLASS_COLUMNS: Column[] = [NAME, { name: 'Value' }, { name: 'Global-Default' }, AGE, { name: 'PreemptionPolicy', priority: 1 }];
export function priorityClassRow(o: Json, now: number): Row {
  return { object: o as never, cells: [name(o), num(o, ['value']), at(o, 'globalDefault') === true, age(o, now), str(o, 'preemptionPolicy')] };
}

export const BINDING_COLUMNS: Column[] = [NAME, { name: 'Role' }, AGE, { name: 'Users', priority: 1 }, { name: 'Groups', priority: 1 }, { name: 'ServiceAccounts', priority: 1 }];
export function bindingRow(o: Json, now: number): Row {
  const subjects = list(o, 'subjects');
  const of = (kind: string) => subjects.filter((s) => s.kind === kind);
  const sas = of('ServiceAccount').map((s) => `${str(s, 'namespace')}/${str(s, 'name')}`);
  return {
    object: o as never,
    cells: [
      name(o),
      `${str(o, 'roleRef', 'kind')}/${str(o, 'roleRef', 'name')}`,
      age(o, now),
      of('User').map((s) => str(s, 'name')).join(', '),
      of('Group').map((s) => str(s, 'name')).join(', '),
      sas.join(', '),
    ],
  };
}

export const RUNTIME_CLASS_COLUMNS: Column[] = [NAME, { name: 'Handler' }, AGE];
export function runtimeClassRow(o: Json, now: number): Row {
  return { object: o as never, cells: [name(o), str(o, 'handler'), age(o, now)] };
}

export const WEBHOOK_COLUMNS: Column[] = [NAME, { name: 'Webhooks' }, AGE];
export function webhookRow(o: Json, now: number): Row {
  return { object: o as never, cells: [name(o), list(o, 'webhooks').length, age(o, now)] };
}

export const CSINODE_COLUMNS: Column[] = [NAME, { name: 'Drivers' }, AGE];
export function csiNodeRow(o: Json, now: number): Row {
  return { object: o as never, cells: [name(o), list(o, 'spec', 'drivers').length, age(o, now)] };
}

export const RESOURCE_QUOTA_COLUMNS: Column[] = [NAME, { name: 'Request' }, { name: 'Limit' }, AGE];
export function resourceQuotaRow(o: Json, now: number): Row {
  const hard = map(o, 'status', 'hard');
  const used = map(o, 'status', 'used');
  const req: string[] = [];
  const lim: string[] = [];
  for (const r of Object.keys(hard).sort()) (r.startsWith('limits.') ? lim : req).push(`${r}: ${str(used, r) || '0'}/${str(hard, r)}`);
  return { object: o as never, cells: [name(o), req.join(', '), lim.join(', '), age(o, now)] };
}

/** The API server's default table for kinds without a printer: NAME and CREATED AT. */
export const DEFAULT_COLUMNS: Column[] = [NAME, { name: 'Created At' }];
export function defaultRow(o: Json): Row {
  return { object: o as never, cells: [name(o), str(o, 'metadata', 'creationTimestamp')] };
}
