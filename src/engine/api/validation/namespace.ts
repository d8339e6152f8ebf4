/**
 * Namespaces (pkg/apis/core/validation, release 1.33): DNS-1123 label
 * names, valid spec finalizers, and the phase rules of status updates.
 */
import type { FieldError } from '../errors.ts';
import { invalid } from '../errors.ts';
import { validateKubeFinalizerName, validateNamespaceName, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isQualifiedName } from './names.ts';
import { arr, obj, str } from './util.ts';
import type { Rec } from './util.ts';

/** validateFinalizerName: a qualified name, and a standard one when unqualified. */
function validateFinalizerName(value: string, field: string): FieldError[] {
  const errs = isQualifiedName(value).map((m) => invalid(field, value, m));
  errs.push(...validateKubeFinalizerName(value, field));
  return errs;
}

/** ValidateNamespace; spec finalizers are reported on the list path, as upstream does. */
export function validateNamespaceCreate(ns: Rec): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, false, validateNamespaceName);
  for (const f of arr(obj(ns.spec).finalizers)) errs.push(...validateFinalizerName(str(f), 'spec.finalizers'));
  return errs;
}

/** ValidateNamespaceUpdate: metadata only; the spec is changed through the finalize subresource. */
export function validateNamespaceUpdate(ns: Rec, old: Rec): FieldError[] {
  return validateObjectMetaUpdate(ns.metadata, old.metadata);
}

/** ValidateNamespaceStatusUpdate: Active until deletion starts, Terminating after. */
export function validateNamespaceStatusUpdate(ns: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  const phase = str(obj(ns.status).phase);
  const deleting = obj(ns.metadata).deletionTimestamp != null;
  if (!deleting && phase !== 'Active') errs.push(invalid('status.Phase', phase, "may only be 'Active' if `deletionTimestamp` is empty"));
  if (deleting && phase !== 'Terminating') errs.push(invalid('status.Phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"));
  return errs;
}

/** ValidateNamespaceFinalizeUpdate (the finalize subresource). */
export function validateNamespaceFinalizeUpdate(ns: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(ns.metadata, old.metadata);
  arr(obj(ns.spec).finalizers).forEach((f, i) => errs.push(...validateFinalizerName(str(f), `spec.finalizers[${i}]`)));
  return errs;
}
