/**
 * Pod volumes (ValidateVolumes and validateVolumeSource): unique DNS-1123
 * label names, exactly one source each, and the rules of each source.
 * Sources of retired in-tree plugins get their required-field checks only.
 */
import type { FieldError } from '../errors.ts';
import { duplicate, forbidden, invalid, notSupported, required, tooLong } from '../errors.ts';
import {
  VOLUME_FIELD_PATHS,
  validateLocalDescendingPath,
  validateLocalNonReservedPath,
  validateObjectFieldSelector,
  validatePathNoBacksteps,
  validateResourceFieldSelector,
} from './downward-api.ts';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain } from './names.ts';
import { validatePersistentVolumeClaimTemplate } from './pvc.ts';
import { parseQuantity } from './quantity-format.ts';
import { arr, child, index, num, obj, optNum, rec, str } from './util.ts';
import type { Rec } from './util.ts';

const FILE_MODE_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';
const PD_PARTITION_MSG = 'must be between 1 and 255, inclusive';
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

/** The valid volumes by name, for mounts to refer to. */
export type VolumeMap = Map<string, Rec>;

/**
 * ValidateVolumes. `podName` is the name of a real pod (empty for templates),
 * needed to check the names of PVCs created for ephemeral volumes.
 */
export function validateVolumes(volumes: unknown, podName: string, field: string, isPod: boolean): { vols: VolumeMap; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const vols: VolumeMap = new Map();
  const list = arr(volumes).map(obj);
  const createdPVCs = new Set<string>();
  if (podName !== '') for (const v of list) if (v.ephemeral != null) createdPVCs.add(`${podName}-${str(v.name)}`);
  list.forEach((vol, i) => {
    const p = index(field, i);
    const namePath = child(p, 'name');
    const name = str(vol.name);
    const el = validateVolumeSource(vol, p, name, podName, isPod);
    if (name.length === 0) el.push(required(namePath, ''));
    else for (const m of isDNS1123Label(name)) el.push(invalid(namePath, name, m));
    if (vols.has(name)) el.push(duplicate(namePath, name));
    if (el.length === 0) vols.set(name, vol);
    else errs.push(...el);
    const pvc = rec(vol.persistentVolumeClaim);
    if (pvc && createdPVCs.has(str(pvc.claimName)))
      errs.push(invalid(child(p, 'persistentVolumeClaim', 'claimName'), str(pvc.claimName), 'must not reference a PVC that gets created for an ephemeral volume'));
  });
  return { vols, errs };
}

function fileMode(v: unknown, field: string): FieldError[] {
  const m = optNum(v);
  return m !== undefined && (m > 0o777 || m < 0) ? [invalid(field, m, FILE_MODE_MSG)] : [];
}

function validateKeyToPath(kp: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (str(kp.key).length === 0) errs.push(required(child(field, 'key'), ''));
  const path = str(kp.path);
  if (path.length === 0) errs.push(required(child(field, 'path'), ''));
  errs.push(...validateLocalNonReservedPath(path, child(field, 'path')));
  errs.push(...fileMode(kp.mode, child(field, 'mode')));
  return errs;
}

function items(source: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(source.items).forEach((kp, i) => errs.push(...validateKeyToPath(obj(kp), index(child(field, 'items'), i))));
  return errs;
}

function requiredFields(source: Rec, field: string, names: string[]): FieldError[] {
  return names.filter((n) => str(source[n]).length === 0).map((n) => required(child(field, n), ''));
}

function downwardAPIFile(file: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const path = str(file.path);
  if (path.length === 0) errs.push(required(child(field, 'path'), ''));
  errs.push(...validateLocalNonReservedPath(path, child(field, 'path')));
  const fieldRef = rec(file.fieldRef);
  const resourceFieldRef = rec(file.resourceFieldRef);
  if (fieldRef) {
    errs.push(...validateObjectFieldSelector(fieldRef, VOLUME_FIELD_PATHS, child(field, 'fieldRef')));
    if (resourceFieldRef) errs.push(invalid(field, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(resourceFieldRef, child(field, 'resourceFieldRef'), true));
  } else {
    errs.push(required(field, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...fileMode(file.mode, child(field, 'mode')));
  return errs;
}

function projected(src: Rec, field: string): FieldError[] {
  const errs = fileMode(src.defaultMode, child(field, 'defaultMode'));
  const allPaths = new Set<string>();
  const track = (path: string, value: string) => {
    if (allPaths.has(path)) errs.push(invalid(field, value, 'conflicting duplicate paths'));
    else allPaths.add(path);
  };
  arr(src.sources).forEach((s0, i) => {
    const source = obj(s0);
    const srcPath = index(child(field, 'sources'), i);
    let n = 0;
    for (const kind of ['secret', 'configMap'] as const) {
      const s = rec(source[kind]);
      if (!s) continue;
      n++;
      const p = child(srcPath, kind);
      if (str(s.name).length === 0) errs.push(required(child(p, 'name'), ''));
      arr(s.items).forEach((kp, j) => {
        errs.push(...validateKeyToPath(obj(kp), index(child(p, 'items'), j)));
        const path = str(obj(kp).path);
        if (path.length > 0) track(path, str(s.name));
      });
    }
    const dapi = rec(source.downwardAPI);
    if (dapi) {
      n++;
      for (const f of arr(dapi.items)) {
        errs.push(...downwardAPIFile(obj(f), child(srcPath, 'downwardAPI')));
        const path = str(obj(f).path);
        if (path.length > 0) track(path, path);
      }
    }
    const sat = rec(source.serviceAccountToken);
    if (sat) {
      n++;
      const p = child(srcPath, 'serviceAccountToken');
      const exp = num(sat.expirationSeconds);
      if (exp < 600) errs.push(invalid(child(p, 'expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
      if (exp > 2 ** 32) errs.push(invalid(child(p, 'expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
      // Upstream reports the token path on the volume's path, not the source's.
      if (str(sat.path) === '') errs.push(required(child(field, 'path'), ''));
      else errs.push(...validateLocalNonReservedPath(str(sat.path), child(field, 'path')));
    }
    const ctb = rec(source.clusterTrustBundle);
    if (ctb) {
      n++;
      const p = child(srcPath, 'clusterTrustBundle');
      if (ctb.name == null && ctb.signerName == null) errs.push(required(p, 'either name or signerName must be specified'));
      if (str(ctb.path) === '') errs.push(required(child(p, 'path'), ''));
      errs.push(...validateLocalNonReservedPath(str(ctb.path), child(p, 'path')));
      track(str(ctb.path), str(ctb.path));
    }
    if (n > 1) errs.push(forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

type SourceCheck = (src: Rec, field: string, ctx: { volName: string; podName: string; isPod: boolean }) => FieldError[];

/** Volume sources in upstream order, with the path each is validated under. */
const SOURCES: [string, string, SourceCheck][] = [
  ['emptyDir', 'emptyDir', (s, f) => {
    const q = s.sizeLimit === undefined || s.sizeLimit === null ? undefined : parseQuantity(s.sizeLimit);
    return q && q.nanos < 0n ? [forbidden(child(f, 'sizeLimit'), 'SizeLimit field must be a valid resource quantity')] : [];
  }],
  ['hostPath', 'hostPath', (s, f) => {
    if (str(s.path).length === 0) return [required(child(f, 'path'), '')];
    const errs = validatePathNoBacksteps(str(s.path), child(f, 'path'));
    if (s.type !== undefined && s.type !== null && !HOST_PATH_TYPES.includes(str(s.type)))
      errs.push(notSupported(child(f, 'type'), str(s.type), HOST_PATH_TYPES));
    return errs;
  }],
  ['gitRepo', 'gitRepo', (s, f) => [
    ...requiredFields(s, f, ['repository']),
    ...validateLocalDescendingPath(str(s.directory), child(f, 'directory')),
  ]],
  ['gcePersistentDisk', 'persistentDisk', (s, f) => [
    ...requiredFields(s, f, ['pdName']),
    ...(num(s.partition) < 0 || num(s.partition) > 255 ? [invalid(child(f, 'partition'), num(s.partition), PD_PARTITION_MSG)] : []),
  ]],
  ['awsElasticBlockStore', 'awsElasticBlockStore', (s, f) => [
    ...requiredFields(s, f, ['volumeID']),
    ...(num(s.partition) < 0 || num(s.partition) > 255 ? [invalid(child(f, 'partition'), num(s.partition), PD_PARTITION_MSG)] : []),
  ]],
  ['secret', 'secret', (s, f) => [...requiredFields(s, f, ['secretName']), ...fileMode(s.defaultMode, child(f, 'defaultMode')), ...items(s, f)]],
  ['nfs', 'nfs', (s, f) => {
    const errs = requiredFields(s, f, ['server', 'path']);
    if (!str(s.path).startsWith('/')) errs.push(invalid(child(f, 'path'), str(s.path), 'must be an absolute path'));
    return errs;
  }],
  ['iscsi', 'iscsi', (s, f, ctx) => {
    const errs = requiredFields(s, f, ['targetPortal', 'iqn']);
    const lun = num(s.lun);
    if (lun < 0 || lun > 255) errs.push(invalid(child(f, 'lun'), lun, 'must be between 0 and 255, inclusive'));
    if ((s.chapAuthDiscovery === true || s.chapAuthSession === true) && s.secretRef == null) errs.push(required(child(f, 'secretRef'), ''));
    if (s.initiatorName != null && `${ctx.volName}:${str(s.targetPortal)}`.length > 64)
      errs.push(invalid(child(f.slice(0, f.lastIndexOf('.')), 'name'), ctx.volName,
        'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.'));
    return errs;
  }],
  ['glusterfs', 'glusterfs', (s, f) => requiredFields(s, f, ['endpoints', 'path'])],
  ['flocker', 'flocker', (s, f) => {
    const errs: FieldError[] = [];
    const name = str(s.datasetName);
    const uuid = str(s.datasetUUID);
    if (name.length === 0 && uuid.length === 0) errs.push(required(f, 'one of datasetName and datasetUUID is required'));
    if (name.length !== 0 && uuid.length !== 0) errs.push(invalid(f, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
    if (name.includes('/')) errs.push(invalid(child(f, 'datasetName'), name, "must not contain '/'"));
    return errs;
  }],
  ['persistentVolumeClaim', 'persistentVolumeClaim', (s, f) => requiredFields(s, f, ['claimName'])],
  ['rbd', 'rbd', (s, f) => [
    ...(arr(s.monitors).length === 0 ? [required(child(f, 'monitors'), '')] : []),
    ...requiredFields(s, f, ['image']),
  ]],
  ['cinder', 'cinder', (s, f) => {
    const errs = requiredFields(s, f, ['volumeID']);
    const ref = rec(s.secretRef);
    if (ref && str(ref.name).length === 0) errs.push(required(child(f, 'secretRef', 'name'), ''));
    return errs;
  }],
  ['cephfs', 'cephfs', (s, f) => (arr(s.monitors).length === 0 ? [required(child(f, 'monitors'), '')] : [])],
  ['quobyte', 'quobyte', (s, f) => {
    const errs: FieldError[] = [];
    if (str(s.registry).length === 0)
      errs.push(required(child(f, 'registry'), 'must be a host:port pair or multiple pairs separated by commas'));
    if (str(s.volume).length === 0) errs.push(required(child(f, 'volume'), ''));
    return errs;
  }],
  ['downwardAPI', 'downwardAPI', (s, f) => {
    const errs = fileMode(s.defaultMode, child(f, 'defaultMode'));
    // Upstream validates each item on the source's path, without an index.
    for (const file of arr(s.items)) errs.push(...downwardAPIFile(obj(file), f));
    return errs;
  }],
  ['fc', 'fc', (s, f) => {
    const errs: FieldError[] = [];
    const wwns = arr(s.targetWWNs);
    const wwids = arr(s.wwids);
    if (wwns.length < 1 && wwids.length < 1) errs.push(required(child(f, 'targetWWNs'), 'must specify either targetWWNs or wwids, but not both'));
    if (wwns.length !== 0 && wwids.length !== 0)
      errs.push(invalid(child(f, 'targetWWNs'), wwns.map(str), 'targetWWNs and wwids can not be specified simultaneously'));
    if (wwns.length !== 0 && s.lun == null) errs.push(required(child(f, 'lun'), 'lun is required if targetWWNs is specified'));
    return errs;
  }],
  ['flexVolume', 'flexVolume', (s, f) => requiredFields(s, f, ['driver'])],
  ['configMap', 'configMap', (s, f) => [...requiredFields(s, f, ['name']), ...fileMode(s.defaultMode, child(f, 'defaultMode')), ...items(s, f)]],
  ['azureFile', 'azureFile', (s, f) => requiredFields(s, f, ['secretName', 'shareName'])],
  ['vsphereVolume', 'vsphereVolume', (s, f) => requiredFields(s, f, ['volumePath'])],
  ['photonPersistentDisk', 'photonPersistentDisk', (s, f) => requiredFields(s, f, ['pdID'])],
  ['portworxVolume', 'portworxVolume', (s, f) => requiredFields(s, f, ['volumeID'])],
  ['azureDisk', 'azureDisk', (s, f) => [...requiredFields(s, f, ['diskName']), ...(str(s.diskURI) === '' ? [required(child(f, 'diskURI'), '')] : [])]],
  ['storageos', 'storageos', (s, f) => {
    const name = str(s.volumeName);
    if (name.length === 0) return [required(child(f, 'volumeName'), '')];
    return isDNS1123Label(name).map((m) => invalid(child(f, 'volumeName'), name, m));
  }],
  ['projected', 'projected', (s, f) => projected(s, f)],
  ['scaleIO', 'scaleIO', (s, f) => requiredFields(s, f, ['gateway', 'system', 'volumeName'])],
  ['csi', 'csi', (s, f) => validateCSIDriverName(str(s.driver), child(f, 'driver'))],
  ['ephemeral', 'ephemeral', (s, f, ctx) => {
    const tmpl = rec(s.volumeClaimTemplate);
    if (!tmpl) return [required(child(f, 'volumeClaimTemplate'), '')];
    const errs = validatePersistentVolumeClaimTemplate(tmpl, child(f, 'volumeClaimTemplate'));
    if (ctx.podName !== '' && ctx.volName !== '') {
      const pvcName = `${ctx.podName}-${ctx.volName}`;
      for (const m of nameIsDNSSubdomain(pvcName, false))
        errs.push(invalid(child(f.slice(0, f.lastIndexOf('.')), 'name'), ctx.volName, `PVC name ${JSON.stringify(pvcName)}: ${m}`));
    }
    return errs;
  }],
  ['image', 'image', (s, f, ctx) => {
    const errs: FieldError[] = [];
    if (ctx.isPod && str(s.reference).length === 0) errs.push(required(child(f, 'reference'), ''));
    errs.push(...validatePullPolicy(str(s.pullPolicy), child(f, 'pullPolicy')));
    return errs;
  }],
];

/** ValidateCSIDriverName */
export function validateCSIDriverName(driver: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (driver.length === 0) errs.push(required(field, ''));
  if (driver.length > 63) errs.push(tooLong(field, 63));
  for (const m of isDNS1123Subdomain(driver.toLowerCase())) errs.push(invalid(field, driver, m));
  return errs;
}

/** validatePullPolicy */
export function validatePullPolicy(policy: string, field: string): FieldError[] {
  switch (policy) {
    case 'Always':
    case 'IfNotPresent':
    case 'Never':
      return [];
    case '':
      return [required(field, '')];
    default:
      return [notSupported(field, policy, ['Always', 'IfNotPresent', 'Never'])];
  }
}

function validateVolumeSource(vol: Rec, field: string, volName: string, podName: string, isPod: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const [prop, path, check] of SOURCES) {
    const src = vol[prop];
    if (src === undefined || src === null) continue;
    // The typo in the downward API path is upstream's.
    const forbidPath = child(field, prop === 'downwardAPI' ? 'downwarAPI' : prop === 'cephfs' ? 'cephFS' : prop);
    if (n > 0) {
      errs.push(forbidden(forbidPath, 'may not specify more than 1 volume type'));
      continue;
    }
    n++;
    errs.push(...check(obj(src), child(field, path), { volName, podName, isPod }));
  }
  if (n === 0) errs.push(required(field, 'must specify a volume type'));
  return errs;
}
