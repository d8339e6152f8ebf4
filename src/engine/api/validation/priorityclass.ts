/**
 * PriorityClasses (pkg/apis/scheduling/validation, release 1.33). Whether
 * only one class is the global default is checked by the Priority
 * admission plugin, not here.
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid } from '../errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { validatePreemptionPolicy } from './pod-spec.ts';
import { FIELD_IMMUTABLE, invalidRepr, num, optStr, str } from './util.ts';
import type { Rec } from './util.ts';

/** HighestUserDefinablePriority */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
/** The built-in classes and their fixed values. */
export const SYSTEM_PRIORITY_CLASSES: Record<string, number> = {
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
};

/** ValidatePriorityClass */
export function validatePriorityClassCreate(pc: Rec): FieldError[] {
  const errs = validateObjectMeta(pc.metadata, false, nameIsDNSSubdomain);
  const name = str((pc.metadata as Rec | undefined)?.name);
  const value = num(pc.value);
  const globalDefault = pc.globalDefault === true;
  if (name.startsWith('system-')) {
    let why: string | undefined;
    const fixed = SYSTEM_PRIORITY_CLASSES[name];
    if (fixed === undefined) why = `${name} is not a known system priority class`;
    else if (fixed !== value) why = `value of ${name} PriorityClass must be ${fixed}`;
    else if (globalDefault) why = `globalDefault of ${name} PriorityClass must be false`;
    if (why) errs.push(forbidden('metadata.name', `priority class names with 'system-' prefix are reserved for system use only. error: ${why}`));
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden('value', `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  const policy = optStr(pc.preemptionPolicy);
  if (policy !== undefined) errs.push(...validatePreemptionPolicy(policy, 'preemptionPolicy'));
  return errs;
}

/** ValidatePriorityClassUpdate: value and preemptionPolicy are immutable. */
export function validatePriorityClassUpdate(pc: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(pc.metadata, old.metadata);
  if (num(pc.value) !== num(old.value)) errs.push(forbidden('value', 'may not be changed in an update.'));
  const n = optStr(pc.preemptionPolicy);
  if (n !== optStr(old.preemptionPolicy))
    errs.push(n === undefined ? invalidRepr('preemptionPolicy', n, 'null', FIELD_IMMUTABLE) : invalid('preemptionPolicy', n, FIELD_IMMUTABLE));
  return errs;
}
