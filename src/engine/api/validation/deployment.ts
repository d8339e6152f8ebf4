/**
 * Deployments and ReplicaSets (pkg/apis/apps/validation and the apps/v1
 * registry strategies, release 1.33).
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, required } from '../errors.ts';
import { goIntOrString, goPtr, goStruct } from './go-repr.ts';
import { intOrPercentValue, isNotMoreThan100Percent, validatePositiveIntOrPercent } from './int-or-percent.ts';
import { selectorRepr, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { child, invalidRepr, nonNegative, notSupportedRepr, num, obj, optNum, rec, str } from './util.ts';
import type { Rec } from './util.ts';
import {
  collisionCountNotDecremented,
  immutableSelector,
  nonNegativeCounters,
  notGreater,
  validateRequiredSelector,
  validateTemplateForReplicas,
} from './workload-common.ts';

function validateRollingUpdateDeployment(ru: Rec, field: string): FieldError[] {
  const errs = validatePositiveIntOrPercent(ru.maxUnavailable ?? 0, child(field, 'maxUnavailable'));
  errs.push(...validatePositiveIntOrPercent(ru.maxSurge ?? 0, child(field, 'maxSurge')));
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0)
    errs.push(invalidRepr(child(field, 'maxUnavailable'), ru.maxUnavailable ?? 0, goIntOrString(ru.maxUnavailable ?? 0), 'may not be 0 when `maxSurge` is 0'));
  errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, child(field, 'maxUnavailable')));
  return errs;
}

function validateDeploymentStrategy(strategy: Rec, field: string): FieldError[] {
  const type = str(strategy.type);
  const ru = rec(strategy.rollingUpdate);
  switch (type) {
    case 'Recreate':
      return ru ? [forbidden(child(field, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate':
      if (!ru) return [required(child(field, 'rollingUpdate'), 'this should be defaulted and never be nil')];
      return validateRollingUpdateDeployment(ru, child(field, 'rollingUpdate'));
    default: {
      const repr = goStruct('apps.DeploymentStrategy', [
        ['Type', JSON.stringify(type)],
        ['RollingUpdate', goPtr('apps.RollingUpdateDeployment', strategy.rollingUpdate)],
      ]);
      return [notSupportedRepr(field, strategy, repr, ['Recreate', 'RollingUpdate'])];
    }
  }
}

/** ValidateDeploymentSpec */
function validateDeploymentSpec(spec: Rec, field: string): FieldError[] {
  const errs = nonNegative(num(spec.replicas), child(field, 'replicas'));
  const sel = validateRequiredSelector(spec.selector, child(field, 'selector'), 'deployment');
  errs.push(...sel.errs);
  if (!sel.convertible) errs.push(invalidRepr(child(field, 'selector'), spec.selector, selectorRepr(spec.selector), 'invalid label selector'));
  else errs.push(...validateTemplateForReplicas(spec.selector, spec.template, child(field, 'template'), 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(obj(spec.strategy), child(field, 'strategy')));
  const minReady = num(spec.minReadySeconds);
  errs.push(...nonNegative(minReady, child(field, 'minReadySeconds')));
  const rhl = optNum(spec.revisionHistoryLimit);
  if (rhl !== undefined) errs.push(...nonNegative(rhl, child(field, 'revisionHistoryLimit')));
  const pds = optNum(spec.progressDeadlineSeconds);
  if (pds !== undefined) {
    errs.push(...nonNegative(pds, child(field, 'progressDeadlineSeconds')));
    if (pds <= minReady) errs.push(invalid(child(field, 'progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** ValidateDeployment */
export function validateDeploymentCreate(d: Rec): FieldError[] {
  const errs = validateObjectMeta(d.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateDeploymentSpec(obj(d.spec), 'spec'));
  return errs;
}

/** ValidateDeploymentUpdate, plus the apps/v1 strategy's immutable selector. */
export function validateDeploymentUpdate(d: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(d.metadata, old.metadata);
  errs.push(...validateDeploymentSpec(obj(d.spec), 'spec'));
  errs.push(...immutableSelector(obj(d.spec).selector, obj(old.spec).selector, 'spec.selector'));
  return errs;
}

/** ValidateDeploymentStatusUpdate */
export function validateDeploymentStatusUpdate(d: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(d.metadata, old.metadata);
  const s = obj(d.status);
  errs.push(
    ...nonNegativeCounters(s, 'status', ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'collisionCount']),
  );
  const msg = 'cannot be greater than status.replicas';
  errs.push(...notGreater(s, 'status', 'updatedReplicas', 'replicas', msg));
  errs.push(...notGreater(s, 'status', 'readyReplicas', 'replicas', msg));
  errs.push(...notGreater(s, 'status', 'availableReplicas', 'replicas', msg));
  errs.push(...notGreater(s, 'status', 'availableReplicas', 'readyReplicas', 'cannot be greater than readyReplicas'));
  errs.push(...collisionCountNotDecremented(s, obj(old.status)));
  return errs;
}

/** ValidateReplicaSetSpec (its empty-selector message says "deployment", as upstream's does). */
function validateReplicaSetSpec(spec: Rec, field: string): FieldError[] {
  const errs = nonNegative(num(spec.replicas), child(field, 'replicas'));
  errs.push(...nonNegative(num(spec.minReadySeconds), child(field, 'minReadySeconds')));
  const sel = validateRequiredSelector(spec.selector, child(field, 'selector'), 'deployment');
  errs.push(...sel.errs);
  if (!sel.convertible) errs.push(invalidRepr(child(field, 'selector'), spec.selector, selectorRepr(spec.selector), 'invalid label selector'));
  else errs.push(...validateTemplateForReplicas(spec.selector, spec.template, child(field, 'template'), 'ReplicaSet'));
  return errs;
}

/** ValidateReplicaSet */
export function validateReplicaSetCreate(rs: Rec): FieldError[] {
  const errs = validateObjectMeta(rs.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateReplicaSetSpec(obj(rs.spec), 'spec'));
  return errs;
}

/** ValidateReplicaSetUpdate, plus the apps/v1 strategy's immutable selector. */
export function validateReplicaSetUpdate(rs: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(rs.metadata, old.metadata);
  errs.push(...validateReplicaSetSpec(obj(rs.spec), 'spec'));
  errs.push(...immutableSelector(obj(rs.spec).selector, obj(old.spec).selector, 'spec.selector'));
  return errs;
}

/** ValidateReplicaSetStatusUpdate (also ReplicationController's). */
export function validateReplicaSetStatusUpdate(rs: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(rs.metadata, old.metadata);
  const s = obj(rs.status);
  errs.push(...nonNegativeCounters(s, 'status', ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']));
  const msg = 'cannot be greater than status.replicas';
  errs.push(...notGreater(s, 'status', 'fullyLabeledReplicas', 'replicas', msg));
  errs.push(...notGreater(s, 'status', 'readyReplicas', 'replicas', msg));
  errs.push(...notGreater(s, 'status', 'availableReplicas', 'replicas', msg));
  errs.push(...notGreater(s, 'status', 'availableReplicas', 'readyReplicas', 'cannot be greater than readyReplicas'));
  return errs;
}
