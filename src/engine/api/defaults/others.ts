/**
 * Defaults of autoscaling, networking, scheduling, RBAC and discovery kinds
 * (their v1/v2 defaults.go files, release 1.33).
 */
import type { Rec } from './util.ts';
import { ensure, rec, recs, setIfAbsent, setIfEmpty } from './util.ts';

const SCALE_UP_DEFAULT = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
const SCALE_DOWN_DEFAULT = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

function scalingRules(given: unknown, defaults: Rec): Rec {
  const out: Rec = structuredClone(defaults);
  const g = rec(given);
  if (!g) return out;
  for (const k of ['selectPolicy', 'stabilizationWindowSeconds', 'policies', 'tolerance']) if (g[k] !== undefined && g[k] !== null) out[k] = g[k];
  return out;
}

/**
 * SetObjectDefaults_HorizontalPodAutoscaler (autoscaling/v2): one replica
 * at least, 80% CPU utilization when no metric is given, and a complete
 * behavior when one is given. The scale-down stabilization window is left
 * to the controller's flag (300 s).
 */
export function defaultHPA(hpa: Rec): void {
  const spec = ensure(hpa, 'spec');
  setIfAbsent(spec, 'minReplicas', 1);
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0)
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
  const behavior = rec(spec.behavior);
  if (behavior) {
    behavior.scaleUp = scalingRules(behavior.scaleUp, SCALE_UP_DEFAULT);
    behavior.scaleDown = scalingRules(behavior.scaleDown, SCALE_DOWN_DEFAULT);
  }
}

/** SetObjectDefaults_NetworkPolicy: TCP ports, and policy types inferred from the rules. */
export function defaultNetworkPolicy(np: Rec): void {
  const spec = ensure(np, 'spec');
  for (const dir of ['ingress', 'egress']) for (const r of recs(spec[dir])) for (const p of recs(r.ports)) setIfAbsent(p, 'protocol', 'TCP');
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    const types = ['Ingress'];
    if (Array.isArray(spec.egress) && spec.egress.length > 0) types.push('Egress');
    spec.policyTypes = types;
  }
}

/** SetDefaults_PriorityClass */
export function defaultPriorityClass(pc: Rec): void {
  setIfAbsent(pc, 'preemptionPolicy', 'PreemptLowerPriority');
}

/** SetDefaults_RoleBinding / ClusterRoleBinding and SetDefaults_Subject. */
export function defaultRoleBinding(b: Rec): void {
  const ref = rec(b.roleRef);
  if (ref) setIfEmpty(ref, 'apiGroup', 'rbac.authorization.k8s.io');
  for (const s of recs(b.subjects)) {
    if (s.apiGroup !== undefined && s.apiGroup !== null && s.apiGroup !== '') continue;
    if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = 'rbac.authorization.k8s.io';
    else if (s.kind === 'ServiceAccount') s.apiGroup = '';
  }
}

/** SetDefaults_EndpointPort (discovery.k8s.io/v1): an empty name and TCP. */
export function defaultEndpointSlice(es: Rec): void {
  for (const p of recs(es.ports)) {
    setIfAbsent(p, 'name', '');
    setIfAbsent(p, 'protocol', 'TCP');
  }
}
