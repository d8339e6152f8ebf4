/**
 * HorizontalPodAutoscalers (pkg/apis/autoscaling/validation, release 1.33,
 * with HPAScaleToZero off).
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, notSupported, required } from '../errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isDNS1123Label, isValidPathSegmentName, nameIsDNSSubdomain } from './names.ts';
import { parseQuantity, quantityGoRepr } from './quantity-format.ts';
import { validateContainerResourceName } from './resources.ts';
import { arr, child, index, invalidRepr, nonNegative, num, obj, optNum, rec, str } from './util.ts';
import type { Rec } from './util.ts';

const METRIC_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];

function crossVersionRef(ref: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['kind', 'name']) {
    const v = str(ref[k]);
    if (v.length === 0) errs.push(required(child(field, k), ''));
    else for (const m of isValidPathSegmentName(v)) errs.push(invalid(child(field, k), v, m));
  }
  return errs;
}

function metricIdentifier(id: Rec, field: string): FieldError[] {
  const name = str(id.name);
  if (name.length === 0) return [required(child(field, 'name'), 'must specify a metric name')];
  return isValidPathSegmentName(name).map((m) => invalid(child(field, 'name'), name, m));
}

function metricTarget(t: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(t.type);
  if (type.length === 0) errs.push(required(child(field, 'type'), 'must specify a metric target type'));
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) errs.push(invalid(child(field, 'type'), type, 'must be either Utilization, Value, or AverageValue'));
  for (const k of ['value', 'averageValue']) {
    if (t[k] == null) continue;
    const q = parseQuantity(t[k]);
    if (q && q.nanos <= 0n) errs.push(invalidRepr(child(field, k), t[k], quantityGoRepr(q), 'must be positive'));
  }
  const au = optNum(t.averageUtilization);
  if (au !== undefined && au < 1) errs.push(invalid(child(field, 'averageUtilization'), au, 'must be greater than 0'));
  return errs;
}

function utilizationOrValue(t: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (t.averageUtilization == null && t.averageValue == null)
    errs.push(required(child(field, 'averageUtilization'), 'must set either a target raw value or a target utilization'));
  if (t.averageUtilization != null && t.averageValue != null)
    errs.push(forbidden(child(field, 'averageValue'), 'may not set both a target raw value and a target utilization'));
  return errs;
}

function validateSource(kind: string, src: Rec, field: string): FieldError[] {
  const target = obj(src.target);
  const tp = child(field, 'target');
  switch (kind) {
    case 'object': {
      const errs = crossVersionRef(obj(src.describedObject), child(field, 'describedObject'));
      errs.push(...metricIdentifier(obj(src.metric), child(field, 'metric')), ...metricTarget(target, tp));
      if (target.value == null && target.averageValue == null) errs.push(required(child(tp, 'averageValue'), 'must set either a target value or averageValue'));
      return errs;
    }
    case 'external': {
      const errs = [...metricIdentifier(obj(src.metric), child(field, 'metric')), ...metricTarget(target, tp)];
      if (target.value == null && target.averageValue == null) errs.push(required(child(tp, 'averageValue'), 'must set either a target value for metric or a per-pod target'));
      if (target.value != null && target.averageValue != null) errs.push(forbidden(child(tp, 'value'), 'may not set both a target value for metric and a per-pod target'));
      return errs;
    }
    case 'pods': {
      const errs = [...metricIdentifier(obj(src.metric), child(field, 'metric')), ...metricTarget(target, tp)];
      if (target.averageValue == null) errs.push(required(child(tp, 'averageValue'), 'must specify a positive target averageValue'));
      return errs;
    }
    case 'resource': {
      const errs: FieldError[] = [];
      if (str(src.name).length === 0) errs.push(required(child(field, 'name'), 'must specify a resource name'));
      return [...errs, ...metricTarget(target, tp), ...utilizationOrValue(target, tp)];
    }
    default: {
      const errs: FieldError[] = [];
      const name = str(src.name);
      if (name.length === 0) errs.push(required(child(field, 'name'), 'must specify a resource name'));
      else errs.push(...validateContainerResourceName(name, child(field, 'name')));
      const container = str(src.container);
      if (container.length === 0) errs.push(required(child(field, 'container'), 'must specify a container'));
      else for (const m of isDNS1123Label(container)) errs.push(invalid(child(field, 'container'), container, m));
      return [...errs, ...metricTarget(target, tp), ...utilizationOrValue(target, tp)];
    }
  }
}

function validateMetricSpec(spec: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(spec.type);
  if (type.length === 0) errs.push(required(child(field, 'type'), 'must specify a metric source type'));
  if (!METRIC_TYPES.includes(type)) errs.push(notSupported(child(field, 'type'), type, METRIC_TYPES));
  const present: string[] = [];
  for (const kind of ['object', 'external', 'pods', 'resource', 'containerResource']) {
    const src = rec(spec[kind]);
    if (!src) continue;
    present.push(kind);
    if (present.length === 1) errs.push(...validateSource(kind, src, child(field, kind)));
  }
  const expected: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };
  const exp = expected[type];
  if (exp) {
    if (!rec(spec[exp])) errs.push(required(child(field, exp), 'must populate information for the given metric source'));
  } else errs.push(notSupported(child(field, 'type'), type, METRIC_TYPES));
  if (present.length !== 1) for (const k of present.filter((k) => k !== exp).sort()) errs.push(forbidden(child(field, k), 'must populate the given metric source only'));
  return errs;
}

function validateScalingRules(rules: unknown, field: string): FieldError[] {
  const r = rec(rules);
  if (!r) return [];
  const errs: FieldError[] = [];
  const sws = optNum(r.stabilizationWindowSeconds);
  if (sws !== undefined && sws < 0) errs.push(invalid(child(field, 'stabilizationWindowSeconds'), sws, 'must be greater than or equal to zero'));
  if (sws !== undefined && sws > 3600) errs.push(invalid(child(field, 'stabilizationWindowSeconds'), sws, 'must be less than or equal to 3600'));
  if (r.selectPolicy != null && !['Disabled', 'Max', 'Min'].includes(str(r.selectPolicy)))
    errs.push(notSupported(child(field, 'selectPolicy'), str(r.selectPolicy), ['Disabled', 'Max', 'Min']));
  const policies = arr(r.policies).map(obj);
  if (policies.length === 0) errs.push(required(child(field, 'policies'), 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = index(child(field, 'policies'), i);
    if (str(p.type) !== 'Pods' && str(p.type) !== 'Percent') errs.push(notSupported(child(pp, 'type'), str(p.type), ['Percent', 'Pods']));
    if (num(p.value) <= 0) errs.push(invalid(child(pp, 'value'), num(p.value), 'must be greater than zero'));
    if (num(p.periodSeconds) <= 0) errs.push(invalid(child(pp, 'periodSeconds'), num(p.periodSeconds), 'must be greater than zero'));
    if (num(p.periodSeconds) > 1800) errs.push(invalid(child(pp, 'periodSeconds'), num(p.periodSeconds), 'must be less than or equal to 1800'));
  });
  return errs;
}

function validateHPASpec(spec: Rec, minLowerBound: number): FieldError[] {
  const errs: FieldError[] = [];
  const min = optNum(spec.minReplicas);
  const max = num(spec.maxReplicas);
  if (min !== undefined && min < minLowerBound) errs.push(invalid('spec.minReplicas', min, `must be greater than or equal to ${minLowerBound}`));
  if (max < 1) errs.push(invalid('spec.maxReplicas', max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(invalid('spec.maxReplicas', max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...crossVersionRef(obj(spec.scaleTargetRef), 'spec.scaleTargetRef'));
  const metrics = arr(spec.metrics).map(obj);
  metrics.forEach((m, i) => errs.push(...validateMetricSpec(m, index('spec.metrics', i))));
  if (min === 0 && !metrics.some((m) => str(m.type) === 'Object' || str(m.type) === 'External'))
    errs.push(forbidden('spec.metrics', 'must specify at least one Object or External metric to support scaling to zero replicas'));
  const behavior = rec(spec.behavior);
  if (behavior) {
    errs.push(...validateScalingRules(behavior.scaleUp, 'spec.behavior.scaleUp'));
    errs.push(...validateScalingRules(behavior.scaleDown, 'spec.behavior.scaleDown'));
  }
  return errs;
}

/** ValidateHorizontalPodAutoscaler */
export function validateHPACreate(hpa: Rec): FieldError[] {
  const errs = validateObjectMeta(hpa.metadata, true, nameIsDNSSubdomain);
  errs.push(...validateHPASpec(obj(hpa.spec), 1));
  return errs;
}

/** ValidateHorizontalPodAutoscalerUpdate: an HPA already at minReplicas 0 may stay there. */
export function validateHPAUpdate(hpa: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(hpa.metadata, old.metadata);
  errs.push(...validateHPASpec(obj(hpa.spec), optNum(obj(old.spec).minReplicas) === 0 ? 0 : 1));
  return errs;
}

/** ValidateHorizontalPodAutoscalerStatusUpdate */
export function validateHPAStatusUpdate(hpa: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(hpa.metadata, old.metadata);
  const s = obj(hpa.status);
  errs.push(...nonNegative(num(s.currentReplicas), 'status.currentReplicas'));
  errs.push(...nonNegative(num(s.desiredReplicas), 'status.desiredReplicas'));
  return errs;
}
