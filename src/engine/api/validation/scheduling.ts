/**
 * Scheduling constraints of a pod spec: node selector terms, node and pod
 * (anti-)affinity, tolerations, taint effects and topology spread
 * constraints (pkg/apis/core/validation, release 1.33).
 */
import type { FieldError } from '../errors.ts';
import { duplicate, forbidden, invalid, notSupported, required } from '../errors.ts';
import { validateLabelName, validateLabelSelector, validateNamespaceName } from './meta.ts';
import { isValidLabelValue, nameIsDNSSubdomain } from './names.ts';
import { arr, child, index, num, obj, optNum, rec, str, strMap } from './util.ts';
import type { Rec } from './util.ts';

const NOT_POSITIVE = 'must be greater than zero';

/** ValidateNodeSelectorRequirement; label values are checked unless `allowInvalidValues`. */
export function validateNodeSelectorRequirement(rq: Rec, allowInvalidValues: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const op = str(rq.operator);
  const values = arr(rq.values).map(str);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(required(child(field, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(forbidden(child(field, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(required(child(field, 'values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(invalid(child(field, 'operator'), op, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(rq.key), child(field, 'key')));
  if (!allowInvalidValues)
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(invalid(index(child(field, 'values'), i), v, m));
    });
  return errs;
}

function validateNodeFieldSelectorRequirement(rq: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const op = str(rq.operator);
  const values = arr(rq.values).map(str);
  if (op === 'In' || op === 'NotIn') {
    if (values.length !== 1)
      errs.push(required(child(field, 'values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  } else errs.push(invalid(child(field, 'operator'), op, 'not a valid selector operator'));
  if (str(rq.key) !== 'metadata.name') errs.push(invalid(child(field, 'key'), str(rq.key), 'not a valid field selector key'));
  else values.forEach((v, i) => {
    for (const m of nameIsDNSSubdomain(v, false)) errs.push(invalid(index(child(field, 'values'), i), v, m));
  });
  return errs;
}

/** ValidateNodeSelectorTerm */
export function validateNodeSelectorTerm(term: Rec, allowInvalidValues: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(term.matchExpressions).forEach((r, j) =>
    errs.push(...validateNodeSelectorRequirement(obj(r), allowInvalidValues, index(child(field, 'matchExpressions'), j))),
  );
  arr(term.matchFields).forEach((r, j) => errs.push(...validateNodeFieldSelectorRequirement(obj(r), index(child(field, 'matchFields'), j))));
  return errs;
}

/** ValidateNodeSelector: at least one term. */
export function validateNodeSelector(selector: Rec, allowInvalidValues: boolean, field: string): FieldError[] {
  const termPath = child(field, 'nodeSelectorTerms');
  const terms = arr(selector.nodeSelectorTerms);
  if (terms.length === 0) return [required(termPath, 'must have at least one node selector term')];
  const errs: FieldError[] = [];
  terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(obj(t), allowInvalidValues, index(termPath, i))));
  return errs;
}

function validatePodAffinityTerm(term: Rec, field: string): FieldError[] {
  const errs = validateLabelSelector(term.labelSelector, child(field, 'labelSelector'));
  errs.push(...validateLabelSelector(term.namespaceSelector, child(field, 'namespaceSelector')));
  // Upstream reports namespaces on a singular `namespace` path.
  for (const ns of arr(term.namespaces).map(str))
    for (const m of validateNamespaceName(ns, false)) errs.push(invalid(child(field, 'namespace'), ns, m));
  errs.push(...validateMatchLabelKeys(field, arr(term.matchLabelKeys).map(str), arr(term.mismatchLabelKeys).map(str), rec(term.labelSelector)));
  const topologyKey = str(term.topologyKey);
  if (topologyKey.length === 0) errs.push(required(child(field, 'topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(topologyKey, child(field, 'topologyKey')));
  return errs;
}

function validateMatchLabelKeys(field: string, match: string[], mismatch: string[], selector: Rec | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const keysOf = (p: string, keys: string[]) => {
    if (keys.length === 0) return;
    if (!selector) {
      errs.push(forbidden(p, 'must not be specified when labelSelector is not set'));
      return;
    }
    keys.forEach((k, i) => errs.push(...validateLabelName(k, index(p, i))));
  };
  keysOf(child(field, 'matchLabelKeys'), match);
  keysOf(child(field, 'mismatchLabelKeys'), mismatch);
  if (selector) {
    const pos = new Map<string, number>();
    match.forEach((k, i) => pos.set(k, i));
    const selectorKeys = new Set(Object.keys(strMap(selector.matchLabels) ?? {}));
    for (const e of arr(selector.matchExpressions)) {
      const k = str(obj(e).key);
      const i = pos.get(k);
      if (i !== undefined && selectorKeys.has(k)) errs.push(invalid(index(field, i), k, 'exists in both matchLabelKeys and labelSelector'));
      selectorKeys.add(k);
    }
  }
  const mm = new Set(mismatch);
  match.forEach((k, i) => {
    if (mm.has(k)) errs.push(invalid(index(child(field, 'matchLabelKeys'), i), k, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  });
  return errs;
}

function podAffinityTerms(terms: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(terms).forEach((t, i) => errs.push(...validatePodAffinityTerm(obj(t), index(field, i))));
  return errs;
}

function weightedPodAffinityTerms(terms: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(terms).forEach((t, j) => {
    const w = obj(t);
    const weight = num(w.weight);
    if (weight <= 0 || weight > 100) errs.push(invalid(child(index(field, j), 'weight'), weight, 'must be in the range 1-100'));
    errs.push(...validatePodAffinityTerm(obj(w.podAffinityTerm), child(index(field, j), 'podAffinityTerm')));
  });
  return errs;
}

/** validateAffinity: node affinity, pod affinity and pod anti-affinity. */
export function validateAffinity(affinity: unknown, field: string): FieldError[] {
  const a = rec(affinity);
  if (!a) return [];
  const errs: FieldError[] = [];
  const na = rec(a.nodeAffinity);
  if (na) {
    const p = child(field, 'nodeAffinity');
    const req = rec(na.requiredDuringSchedulingIgnoredDuringExecution);
    if (req) errs.push(...validateNodeSelector(req, false, child(p, 'requiredDuringSchedulingIgnoredDuringExecution')));
    arr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const term = obj(t);
      const tp = index(child(p, 'preferredDuringSchedulingIgnoredDuringExecution'), i);
      const weight = num(term.weight);
      if (weight <= 0 || weight > 100) errs.push(invalid(child(tp, 'weight'), weight, 'must be in the range 1-100'));
      // Preferred terms allow invalid label values: they may still match on a one-node cluster.
      errs.push(...validateNodeSelectorTerm(obj(term.preference), true, child(tp, 'preference')));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity'] as const) {
    const pa = rec(a[kind]);
    if (!pa) continue;
    const p = child(field, kind);
    if (pa.requiredDuringSchedulingIgnoredDuringExecution != null)
      errs.push(...podAffinityTerms(pa.requiredDuringSchedulingIgnoredDuringExecution, child(p, 'requiredDuringSchedulingIgnoredDuringExecution')));
    if (pa.preferredDuringSchedulingIgnoredDuringExecution != null)
      errs.push(
        ...weightedPodAffinityTerms(pa.preferredDuringSchedulingIgnoredDuringExecution, child(p, 'preferredDuringSchedulingIgnoredDuringExecution')),
      );
  }
  return errs;
}

/** validateTaintEffect; tolerations may leave the effect empty (all effects). */
export function validateTaintEffect(effect: string, allowEmpty: boolean, field: string): FieldError[] {
  if (!allowEmpty && effect.length === 0) return [required(field, '')];
  if (effect === 'NoSchedule' || effect === 'PreferNoSchedule' || effect === 'NoExecute') return [];
  return [notSupported(field, effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute'])];
}

/** ValidateTolerations */
export function validateTolerations(tolerations: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  arr(tolerations).forEach((t0, i) => {
    const t = obj(t0);
    const p = index(field, i);
    const k = str(t.key);
    const op = str(t.operator);
    const effect = str(t.effect);
    const value = str(t.value);
    if (k.length > 0) errs.push(...validateLabelName(k, child(p, 'key')));
    if (k.length === 0 && op !== 'Exists')
      errs.push(invalid(child(p, 'operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute')
      errs.push(invalid(child(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    switch (op) {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(value);
        if (msgs.length > 0) errs.push(invalid(child(p, 'operator'), value, msgs.join(';')));
        break;
      }
      case 'Exists':
        if (value.length > 0) errs.push(invalid(child(p, 'operator'), value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(notSupported(child(p, 'operator'), op, ['Equal', 'Exists']));
    }
    if (effect.length > 0) errs.push(...validateTaintEffect(effect, true, child(p, 'effect')));
  });
  return errs;
}

/** validateTopologySpreadConstraints */
export function validateTopologySpreadConstraints(constraints: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const list = arr(constraints).map(obj);
  list.forEach((c, i) => {
    const p = index(field, i);
    const maxSkew = num(c.maxSkew);
    if (maxSkew <= 0) errs.push(invalid(child(p, 'maxSkew'), maxSkew, NOT_POSITIVE));
    const topologyKey = str(c.topologyKey);
    if (topologyKey.length === 0) errs.push(required(child(p, 'topologyKey'), 'can not be empty'));
    const when = str(c.whenUnsatisfiable);
    if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway')
      errs.push(notSupported(child(p, 'whenUnsatisfiable'), when, ['DoNotSchedule', 'ScheduleAnyway']));
    for (const rest of list.slice(i + 1)) {
      if (str(rest.topologyKey) === topologyKey && str(rest.whenUnsatisfiable) === when) {
        errs.push(duplicate(child(p, '{topologyKey, whenUnsatisfiable}'), `{${topologyKey}, ${when}}`));
        break;
      }
    }
    const minDomains = optNum(c.minDomains);
    if (minDomains !== undefined) {
      if (minDomains <= 0) errs.push(invalid(child(p, 'minDomains'), minDomains, NOT_POSITIVE));
      if (when !== 'DoNotSchedule')
        errs.push(invalid(child(p, 'minDomains'), minDomains, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${when}`));
    }
    for (const policy of ['nodeAffinityPolicy', 'nodeTaintsPolicy'] as const) {
      const v = c[policy];
      if (v !== undefined && v !== null && str(v) !== 'Honor' && str(v) !== 'Ignore')
        errs.push(notSupported(child(p, policy), str(v), ['Honor', 'Ignore']));
    }
    const keys = arr(c.matchLabelKeys).map(str);
    const sel = rec(c.labelSelector);
    if (keys.length > 0) {
      const mk = child(p, 'matchLabelKeys');
      const selectorKeys = new Set<string>();
      if (sel) {
        for (const k of Object.keys(strMap(sel.matchLabels) ?? {})) selectorKeys.add(k);
        for (const e of arr(sel.matchExpressions)) selectorKeys.add(str(obj(e).key));
      } else errs.push(forbidden(mk, 'must not be specified when labelSelector is not set'));
      keys.forEach((k, ki) => {
        errs.push(...validateLabelName(k, index(mk, ki)));
        if (selectorKeys.has(k)) errs.push(invalid(index(mk, ki), k, 'exists in both matchLabelKeys and labelSelector'));
      });
    }
    errs.push(...validateLabelSelector(c.labelSelector, child(p, 'labelSelector')));
  });
  return errs;
}

/** The %#v of a core.Taint, for the duplicate-taint error. */
export function taintRepr(t: Rec): string {
  const added = t.timeAdded === undefined || t.timeAdded === null ? '(*v1.Time)(nil)' : '(*v1.Time)(0xc000000000)';
  return `core.Taint{Key:${JSON.stringify(str(t.key))}, Value:${JSON.stringify(str(t.value))}, Effect:${JSON.stringify(str(t.effect))}, TimeAdded:${added}}`;
}

/** validateNodeTaints: key, value and effect of each taint, unique by key and effect. */
export function validateNodeTaints(taints: unknown, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  arr(taints).forEach((t0, i) => {
    const t = obj(t0);
    const p = index(field, i);
    const k = str(t.key);
    const effect = str(t.effect);
    errs.push(...validateLabelName(k, child(p, 'key')));
    const msgs = isValidLabelValue(str(t.value));
    if (msgs.length > 0) errs.push(invalid(child(p, 'value'), str(t.value), msgs.join(';')));
    errs.push(...validateTaintEffect(effect, false, child(p, 'effect')));
    const keys = seen.get(effect);
    if (keys && keys.has(k)) {
      errs.push({ type: 'FieldValueDuplicate', field: p, value: t, hasValue: false, detail: `${taintRepr(t)}: taints must be unique by key and effect pair` });
      return;
    }
    if (!keys) seen.set(effect, new Set([k]));
    else keys.add(k);
  });
  return errs;
}

