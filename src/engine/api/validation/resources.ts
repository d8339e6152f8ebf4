/**
 * Resource names and quantities of containers (requests and limits), as
 * pkg/apis/core/validation and pkg/apis/core/helper define them.
 */
import type { FieldError } from '../errors.ts';
import { duplicate, forbidden, invalid, required } from '../errors.ts';
import { isDNS1123Label, isQualifiedName } from './names.ts';
import type { Q } from './quantity-format.ts';
import { cmpQuantity, formatQuantity, milliOf, parseQuantity, quantityGoRepr, valueOf } from './quantity-format.ts';
import { IS_NEGATIVE, arr, child, index, invalidRepr, key, notFoundDetail, obj, rec, sortedKeys, str } from './util.ts';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'persistentvolumeclaims',
  'configmaps',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const STANDARD_INTEGER_RESOURCES = new Set([
  'pods',
  'resourcequotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

/** The regular expression a malformed quantity is reported against. */
export const QUANTITY_REGEX_MSG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith('hugepages-');
}

/** A name without a domain, or in the kubernetes.io domain. */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** An extended resource: domain-qualified, not native, and usable in quota as `requests.<name>`. */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

/** Native resources other than huge pages may be overcommitted (requests below limits). */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

export function isIntegerResourceName(name: string): boolean {
  return STANDARD_INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);
}

function isStandardResourceName(name: string): boolean {
  return STANDARD_RESOURCES.has(name) || isHugePageResourceName(name) || name.startsWith('requests.hugepages-');
}

/** validateResourceName */
export function validateResourceName(name: string, field: string): FieldError[] {
  const errs = isQualifiedName(name).map((m) => invalid(field, name, m));
  if (errs.length > 0) return errs;
  if (name.split('/').length === 1 && !isStandardResourceName(name))
    errs.push(invalid(field, name, 'must be a standard resource type or fully qualified'));
  return errs;
}

/** validateContainerResourceName */
export function validateContainerResourceName(name: string, field: string): FieldError[] {
  const errs = validateResourceName(name, field);
  if (name.split('/').length === 1) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePageResourceName(name))
      errs.push(invalid(field, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    errs.push(invalid(field, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** A quantity field, or an Invalid error for a value that is not one. */
export function readQuantity(v: unknown, field: string, errs: FieldError[]): Q | undefined {
  const q = parseQuantity(v);
  if (!q) errs.push(invalid(field, typeof v === 'string' ? v : str(v), QUANTITY_REGEX_MSG));
  return q;
}

/** ValidateResourceQuantityValue: not negative, and whole for integer resources. */
export function validateResourceQuantityValue(resource: string, q: Q, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (q.nanos < 0n) errs.push(invalid(field, formatQuantity(q), IS_NEGATIVE));
  if (isIntegerResourceName(resource) && milliOf(q) % 1000n !== 0n)
    errs.push(invalidRepr(field, formatQuantity(q), quantityGoRepr(q), 'must be an integer'));
  return errs;
}

function hugePageDivisibleError(name: string, q: Q): string | undefined {
  const size = parseQuantity(name.slice('hugepages-'.length));
  if (!size || size.nanos <= 0n) return undefined;
  const v = valueOf(q);
  const page = valueOf(size);
  if (v > 0n && page > 0n && v % page === 0n) return undefined;
  return `${formatQuantity(q)} is not positive integer multiple of ${name}`;
}

/**
 * ValidateContainerResourceRequirements: resource names, quantities,
 * requests not above limits (equal to them for resources that may not be
 * overcommitted), huge pages only with cpu or memory, and claims that name
 * entries of spec.resourceClaims.
 */
export function validateResourceRequirements(requirements: unknown, podClaimNames: Set<string>, field: string): FieldError[] {
  const r = obj(requirements);
  const limits = rec(r.limits);
  const requests = rec(r.requests);
  const errs: FieldError[] = [];
  const limPath = child(field, 'limits');
  const reqPath = child(field, 'requests');
  let cpuOrMemory = false;
  let hugePages = false;
  const parsedLimits = new Map<string, Q>();
  for (const name of sortedKeys(limits)) {
    const p = key(limPath, name);
    errs.push(...validateContainerResourceName(name, p));
    const q = readQuantity(limits![name], p, errs);
    if (!q) continue;
    parsedLimits.set(name, q);
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePageResourceName(name)) {
      hugePages = true;
      const e = hugePageDivisibleError(name, q);
      if (e) errs.push(invalid(p, formatQuantity(q), e));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  for (const name of sortedKeys(requests)) {
    const p = key(reqPath, name);
    errs.push(...validateContainerResourceName(name, p));
    const q = readQuantity(requests![name], p, errs);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const limit = parsedLimits.get(name);
    if (limits && name in limits) {
      if (limit) {
        const c = cmpQuantity(q, limit);
        // Requests of resources that may not be overcommitted must equal their limits.
        if (c !== 0 && !isOvercommitAllowed(name))
          errs.push(invalid(reqPath, formatQuantity(q), `must be equal to ${name} limit of ${formatQuantity(limit)}`));
        else if (c > 0)
          errs.push(invalid(reqPath, formatQuantity(q), `must be less than or equal to ${name} limit of ${formatQuantity(limit)}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePageResourceName(name)) {
      hugePages = true;
      const e = hugePageDivisibleError(name, q);
      if (e) errs.push(invalid(p, formatQuantity(q), e));
    }
    if (name === 'cpu' || name === 'memory') cpuOrMemory = true;
  }
  if (!cpuOrMemory && hugePages) errs.push(forbidden(field, 'HugePages require cpu or memory'));
  errs.push(...validateResourceClaimNames(r.claims, podClaimNames, child(field, 'claims')));
  return errs;
}

function validateResourceClaimNames(claims: unknown, podClaimNames: Set<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(claims).forEach((item, i) => {
    const c = obj(item);
    const name = str(c.name);
    const p = index(field, i);
    if (name === '') {
      errs.push(required(p, ''));
      return;
    }
    const request = str(c.request);
    if (names.has(name)) {
      errs.push(duplicate(p, name));
    } else {
      let k = name;
      if (request !== '') {
        for (const m of isDNS1123Label(request)) errs.push(invalid(child(p, 'request'), request, m));
        k += `/${request}`;
      }
      if (names.has(k)) errs.push(duplicate(p, k));
      else if (request === '') {
        for (const other of [...names].sort()) if (other.includes('/') && other.split('/')[0] === name) errs.push(duplicate(p, name));
      }
      names.add(k);
    }
    if (!podClaimNames.has(name)) {
      const list = [...podClaimNames].sort();
      const detail = `must be one of the names in pod.spec.resourceClaims${list.length === 0 ? ' which is empty' : `: ${list.join(', ')}`}`;
      errs.push(notFoundDetail(p, name, detail));
    }
  });
  return errs;
}
