/**
 * Pods, their updates and status updates, bindings and pod templates
 * (ValidatePodCreate, ValidatePodUpdate, ValidatePodStatusUpdate,
 * ValidatePodBinding and ValidatePodTemplate of pkg/apis/core/validation,
 * release 1.33).
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, notSupported, required } from '../errors.ts';
import { validateContainerOnlyForPod } from './containers.ts';
import { specDiff } from './diff.ts';
import { goStringMap } from './go-repr.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { inclusiveRangeError, isQualifiedName, nameIsDNSSubdomain } from './names.ts';
import { isDualStackIPs, isValidIP } from './net.ts';
import { validatePodSpec, validatePodSpecificAnnotations, validatePodTemplateSpec } from './pod-spec.ts';
import { validateTolerations } from './scheduling.ts';
import { FIELD_IMMUTABLE, arr, child, deepEqual, duplicateRepr, index, invalidRepr, key, obj, optNum, rec, semanticEqual, sortedKeys, str, strMap } from './util.ts';
import type { Rec } from './util.ts';

const MAX_INT32 = 2147483647;
const MIRROR = 'kubernetes.io/config.mirror';
const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** The fields a pod update may change, as the Forbidden message lists them. */
export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

/** validatePodMetadataAndSpec */
function validatePodMetadataAndSpec(pod: Rec): FieldError[] {
  const meta = obj(pod.metadata);
  const spec = obj(pod.spec);
  const errs = validateObjectMeta(meta, true, nameIsDNSSubdomain);
  errs.push(...validatePodSpecificAnnotations(meta.annotations, spec, 'metadata.annotations'));
  errs.push(...validatePodSpec(spec, str(meta.name), 'spec', true));
  if (str(spec.serviceAccountName) === '')
    arr(spec.volumes).forEach((v, vi) => {
      arr(obj(obj(v).projected).sources).forEach((s, si) => {
        if (obj(s).serviceAccountToken != null)
          errs.push(forbidden(`spec.volumes[${vi}].projected.sources[${si}].serviceAccountToken`, 'must not be specified when serviceAccountName is not set'));
      });
    });
  arr(spec.containers).forEach((c, i) => errs.push(...validateContainerOnlyForPod(obj(c), index('spec.containers', i))));
  arr(spec.initContainers).forEach((c, i) => errs.push(...validateContainerOnlyForPod(obj(c), index('spec.initContainers', i))));
  return errs;
}

/** ValidatePodCreate */
export function validatePodCreate(pod: Rec): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  const spec = obj(pod.spec);
  if (arr(spec.ephemeralContainers).length > 0) errs.push(forbidden('spec.ephemeralContainers', 'cannot be set on create'));
  if (str(spec.nodeName) !== '' && arr(spec.schedulingGates).length !== 0)
    errs.push(forbidden('spec.nodeName', 'cannot be set until all schedulingGates have been cleared'));
  return errs;
}

/** ValidatePodSpecificAnnotationUpdates: AppArmor and mirror-pod annotations may not change. */
function validateAnnotationUpdates(pod: Rec, old: Rec): FieldError[] {
  const n = strMap(obj(pod.metadata).annotations) ?? {};
  const o = strMap(obj(old.metadata).annotations) ?? {};
  const field = 'metadata.annotations';
  const errs: FieldError[] = [];
  for (const k of sortedKeys(o)) {
    if (k in n && n[k] === o[k]) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(forbidden(key(field, k), 'may not remove or update AppArmor annotations'));
    if (k === MIRROR) errs.push(forbidden(key(field, k), 'may not remove or update mirror pod annotation'));
  }
  for (const k of sortedKeys(n)) {
    if (k in o) continue;
    if (k.startsWith(APPARMOR_PREFIX)) errs.push(forbidden(key(field, k), 'may not add AppArmor annotations'));
    if (k === MIRROR) errs.push(forbidden(key(field, k), 'may not add mirror pod annotation'));
  }
  errs.push(...validatePodSpecificAnnotations(n, obj(pod.spec), field));
  return errs;
}

function validateContainerUpdates(n: unknown, o: unknown, field: string): { errs: FieldError[]; stop: boolean } {
  const nl = arr(n);
  if (nl.length !== arr(o).length) return { errs: [forbidden(field, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  nl.forEach((c, i) => {
    const image = str(obj(c).image);
    if (image.length === 0) errs.push(required(child(index(field, i), 'image'), ''));
    if (image.trim().length !== image.length) errs.push(invalid(child(index(field, i), 'image'), image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

/** validateOnlyAddedTolerations: existing tolerations may only change their tolerationSeconds. */
function validateOnlyAddedTolerations(n: unknown, o: unknown, field: string): FieldError[] {
  const news = arr(n).map(obj);
  for (const old of arr(o).map(obj)) {
    const found = news.some((t) => deepEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [forbidden(field, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(n, field);
}

/**
 * ValidatePodUpdate: the pod must still be valid, and only container images,
 * activeDeadlineSeconds (lowered), tolerations (added) and scheduling gates
 * (removed) may change; a gated pod may also gain node selector entries.
 */
export function validatePodUpdate(pod: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodMetadataAndSpec(pod));
  errs.push(...validateAnnotationUpdates(pod, old));
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  for (const list of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(spec[list], oldSpec[list], `spec.${list}`);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ads = optNum(spec.activeDeadlineSeconds);
  const oldAds = optNum(oldSpec.activeDeadlineSeconds);
  if (ads !== undefined) {
    if (ads < 0 || ads > MAX_INT32) {
      errs.push(invalid('spec.activeDeadlineSeconds', ads, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (oldAds !== undefined && oldAds < ads) {
      errs.push(invalid('spec.activeDeadlineSeconds', ads, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldAds !== undefined) {
    errs.push(invalidRepr('spec.activeDeadlineSeconds', undefined, 'null', 'must not update from a positive integer to nil value'));
  }
  errs.push(...validateOnlyAddedTolerations(spec.tolerations, oldSpec.tolerations, 'spec.tolerations'));
  const oldGates = new Set(arr(oldSpec.schedulingGates).map((g) => str(obj(g).name)));
  const added = new Map<string, number>();
  arr(spec.schedulingGates).forEach((g, i) => added.set(str(obj(g).name), i));
  for (const [gate, i] of [...added].sort((a, b) => a[1] - b[1]))
    if (!oldGates.has(gate))
      errs.push(forbidden(child(index('spec.schedulingGates', i), 'name'), `only deletion is allowed, but found new scheduling gate '${gate}'`));
  if (semanticEqual(spec, oldSpec)) return errs;
  const munged = structuredClone(spec);
  const copyImages = (list: string) => {
    const olds = arr(oldSpec[list]);
    munged[list] = arr(munged[list]).map((c, i) => ({ ...obj(c), image: obj(olds[i]).image }));
    if (!Array.isArray(spec[list])) delete munged[list];
  };
  copyImages('containers');
  copyImages('initContainers');
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldGrace = optNum(oldSpec.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && optNum(munged.terminationGracePeriodSeconds) === 1)
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  if (arr(oldSpec.schedulingGates).length > 0) {
    // A gated pod may gain node selector entries, but not lose or change any.
    const ns = strMap(munged.nodeSelector) ?? {};
    const os = strMap(oldSpec.nodeSelector) ?? {};
    if (!semanticEqual(ns, os)) {
      if (Object.entries(os).some(([k, v]) => ns[k] !== v))
        errs.push(invalidRepr('spec.nodeSelector', ns, goStringMap(munged.nodeSelector), 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
      munged.nodeSelector = oldSpec.nodeSelector;
    }
    const na = rec(munged.affinity)?.nodeAffinity;
    const oldNa = rec(oldSpec.affinity)?.nodeAffinity;
    if (!semanticEqual(na, oldNa) && rec(oldNa)?.requiredDuringSchedulingIgnoredDuringExecution == null) {
      if (rec(munged.affinity)) obj(munged.affinity).nodeAffinity = oldNa;
    }
  }
  for (const k of Object.keys(munged)) if (munged[k] === undefined) delete munged[k];
  if (!semanticEqual(munged, oldSpec)) {
    const diff = specDiff('core.PodSpec', oldSpec, munged);
    errs.push(forbidden('spec', `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${diff}`));
  }
  return errs;
}

function stateTransitions(news: unknown, olds: unknown, field: string, restartPolicy: string, restartable: Set<string>): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  arr(olds).forEach((s0, i) => {
    const s = obj(s0);
    const term = rec(obj(s.state).terminated);
    if (!term) return;
    if ((optNum(term.exitCode) ?? 0) !== 0 && restartPolicy === 'OnFailure') return;
    if (restartable.has(str(s.name))) return;
    for (const n of arr(news).map(obj))
      if (str(n.name) === str(s.name) && rec(obj(n.state).terminated) === undefined)
        errs.push(forbidden(child(index(field, i), 'state'), 'may not be transitioned to non-terminated state'));
  });
  return errs;
}

function validateIPList(list: unknown, field: string, what: 'pod' | 'host'): FieldError[] {
  const ips = arr(list).map((x) => str(obj(x).ip));
  const errs: FieldError[] = [];
  ips.forEach((ip, i) => errs.push(...isValidIP(index(field, i), ip)));
  if (ips.length > 1) {
    if (!isDualStackIPs(ips) || ips.length > 2)
      errs.push(invalidRepr(field, list, `[]core.${what === 'pod' ? 'PodIP' : 'HostIP'}{...}`, 'may specify no more than one IP for each IP family'));
    const seen = new Set<string>();
    ips.forEach((ip, i) => {
      if (seen.has(ip)) errs.push(duplicateRepr(index(field, i), { ip }, `core.${what === 'pod' ? 'PodIP' : 'HostIP'}{IP:${JSON.stringify(ip)}}`));
      seen.add(ip);
    });
  }
  return errs;
}

/** ValidatePodStatusUpdate */
export function validatePodStatusUpdate(pod: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validateAnnotationUpdates(pod, old));
  const status = obj(pod.status);
  const oldStatus = obj(old.status);
  arr(status.conditions).forEach((c, i) => {
    const type = str(obj(c).type);
    if (type === 'PodScheduled' || type === 'Ready' || type === 'Initialized') return;
    // Upstream reports custom condition types under metadata.
    for (const m of isQualifiedName(type)) errs.push(invalid(`metadata.conditions[${i}].Type`, type, m));
  });
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  if (str(spec.nodeName) !== str(oldSpec.nodeName)) errs.push(forbidden('status.nodeName', 'may not be changed directly'));
  const nominated = str(status.nominatedNodeName);
  if (nominated !== str(oldStatus.nominatedNodeName) && nominated.length > 0)
    for (const m of nameIsDNSSubdomain(nominated, false)) errs.push(invalid('status.nominatedNodeName', nominated, m));
  if (str(status.qosClass) !== str(oldStatus.qosClass)) errs.push(invalid('status.qosClass', str(status.qosClass), FIELD_IMMUTABLE));
  const restartable = new Set(arr(oldSpec.initContainers).map(obj).filter((c) => str(c.restartPolicy) === 'Always').map((c) => str(c.name)));
  const restartPolicy = str(oldSpec.restartPolicy);
  errs.push(...stateTransitions(status.containerStatuses, oldStatus.containerStatuses, 'status.containerStatuses', restartPolicy, new Set()));
  errs.push(...stateTransitions(status.initContainerStatuses, oldStatus.initContainerStatuses, 'status.initContainerStatuses', restartPolicy, restartable));
  errs.push(...stateTransitions(status.ephemeralContainerStatuses, oldStatus.ephemeralContainerStatuses, 'status.ephemeralContainerStatuses', 'Never', new Set()));
  errs.push(...validateIPList(status.podIPs, 'status.podIPs', 'pod'));
  const hostIPs = arr(status.hostIPs);
  if (hostIPs.length > 0) {
    const first = str(obj(hostIPs[0]).ip);
    if (str(status.hostIP) !== first) errs.push(invalid('status.hostIPs[0].ip', first, 'must be equal to `hostIP`'));
    errs.push(...validateIPList(status.hostIPs, 'status.hostIPs', 'host'));
  }
  return errs;
}

/** ValidatePodBinding: the target is a node and has a name. */
export function validateBinding(binding: Rec): FieldError[] {
  const target = obj(binding.target);
  const errs: FieldError[] = [];
  const kind = str(target.kind);
  if (kind.length !== 0 && kind !== 'Node') errs.push(notSupported('target.kind', kind, ['Node', '<empty>']));
  if (str(target.name).length === 0) errs.push(required('target.name', ''));
  return errs;
}

/** ValidatePodTemplate (the PodTemplate kind). */
export function validatePodTemplateCreate(t: Rec): FieldError[] {
  const errs = validateObjectMeta(t.metadata, true, nameIsDNSSubdomain);
  errs.push(...validatePodTemplateSpec(t.template, 'template'));
  return errs;
}

/** ValidatePodTemplateUpdate */
export function validatePodTemplateUpdate(t: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(t.metadata, old.metadata);
  errs.push(...validatePodTemplateSpec(t.template, 'template'));
  return errs;
}
