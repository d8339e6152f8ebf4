/**
 * ReplicationControllers (pkg/apis/core/validation, release 1.33): a map
 * selector that must not be empty, and a template that must match it.
 */
import type { FieldError } from '../errors.ts';
import { required } from '../errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { child, nonNegative, num, obj, rec, strMap } from './util.ts';
import type { Rec } from './util.ts';
import { validateTemplateForReplicas } from './workload-common.ts';

function validateRCSpec(spec: Rec, field: string): FieldError[] {
  const errs = nonNegative(num(spec.minReadySeconds), child(field, 'minReadySeconds'));
  const selector = strMap(spec.selector) ?? {};
  const empty = Object.keys(selector).length === 0;
  if (empty) errs.push(required(child(field, 'selector'), ''));
  errs.push(...nonNegative(num(spec.replicas), child(field, 'replicas')));
  const tmplPath = child(field, 'template');
  if (!rec(spec.template)) errs.push(required(tmplPath, ''));
  else {
    // A map selector is an equality selector; an empty one selects everything.
    const asLabelSelector = empty ? {} : { matchLabels: selector };
    errs.push(...validateTemplateForReplicas(asLabelSelector, spec.template, tmplPath, 'ReplicationController'));
  }
  return errs;
}

/** ValidateReplicationController */
export function validateRCCreate(rc: Rec): FieldError[] {
  const errs = validateObjectMeta(rc.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateRCSpec(obj(rc.spec), 'spec'));
  return errs;
}

/** ValidateReplicationControllerUpdate */
export function validateRCUpdate(rc: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(rc.metadata, old.metadata);
  errs.push(...validateRCSpec(obj(rc.spec), 'spec'));
  return errs;
}
