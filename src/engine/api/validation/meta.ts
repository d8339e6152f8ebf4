/**
 * ObjectMeta, labels, annotations, finalizers, owner references and label
 * selectors, as k8s.io/apimachinery/pkg/api/validation/objectmeta.go and
 * pkg/apis/meta/v1/validation validate them (release 1.33), plus the extra
 * finalizer-name rule of pkg/apis/core/validation.ValidateObjectMeta.
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, required, tooLong } from '../errors.ts';
import { goLabelSelector, goQuote, goStringSlice, goStruct, goPtr } from './go-repr.ts';
import type { NameFn } from './names.ts';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel } from './names.ts';
import {
  FIELD_IMMUTABLE,
  arr,
  byteLen,
  child,
  deepEqual,
  index,
  invalidRepr,
  nonNegative,
  num,
  obj,
  optNum,
  rec,
  sortedKeys,
  str,
  strMap,
} from './util.ts';

/** TotalAnnotationSizeLimitB: 256 KiB for all keys and values together. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/** ValidateLabelName */
export function validateLabelName(name: string, field: string): FieldError[] {
  return isQualifiedName(name).map((m) => invalid(field, name, m));
}

/** ValidateLabels: key and value rules for each label, in key order. */
export function validateLabels(labels: unknown, field: string): FieldError[] {
  const m = strMap(labels);
  const errs: FieldError[] = [];
  for (const k of sortedKeys(m)) {
    errs.push(...validateLabelName(k, field));
    for (const msg of isValidLabelValue(m![k])) errs.push(invalid(field, m![k], msg));
  }
  return errs;
}

/** ValidateAnnotations: keys are qualified names (case-insensitive); total size at most 256 KiB. */
export function validateAnnotations(annotations: unknown, field: string): FieldError[] {
  const m = strMap(annotations);
  const errs: FieldError[] = [];
  let total = 0;
  for (const k of sortedKeys(m)) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(field, k, msg));
    total += byteLen(k) + byteLen(m![k]);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(field, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

/** schema.ParseGroupVersion as FromAPIVersionAndKind uses it: a malformed apiVersion yields no group or version. */
export function parseGroupVersion(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const parts = apiVersion.split('/');
  if (parts.length === 1) return { group: '', version: parts[0] };
  if (parts.length === 2) return { group: parts[0], version: parts[1] };
  return { group: '', version: '' };
}

function ownerRefRepr(r: Record<string, unknown>): string {
  return goStruct('v1.OwnerReference', [
    ['APIVersion', goQuote(str(r.apiVersion))],
    ['Kind', goQuote(str(r.kind))],
    ['Name', goQuote(str(r.name))],
    ['UID', goQuote(str(r.uid))],
    ['Controller', goPtr('bool', r.controller)],
    ['BlockOwnerDeletion', goPtr('bool', r.blockOwnerDeletion)],
  ]);
}

/** ValidateOwnerReferences. Upstream reports field errors on the list path, not the item. */
export function validateOwnerReferences(refs: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(refs);
  let firstController = '';
  for (const item of list) {
    const r = obj(item);
    const apiVersion = str(r.apiVersion);
    const kind = str(r.kind);
    const gv = parseGroupVersion(apiVersion);
    if (gv.version.length === 0) errs.push(invalid(child(field, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (kind.length === 0) errs.push(invalid(child(field, 'kind'), kind, 'must not be empty'));
    if (str(r.name).length === 0) errs.push(invalid(child(field, 'name'), str(r.name), 'must not be empty'));
    if (str(r.uid).length === 0) errs.push(invalid(child(field, 'uid'), str(r.uid), 'must not be empty'));
    // Events are banned as owners (BannedOwners).
    if (gv.group === '' && gv.version === 'v1' && kind === 'Event')
      errs.push(invalidRepr(field, r, ownerRefRepr(r), '/v1, Kind=Event is disallowed from being an owner'));
    if (r.controller === true) {
      const cur = `${kind}/${str(r.name)}`;
      if (firstController !== '') {
        const repr = `[]v1.OwnerReference{${list.map((x) => ownerRefRepr(obj(x))).join(', ')}}`;
        errs.push(
          invalidRepr(
            field,
            list,
            repr,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${cur}`,
          ),
        );
      } else {
        firstController = cur;
      }
    }
  }
  return errs;
}

/** ValidateFinalizers: qualified names (reported on the list path), and not both orphan and foregroundDeletion. */
export function validateFinalizers(finalizers: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(finalizers).map(str);
  for (const f of list) for (const m of isQualifiedName(f)) errs.push(invalid(field, f, m));
  if (list.includes('orphan') && list.includes('foregroundDeletion'))
    errs.push(invalidRepr(field, list, goStringSlice(list), 'finalizer orphan and foregroundDeletion cannot be both set'));
  return errs;
}

const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

/** validateKubeFinalizerName: a finalizer without a '/' must be one of the standard ones. */
export function validateKubeFinalizerName(value: string, field: string): FieldError[] {
  if (value.split('/').length === 1 && !STANDARD_FINALIZERS.has(value))
    return [invalid(field, value, 'name is neither a standard finalizer name nor is it fully qualified')];
  return [];
}

/** ValidateManagedFields */
export function validateManagedFields(entries: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(entries).forEach((item, i) => {
    const e = obj(item);
    const p = index(field, i);
    const op = str(e.operation);
    if (op !== 'Apply' && op !== 'Update') errs.push(invalid(child(p, 'operation'), op, 'must be `Apply` or `Update`'));
    const ft = str(e.fieldsType);
    if (ft.length > 0 && ft !== 'FieldsV1') errs.push(invalid(child(p, 'fieldsType'), ft, 'must be `FieldsV1`'));
    const manager = str(e.manager);
    if (byteLen(manager) > 128) errs.push(tooLong(child(p, 'manager'), 128));
    if (byteLen(str(e.subresource)) > 256) errs.push(tooLong(child(p, 'subresource'), 256));
  });
  return errs;
}

/** The name rule for namespaces, and for the namespace of every namespaced object. */
export const validateNamespaceName: NameFn = nameIsDNSLabel;

/**
 * ValidateObjectMeta for an object on creation: generateName, name,
 * namespace (required for namespaced kinds, forbidden otherwise), generation,
 * labels, annotations, owner references, finalizers and managed fields.
 * With `kubeFinalizers`, also the core-group rule that unqualified
 * finalizer names must be standard ones.
 */
export function validateObjectMeta(
  meta: unknown,
  namespaced: boolean,
  nameFn: NameFn,
  field = 'metadata',
  kubeFinalizers = true,
): FieldError[] {
  const m = obj(meta);
  const errs: FieldError[] = [];
  const generateName = str(m.generateName);
  if (generateName.length > 0)
    for (const msg of nameFn(generateName, true)) errs.push(invalid(child(field, 'generateName'), generateName, msg));
  const name = str(m.name);
  if (name.length === 0) errs.push(required(child(field, 'name'), 'name or generateName is required'));
  else for (const msg of nameFn(name, false)) errs.push(invalid(child(field, 'name'), name, msg));
  errs.push(...validateMetaCommon(m, namespaced, field));
  if (kubeFinalizers)
    arr(m.finalizers).forEach((f, i) => errs.push(...validateKubeFinalizerName(str(f), index(child(field, 'finalizers'), i))));
  return errs;
}

function validateMetaCommon(m: Record<string, unknown>, namespaced: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const ns = str(m.namespace);
  if (namespaced) {
    if (ns.length === 0) errs.push(required(child(field, 'namespace'), ''));
    else for (const msg of validateNamespaceName(ns, false)) errs.push(invalid(child(field, 'namespace'), ns, msg));
  } else if (ns.length !== 0) {
    errs.push(forbidden(child(field, 'namespace'), 'not allowed on this type'));
  }
  errs.push(...nonNegative(num(m.generation), child(field, 'generation')));
  errs.push(...validateLabels(m.labels, child(field, 'labels')));
  errs.push(...validateAnnotations(m.annotations, child(field, 'annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, child(field, 'ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, child(field, 'finalizers')));
  errs.push(...validateManagedFields(m.managedFields, child(field, 'managedFields')));
  return errs;
}

/** How Go prints a metav1.Time (its String method): `2024-01-02 03:04:05 +0000 UTC`. */
export function goTime(v: unknown): string {
  const s = str(v);
  if (s === '') return '0001-01-01 00:00:00 +0000 UTC';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(s);
  if (!m) return s;
  const frac = m[3] ? m[3].replace(/0+$/, '') : '';
  return `${m[1]} ${m[2]}${frac === '.' ? '' : frac} +0000 UTC`;
}

/**
 * ValidateImmutableField for a metadata field. `render` gives the Go text of
 * the new value when Go prints it unquoted (times), or undefined for nil.
 */
function immutable(newVal: unknown, oldVal: unknown, field: string, render?: (v: unknown) => string | undefined): FieldError[] {
  if (deepEqual(newVal, oldVal)) return [];
  if (!render) return [invalid(field, newVal, FIELD_IMMUTABLE)];
  return [invalidRepr(field, newVal, render(newVal) ?? 'null', FIELD_IMMUTABLE)];
}

/**
 * ValidateObjectMetaUpdate: no new finalizers once deletion started, a
 * resourceVersion, no decremented generation, immutable identity fields,
 * and the create-time rules for labels, annotations, owners and managed
 * fields. With `kubeFinalizers`, also the core-group finalizer-name rule.
 */
export function validateObjectMetaUpdate(meta: unknown, oldMeta: unknown, field = 'metadata', kubeFinalizers = true): FieldError[] {
  const m = obj(meta);
  const o = obj(oldMeta);
  const errs: FieldError[] = [];
  if (o.deletionTimestamp !== undefined && o.deletionTimestamp !== null) {
    const old = new Set(arr(o.finalizers).map(str));
    const extra = [...new Set(arr(m.finalizers).map(str))].filter((f) => !old.has(f)).sort();
    if (extra.length > 0)
      errs.push(
        forbidden(
          child(field, 'finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`,
        ),
      );
  }
  if (str(m.resourceVersion).length === 0)
    errs.push(invalid(child(field, 'resourceVersion'), str(m.resourceVersion), 'must be specified for an update'));
  if (num(m.generation) < num(o.generation))
    errs.push(invalid(child(field, 'generation'), num(m.generation), 'must not be decremented'));
  errs.push(...immutable(str(m.name), str(o.name), child(field, 'name')));
  errs.push(...immutable(str(m.namespace), str(o.namespace), child(field, 'namespace')));
  errs.push(...immutable(str(m.uid), str(o.uid), child(field, 'uid')));
  errs.push(...immutable(str(m.creationTimestamp), str(o.creationTimestamp), child(field, 'creationTimestamp'), goTime));
  errs.push(
    ...immutable(optTime(m.deletionTimestamp), optTime(o.deletionTimestamp), child(field, 'deletionTimestamp'), (v) =>
      v === undefined ? undefined : goTime(v),
    ),
  );
  errs.push(
    ...immutable(optNum(m.deletionGracePeriodSeconds), optNum(o.deletionGracePeriodSeconds), child(field, 'deletionGracePeriodSeconds'), (v) =>
      v === undefined ? undefined : String(v),
    ),
  );
  errs.push(...validateLabels(m.labels, child(field, 'labels')));
  errs.push(...validateAnnotations(m.annotations, child(field, 'annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, child(field, 'ownerReferences')));
  errs.push(...validateManagedFields(m.managedFields, child(field, 'managedFields')));
  if (kubeFinalizers)
    arr(m.finalizers).forEach((f, i) => errs.push(...validateKubeFinalizerName(str(f), index(child(field, 'finalizers'), i))));
  return errs;
}

function optTime(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : str(v);
}

/** ValidateTemplateObjectMeta: only labels and annotations may be set (PVC templates). */
export function validateTemplateObjectMeta(meta: unknown, field: string): FieldError[] {
  const m = obj(meta);
  const errs = validateAnnotations(m.annotations, child(field, 'annotations'));
  errs.push(...validateLabels(m.labels, child(field, 'labels')));
  for (const k of Object.keys(m).sort()) {
    if (k === 'labels' || k === 'annotations') continue;
    const v = m[k];
    if (v === undefined || v === null || v === '' || v === 0 || (Array.isArray(v) && v.length === 0)) continue;
    if (rec(v) && Object.keys(v as object).length === 0) continue;
    errs.push(forbidden(child(field, k), 'cannot be set'));
  }
  return errs;
}

/**
 * ValidateLabelSelector with AllowInvalidLabelValueInSelector false: match
 * labels, and for each expression its operator, key and values.
 */
export function validateLabelSelector(selector: unknown, field: string): FieldError[] {
  const s = rec(selector);
  if (!s) return [];
  const errs = validateLabels(s.matchLabels, child(field, 'matchLabels'));
  arr(s.matchExpressions).forEach((item, i) => {
    const r = obj(item);
    const p = index(child(field, 'matchExpressions'), i);
    const op = str(r.operator);
    const values = arr(r.values).map(str);
    switch (op) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0)
          errs.push(forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(child(p, 'operator'), op, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(str(r.key), child(p, 'key')));
    values.forEach((v, vi) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(index(child(p, 'values'), vi), v, msg));
    });
  });
  return errs;
}

/** True when metav1.LabelSelectorAsSelector would fail (an unknown operator or bad values). */
export function labelSelectorConvertFails(selector: unknown): boolean {
  const s = rec(selector);
  if (!s) return false;
  for (const item of arr(s.matchExpressions)) {
    const r = obj(item);
    const op = str(r.operator);
    const n = arr(r.values).length;
    if (op === 'In' || op === 'NotIn') {
      if (n === 0) return true;
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (n > 0) return true;
    } else return true;
    if (isQualifiedName(str(r.key)).length > 0) return true;
    for (const v of arr(r.values)) if (isValidLabelValue(str(v)).length > 0) return true;
  }
  const ml = strMap(s.matchLabels) ?? {};
  for (const [k, v] of Object.entries(ml)) if (isQualifiedName(k).length > 0 || isValidLabelValue(v).length > 0) return true;
  return false;
}

/** The %#v rendering of a *LabelSelector's pointee, for Invalid errors. */
export function selectorRepr(selector: unknown): string {
  return goLabelSelector(selector);
}
