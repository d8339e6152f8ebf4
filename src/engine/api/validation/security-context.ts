/**
 * Pod and container security contexts: user and group IDs, sysctls,
 * seccomp and AppArmor profiles, and the pod-level policies
 * (pkg/apis/core/validation, release 1.33). Privileged containers are
 * allowed, as on a cluster started with --allow-privileged.
 */
import type { FieldError } from '../errors.ts';
import { duplicate, forbidden, invalid, notSupported, required } from '../errors.ts';
import { validateLocalDescendingPath } from './downward-api.ts';
import { isDNS1123Subdomain, isValidUserOrGroupID } from './names.ts';
import { arr, byteLen, child, index, invalidRepr, num, obj, optNum, rec, str } from './util.ts';
import type { Rec } from './util.ts';

function ids(sc: Rec, field: string, names: string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const n of names) {
    const v = optNum(sc[n]);
    if (v !== undefined) for (const m of isValidUserOrGroupID(v)) errs.push(invalid(child(field, n), v, m));
  }
  return errs;
}

/** validateSeccompProfileField */
export function validateSeccompProfile(profile: unknown, field: string): FieldError[] {
  const sp = rec(profile);
  if (!sp) return [];
  const errs: FieldError[] = [];
  const type = str(sp.type);
  if (type === '') errs.push(required(child(field, 'type'), 'type is required when seccompProfile is set'));
  else if (type !== 'Localhost' && type !== 'RuntimeDefault' && type !== 'Unconfined')
    errs.push(notSupported(child(field, 'type'), type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  if (type === 'Localhost') {
    if (sp.localhostProfile == null) errs.push(required(child(field, 'localhostProfile'), 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(str(sp.localhostProfile), child(field, 'localhostProfile')));
  } else if (sp.localhostProfile != null) {
    const repr = `&core.SeccompProfile{Type:${JSON.stringify(type)}, LocalhostProfile:(*string)(0xc000000000)}`;
    errs.push(invalidRepr(child(field, 'localhostProfile'), sp, repr, 'can only be set when seccomp type is Localhost'));
  }
  return errs;
}

/** ValidateAppArmorProfileField */
export function validateAppArmorProfile(profile: unknown, field: string): FieldError[] {
  const p = rec(profile);
  if (!p) return [];
  const errs: FieldError[] = [];
  const type = str(p.type);
  switch (type) {
    case 'Localhost': {
      if (p.localhostProfile == null) {
        errs.push(required(child(field, 'localhostProfile'), 'must be set when AppArmor type is Localhost'));
        break;
      }
      const lp = str(p.localhostProfile);
      if (lp.trim() !== lp) errs.push(invalid(child(field, 'localhostProfile'), lp, 'must not be padded with whitespace'));
      else if (lp === '') errs.push(required(child(field, 'localhostProfile'), 'must be set when AppArmor type is Localhost'));
      if (byteLen(lp) > 4095) errs.push({ type: 'FieldValueTooLong', field: child(field, 'localhostProfile'), hasValue: false, detail: 'may not be more than 4095 bytes' });
      break;
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      if (p.localhostProfile != null) errs.push(invalid(child(field, 'localhostProfile'), str(p.localhostProfile), 'can only be set when AppArmor type is Localhost'));
      break;
    case '':
      errs.push(required(child(field, 'type'), 'type is required when appArmorProfile is set'));
      break;
    default:
      errs.push(notSupported(child(field, 'type'), type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
  return errs;
}

function validateWindowsOptions(opts: unknown, field: string): FieldError[] {
  const w = rec(opts);
  if (!w) return [];
  const errs: FieldError[] = [];
  if (w.gmsaCredentialSpecName != null)
    for (const m of isDNS1123Subdomain(str(w.gmsaCredentialSpecName)))
      errs.push(invalid(child(field, 'gmsaCredentialSpecName'), str(w.gmsaCredentialSpecName), m));
  if (w.gmsaCredentialSpec != null && str(w.gmsaCredentialSpec).length === 0)
    errs.push(invalid(child(field, 'gmsaCredentialSpec'), '', 'gmsaCredentialSpec cannot be an empty string'));
  if (w.runAsUserName != null && str(w.runAsUserName).length === 0)
    errs.push(invalid(child(field, 'runAsUserName'), '', 'runAsUserName cannot be an empty string'));
  return errs;
}

/** ValidateSecurityContext of a container. */
export function validateContainerSecurityContext(scv: unknown, field: string, hostUsers: boolean): FieldError[] {
  const sc = rec(scv);
  if (!sc) return [];
  const errs = ids(sc, field, ['runAsUser', 'runAsGroup']);
  if (sc.procMount != null) {
    const pm = str(sc.procMount);
    if (pm !== 'Default' && pm !== 'Unmasked') errs.push(notSupported(child(field, 'procMount'), pm, ['Default', 'Unmasked']));
    if (hostUsers && pm === 'Unmasked') errs.push(invalid(child(field, 'procMount'), pm, '`hostUsers` must be false to use `Unmasked`'));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, child(field, 'seccompProfile')));
  if (sc.allowPrivilegeEscalation === false) {
    const repr = '&core.SecurityContext{...}';
    if (sc.privileged === true) errs.push(invalidRepr(field, sc, repr, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    for (const cap of arr(obj(sc.capabilities).add))
      if (str(cap) === 'CAP_SYS_ADMIN')
        errs.push(invalidRepr(field, sc, repr, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
  }
  errs.push(...validateWindowsOptions(sc.windowsOptions, child(field, 'windowsOptions')));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, child(field, 'appArmorProfile')));
  return errs;
}

const SYSCTL_SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const SYSCTL_FMT = `(${SYSCTL_SEGMENT}[\\./])*${SYSCTL_SEGMENT}`;
const SYSCTL_RE = new RegExp(`^${SYSCTL_FMT}$`);

function sysctlNamespace(name: string): 'ipc' | 'net' | undefined {
  const n = name.replace(/\//g, '.');
  if (n.startsWith('kernel.shm') || n.startsWith('kernel.msg') || n.startsWith('kernel.sem') || n.startsWith('fs.mqueue.')) return 'ipc';
  if (n.startsWith('net.')) return 'net';
  return undefined;
}

function validateSysctls(sc: Rec, hostNetwork: boolean, hostIPC: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(sc.sysctls).forEach((s0, i) => {
    const name = str(obj(s0).name);
    const p = child(index(field, i), 'name');
    if (name.length === 0) errs.push(required(p, ''));
    else if (name.length > 253 || !SYSCTL_RE.test(name)) errs.push(invalid(p, name, `must have at most 253 characters and match regex ^${SYSCTL_FMT}$`));
    else if (names.has(name)) errs.push(duplicate(p, name));
    const ns = sysctlNamespace(name);
    if (hostNetwork && ns === 'net') errs.push(invalid(p, name, "may not be specified when 'hostNetwork' is true"));
    else if (hostIPC && ns === 'ipc') errs.push(invalid(p, name, "may not be specified when 'hostIPC' is true"));
    names.add(name);
  });
  return errs;
}

/**
 * validatePodSpecSecurityContext. In the v1 API hostNetwork, hostPID and
 * hostIPC live on the pod spec; upstream validates them with the context.
 */
export function validatePodSecurityContext(spec: Rec, field: string): FieldError[] {
  const sc = rec(spec.securityContext);
  if (!sc) return [];
  const errs = ids(sc, field, ['fsGroup', 'runAsUser', 'runAsGroup']);
  arr(sc.supplementalGroups).forEach((g, i) => {
    for (const m of isValidUserOrGroupID(num(g))) errs.push(invalid(index(child(field, 'supplementalGroups'), i), num(g), m));
  });
  if (spec.shareProcessNamespace === true && spec.hostPID === true)
    errs.push(invalid(child(field, 'shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  if (arr(sc.sysctls).length !== 0) errs.push(...validateSysctls(sc, spec.hostNetwork === true, spec.hostIPC === true, child(field, 'sysctls')));
  if (sc.fsGroupChangePolicy != null) {
    const p = str(sc.fsGroupChangePolicy);
    if (p !== 'Always' && p !== 'OnRootMismatch') errs.push(notSupported(child(field, 'fsGroupChangePolicy'), p, ['Always', 'OnRootMismatch']));
  }
  errs.push(...validateSeccompProfile(sc.seccompProfile, child(field, 'seccompProfile')));
  errs.push(...validateWindowsOptions(sc.windowsOptions, child(field, 'windowsOptions')));
  errs.push(...validateAppArmorProfile(sc.appArmorProfile, child(field, 'appArmorProfile')));
  if (sc.supplementalGroupsPolicy != null) {
    const p = str(sc.supplementalGroupsPolicy);
    if (p !== 'Merge' && p !== 'Strict') errs.push(notSupported(child(field, 'supplementalGroupsPolicy'), p, ['Merge', 'Strict']));
  }
  if (sc.seLinuxChangePolicy != null) {
    const p = str(sc.seLinuxChangePolicy);
    if (p !== 'MountOption' && p !== 'Recursive') errs.push(notSupported(child(field, 'seLinuxChangePolicy'), p, ['MountOption', 'Recursive']));
  }
  return errs;
}

/** validateHostUsers: host namespaces may not be shared by a pod with its own user namespace. */
export function validateHostUsers(spec: Rec, field: string): FieldError[] {
  if (spec.hostUsers !== false) return [];
  const errs: FieldError[] = [];
  if (spec.hostNetwork === true) errs.push(forbidden(child(field, 'hostNetwork'), 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostPID === true) errs.push(forbidden(child(field, 'HostPID'), 'when `pod.Spec.HostUsers` is false'));
  if (spec.hostIPC === true) errs.push(forbidden(child(field, 'HostIPC'), 'when `pod.Spec.HostUsers` is false'));
  return errs;
}
