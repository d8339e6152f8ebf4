/**
 * Quota evaluation (pkg/quota/v1/evaluator/core, Kubernetes 1.33): what an
 * object counts against a ResourceQuota (pods and their compute requests
 * and limits, object counts, services, claims and their storage), quota
 * scopes, and the formatting of resource lists in quota messages. Shared
 * by the ResourceQuota admission plugin and the resource-quota controller.
 */
import type { ResourceType } from './kinds.ts';
import type { KubeObject, Pod, Stored } from './types.ts';
import { isPodTerminal } from './pod.ts';
import { formatAmount, resourceAmount } from './quantity.ts';

export type ResourceList = Map<string, number>;

/** The canonical unit a quota resource is counted in: millicores for CPU, units otherwise. */
export function quotaUnit(resource: string): 'cpu' | 'other' {
  return resource === 'cpu' || resource.endsWith('.cpu') ? 'cpu' : 'other';
}

export function quotaAmount(resource: string, q: string | number): number {
  return resourceAmount(quotaUnit(resource) === 'cpu' ? 'cpu' : 'memory', q);
}

export function formatQuota(resource: string, amount: number): string {
  const counted = /^(pods|services|configmaps|secrets|replicationcontrollers|resourcequotas|persistentvolumeclaims|services\.|count\/)/.test(resource);
  if (counted) return String(amount);
  return formatAmount(quotaUnit(resource) === 'cpu' ? 'cpu' : 'memory', amount);
}

/** prettyPrint: `name=quantity` pairs, sorted by name, joined by commas. */
export function prettyPrint(list: ResourceList): string {
  return [...list.keys()]
    .sort()
    .map((k) => `${k}=${formatQuota(k, list.get(k)!)}`)
    .join(',');
}

const COMPUTE = ['cpu', 'memory', 'ephemeral-storage'];

/**
 * QuotaV1Pod: a pod counts while it is not terminal, and while being deleted
 * until its deletionTimestamp plus its grace period has passed.
 */
export function podCountsForQuota(pod: Pod, now: number): boolean {
  if (isPodTerminal(pod)) return false;
  const ts = pod.metadata.deletionTimestamp;
  if (ts && pod.metadata.deletionGracePeriodSeconds !== undefined) {
    if (now > Date.parse(ts) + pod.metadata.deletionGracePeriodSeconds * 1000) return false;
  }
  return true;
}

/** Container requests and limits of a pod, summed (init containers: the largest one, as PodRequests has it). */
function podCompute(pod: Pod, field: 'requests' | 'limits'): ResourceList {
  const sum: ResourceList = new Map();
  for (const c of pod.spec.containers ?? []) {
    for (const [k, v] of Object.entries((c.resources?.[field] ?? {}) as Record<string, string>)) sum.set(k, (sum.get(k) ?? 0) + quotaAmount(k, v));
  }
  for (const c of pod.spec.initContainers ?? []) {
    for (const [k, v] of Object.entries((c.resources?.[field] ?? {}) as Record<string, string>)) {
      const amount = quotaAmount(k, v);
      if (c.restartPolicy === 'Always') sum.set(k, (sum.get(k) ?? 0) + amount);
      else if (amount > (sum.get(k) ?? 0)) sum.set(k, amount);
    }
  }
  return sum;
}

/** The quota usage of one object of a type (Usage of its evaluator). */
export function usageOf(type: ResourceType, obj: KubeObject, now: number): ResourceList {
  const out: ResourceList = new Map();
  const countKey = type.group ? `count/${type.resource}.${type.group}` : `count/${type.resource}`;
  out.set(countKey, 1);
  switch (type.kind) {
    case 'Pod': {
      const pod = obj as Pod;
      if (!podCountsForQuota(pod, now)) return new Map();
      out.set('pods', 1);
      const requests = podCompute(pod, 'requests');
      const limits = podCompute(pod, 'limits');
      for (const r of COMPUTE) {
        if (requests.has(r)) {
          out.set(`requests.${r}`, requests.get(r)!);
          out.set(r, requests.get(r)!);
        }
        if (limits.has(r)) out.set(`limits.${r}`, limits.get(r)!);
      }
      // Hugepages count under their own name too; extended resources only as requests.<name>.
      for (const [r, v] of requests) {
        if (r.startsWith('hugepages-')) out.set(r, v);
        if (r.startsWith('hugepages-') || (r.includes('/') && !r.startsWith('kubernetes.io/'))) out.set(`requests.${r}`, v);
      }
      return out;
    }
    case 'Service': {
      out.set('services', 1);
      const t = (obj as { spec?: { type?: string; ports?: unknown[] } }).spec?.type;
      if (t === 'LoadBalancer') out.set('services.loadbalancers', 1);
      if (t === 'NodePort' || t === 'LoadBalancer') {
        const ports = (obj as { spec?: { ports?: unknown[]; allocateLoadBalancerNodePorts?: boolean } }).spec;
        if (t === 'NodePort' || ports?.allocateLoadBalancerNodePorts !== false) out.set('services.nodeports', (ports?.ports ?? []).length);
      }
      return out;
    }
    case 'PersistentVolumeClaim': {
      out.set('persistentvolumeclaims', 1);
      const spec = (obj as { spec?: { storageClassName?: string; resources?: { requests?: Record<string, string> } } }).spec;
      const storage = spec?.resources?.requests?.storage;
      const cls = spec?.storageClassName;
      if (storage !== undefined) out.set('requests.storage', quotaAmount('requests.storage', storage));
      if (cls) {
        out.set(`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`, 1);
        if (storage !== undefined) out.set(`${cls}.storageclass.storage.k8s.io/requests.storage`, quotaAmount('requests.storage', storage));
      }
      return out;
    }
    case 'ConfigMap':
    case 'Secret':
    case 'ReplicationController':
    case 'ResourceQuota':
      // Counted by their resource name only.
      out.set(type.resource, 1);
      return out;
    default:
      return out;
  }
}

/** Whether a pod is in a quota's scopes (Terminating, NotTerminating, BestEffort, NotBestEffort). */
export function matchesScopes(scopes: readonly string[] | undefined, type: ResourceType, obj: KubeObject): boolean {
  for (const scope of scopes ?? []) {
    if (type.kind !== 'Pod') return false;
    const pod = obj as Pod;
    const terminating = pod.spec.activeDeadlineSeconds !== undefined && pod.spec.activeDeadlineSeconds !== null && pod.spec.activeDeadlineSeconds >= 0;
    const bestEffort = (pod.spec.containers ?? []).every((c) => !Object.keys(c.resources?.requests ?? {}).length && !Object.keys(c.resources?.limits ?? {}).length);
    if (scope === 'Terminating' && !terminating) return false;
    if (scope === 'NotTerminating' && terminating) return false;
    if (scope === 'BestEffort' && !bestEffort) return false;
    if (scope === 'NotBestEffort' && bestEffort) return false;
  }
  return true;
}

/** Total usage, for the resources a quota limits, of the objects given. */
export function totalUsage(hard: readonly string[], items: Array<{ type: ResourceType; obj: Stored }>, scopes: readonly string[] | undefined, now: number): ResourceList {
  const used: ResourceList = new Map(hard.map((h) => [h, 0]));
  for (const { type, obj } of items) {
    if (!matchesScopes(scopes, type, obj)) continue;
    for (const [k, v] of usageOf(type, obj, now)) if (used.has(k)) used.set(k, used.get(k)! + v);
  }
  return used;
}

/** The resource types whose objects a quota with these hard limits counts. */
export function typesCounted(hard: readonly string[], all: readonly ResourceType[]): ResourceType[] {
  const kinds = new Set<string>();
  for (const h of hard) {
    if (h.startsWith('count/')) {
      const [resource, ...group] = h.slice(6).split('.');
      const t = all.find((x) => x.resource === resource && x.group === group.join('.'));
      if (t) kinds.add(`${t.group}/${t.kind}`);
    } else if (h.startsWith('services')) kinds.add('/Service');
    else if (h === 'persistentvolumeclaims' || h.includes('storage.k8s.io/') || h === 'requests.storage') kinds.add('/PersistentVolumeClaim');
    else if (h === 'configmaps') kinds.add('/ConfigMap');
    else if (h === 'secrets') kinds.add('/Secret');
    else if (h === 'replicationcontrollers') kinds.add('/ReplicationController');
    else if (h === 'resourcequotas') kinds.add('/ResourceQuota');
    else kinds.add('/Pod');
  }
  return all.filter((t) => t.namespaced && kinds.has(`${t.group}/${t.kind}`));
}
