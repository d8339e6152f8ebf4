/**
 * Defaults of core kinds other than pods (pkg/apis/core/v1/defaults.go,
 * release 1.33). Defaults that would only add empty maps are skipped: an
 * empty map is not serialized, so the stored object is the same.
 */
import { defaultPodTemplateSpec } from './pod.ts';
import type { Rec } from './util.ts';
import { defaultResourceList, ensure, rec, recs, setIfAbsent, setIfEmpty } from './util.ts';

/** SetObjectDefaults_Service */
export function defaultService(svc: Rec): void {
  const spec = ensure(svc, 'spec');
  setIfEmpty(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const timeout = rec(rec(spec.sessionAffinityConfig)?.clientIP)?.timeoutSeconds;
    if (timeout === undefined || timeout === null) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setIfEmpty(spec, 'type', 'ClusterIP');
  for (const p of recs(spec.ports)) {
    setIfEmpty(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const type = spec.type;
  const external = type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
  if (external) setIfEmpty(spec, 'externalTrafficPolicy', 'Cluster');
  if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') setIfAbsent(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer') {
    setIfAbsent(spec, 'allocateLoadBalancerNodePorts', true);
    for (const ing of recs(rec(rec(svc.status)?.loadBalancer)?.ingress)) if (ing.ip && (ing.ipMode === undefined || ing.ipMode === null)) ing.ipMode = 'VIP';
  }
}

/** SetObjectDefaults_Namespace: the kubernetes.io/metadata.name label and phase Active. */
export function defaultNamespace(ns: Rec): void {
  const meta = ensure(ns, 'metadata');
  if (typeof meta.name === 'string' && meta.name.length > 0) ensure(meta, 'labels')['kubernetes.io/metadata.name'] = meta.name;
  setIfEmpty(ensure(ns, 'status'), 'phase', 'Active');
}

/** SetObjectDefaults_Node: allocatable defaults to capacity. */
export function defaultNode(node: Rec): void {
  const status = rec(node.status);
  if (!status) return;
  if ((status.allocatable === undefined || status.allocatable === null) && rec(status.capacity)) status.allocatable = { ...rec(status.capacity) };
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatable);
}

/** SetDefaults_Secret */
export function defaultSecret(secret: Rec): void {
  setIfEmpty(secret, 'type', 'Opaque');
}

/** SetDefaults_Endpoints: ports are TCP unless said otherwise. */
export function defaultEndpoints(ep: Rec): void {
  for (const subset of recs(ep.subsets)) for (const p of recs(subset.ports)) setIfEmpty(p, 'protocol', 'TCP');
}

/** SetObjectDefaults_LimitRange: container defaults from max, default requests from defaults or min. */
export function defaultLimitRange(lr: Rec): void {
  for (const item of recs(rec(lr.spec)?.limits)) {
    if (item.type === 'Container') {
      const def = { ...rec(item.default) };
      const req = { ...rec(item.defaultRequest) };
      for (const [k, v] of Object.entries(rec(item.max) ?? {})) if (!(k in def)) def[k] = v;
      for (const [k, v] of Object.entries(def)) if (!(k in req)) req[k] = v;
      for (const [k, v] of Object.entries(rec(item.min) ?? {})) if (!(k in req)) req[k] = v;
      if (Object.keys(def).length > 0) item.default = def;
      if (Object.keys(req).length > 0) item.defaultRequest = req;
    }
    for (const k of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) defaultResourceList(item[k]);
  }
}

/** SetObjectDefaults_ResourceQuota: quantities in canonical form. */
export function defaultResourceQuota(rq: Rec): void {
  defaultResourceList(rec(rq.spec)?.hard);
  defaultResourceList(rec(rq.status)?.hard);
  defaultResourceList(rec(rq.status)?.used);
}

/** SetObjectDefaults_ReplicationController: selector and labels from the template, one replica. */
export function defaultReplicationController(rc: Rec): void {
  const spec = ensure(rc, 'spec');
  const template = rec(spec.template);
  const labels = rec(rec(template?.metadata)?.labels);
  if (labels) {
    if (!rec(spec.selector) || Object.keys(rec(spec.selector)!).length === 0) spec.selector = { ...labels };
    const meta = ensure(rc, 'metadata');
    if (!rec(meta.labels) || Object.keys(rec(meta.labels)!).length === 0) meta.labels = { ...labels };
  }
  setIfAbsent(spec, 'replicas', 1);
  if (template) defaultPodTemplateSpec(template);
}

/** SetObjectDefaults_PodTemplate */
export function defaultPodTemplate(pt: Rec): void {
  defaultPodTemplateSpec(ensure(pt, 'template'));
}
