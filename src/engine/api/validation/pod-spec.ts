/**
 * ValidatePodSpec and ValidatePodTemplateSpec (pkg/apis/core/validation,
 * release 1.33), in upstream order of checks. The v1 pod spec is read
 * directly: hostNetwork, hostPID, hostIPC, shareProcessNamespace and
 * hostUsers are fields of the spec here, of its security context upstream.
 */
import type { FieldError } from '../errors.ts';
import { duplicate, forbidden, invalid, notSupported, required } from '../errors.ts';
import { validateContainers, validateEphemeralContainers, validateInitContainers } from './containers.ts';
import type { ContainerContext } from './containers.ts';
import { validateLocalDescendingPath } from './downward-api.ts';
import { validateAnnotations, validateLabels } from './meta.ts';
import {
  inclusiveRangeError,
  isDNS1123Label,
  isDNS1123Subdomain,
  isDNS1123SubdomainWithUnderscore,
  isQualifiedName,
  nameIsDNSSubdomain,
} from './names.ts';
import { isValidIP } from './net.ts';
import { validateResourceRequirements } from './resources.ts';
import { validateAffinity, validateTolerations, validateTopologySpreadConstraints } from './scheduling.ts';
import { validateHostUsers, validatePodSecurityContext } from './security-context.ts';
import { arr, child, index, invalidRepr, key, num, obj, optNum, rec, sortedKeys, str, strMap } from './util.ts';
import type { Rec } from './util.ts';
import { validateVolumes } from './volumes.ts';

const MAX_INT32 = 2147483647;

/** The names of every container of a spec (regular, init and ephemeral). */
export function containerNames(spec: Rec): string[] {
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)].map((c) => str(obj(c).name));
}

function validSeccompAnnotation(p: string, field: string): FieldError[] {
  if (p === 'runtime/default' || p === 'docker/default' || p === 'unconfined') return [];
  if (p.startsWith('localhost/')) return validateLocalDescendingPath(p.slice('localhost/'.length), field);
  return [invalid(field, p, 'must be a valid seccomp profile')];
}

/**
 * ValidatePodSpecificAnnotations: the mirror-pod annotation needs a node,
 * the deletion cost is a 32-bit integer, and the deprecated seccomp and
 * AppArmor annotations carry valid profiles for existing containers.
 */
export function validatePodSpecificAnnotations(annotations: unknown, spec: Rec, field: string): FieldError[] {
  const a = strMap(annotations) ?? {};
  const errs: FieldError[] = [];
  const mirror = a['kubernetes.io/config.mirror'];
  if (mirror !== undefined && str(spec.nodeName).length === 0)
    errs.push(invalid(key(field, 'kubernetes.io/config.mirror'), mirror, 'must set spec.nodeName if mirror pod annotation is set'));
  const cost = a['controller.kubernetes.io/pod-deletion-cost'];
  if (cost !== undefined) {
    const n = Number(cost);
    if (!/^-?[0-9]+$/.test(cost) || !Number.isInteger(n) || n < -2147483648 || n > MAX_INT32)
      errs.push(invalid(key(field, 'controller.kubernetes.io/pod-deletion-cost'), cost, 'must be a 32bit integer'));
  }
  const seccompPod = a['seccomp.security.alpha.kubernetes.io/pod'];
  if (seccompPod !== undefined) errs.push(...validSeccompAnnotation(seccompPod, child(field, 'seccomp.security.alpha.kubernetes.io/pod')));
  for (const k of sortedKeys(a))
    if (k.startsWith('container.seccomp.security.alpha.kubernetes.io/')) errs.push(...validSeccompAnnotation(a[k], child(field, k)));
  const names = containerNames(spec);
  for (const k of sortedKeys(a)) {
    const prefix = 'container.apparmor.security.beta.kubernetes.io/';
    if (!k.startsWith(prefix)) continue;
    const container = k.slice(prefix.length);
    if (!names.includes(container)) errs.push(invalid(key(field, k), container, 'container not found'));
    const p = a[k];
    if (p !== '' && p !== 'runtime/default' && p !== 'unconfined' && !p.startsWith('localhost/'))
      errs.push(invalid(key(field, k), p, `invalid AppArmor profile name: ${JSON.stringify(p)}`));
  }
  return errs;
}

function validateDNSConfig(spec: Rec, field: string): FieldError[] {
  const cfg = rec(spec.dnsConfig);
  if (str(spec.dnsPolicy) === 'None') {
    if (!cfg) return [required(field, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (arr(cfg.nameservers).length === 0)
      return [required(child(field, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return [];
  const errs: FieldError[] = [];
  const nameservers = arr(cfg.nameservers).map(str);
  if (nameservers.length > 3)
    errs.push(invalidRepr(child(field, 'nameservers'), nameservers, `[]string{${nameservers.map((s) => JSON.stringify(s)).join(', ')}}`, 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => errs.push(...isValidIP(index(child(field, 'nameservers'), i), ns)));
  const searches = arr(cfg.searches).map(str);
  const searchRepr = `[]string{${searches.map((s) => JSON.stringify(s)).join(', ')}}`;
  if (searches.length > 32) errs.push(invalidRepr(child(field, 'searches'), searches, searchRepr, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048)
    errs.push(invalidRepr(child(field, 'searches'), searches, searchRepr, 'must not have more than 2048 characters (including spaces) in the search list'));
  searches.forEach((s, i) => {
    // RelaxedDNSSearchValidation is on in 1.33: '.' and underscores are allowed.
    if (s === '.') return;
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    for (const m of isDNS1123SubdomainWithUnderscore(trimmed)) errs.push(invalid(index(child(field, 'searches'), i), trimmed, m));
  });
  arr(cfg.options).forEach((o, i) => {
    if (str(obj(o).name).length === 0) errs.push(required(index(child(field, 'options'), i), 'must not be empty'));
  });
  return errs;
}

function validateOS(spec: Rec, field: string): FieldError[] {
  const os = rec(spec.os);
  if (!os) return [];
  const name = str(os.name);
  if (name.length === 0) return [required(child(field, 'os', 'name'), 'cannot be empty')];
  if (name !== 'linux' && name !== 'windows') return [notSupported(child(field, 'os'), name, ['linux', 'windows'])];
  const errs: FieldError[] = [];
  const sc = obj(spec.securityContext);
  if (name === 'linux') {
    if (sc.windowsOptions != null) errs.push(forbidden(child(field, 'securityContext', 'windowsOptions'), 'windows options cannot be set for a linux pod'));
    for (const [list, items] of [['initContainers', spec.initContainers], ['containers', spec.containers], ['ephemeralContainers', spec.ephemeralContainers]] as const)
      arr(items).forEach((c, i) => {
        if (obj(obj(c).securityContext).windowsOptions != null)
          errs.push(forbidden(child(index(child(field, list), i), 'securityContext', 'windowsOptions'), 'windows options cannot be set for a linux pod'));
      });
    return errs;
  }
  const podForbidden: [string, string, boolean][] = [
    ['appArmorProfile', child(field, 'securityContext', 'appArmorProfile'), sc.appArmorProfile != null],
    ['seLinuxOptions', child(field, 'securityContext', 'seLinuxOptions'), sc.seLinuxOptions != null],
    ['hostUsers', child(field, 'hostUsers'), spec.hostUsers != null],
    ['hostPID', child(field, 'hostPID'), spec.hostPID === true],
    ['hostIPC', child(field, 'hostIPC'), spec.hostIPC === true],
    ['seccompProfile', child(field, 'securityContext', 'seccompProfile'), sc.seccompProfile != null],
    ['fsGroup', child(field, 'securityContext', 'fsGroup'), sc.fsGroup != null],
    ['fsGroupChangePolicy', child(field, 'securityContext', 'fsGroupChangePolicy'), sc.fsGroupChangePolicy != null],
    ['sysctls', child(field, 'securityContext', 'sysctls'), arr(sc.sysctls).length > 0],
    ['shareProcessNamespace', child(field, 'shareProcessNamespace'), spec.shareProcessNamespace != null],
    ['runAsUser', child(field, 'securityContext', 'runAsUser'), sc.runAsUser != null],
    ['runAsGroup', child(field, 'securityContext', 'runAsGroup'), sc.runAsGroup != null],
    ['supplementalGroups', child(field, 'securityContext', 'supplementalGroups'), sc.supplementalGroups != null],
  ];
  for (const [, p, set] of podForbidden) if (set) errs.push(forbidden(p, 'cannot be set for a windows pod'));
  return errs;
}

/**
 * ValidatePodSpec. `podName` is the name of a real pod, empty for
 * templates; `isPod` applies the rules that hold only for pods.
 */
export function validatePodSpec(spec0: unknown, podName: string, field: string, isPod: boolean): FieldError[] {
  const spec = obj(spec0);
  const errs: FieldError[] = [];
  const gracePeriod = optNum(spec.terminationGracePeriodSeconds);
  if (gracePeriod === undefined) errs.push(required(child(field, 'terminationGracePeriodSeconds'), ''));
  const vols = validateVolumes(spec.volumes, podName, child(field, 'volumes'), isPod);
  errs.push(...vols.errs);
  const claimNames = new Set<string>();
  arr(spec.resourceClaims).forEach((c0, i) => {
    const c = obj(c0);
    const name = str(c.name);
    const p = index(child(field, 'resourceClaims'), i);
    if (name === '') errs.push(required(child(p, 'name'), ''));
    else if (claimNames.has(name)) errs.push(duplicate(child(p, 'name'), name));
    else {
      for (const m of isDNS1123Label(name)) errs.push(invalid(child(p, 'name'), name, m));
      claimNames.add(name);
    }
  });
  const ctx: ContainerContext = {
    volumes: vols.vols,
    podClaimNames: claimNames,
    gracePeriod,
    restartPolicy: str(spec.restartPolicy),
    hostUsers: spec.hostUsers !== false,
  };
  errs.push(...validateContainers(spec.containers, ctx, child(field, 'containers')));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, ctx, child(field, 'initContainers')));
  errs.push(...validateEphemeralContainers(spec.ephemeralContainers, spec.containers, spec.initContainers, ctx, child(field, 'ephemeralContainers')));
  if (spec.hostNetwork === true)
    arr(spec.containers).forEach((c, i) =>
      arr(obj(c).ports).forEach((p0, j) => {
        const p = obj(p0);
        const hp = num(p.hostPort);
        const cp = num(p.containerPort);
        if ((isPod || hp !== 0) && hp !== cp)
          errs.push(invalid(child(index(child(index(child(field, 'containers'), i), 'ports'), j), 'hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
      }),
    );
  const restart = str(spec.restartPolicy);
  if (restart === '') errs.push(required(child(field, 'restartPolicy'), ''));
  else if (!['Always', 'OnFailure', 'Never'].includes(restart)) errs.push(notSupported(child(field, 'restartPolicy'), restart, ['Always', 'OnFailure', 'Never']));
  const dns = str(spec.dnsPolicy);
  const dnsValues = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
  if (dns === '') errs.push(required(child(field, 'dnsPolicy'), ''));
  else if (!dnsValues.includes(dns)) errs.push(notSupported(child(field, 'dnsPolicy'), dns, dnsValues));
  errs.push(...validateLabels(spec.nodeSelector, child(field, 'nodeSelector')));
  errs.push(...validatePodSecurityContext(spec, child(field, 'securityContext')));
  arr(spec.imagePullSecrets).forEach((s0, i) => {
    const s = obj(s0);
    if (Object.keys(s).some((k) => k !== 'name'))
      errs.push(invalidRepr(index(child(field, 'imagePullSecrets'), i), s, `core.LocalObjectReference{Name:${JSON.stringify(str(s.name))}}`, 'only name may be set'));
  });
  errs.push(...validateAffinity(spec.affinity, child(field, 'affinity')));
  errs.push(...validateDNSConfig(spec, child(field, 'dnsConfig')));
  arr(spec.readinessGates).forEach((g, i) => {
    const t = str(obj(g).conditionType);
    for (const m of isQualifiedName(t)) errs.push(invalid(child(index(child(field, 'readinessGates'), i), 'conditionType'), t, m));
  });
  const gates = new Set<string>();
  arr(spec.schedulingGates).forEach((g, i) => {
    const name = str(obj(g).name);
    const p = index(child(field, 'schedulingGates'), i);
    for (const m of isQualifiedName(name)) errs.push(invalid(p, name, m));
    if (gates.has(name)) errs.push(duplicate(p, name));
    gates.add(name);
  });
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, child(field, 'topologySpreadConstraints')));
  errs.push(...validateHostUsers(spec, field));
  const sa = str(spec.serviceAccountName);
  if (sa.length > 0) for (const m of nameIsDNSSubdomain(sa, false)) errs.push(invalid(child(field, 'serviceAccountName'), sa, m));
  const nodeName = str(spec.nodeName);
  if (nodeName.length > 0) for (const m of nameIsDNSSubdomain(nodeName, false)) errs.push(invalid(child(field, 'nodeName'), nodeName, m));
  const ads = optNum(spec.activeDeadlineSeconds);
  if (ads !== undefined && (ads < 1 || ads > MAX_INT32))
    errs.push(invalid(child(field, 'activeDeadlineSeconds'), ads, inclusiveRangeError(1, MAX_INT32)));
  const hostname = str(spec.hostname);
  if (hostname.length > 0) for (const m of isDNS1123Label(hostname)) errs.push(invalid(child(field, 'hostname'), hostname, m));
  const subdomain = str(spec.subdomain);
  if (subdomain.length > 0) for (const m of isDNS1123Label(subdomain)) errs.push(invalid(child(field, 'subdomain'), subdomain, m));
  if (arr(spec.tolerations).length > 0) errs.push(...validateTolerations(spec.tolerations, child(field, 'tolerations')));
  arr(spec.hostAliases).forEach((h0, i) => {
    const h = obj(h0);
    const p = index(child(field, 'hostAliases'), i);
    errs.push(...isValidIP(child(p, 'ip'), str(h.ip)));
    arr(h.hostnames).forEach((hn, j) => {
      for (const m of isDNS1123Subdomain(str(hn))) errs.push(invalid(index(child(p, 'hostnames'), j), str(hn), m));
    });
  });
  const pcn = str(spec.priorityClassName);
  if (pcn.length > 0) for (const m of nameIsDNSSubdomain(pcn, false)) errs.push(invalid(child(field, 'priorityClassName'), pcn, m));
  if (spec.runtimeClassName != null)
    for (const m of nameIsDNSSubdomain(str(spec.runtimeClassName), false))
      errs.push(invalid(child(field, 'runtimeClassName'), str(spec.runtimeClassName), m));
  if (spec.preemptionPolicy != null) errs.push(...validatePreemptionPolicy(str(spec.preemptionPolicy), child(field, 'preemptionPolicy')));
  if (rec(spec.overhead)) errs.push(...validateResourceRequirements({ limits: spec.overhead }, new Set(), child(field, 'overhead')));
  errs.push(...validateOS(spec, field));
  return errs;
}

/** ValidatePreemptionPolicy */
export function validatePreemptionPolicy(policy: string, field: string): FieldError[] {
  if (policy === 'PreemptLowerPriority' || policy === 'Never') return [];
  if (policy === '') return [required(field, '')];
  return [notSupported(field, policy, ['PreemptLowerPriority', 'Never'])];
}

/**
 * ValidatePodTemplateSpec: the template's labels and annotations (reported
 * on `<path>.labels`, as upstream does), its pod spec, and no ephemeral
 * containers.
 */
export function validatePodTemplateSpec(template: unknown, field: string): FieldError[] {
  const t = obj(template);
  const meta = obj(t.metadata);
  const spec = obj(t.spec);
  const errs = validateLabels(meta.labels, child(field, 'labels'));
  errs.push(...validateAnnotations(meta.annotations, child(field, 'annotations')));
  errs.push(...validatePodSpecificAnnotations(meta.annotations, spec, child(field, 'annotations')));
  errs.push(...validatePodSpec(spec, '', child(field, 'spec'), false));
  if (arr(spec.ephemeralContainers).length > 0)
    errs.push(forbidden(child(field, 'spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  return errs;
}

