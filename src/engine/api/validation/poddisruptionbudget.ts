/**
 * PodDisruptionBudgets (pkg/apis/policy/validation, release 1.33). The
 * policy validators do not check metadata themselves: the generic registry
 * does, with path-segment names, once the spec is valid.
 */
import type { FieldError } from '../errors.ts';
import { duplicate, invalid, notSupported, required, tooLong } from '../errors.ts';
import { goIntOrString, goLabelSelector, goPtr } from './go-repr.ts';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.ts';
import { validateLabelName, validateLabelSelector } from './meta.ts';
import { arr, child, index, invalidRepr, nonNegative, num, obj, optStr, str } from './util.ts';
import type { Rec } from './util.ts';

function specRepr(spec: Rec): string {
  const ptr = (v: unknown) => (v === undefined || v === null ? '(*intstr.IntOrString)(nil)' : `&${goIntOrString(v)}`);
  return `policy.PodDisruptionBudgetSpec{MinAvailable:${ptr(spec.minAvailable)}, Selector:${spec.selector == null ? '(*v1.LabelSelector)(nil)' : `&${goLabelSelector(spec.selector)}`}, MaxUnavailable:${ptr(spec.maxUnavailable)}, UnhealthyPodEvictionPolicy:${goPtr('policy.UnhealthyPodEvictionPolicyType', spec.unhealthyPodEvictionPolicy)}}`;
}

/** ValidatePodDisruptionBudget: minAvailable or maxUnavailable, a valid selector and eviction policy. */
export function validatePDB(pdb: Rec): FieldError[] {
  const spec = obj(pdb.spec);
  const errs: FieldError[] = [];
  const hasMin = spec.minAvailable !== undefined && spec.minAvailable !== null;
  const hasMax = spec.maxUnavailable !== undefined && spec.maxUnavailable !== null;
  if (hasMin && hasMax) errs.push(invalidRepr('spec', spec, specRepr(spec), 'minAvailable and maxUnavailable cannot be both set'));
  if (hasMin) {
    errs.push(...validatePositiveIntOrPercent(spec.minAvailable, 'spec.minAvailable'));
    errs.push(...isNotMoreThan100Percent(spec.minAvailable, 'spec.minAvailable'));
  }
  if (hasMax) {
    errs.push(...validatePositiveIntOrPercent(spec.maxUnavailable, 'spec.maxUnavailable'));
    errs.push(...isNotMoreThan100Percent(spec.maxUnavailable, 'spec.maxUnavailable'));
  }
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const policy = optStr(spec.unhealthyPodEvictionPolicy);
  if (policy !== undefined && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow')
    errs.push(notSupported('spec.unhealthyPodEvictionPolicy', policy, ['AlwaysAllow', 'IfHealthyBudget']));
  return errs;
}

const CONDITION_REASON = /^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/;

/** metav1 ValidateConditions: unique types, a known status, a time and a reason. */
export function validateConditions(conditions: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(conditions).forEach((c0, i) => {
    const c = obj(c0);
    const p = index(field, i);
    const type = str(c.type);
    if (seen.has(type)) errs.push(duplicate(child(p, 'type'), type));
    else seen.add(type);
    errs.push(...validateLabelName(type, child(p, 'type')));
    const status = str(c.status);
    if (!['False', 'True', 'Unknown'].includes(status)) errs.push(notSupported(child(p, 'status'), status, ['False', 'True', 'Unknown']));
    if (num(c.observedGeneration) < 0) errs.push(invalid(child(p, 'observedGeneration'), num(c.observedGeneration), 'must be greater than or equal to zero'));
    if (str(c.lastTransitionTime) === '') errs.push(required(child(p, 'lastTransitionTime'), 'must be set'));
    const reason = str(c.reason);
    if (reason.length === 0) errs.push(required(child(p, 'reason'), 'must be set'));
    else {
      if (!CONDITION_REASON.test(reason))
        errs.push(
          invalid(
            child(p, 'reason'),
            reason,
            "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')",
          ),
        );
      if (reason.length > 1024) errs.push(tooLong(child(p, 'reason'), 1024));
    }
    if (str(c.message).length > 32 * 1024) errs.push(tooLong(child(p, 'message'), 32 * 1024));
  });
  return errs;
}

/** ValidatePodDisruptionBudgetStatusUpdate (policy/v1). */
export function validatePDBStatusUpdate(pdb: Rec): FieldError[] {
  const s = obj(pdb.status);
  const errs = validateConditions(s.conditions, 'status.conditions');
  for (const n of ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods']) errs.push(...nonNegative(num(s[n]), child('status', n)));
  return errs;
}
