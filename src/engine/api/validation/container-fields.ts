/**
 * Fields of a container: ports, environment, envFrom, volume mounts and
 * volume devices (pkg/apis/core/validation, release 1.33).
 */
import type { FieldError } from '../errors.ts';
import { duplicate, forbidden, invalid, notFoundField, notSupported, required } from '../errors.ts';
import { ENV_FIELD_PATHS, validateLocalDescendingPath, validateObjectFieldSelector, validatePathNoBacksteps, validateResourceFieldSelector } from './downward-api.ts';
import { isConfigMapKey, isRelaxedEnvVarName, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.ts';
import { arr, child, index, num, obj, rec, str } from './util.ts';
import type { Rec } from './util.ts';
import type { VolumeMap } from './volumes.ts';

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

/** validateContainerPorts */
export function validateContainerPorts(ports: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(ports).forEach((p0, i) => {
    const port = obj(p0);
    const p = index(field, i);
    const name = str(port.name);
    if (name.length > 0) {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) for (const m of msgs) errs.push(invalid(child(p, 'name'), name, m));
      else if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      else names.add(name);
    }
    const containerPort = num(port.containerPort);
    if (containerPort === 0) errs.push(required(child(p, 'containerPort'), ''));
    else for (const m of isValidPortNum(containerPort)) errs.push(invalid(child(p, 'containerPort'), containerPort, m));
    const hostPort = num(port.hostPort);
    if (hostPort !== 0) for (const m of isValidPortNum(hostPort)) errs.push(invalid(child(p, 'hostPort'), hostPort, m));
    const protocol = str(port.protocol);
    if (protocol.length === 0) errs.push(required(child(p, 'protocol'), ''));
    else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(child(p, 'protocol'), protocol, PROTOCOLS));
  });
  return errs;
}

function keySelector(s: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s.name);
  for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalid(child(field, 'name'), name, m));
  const k = str(s.key);
  if (k.length === 0) errs.push(required(child(field, 'key'), ''));
  else for (const m of isConfigMapKey(k)) errs.push(invalid(child(field, 'key'), k, m));
  return errs;
}

function validateEnvVarValueFrom(ev: Rec, field: string): FieldError[] {
  const vf = rec(ev.valueFrom);
  if (!vf) return [];
  const errs: FieldError[] = [];
  let n = 0;
  const fieldRef = rec(vf.fieldRef);
  if (fieldRef) {
    n++;
    errs.push(...validateObjectFieldSelector(fieldRef, ENV_FIELD_PATHS, child(field, 'fieldRef')));
  }
  const resourceFieldRef = rec(vf.resourceFieldRef);
  if (resourceFieldRef) {
    n++;
    errs.push(...validateResourceFieldSelector(resourceFieldRef, child(field, 'resourceFieldRef'), false));
  }
  const cmRef = rec(vf.configMapKeyRef);
  if (cmRef) {
    n++;
    errs.push(...keySelector(cmRef, child(field, 'configMapKeyRef')));
  }
  const secretRef = rec(vf.secretKeyRef);
  if (secretRef) {
    n++;
    errs.push(...keySelector(secretRef, child(field, 'secretKeyRef')));
  }
  if (n === 0) errs.push(invalid(field, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (str(ev.value).length !== 0) errs.push(invalid(field, '', 'may not be specified when `value` is not empty'));
  else if (n > 1) errs.push(invalid(field, '', 'may not have more than one field specified at a time'));
  return errs;
}

/** ValidateEnv */
export function validateEnv(vars: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(vars).forEach((v0, i) => {
    const ev = obj(v0);
    const p = index(field, i);
    const name = str(ev.name);
    if (name.length === 0) errs.push(required(child(p, 'name'), ''));
    else for (const m of isRelaxedEnvVarName(name)) errs.push(invalid(child(p, 'name'), name, m));
    errs.push(...validateEnvVarValueFrom(ev, child(p, 'valueFrom')));
  });
  return errs;
}

/** ValidateEnvFrom. Upstream reports the missing or double source on the list path. */
export function validateEnvFrom(vars: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(vars).forEach((v0, i) => {
    const ev = obj(v0);
    const p = index(field, i);
    const prefix = str(ev.prefix);
    if (prefix.length > 0) for (const m of isRelaxedEnvVarName(prefix)) errs.push(invalid(child(p, 'prefix'), prefix, m));
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = rec(ev[kind]);
      if (!ref) continue;
      n++;
      const name = str(ref.name);
      if (name.length === 0) errs.push(required(child(p, kind, 'name'), ''));
      else for (const m of nameIsDNSSubdomain(name, true)) errs.push(invalid(child(p, kind, 'name'), name, m));
    }
    if (n === 0) errs.push(invalid(field, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(invalid(field, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

const MOUNT_PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];

/** ValidateVolumeMounts: known volume, unique mount path, no overlap with devices, valid sub-paths. */
export function validateVolumeMounts(mounts: unknown, devices: Map<string, string>, volumes: VolumeMap, container: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const mountpoints = new Set<string>();
  const devicePaths = new Set(devices.values());
  arr(mounts).forEach((m0, i) => {
    const mnt = obj(m0);
    const p = index(field, i);
    const name = str(mnt.name);
    const mountPath = str(mnt.mountPath);
    if (name.length === 0) errs.push(required(child(p, 'name'), ''));
    if (!volumes.has(name)) errs.push(notFoundField(child(p, 'name'), name));
    if (mountPath.length === 0) errs.push(required(child(p, 'mountPath'), ''));
    if (mountpoints.has(mountPath)) errs.push(invalid(child(p, 'mountPath'), mountPath, 'must be unique'));
    mountpoints.add(mountPath);
    if (devices.has(name)) errs.push(invalid(child(p, 'name'), name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) errs.push(invalid(child(p, 'mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = str(mnt.subPath);
    const subPathExpr = str(mnt.subPathExpr);
    if (volumes.get(name)?.image != null) {
      if (subPath.length !== 0) errs.push(invalid(child(p, 'subPath'), subPath, 'not allowed in image volume sources'));
      if (subPathExpr.length !== 0) errs.push(invalid(child(p, 'subPathExpr'), subPathExpr, 'not allowed in image volume sources'));
    }
    // Upstream checks sub-paths on the list path, without the index.
    if (subPath.length > 0) errs.push(...validateLocalDescendingPath(subPath, child(field, 'subPath')));
    if (subPathExpr.length > 0) {
      if (subPath.length > 0) errs.push(invalid(child(p, 'subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, child(field, 'subPathExpr')));
    }
    if (mnt.mountPropagation != null) {
      const mp = str(mnt.mountPropagation);
      const mpPath = child(field, 'mountPropagation');
      if (!MOUNT_PROPAGATIONS.includes(mp)) errs.push(notSupported(mpPath, mp, MOUNT_PROPAGATIONS));
      const privileged = obj(container.securityContext).privileged === true;
      if (mp === 'Bidirectional' && !privileged)
        errs.push(forbidden(mpPath, 'Bidirectional mount propagation is available only to privileged containers'));
    }
    if (mnt.recursiveReadOnly != null) {
      const rro = str(mnt.recursiveReadOnly);
      const rroPath = child(field, 'recursiveReadOnly');
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (mnt.readOnly !== true) errs.push(forbidden(rroPath, 'may only be specified when readOnly is true'));
        if (mnt.mountPropagation != null && str(mnt.mountPropagation) !== 'None')
          errs.push(forbidden(rroPath, 'may only be specified when mountPropagation is None or not specified'));
      } else if (rro !== 'Disabled') errs.push(notSupported(rroPath, rro, ['Disabled', 'Enabled', 'IfPossible']));
    }
  });
  return errs;
}

/** ValidateVolumeDevices: block devices backed by claims, unique names and paths. */
export function validateVolumeDevices(devices: unknown, mounts: Map<string, string>, volumes: VolumeMap, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  const names = new Set<string>();
  const mountPaths = new Set(mounts.values());
  arr(devices).forEach((d0, i) => {
    const dev = obj(d0);
    const p = index(field, i);
    const name = str(dev.name);
    const path = str(dev.devicePath);
    const vol = volumes.get(name);
    const isPVC = vol !== undefined && (vol.persistentVolumeClaim != null || vol.ephemeral != null);
    if (name.length === 0) errs.push(required(child(p, 'name'), ''));
    if (names.has(name)) errs.push(invalid(child(p, 'name'), name, 'must be unique'));
    if (vol && !isPVC) errs.push(invalid(child(p, 'name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (!vol) errs.push(notFoundField(child(p, 'name'), name));
    if (path.length === 0) errs.push(required(child(p, 'devicePath'), ''));
    if (paths.has(path)) errs.push(invalid(child(p, 'devicePath'), path, 'must be unique'));
    if (path.length > 0 && validatePathNoBacksteps(path, '').length > 0)
      errs.push(invalid(child(p, 'devicePath'), path, "can not contain backsteps ('..')"));
    else paths.add(path);
    if (mounts.has(name)) errs.push(invalid(child(p, 'name'), name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(path)) errs.push(invalid(child(p, 'devicePath'), path, 'must not already exist as a path in volumeMounts'));
    if (name.length > 0) names.add(name);
  });
  return errs;
}

/** GetVolumeMountMap / GetVolumeDeviceMap: name → path, the last entry winning. */
export function nameToPath(list: unknown, pathKey: 'mountPath' | 'devicePath'): Map<string, string> {
  const m = new Map<string, string>();
  for (const x of arr(list)) m.set(str(obj(x).name), str(obj(x)[pathKey]));
  return m;
}
