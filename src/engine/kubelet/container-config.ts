/**
 * The configuration the kubelet gathers before it starts a container, with
 * its error messages:
 *
 * - volumes (pkg/volume/configmap, secret, projected): a ConfigMap or Secret
 *   that does not exist, or lacks a key an item names, fails the mount
 *   ("MountVolume.SetUp failed for volume ..."), and the pod stays in
 *   ContainerCreating until it can be mounted;
 * - the environment (kubelet_pods.go makeEnvironmentVariables): envFrom, then
 *   env in order, `$(VAR)` expanded against what came before; a missing
 *   ConfigMap, Secret or key fails the container with
 *   CreateContainerConfigError (`configmap "x" not found`, the kubelet's
 *   watch-based manager's words) unless the reference is optional.
 */
import type { Container, Pod } from '../api/types.ts';
import { expandReferences } from './behaviour/env.ts';

export interface ConfigSource {
  configMap(namespace: string, name: string): { data?: Record<string, string>; binaryData?: Record<string, string> } | undefined;
  /** Secret data as stored: base64. */
  secret(namespace: string, name: string): { data?: Record<string, string> } | undefined;
}

export interface PodFacts {
  podIP?: string;
  hostIP: string;
  nodeName: string;
  /** Node allocatable, for resourceFieldRef without a limit. */
  allocatable: Record<string, string>;
}

function decode(b64: string): string {
  try {
    return Buffer.from(b64, 'base64').toString('utf8');
  } catch {
    return '';
  }
}

/** The first volume of the pod that cannot be mounted, with the FailedMount message; undefined when all can. */
export function unmountableVolume(pod: Pod, source: ConfigSource): { volume: string; message: string } | undefined {
  const ns = pod.metadata.namespace ?? 'default';
  for (const v of pod.spec.volumes ?? []) {
    const fail = (why: string) => ({ volume: v.name, message: `MountVolume.SetUp failed for volume ${JSON.stringify(v.name)} : ${why}` });
    if (v.configMap) {
      const name = v.configMap.name ?? '';
      const cm = source.configMap(ns, name);
      if (!cm) {
        if (v.configMap.optional) continue;
        return fail(`configmap ${JSON.stringify(name)} not found`);
      }
      for (const item of v.configMap.items ?? []) {
        if (cm.data?.[item.key] === undefined && cm.binaryData?.[item.key] === undefined && !v.configMap.optional) return fail(`configmap references non-existent config key: ${item.key}`);
      }
    }
    if (v.secret) {
      const name = v.secret.secretName ?? '';
      const s = source.secret(ns, name);
      if (!s) {
        if (v.secret.optional) continue;
        return fail(`secret ${JSON.stringify(name)} not found`);
      }
      for (const item of v.secret.items ?? []) {
        if (s.data?.[item.key] === undefined && !v.secret.optional) return fail(`references non-existent secret key: ${item.key}`);
      }
    }
    for (const src of v.projected?.sources ?? []) {
      if (src.configMap && !src.configMap.optional && !source.configMap(ns, src.configMap.name ?? '')) return fail(`configmap ${JSON.stringify(src.configMap.name ?? '')} not found`);
      if (src.secret && !src.secret.optional && !source.secret(ns, src.secret.name ?? '')) return fail(`secret ${JSON.stringify(src.secret.name ?? '')} not found`);
    }
  }
  return undefined;
}

/** metadata.labels['x'] and the other downward API field paths. */
function fieldPathValue(pod: Pod, facts: PodFacts, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? pod.metadata.labels : pod.metadata.annotations)?.[m[2]] ?? '';
  switch (path) {
    case 'metadata.name':
      return pod.metadata.name ?? '';
    case 'metadata.namespace':
      return pod.metadata.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata.uid ?? '';
    case 'spec.nodeName':
      return facts.nodeName;
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? '';
    case 'status.hostIP':
    case 'status.hostIPs':
      return facts.hostIP;
    case 'status.podIP':
    case 'status.podIPs':
      return facts.podIP ?? '';
    default:
      return '';
  }
}

/**
 * The container's environment, or the CreateContainerConfigError message.
 * Quantities of resourceFieldRef are given in whole units of their divisor,
 * rounded up, as the kubelet does.
 */
export function containerEnv(pod: Pod, container: Container, source: ConfigSource, facts: PodFacts, resourceValue: (resource: string, divisor: string | undefined) => string): { env: Record<string, string> } | { error: string } {
  const ns = pod.metadata.namespace ?? 'default';
  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? '';
      const cm = source.configMap(ns, name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        return { error: `configmap ${JSON.stringify(name)} not found` };
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env.set(prefix + k, v);
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? '';
      const s = source.secret(ns, name);
      if (!s) {
        if (from.secretRef.optional) continue;
        return { error: `secret ${JSON.stringify(name)} not found` };
      }
      for (const [k, v] of Object.entries(s.data ?? {})) env.set(prefix + k, decode(v));
    }
  }
  for (const e of container.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      env.set(e.name, expandReferences(e.value ?? '', (n) => env.get(n)));
      continue;
    }
    if (vf.configMapKeyRef) {
      const r = vf.configMapKeyRef;
      const cm = source.configMap(ns, r.name ?? '');
      if (!cm) {
        if (r.optional) continue;
        return { error: `configmap ${JSON.stringify(r.name ?? '')} not found` };
      }
      const value = cm.data?.[r.key];
      if (value === undefined) {
        if (r.optional) continue;
        return { error: `couldn't find key ${r.key} in ConfigMap ${ns}/${r.name ?? ''}` };
      }
      env.set(e.name, value);
    } else if (vf.secretKeyRef) {
      const r = vf.secretKeyRef;
      const s = source.secret(ns, r.name ?? '');
      if (!s) {
        if (r.optional) continue;
        return { error: `secret ${JSON.stringify(r.name ?? '')} not found` };
      }
      const value = s.data?.[r.key];
      if (value === undefined) {
        if (r.optional) continue;
        return { error: `couldn't find key ${r.key} in Secret ${ns}/${r.name ?? ''}` };
      }
      env.set(e.name, decode(value));
    } else if (vf.fieldRef) {
      env.set(e.name, fieldPathValue(pod, facts, vf.fieldRef.fieldPath));
    } else if (vf.resourceFieldRef) {
      const divisor = vf.resourceFieldRef.divisor;
      env.set(e.name, resourceValue(vf.resourceFieldRef.resource, divisor === undefined ? undefined : String(divisor)));
    }
  }
  return { env: Object.fromEntries(env) };
}
