/**
 * PersistentVolumeClaim and PersistentVolume validation (and the claim
 * templates of ephemeral volumes), after pkg/apis/core/validation.
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, notSupported, required } from '../errors.ts';
import { specDiff } from './diff.ts';
import { validateLabelSelector, validateNamespaceName, validateObjectMeta, validateObjectMetaUpdate, validateTemplateObjectMeta } from './meta.ts';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from './names.ts';
import { validatePathNoBacksteps } from './downward-api.ts';
import { cmpQuantity, formatQuantity, parseQuantity } from './quantity-format.ts';
import { readQuantity, validateResourceQuantityValue } from './resources.ts';
import { validateNodeSelector } from './scheduling.ts';
import { FIELD_IMMUTABLE, arr, child, deepEqual, invalidRepr, key, notSupportedRepr, obj, optStr, rec, semanticEqual, sortedKeys, str } from './util.ts';
import type { Rec } from './util.ts';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

function validateAccessModes(modes: string[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!ACCESS_MODES.includes(m)) errs.push(notSupported(field, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(forbidden(field, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function validateDataSource(ds: Rec, field: string, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (str(ds.name).length === 0) errs.push(required(child(field, 'name'), ''));
  if (str(ds.kind).length === 0) errs.push(required(child(field, 'kind'), ''));
  const apiGroup = str(ds.apiGroup);
  if (apiGroup.length === 0 && str(ds.kind) !== 'PersistentVolumeClaim')
    errs.push(invalid(field, str(ds.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  if (apiGroup.length > 0) for (const m of isDNS1123Subdomain(apiGroup)) errs.push(invalid(child(field, 'apiGroup'), apiGroup, m));
  const ns = str(ds.namespace);
  if (namespaced && ns.length > 0) for (const m of validateNamespaceName(ns, false)) errs.push(invalid(child(field, 'namespace'), ns, m));
  return errs;
}

/** ValidatePersistentVolumeClaimSpec */
export function validatePersistentVolumeClaimSpec(spec0: unknown, field: string): FieldError[] {
  const spec = obj(spec0);
  const errs: FieldError[] = [];
  const modes = arr(spec.accessModes).map(str);
  if (modes.length === 0) errs.push(required(child(field, 'accessModes'), 'at least 1 access mode is required'));
  if (spec.selector != null) errs.push(...validateLabelSelector(spec.selector, child(field, 'selector')));
  errs.push(...validateAccessModes(modes, child(field, 'accessModes')));
  const requests = rec(obj(spec.resources).requests);
  const storagePath = key(child(field, 'resources'), 'storage');
  if (!requests || !('storage' in requests)) errs.push(required(storagePath, ''));
  else {
    const q = readQuantity(requests.storage, storagePath, errs);
    if (q && q.nanos <= 0n) errs.push(invalid(storagePath, formatQuantity(q), 'must be greater than zero'));
    else if (q) errs.push(...validateResourceQuantityValue('storage', q, storagePath));
  }
  const sc = optStr(spec.storageClassName);
  if (sc) for (const m of nameIsDNSSubdomain(sc, false)) errs.push(invalid(child(field, 'storageClassName'), sc, m));
  if (spec.volumeMode != null && !VOLUME_MODES.includes(str(spec.volumeMode)))
    errs.push(notSupported(child(field, 'volumeMode'), str(spec.volumeMode), VOLUME_MODES));
  const ds = rec(spec.dataSource);
  const dsr = rec(spec.dataSourceRef);
  if (ds) errs.push(...validateDataSource(ds, child(field, 'dataSource'), false));
  if (dsr) errs.push(...validateDataSource(dsr, child(field, 'dataSourceRef'), true));
  if (dsr && str(dsr.namespace).length > 0) {
    if (ds) errs.push(invalid(field, child(field, 'dataSource'), 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (ds && dsr) {
    if (str(ds.apiGroup) !== str(dsr.apiGroup) || str(ds.kind) !== str(dsr.kind) || str(ds.name) !== str(dsr.name))
      errs.push(invalid(field, child(field, 'dataSource'), 'must match dataSourceRef'));
  }
  return errs;
}

/** ValidatePersistentVolumeClaimTemplate: only labels and annotations in its metadata. */
export function validatePersistentVolumeClaimTemplate(tmpl: Rec, field: string): FieldError[] {
  const errs = validateTemplateObjectMeta(tmpl.metadata, child(field, 'metadata'));
  errs.push(...validatePersistentVolumeClaimSpec(tmpl.spec, child(field, 'spec')));
  return errs;
}

/** ValidatePersistentVolumeClaim */
export function validatePVCCreate(pvc: Rec): FieldError[] {
  const errs = validateObjectMeta(pvc.metadata, true, nameIsDNSSubdomain);
  errs.push(...validatePersistentVolumeClaimSpec(pvc.spec, 'spec'));
  return errs;
}

/** ValidatePersistentVolumeClaimUpdate: the spec is immutable but for a bound claim's storage request and a first volumeName. */
export function validatePVCUpdate(pvc: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(pvc.metadata, old.metadata);
  errs.push(...validatePVCCreate(pvc));
  const newSpec = structuredClone(obj(pvc.spec));
  const oldSpec = structuredClone(obj(old.spec));
  if (str(oldSpec.volumeName).length === 0) oldSpec.volumeName = newSpec.volumeName;
  if (newSpec.storageClassName != null && oldSpec.storageClassName == null) oldSpec.storageClassName = newSpec.storageClassName;
  const bound = str(obj(pvc.status).phase) === 'Bound';
  const newReq = rec(obj(newSpec.resources).requests);
  if (bound && newReq) newReq.storage = rec(obj(oldSpec.resources).requests)?.storage;
  if (!semanticEqual(newSpec, oldSpec))
    errs.push(
      forbidden(
        'spec',
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff('core.PersistentVolumeClaimSpec', oldSpec, newSpec)}`,
      ),
    );
  const newSize = parseQuantity(rec(obj(obj(pvc.spec).resources).requests)?.storage ?? '0');
  const oldSize = parseQuantity(rec(obj(obj(old.spec).resources).requests)?.storage ?? '0');
  const statusSize = parseQuantity(rec(obj(old.status).capacity)?.storage ?? '0');
  // RecoverVolumeExpansionFailure (on in 1.33) allows shrinking down to, but not below, the recorded capacity.
  if (newSize && oldSize && statusSize && cmpQuantity(newSize, oldSize) < 0 && cmpQuantity(newSize, statusSize) <= 0)
    errs.push(forbidden('spec.resources.requests.storage', 'field can not be less than status.capacity'));
  errs.push(...immutableMode(obj(pvc.spec).volumeMode, obj(old.spec).volumeMode));
  return errs;
}

function immutableMode(n: unknown, o: unknown): FieldError[] {
  if (deepEqual(n, o)) return [];
  // Upstream names this field without its `spec.` prefix.
  if (n === undefined || n === null) return [invalidRepr('volumeMode', n, 'null', FIELD_IMMUTABLE)];
  return [invalid('volumeMode', str(n), FIELD_IMMUTABLE)];
}

/** ValidatePersistentVolumeClaimStatusUpdate */
export function validatePVCStatusUpdate(pvc: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(pvc.metadata, old.metadata);
  if (str(obj(pvc.metadata).resourceVersion).length === 0) errs.push(required('resourceVersion', ''));
  if (arr(obj(pvc.spec).accessModes).length === 0) errs.push(required('Spec.accessModes', ''));
  const cap = rec(obj(pvc.status).capacity);
  for (const k of sortedKeys(cap)) {
    const q = parseQuantity(cap![k]);
    if (q && q.nanos < 0n) errs.push(invalid(key('status.capacity', k), Number(q.nanos / 1_000_000_000n), 'must be a valid resource quantity'));
  }
  return errs;
}

const PV_SOURCES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'glusterfs', 'flocker', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi',
  'cinder', 'fc', 'flexVolume', 'azureFile', 'vsphereVolume', 'photonPersistentDisk', 'portworxVolume', 'azureDisk', 'scaleIO',
  'local', 'storageos', 'csi',
];

function validatePVSpec(spec: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const modes = arr(spec.accessModes).map(str);
  if (modes.length === 0) errs.push(required(child(field, 'accessModes'), ''));
  errs.push(...validateAccessModes(modes, child(field, 'accessModes')));
  const capacity = rec(spec.capacity);
  const capPath = child(field, 'capacity');
  if (!capacity || Object.keys(capacity).length === 0) errs.push(required(capPath, ''));
  if (!capacity || !('storage' in capacity) || Object.keys(capacity).length > 1) {
    const entries = sortedKeys(capacity).map((k) => `${JSON.stringify(k)}:${JSON.stringify(formatQuantity(parseQuantity(capacity![k]) ?? { nanos: 0n, format: 'DecimalSI' }))}`);
    const repr = capacity ? `core.ResourceList{${entries.join(', ')}}` : 'core.ResourceList(nil)';
    errs.push(notSupportedRepr(capPath, capacity, repr, ['storage']));
  }
  for (const k of sortedKeys(capacity)) {
    const q = readQuantity(capacity![k], key(capPath, k), errs);
    if (q && q.nanos < 0n) errs.push(invalid(key(capPath, k), Number(q.nanos / 1_000_000_000n), 'must be a valid resource quantity'));
    if (q && q.nanos <= 0n) errs.push(invalid(key(capPath, k), formatQuantity(q), 'must be greater than zero'));
  }
  const policy = str(spec.persistentVolumeReclaimPolicy);
  if (policy.length > 0 && !RECLAIM_POLICIES.includes(policy))
    errs.push(notSupported(child(field, 'persistentVolumeReclaimPolicy'), policy, RECLAIM_POLICIES));
  let affinity = false;
  const na = rec(spec.nodeAffinity);
  if (na) {
    affinity = true;
    const req = rec(na.required);
    if (req) errs.push(...validateNodeSelector(req, false, child(field, 'nodeAffinity', 'required')));
    else errs.push(required(child(field, 'nodeAffinity', 'required'), 'must specify required node constraints'));
  }
  let n = 0;
  for (const s of PV_SOURCES) {
    const src = rec(spec[s]);
    if (!src) continue;
    if (n > 0 && s !== 'flexVolume') {
      errs.push(forbidden(child(field, s), 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    const p = child(field, s === 'gcePersistentDisk' ? 'persistentDisk' : s);
    if (s === 'hostPath' || s === 'local') {
      if (str(src.path).length === 0) errs.push(required(child(p, 'path'), ''));
      else errs.push(...validatePathNoBacksteps(str(src.path), child(p, 'path')));
      if (s === 'local' && !affinity) errs.push(required(child(field, 'nodeAffinity'), 'Local volume requires node affinity'));
    } else if (s === 'nfs') {
      if (str(src.server).length === 0) errs.push(required(child(p, 'server'), ''));
      if (str(src.path).length === 0) errs.push(required(child(p, 'path'), ''));
      if (!str(src.path).startsWith('/')) errs.push(invalid(child(p, 'path'), str(src.path), 'must be an absolute path'));
    } else if (s === 'csi') {
      if (str(src.driver).length === 0) errs.push(required(child(p, 'driver'), ''));
      if (str(src.volumeHandle).length === 0) errs.push(required(child(p, 'volumeHandle'), ''));
    }
  }
  if (n === 0) errs.push(required(field, 'must specify a volume type'));
  const sc = str(spec.storageClassName);
  if (sc.length > 0) for (const m of nameIsDNSSubdomain(sc, false)) errs.push(invalid(child(field, 'storageClassName'), sc, m));
  if (spec.volumeMode != null && !VOLUME_MODES.includes(str(spec.volumeMode)))
    errs.push(notSupported(child(field, 'volumeMode'), str(spec.volumeMode), VOLUME_MODES));
  return errs;
}

/** ValidatePersistentVolume */
export function validatePVCreate(pv: Rec): FieldError[] {
  const errs = validateObjectMeta(pv.metadata, false, nameIsDNSSubdomain);
  errs.push(...validatePVSpec(obj(pv.spec), 'spec'));
  return errs;
}

/** ValidatePersistentVolumeUpdate: the volume source and mode are immutable. */
export function validatePVUpdate(pv: Rec, old: Rec): FieldError[] {
  const errs = validatePVCreate(pv);
  const pick = (spec: Rec) => Object.fromEntries(PV_SOURCES.filter((s) => spec[s] != null).map((s) => [s, spec[s]]));
  const ns = pick(obj(pv.spec));
  const os = pick(obj(old.spec));
  if (!semanticEqual(ns, os))
    errs.push(
      forbidden('spec.persistentvolumesource', `spec.persistentvolumesource is immutable after creation\n${specDiff('core.PersistentVolumeSource', os, ns)}`),
    );
  errs.push(...immutableMode(obj(pv.spec).volumeMode, obj(old.spec).volumeMode));
  if (obj(old.spec).nodeAffinity != null && !semanticEqual(obj(pv.spec).nodeAffinity, obj(old.spec).nodeAffinity))
    errs.push(invalidRepr('nodeAffinity', obj(pv.spec).nodeAffinity, '&core.VolumeNodeAffinity{...}', `${FIELD_IMMUTABLE}, except for updating from beta label to GA`));
  return errs;
}

/** ValidatePersistentVolumeStatusUpdate */
export function validatePVStatusUpdate(pv: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(pv.metadata, old.metadata);
  if (str(obj(pv.metadata).resourceVersion).length === 0) errs.push(required('resourceVersion', ''));
  return errs;
}
