/**
 * Core kinds with little beyond their metadata: ServiceAccounts, Endpoints,
 * Events (the lenient core/v1 rules), LimitRanges and ResourceQuotas
 * (pkg/apis/core/validation, release 1.33).
 */
import type { FieldError } from '../errors.ts';
import { duplicate, invalid, notSupported, required } from '../errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum, nameIsDNSSubdomain } from './names.ts';
import { isValidIP, validateNonSpecialIP } from './net.ts';
import { PROTOCOLS } from './container-fields.ts';
import { parseQuantity } from './quantity-format.ts';
import { QUANTITY_REGEX_MSG, validateResourceName, validateResourceQuantityValue } from './resources.ts';
import { arr, child, index, key, num, obj, optStr, rec, sortedKeys, str } from './util.ts';
import type { Rec } from './util.ts';

/** ValidateServiceAccount */
export function validateServiceAccountCreate(sa: Rec): FieldError[] {
  return validateObjectMeta(sa.metadata, true, nameIsDNSSubdomain);
}

/** ValidateServiceAccountUpdate */
export function validateServiceAccountUpdate(sa: Rec, old: Rec): FieldError[] {
  return [...validateObjectMetaUpdate(sa.metadata, old.metadata), ...validateServiceAccountCreate(sa)];
}

function validateEndpointAddress(a: Rec, field: string): FieldError[] {
  const errs = isValidIP(child(field, 'ip'), str(a.ip));
  const hostname = str(a.hostname);
  if (hostname.length > 0) for (const m of isDNS1123Label(hostname)) errs.push(invalid(child(field, 'hostname'), hostname, m));
  const nodeName = optStr(a.nodeName);
  if (nodeName !== undefined) for (const m of nameIsDNSSubdomain(nodeName, false)) errs.push(invalid(child(field, 'nodeName'), nodeName, m));
  errs.push(...validateNonSpecialIP(str(a.ip), child(field, 'ip')));
  return errs;
}

/** ValidateEndpoints (create and update alike). */
export function validateEndpointsCreate(ep: Rec): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, true, nameIsDNSSubdomain);
  arr(ep.subsets).forEach((s0, i) => {
    const s = obj(s0);
    const p = index('subsets', i);
    const addrs = arr(s.addresses);
    const notReady = arr(s.notReadyAddresses);
    if (addrs.length === 0 && notReady.length === 0) errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    addrs.forEach((a, j) => errs.push(...validateEndpointAddress(obj(a), index(child(p, 'addresses'), j))));
    notReady.forEach((a, j) => errs.push(...validateEndpointAddress(obj(a), index(child(p, 'notReadyAddresses'), j))));
    const ports = arr(s.ports);
    ports.forEach((p0, j) => {
      const port = obj(p0);
      const pp = index(child(p, 'ports'), j);
      const name = str(port.name);
      if (ports.length > 1 && name.length === 0) errs.push(required(child(pp, 'name'), ''));
      else if (name.length !== 0) for (const m of isDNS1123Label(name)) errs.push(invalid(child(pp, 'name'), name, m));
      for (const m of isValidPortNum(num(port.port))) errs.push(invalid(child(pp, 'port'), num(port.port), m));
      const protocol = str(port.protocol);
      if (protocol.length === 0) errs.push(required(child(pp, 'protocol'), ''));
      else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(child(pp, 'protocol'), protocol, PROTOCOLS));
      const ap = optStr(port.appProtocol);
      if (ap !== undefined) for (const m of isQualifiedName(ap)) errs.push(invalid(child(pp, 'appProtocol'), ap, m));
    });
  });
  return errs;
}

/** ValidateEndpointsUpdate */
export function validateEndpointsUpdate(ep: Rec, old: Rec): FieldError[] {
  return [...validateObjectMetaUpdate(ep.metadata, old.metadata), ...validateEndpointsCreate(ep)];
}

/**
 * The legacy Event rules that core/v1 requests get: the event's namespace
 * must match its object's. Events with an eventTime (written by
 * events.k8s.io clients) need a reporting controller, instance, action and
 * reason of bounded length.
 */
export function validateCoreEvent(ev: Rec): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(obj(ev.metadata).namespace);
  const involvedNs = str(obj(ev.involvedObject).namespace);
  const mismatch = invalid('involvedObject.namespace', involvedNs, 'does not match event.namespace');
  if (ev.eventTime == null || str(ev.eventTime) === '') {
    if (involvedNs.length === 0) {
      if (ns !== '' && ns !== 'default') errs.push(mismatch);
    } else if (ns !== involvedNs) errs.push(mismatch);
  } else {
    if (involvedNs.length === 0 && ns !== 'default' && ns !== 'kube-system') errs.push(mismatch);
    const rc = str(ev.reportingComponent);
    if (rc.length === 0) errs.push(required('reportingComponent', ''));
    for (const m of isQualifiedName(rc)) errs.push(invalid('reportingComponent', rc, m));
    const limits: [string, number, string][] = [
      ['reportingInstance', 128, str(ev.reportingInstance)],
      ['action', 128, str(ev.action)],
      ['reason', 128, str(ev.reason)],
    ];
    for (const [f, max, v] of limits) {
      if (v.length === 0) errs.push(required(f, ''));
      if (v.length > max) errs.push(invalid(f, '', `can have at most ${max} characters`));
    }
    if (str(ev.message).length > 1024) errs.push(invalid('message', '', 'can have at most 1024 characters'));
  }
  for (const m of isDNS1123Subdomain(ns)) errs.push(invalid('namespace', ns, m));
  return errs;
}

function validateQuantities(m: unknown, field: string): FieldError[] {
  const r = rec(m);
  const errs: FieldError[] = [];
  for (const k of sortedKeys(r)) {
    const p = key(field, k);
    errs.push(...validateResourceName(k, p));
    const q = parseQuantity(r![k]);
    if (!q) errs.push(invalid(p, str(r![k]), QUANTITY_REGEX_MSG));
    else errs.push(...validateResourceQuantityValue(k, q, p));
  }
  return errs;
}

/** ValidateLimitRange, without the min/max/default consistency rules. */
export function validateLimitRangeCreate(lr: Rec): FieldError[] {
  const errs = validateObjectMeta(lr.metadata, true, nameIsDNSSubdomain);
  const types = new Set<string>();
  arr(obj(lr.spec).limits).forEach((l0, i) => {
    const l = obj(l0);
    const p = index('spec.limits', i);
    const type = str(l.type);
    for (const m of isQualifiedName(type)) errs.push(invalid(child(p, 'type'), type, m));
    if (type.split('/').length === 1 && !['Pod', 'Container', 'PersistentVolumeClaim'].includes(type) && isQualifiedName(type).length === 0)
      errs.push(invalid(child(p, 'type'), type, 'must be a standard limit type or fully qualified'));
    if (types.has(type)) errs.push(duplicate(child(p, 'type'), type));
    types.add(type);
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'])
      for (const name of sortedKeys(rec(l[k]))) errs.push(...validateResourceName(name, key(child(p, k), name)));
  });
  return errs;
}

/** ValidateResourceQuota: quota resource names and non-negative amounts. */
export function validateResourceQuotaCreate(rq: Rec): FieldError[] {
  const errs = validateObjectMeta(rq.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateQuantities(obj(rq.spec).hard, 'spec.hard'));
  errs.push(...validateQuantities(obj(rq.status).hard, 'status.hard'));
  errs.push(...validateQuantities(obj(rq.status).used, 'status.used'));
  return errs;
}
