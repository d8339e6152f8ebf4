/**
 * DaemonSets (pkg/apis/apps/validation and the apps/v1 registry strategy,
 * release 1.33). A DaemonSet does not require a selector; a missing one
 * matches nothing, so the template check reports it.
 */
import type { FieldError } from '../errors.ts';
import { required } from '../errors.ts';
import { goIntOrString, goPtr, goStruct } from './go-repr.ts';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.ts';
import { labelSelectorConvertFails, selectorRepr, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { validatePodTemplateSpec } from './pod-spec.ts';
import { child, invalidRepr, nonNegative, notSupportedRepr, num, obj, optNum, rec, str } from './util.ts';
import type { Rec } from './util.ts';
import {
  collisionCountNotDecremented,
  immutableSelector,
  nonNegativeCounters,
  selectorIsEmpty,
  selectorMatches,
  templateRestartAlways,
  validateSelectorMatchesTemplate,
} from './workload-common.ts';

function validateDaemonSetUpdateStrategy(us: Rec, field: string): FieldError[] {
  const type = str(us.type);
  if (type === 'OnDelete') return [];
  if (type === 'RollingUpdate') {
    const ru = rec(us.rollingUpdate);
    if (!ru) return [required(child(field, 'rollingUpdate'), '')];
    const p = child(field, 'rollingUpdate');
    const errs = validatePositiveIntOrPercent(ru.maxUnavailable ?? 0, child(p, 'maxUnavailable'));
    errs.push(...validatePositiveIntOrPercent(ru.maxSurge ?? 0, child(p, 'maxSurge')));
    errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, child(p, 'maxUnavailable')));
    errs.push(...isNotMoreThan100Percent(ru.maxSurge, child(p, 'maxSurge')));
    const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
    const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
    if (hasUnavailable && hasSurge)
      errs.push(invalidRepr(child(p, 'maxSurge'), ru.maxSurge, goIntOrString(ru.maxSurge), 'may not be set when maxUnavailable is non-zero'));
    else if (!hasUnavailable && !hasSurge) errs.push(required(child(p, 'maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
    return errs;
  }
  const repr = goStruct('apps.DaemonSetUpdateStrategy', [
    ['Type', JSON.stringify(type)],
    ['RollingUpdate', goPtr('apps.RollingUpdateDaemonSet', us.rollingUpdate)],
  ]);
  return [notSupportedRepr(field, us, repr, ['RollingUpdate', 'OnDelete'])];
}

/** ValidateDaemonSetSpec */
function validateDaemonSetSpec(spec: Rec, field: string): FieldError[] {
  const errs = validateLabelSelector(spec.selector, child(field, 'selector'));
  const tmplPath = child(field, 'template');
  if (!labelSelectorConvertFails(spec.selector) && !selectorIsEmpty(spec.selector) && !selectorMatches(spec.selector, obj(obj(spec.template).metadata).labels))
    errs.push(...validateSelectorMatchesTemplate(spec.selector, spec.template, tmplPath));
  if (rec(spec.selector) && selectorIsEmpty(spec.selector))
    errs.push(invalidRepr(child(field, 'selector'), spec.selector, selectorRepr(spec.selector), 'empty selector is invalid for daemonset'));
  errs.push(...validatePodTemplateSpec(spec.template, tmplPath));
  errs.push(...templateRestartAlways(spec.template, tmplPath, 'DaemonSet'));
  errs.push(...nonNegative(num(spec.minReadySeconds), child(field, 'minReadySeconds')));
  errs.push(...validateDaemonSetUpdateStrategy(obj(spec.updateStrategy), child(field, 'updateStrategy')));
  const rhl = optNum(spec.revisionHistoryLimit);
  if (rhl !== undefined) errs.push(...nonNegative(rhl, child(field, 'revisionHistoryLimit')));
  return errs;
}

/** ValidateDaemonSet */
export function validateDaemonSetCreate(ds: Rec): FieldError[] {
  const errs = validateObjectMeta(ds.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateDaemonSetSpec(obj(ds.spec), 'spec'));
  return errs;
}

/** ValidateDaemonSetUpdate, plus the apps/v1 strategy's immutable selector. */
export function validateDaemonSetUpdate(ds: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(ds.metadata, old.metadata);
  errs.push(...validateDaemonSetSpec(obj(ds.spec), 'spec'));
  errs.push(...immutableSelector(obj(ds.spec).selector, obj(old.spec).selector, 'spec.selector'));
  return errs;
}

/** ValidateDaemonSetStatusUpdate */
export function validateDaemonSetStatusUpdate(ds: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(ds.metadata, old.metadata);
  const st = obj(ds.status);
  errs.push(
    ...nonNegativeCounters(st, 'status', [
      'currentNumberScheduled',
      'numberMisscheduled',
      'desiredNumberScheduled',
      'numberReady',
      'observedGeneration',
      'updatedNumberScheduled',
      'numberAvailable',
      'numberUnavailable',
      'collisionCount',
    ]),
  );
  errs.push(...collisionCountNotDecremented(st, obj(old.status)));
  return errs;
}
