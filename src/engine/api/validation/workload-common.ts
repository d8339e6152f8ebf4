/**
 * Pieces shared by the workload validators of pkg/apis/apps/validation:
 * the required, non-empty label selector; the check that the selector
 * matches the template's labels; and the status counters.
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, notSupported, required } from '../errors.ts';
import { Selector } from '../selectors.ts';
import type { LabelSelector } from '../types.ts';
import { goStringMap } from './go-repr.ts';
import { labelSelectorConvertFails, selectorRepr, validateLabelSelector } from './meta.ts';
import { validatePodTemplateSpec } from './pod-spec.ts';
import { FIELD_IMMUTABLE, child, invalidRepr, nonNegative, num, obj, optNum, rec, semanticEqual, str, strMap } from './util.ts';
import type { Rec } from './util.ts';

/** Whether a label selector matches a set of labels, as metav1.LabelSelectorAsSelector would build it. */
export function selectorMatches(selector: unknown, labels: unknown): boolean {
  const s = rec(selector);
  if (!s) return false;
  try {
    return Selector.fromLabelSelector(s as LabelSelector).matches(strMap(labels) ?? {});
  } catch {
    // An unparsable selector (a bad operator) matches nothing; validation reports it elsewhere.
    return false;
  }
}

/** True for a selector that selects everything (an empty, non-nil one). */
export function selectorIsEmpty(selector: unknown): boolean {
  const s = rec(selector);
  return s !== undefined && Object.keys(strMap(s.matchLabels) ?? {}).length === 0 && (Array.isArray(s.matchExpressions) ? s.matchExpressions.length : 0) === 0;
}

/**
 * The selector checks of Deployment, ReplicaSet and StatefulSet specs:
 * required, valid, not empty for `kind`. Returns the errors and whether the
 * selector can be turned into a labels.Selector.
 */
export function validateRequiredSelector(selector: unknown, field: string, kind: string): { errs: FieldError[]; convertible: boolean } {
  const errs: FieldError[] = [];
  if (selector === undefined || selector === null) errs.push(required(field, ''));
  else {
    errs.push(...validateLabelSelector(selector, field));
    if (selectorIsEmpty(selector)) errs.push(invalidRepr(field, selector, selectorRepr(selector), `empty selector is invalid for ${kind}`));
  }
  return { errs, convertible: !labelSelectorConvertFails(selector) };
}

/** The `selector` does not match template `labels` check; a nil selector matches nothing, an empty one everything. */
export function validateSelectorMatchesTemplate(selector: unknown, template: unknown, field: string): FieldError[] {
  if (selectorIsEmpty(selector)) return [];
  const labels = obj(obj(template).metadata).labels;
  if (selectorMatches(selector, labels)) return [];
  return [invalidRepr(child(field, 'metadata', 'labels'), labels, goStringMap(labels), '`selector` does not match template `labels`')];
}

/**
 * ValidatePodTemplateSpecForReplicaSet (also ReplicationController and
 * Deployment): selector match, the pod template, restartPolicy Always and no
 * activeDeadlineSeconds. `kind` names the workload in the last message.
 */
export function validateTemplateForReplicas(selector: unknown, template: unknown, field: string, kind: string): FieldError[] {
  const errs = validateSelectorMatchesTemplate(selector, template, field);
  errs.push(...validatePodTemplateSpec(template, field));
  errs.push(...templateRestartAlways(template, field, kind));
  return errs;
}

/** restartPolicy Always and no activeDeadlineSeconds, for controllers that keep pods running. */
export function templateRestartAlways(template: unknown, field: string, kind: string): FieldError[] {
  const spec = obj(obj(template).spec);
  const errs: FieldError[] = [];
  const rp = str(spec.restartPolicy);
  if (rp !== 'Always') errs.push(notSupported(child(field, 'spec', 'restartPolicy'), rp, ['Always']));
  if (spec.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null)
    errs.push(forbidden(child(field, 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  return errs;
}

/** The selector immutability the apps/v1 registry strategies add on update. */
export function immutableSelector(selector: unknown, oldSelector: unknown, field: string): FieldError[] {
  if (semanticEqual(selector, oldSelector) && (selector == null) === (oldSelector == null)) return [];
  if (selector === undefined || selector === null) return [invalidRepr(field, selector, 'null', FIELD_IMMUTABLE)];
  return [invalidRepr(field, selector, selectorRepr(selector), FIELD_IMMUTABLE)];
}

/** Non-negative counters of a status, in the given order. */
export function nonNegativeCounters(status: Rec, field: string, names: string[]): FieldError[] {
  const errs: FieldError[] = [];
  for (const n of names) {
    const v = optNum(status[n]);
    if (v !== undefined) errs.push(...nonNegative(v, child(field, n)));
  }
  return errs;
}

/** `cannot be greater than status.replicas` and friends. */
export function notGreater(status: Rec, field: string, name: string, than: string, msg: string): FieldError[] {
  return num(status[name]) > num(status[than]) ? [invalid(child(field, name), num(status[name]), msg)] : [];
}

/** `cannot be decremented` for status.collisionCount. */
export function collisionCountNotDecremented(status: Rec, oldStatus: Rec): FieldError[] {
  const n = optNum(status.collisionCount);
  const o = optNum(oldStatus.collisionCount);
  const decremented = (n === undefined && o !== undefined) || (n !== undefined && o !== undefined && n < o);
  return decremented ? [invalid('status.collisionCount', n ?? 0, 'cannot be decremented')] : [];
}
