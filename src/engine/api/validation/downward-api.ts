/**
 * Downward API selectors (fieldRef and resourceFieldRef) of environment
 * variables and volumes, and the relative-path rules of volume items.
 */
import type { FieldError } from '../errors.ts';
import { invalid, notSupported, required } from '../errors.ts';
import { isQualifiedName } from './names.ts';
import { formatQuantity, parseQuantity } from './quantity-format.ts';
import { child, str } from './util.ts';

/** Field paths an environment variable may read. */
export const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];

/** Field paths a downward API volume may project. */
export const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];

const CONVERTIBLE_LABELS = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

const RESOURCE_FIELD_PATHS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

/** fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['app']` → path and subscript. */
function splitSubscript(fieldPath: string): [string, string] | undefined {
  if (!fieldPath.endsWith("']")) return undefined;
  const s = fieldPath.slice(0, -2);
  const at = s.indexOf("['");
  if (at <= 0) return undefined;
  return [s.slice(0, at), s.slice(at + 2)];
}

/** validateObjectFieldSelector */
export function validateObjectFieldSelector(fs: Record<string, unknown>, expressions: string[], field: string): FieldError[] {
  const apiVersion = str(fs.apiVersion);
  const fieldPath = str(fs.fieldPath);
  if (apiVersion.length === 0) return [required(child(field, 'apiVersion'), '')];
  if (fieldPath.length === 0) return [required(child(field, 'fieldPath'), '')];
  // podshelper.ConvertDownwardAPIFieldLabel
  let internal = fieldPath;
  let convertErr: string | undefined;
  if (apiVersion !== 'v1') convertErr = `unsupported pod version: ${apiVersion}`;
  else {
    const sub = splitSubscript(fieldPath);
    if (sub) {
      if (sub[0] !== 'metadata.annotations' && sub[0] !== 'metadata.labels')
        convertErr = `field label does not support subscript: ${fieldPath}`;
    } else if (fieldPath === 'spec.host') internal = 'spec.nodeName';
    else if (!CONVERTIBLE_LABELS.has(fieldPath)) convertErr = `field label not supported: ${fieldPath}`;
  }
  if (convertErr) return [invalid(child(field, 'fieldPath'), fieldPath, `error converting fieldPath: ${convertErr}`)];
  const sub = splitSubscript(internal);
  if (sub) {
    const [path, subscript] = sub;
    if (path === 'metadata.annotations') return isQualifiedName(subscript.toLowerCase()).map((m) => invalid(field, subscript.toLowerCase(), m));
    if (path === 'metadata.labels') return isQualifiedName(subscript).map((m) => invalid(field, subscript, m));
    return [invalid(field, path, 'does not support subscript')];
  }
  if (!expressions.includes(internal)) return [notSupported(child(field, 'fieldPath'), internal, expressions)];
  return [];
}

const CPU_DIVISORS = new Set(['1m', '1']);
const BYTE_DIVISORS = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);
const BYTE_DIVISOR_LIST = '1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei';

function validateDivisor(rName: string, divisor: unknown, field: string): FieldError[] {
  const q = parseQuantity(divisor ?? '0');
  if (!q || q.nanos === 0n) return [];
  const d = formatQuantity(q);
  const p = child(field, 'divisor');
  const errs: FieldError[] = [];
  if ((rName === 'limits.cpu' || rName === 'requests.cpu') && !CPU_DIVISORS.has(d))
    errs.push(invalid(p, rName, "only divisor's values 1m and 1 are supported with the cpu resource"));
  if ((rName === 'limits.memory' || rName === 'requests.memory') && !BYTE_DIVISORS.has(d))
    errs.push(invalid(p, rName, `only divisor's values ${BYTE_DIVISOR_LIST} are supported with the memory resource`));
  if ((rName === 'limits.ephemeral-storage' || rName === 'requests.ephemeral-storage') && !BYTE_DIVISORS.has(d))
    errs.push(invalid(p, rName, `only divisor's values ${BYTE_DIVISOR_LIST} are supported with the local ephemeral storage resource`));
  if ((rName.startsWith('requests.hugepages-') || rName.startsWith('limits.hugepages-')) && !BYTE_DIVISORS.has(d))
    errs.push(invalid(p, rName, `only divisor's values ${BYTE_DIVISOR_LIST} are supported with the hugepages resource`));
  return errs;
}

/** validateContainerResourceFieldSelector; in volumes the container name is required. */
export function validateResourceFieldSelector(fs: Record<string, unknown>, field: string, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource = str(fs.resource);
  if (volume && str(fs.containerName).length === 0) errs.push(required(child(field, 'containerName'), ''));
  else if (resource.length === 0) errs.push(required(child(field, 'resource'), ''));
  else if (!RESOURCE_FIELD_PATHS.includes(resource)) {
    if (!resource.startsWith('limits.hugepages-') && !resource.startsWith('requests.hugepages-'))
      errs.push(notSupported(child(field, 'resource'), resource, RESOURCE_FIELD_PATHS));
  }
  errs.push(...validateDivisor(resource, fs.divisor, field));
  return errs;
}

/** validatePathNoBacksteps: no `..` element. */
export function validatePathNoBacksteps(target: string, field: string): FieldError[] {
  return target.split('/').includes('..') ? [invalid(field, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative and without `..` elements. */
export function validateLocalDescendingPath(target: string, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (target.startsWith('/')) errs.push(invalid(field, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, field));
  return errs;
}

/** ValidateLocalNonReservedPath: also must not start with `..`. */
export function validateLocalNonReservedPath(target: string, field: string): FieldError[] {
  const errs = validateLocalDescendingPath(target, field);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(invalid(field, target, "must not start with '..'"));
  return errs;
}
