/**
 * Containers, init containers and ephemeral containers of a pod spec
 * (validateContainers, validateInitContainers, validateEphemeralContainers
 * and validateContainerCommon of pkg/apis/core/validation, release 1.33).
 */
import type { FieldError } from '../errors.ts';
import { duplicate, forbidden, invalid, notFoundField, notSupported, required } from '../errors.ts';
import { nameToPath, validateContainerPorts, validateEnv, validateEnvFrom, validateVolumeDevices, validateVolumeMounts } from './container-fields.ts';
import { isDNS1123Label } from './names.ts';
import { validateLifecycle, validateLivenessProbe, validateReadinessProbe, validateStartupProbe } from './probes.ts';
import { validateResourceRequirements } from './resources.ts';
import { validateContainerSecurityContext } from './security-context.ts';
import { arr, child, index, num, obj, rec, str } from './util.ts';
import type { Rec } from './util.ts';
import type { VolumeMap } from './volumes.ts';
import { validatePullPolicy } from './volumes.ts';

/** What every container list needs to know about its pod spec. */
export interface ContainerContext {
  volumes: VolumeMap;
  podClaimNames: Set<string>;
  gracePeriod: number | undefined;
  restartPolicy: string;
  hostUsers: boolean;
}

function validateResizePolicy(list: unknown, field: string, podRestartPolicy: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(list).forEach((p0, i) => {
    const p = obj(p0);
    const resourceName = str(p.resourceName);
    const restartPolicy = str(p.restartPolicy);
    if (seen.has(resourceName)) errs.push(duplicate(index(field, i), resourceName));
    seen.add(resourceName);
    if (resourceName === '') errs.push(required(field, ''));
    else if (resourceName !== 'cpu' && resourceName !== 'memory') errs.push(notSupported(field, resourceName, ['cpu', 'memory']));
    if (restartPolicy === '') errs.push(required(field, ''));
    else if (restartPolicy !== 'NotRequired' && restartPolicy !== 'RestartContainer')
      errs.push(notSupported(field, restartPolicy, ['NotRequired', 'RestartContainer']));
    if (podRestartPolicy === 'Never' && restartPolicy !== 'NotRequired')
      errs.push(invalid(field, restartPolicy, "must be 'NotRequired' when `restartPolicy` is 'Never'"));
  });
  return errs;
}

/** validateContainerCommon: name, image, termination message policy and the per-field rules. */
export function validateContainerCommon(ctr: Rec, ctx: ContainerContext, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(ctr.name);
  if (name.length === 0) errs.push(required(child(field, 'name'), ''));
  else for (const m of isDNS1123Label(name)) errs.push(invalid(child(field, 'name'), name, m));
  if (str(ctr.image).length === 0) errs.push(required(child(field, 'image'), ''));
  const tmp = str(ctr.terminationMessagePolicy);
  if (tmp === '') errs.push(required(child(field, 'terminationMessagePolicy'), ''));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError')
    errs.push(notSupported(child(field, 'terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  const mounts = nameToPath(ctr.volumeMounts, 'mountPath');
  const devices = nameToPath(ctr.volumeDevices, 'devicePath');
  errs.push(...validateContainerPorts(ctr.ports, child(field, 'ports')));
  errs.push(...validateEnv(ctr.env, child(field, 'env')));
  errs.push(...validateEnvFrom(ctr.envFrom, child(field, 'envFrom')));
  errs.push(...validateVolumeMounts(ctr.volumeMounts, devices, ctx.volumes, ctr, child(field, 'volumeMounts')));
  errs.push(...validateVolumeDevices(ctr.volumeDevices, mounts, ctx.volumes, child(field, 'volumeDevices')));
  errs.push(...validatePullPolicy(str(ctr.imagePullPolicy), child(field, 'imagePullPolicy')));
  errs.push(...validateResourceRequirements(ctr.resources, ctx.podClaimNames, child(field, 'resources')));
  errs.push(...validateResizePolicy(ctr.resizePolicy, child(field, 'resizePolicy'), ctx.restartPolicy));
  errs.push(...validateContainerSecurityContext(ctr.securityContext, child(field, 'securityContext'), ctx.hostUsers));
  return errs;
}

/** AccumulateUniqueHostPorts: one protocol/hostIP/hostPort triple per pod. */
function checkHostPortConflicts(containers: Rec[], field: string, indexes: number[]): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((ctr, ci) => {
    arr(ctr.ports).forEach((p0, pi) => {
      const p = obj(p0);
      const hostPort = num(p.hostPort);
      if (hostPort === 0) return;
      const k = `${str(p.protocol)}/${str(p.hostIP)}/${hostPort}`;
      const path = child(index(child(index(field, indexes[ci]), 'ports'), pi), 'hostPort');
      if (seen.has(k)) errs.push(duplicate(path, k));
      else seen.add(k);
    });
  });
  return errs;
}

/** validateContainers: at least one, names unique, probes and hooks, no restartPolicy. */
export function validateContainers(containers: unknown, ctx: ContainerContext, field: string): FieldError[] {
  const list = arr(containers).map(obj);
  if (list.length === 0) return [required(field, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((ctr, i) => {
    const p = index(field, i);
    errs.push(...validateContainerCommon(ctr, ctx, p));
    const name = str(ctr.name);
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else names.add(name);
    if (rec(ctr.lifecycle)) errs.push(...validateLifecycle(ctr.lifecycle, ctx.gracePeriod, child(p, 'lifecycle')));
    errs.push(...validateLivenessProbe(ctr.livenessProbe, ctx.gracePeriod, child(p, 'livenessProbe')));
    errs.push(...validateReadinessProbe(ctr.readinessProbe, ctx.gracePeriod, child(p, 'readinessProbe')));
    errs.push(...validateStartupProbe(ctr.startupProbe, ctx.gracePeriod, child(p, 'startupProbe')));
    if (ctr.restartPolicy != null) errs.push(forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(list, field, list.map((_, i) => i)));
  return errs;
}

/** validateInitContainers: like containers, with restartPolicy Always marking sidecars. */
export function validateInitContainers(containers: unknown, regular: unknown, ctx: ContainerContext, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(arr(regular).map((c) => str(obj(c).name)));
  arr(containers).map(obj).forEach((ctr, i) => {
    const p = index(field, i);
    errs.push(...validateContainerCommon(ctr, ctx, p));
    let restartAlways = false;
    if (ctr.restartPolicy != null) {
      const rp = str(ctr.restartPolicy);
      if (rp !== 'Always') errs.push(notSupported(child(p, 'restartPolicy'), rp, ['Always']));
      restartAlways = rp === 'Always';
    }
    const name = str(ctr.name);
    if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else if (name.length > 0) names.add(name);
    // Init containers run one by one, so host ports may only conflict within one of them.
    errs.push(...checkHostPortConflicts([ctr], field, [i]));
    if (restartAlways) {
      if (rec(ctr.lifecycle)) errs.push(...validateLifecycle(ctr.lifecycle, ctx.gracePeriod, child(p, 'lifecycle')));
      errs.push(...validateLivenessProbe(ctr.livenessProbe, ctx.gracePeriod, child(p, 'livenessProbe')));
      errs.push(...validateReadinessProbe(ctr.readinessProbe, ctx.gracePeriod, child(p, 'readinessProbe')));
      errs.push(...validateStartupProbe(ctr.startupProbe, ctx.gracePeriod, child(p, 'startupProbe')));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'])
        if (ctr[f] != null) errs.push(forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
    }
  });
  return errs;
}

// Fields an ephemeral container may not set, in the order of the Go struct.
const EPHEMERAL_FORBIDDEN = ['ports', 'resources', 'resizePolicy', 'restartPolicy', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle'];

/** validateEphemeralContainers: unique names, an existing target, and only the fields debugging needs. */
export function validateEphemeralContainers(ephemeral: unknown, containers: unknown, init: unknown, ctx: ContainerContext, field: string): FieldError[] {
  const list = arr(ephemeral).map(obj);
  if (list.length === 0) return [];
  const errs: FieldError[] = [];
  const others = new Set([...arr(containers), ...arr(init)].map((c) => str(obj(c).name)));
  const all = new Set(others);
  list.forEach((ec, i) => {
    const p = index(field, i);
    errs.push(...validateContainerCommon(ec, ctx, p));
    errs.push(...validateContainerOnlyForPod(ec, p));
    const name = str(ec.name);
    if (all.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else all.add(name);
    const target = str(ec.targetContainerName);
    if (target !== '' && !others.has(target)) errs.push(notFoundField(child(p, 'targetContainerName'), target));
    for (const f of EPHEMERAL_FORBIDDEN) {
      const v = ec[f];
      const set = v !== undefined && v !== null && !(typeof v === 'object' && Object.keys(v as object).length === 0);
      if (set) errs.push(forbidden(child(p, f), 'cannot be set for an Ephemeral Container'));
    }
    arr(ec.volumeMounts).forEach((vm, j) => {
      const m = obj(vm);
      if (str(m.subPath) !== '') errs.push(forbidden(child(index(child(p, 'volumeMounts'), j), 'subPath'), 'cannot be set for an Ephemeral Container'));
      if (str(m.subPathExpr) !== '')
        errs.push(forbidden(child(index(child(p, 'volumeMounts'), j), 'subPathExpr'), 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}

/** validateContainerOnlyForPod: a pod's images may not carry surrounding whitespace. */
export function validateContainerOnlyForPod(ctr: Rec, field: string): FieldError[] {
  const image = str(ctr.image);
  return image.length !== image.trim().length ? [invalid(child(field, 'image'), image, 'must not have leading or trailing whitespace')] : [];
}

