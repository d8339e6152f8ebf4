/**
 * Roles, ClusterRoles and their bindings (pkg/apis/rbac/validation, release
 * 1.33). RBAC names only need to be valid path segments.
 */
import type { FieldError } from '../errors.ts';
import { invalid, notSupported, required } from '../errors.ts';
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { nameIsDNSSubdomain, validatePathSegmentName } from './names.ts';
import { arr, child, index, invalidRepr, obj, rec, str } from './util.ts';
import type { Rec } from './util.ts';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function strings(v: unknown): string {
  return `[]string{${arr(v).map((s) => JSON.stringify(str(s))).join(', ')}}`;
}

function validatePolicyRule(rule: Rec, namespaced: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (arr(rule.verbs).length === 0) errs.push(required(child(field, 'verbs'), 'verbs must contain at least one value'));
  const urls = arr(rule.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalidRepr(child(field, 'nonResourceURLs'), urls, strings(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if (arr(rule.apiGroups).length > 0 || arr(rule.resources).length > 0 || arr(rule.resourceNames).length > 0)
      errs.push(invalidRepr(child(field, 'nonResourceURLs'), urls, strings(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    return errs;
  }
  if (arr(rule.apiGroups).length === 0) errs.push(required(child(field, 'apiGroups'), 'resource rules must supply at least one api group'));
  if (arr(rule.resources).length === 0) errs.push(required(child(field, 'resources'), 'resource rules must supply at least one resource'));
  return errs;
}

/** ValidateRole / ValidateClusterRole */
export function validateRoleCreate(role: Rec, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(role.metadata, namespaced, validatePathSegmentName);
  arr(role.rules).forEach((r, i) => errs.push(...validatePolicyRule(obj(r), namespaced, index('rules', i))));
  const agg = rec(role.aggregationRule);
  if (!namespaced && agg) {
    const selectors = arr(agg.clusterRoleSelectors);
    if (selectors.length === 0)
      errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    selectors.forEach((s, i) => errs.push(...validateLabelSelector(s, index('aggregationRule.clusterRoleSelectors', i))));
  }
  return errs;
}

/** ValidateRoleUpdate / ValidateClusterRoleUpdate */
export function validateRoleUpdate(role: Rec, old: Rec, namespaced: boolean): FieldError[] {
  return [...validateRoleCreate(role, namespaced), ...validateObjectMetaUpdate(role.metadata, old.metadata)];
}

function validateSubject(s: Rec, namespaced: boolean, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s.name);
  const apiGroup = str(s.apiGroup);
  if (name.length === 0) errs.push(required(child(field, 'name'), ''));
  switch (str(s.kind)) {
    case 'ServiceAccount':
      if (name.length > 0) for (const m of nameIsDNSSubdomain(name, false)) errs.push(invalid(child(field, 'name'), name, m));
      if (apiGroup.length > 0) errs.push(notSupported(child(field, 'apiGroup'), apiGroup, ['']));
      if (!namespaced && str(s.namespace).length === 0) errs.push(required(child(field, 'namespace'), ''));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(notSupported(child(field, 'apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(notSupported(child(field, 'kind'), str(s.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** ValidateRoleBinding / ValidateClusterRoleBinding */
export function validateBindingCreate(b: Rec, namespaced: boolean): FieldError[] {
  const errs = validateObjectMeta(b.metadata, namespaced, validatePathSegmentName);
  const ref = obj(b.roleRef);
  if (str(ref.apiGroup) !== RBAC_GROUP) errs.push(notSupported('roleRef.apiGroup', str(ref.apiGroup), [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errs.push(notSupported('roleRef.kind', str(ref.kind), kinds));
  const name = str(ref.name);
  if (name.length === 0) errs.push(required('roleRef.name', ''));
  else for (const m of validatePathSegmentName(name, false)) errs.push(invalid('roleRef.name', name, m));
  arr(b.subjects).forEach((s, i) => errs.push(...validateSubject(obj(s), namespaced, index('subjects', i))));
  return errs;
}

/** ValidateRoleBindingUpdate: the role reference cannot change. */
export function validateBindingUpdate(b: Rec, old: Rec, namespaced: boolean): FieldError[] {
  const errs = validateBindingCreate(b, namespaced);
  errs.push(...validateObjectMetaUpdate(b.metadata, old.metadata));
  const n = obj(b.roleRef);
  const o = obj(old.roleRef);
  if (str(n.apiGroup) !== str(o.apiGroup) || str(n.kind) !== str(o.kind) || str(n.name) !== str(o.name))
    errs.push(invalidRepr('roleRef', n, `rbac.RoleRef{APIGroup:${JSON.stringify(str(n.apiGroup))}, Kind:${JSON.stringify(str(n.kind))}, Name:${JSON.stringify(str(n.name))}}`, 'cannot change roleRef'));
  return errs;
}
