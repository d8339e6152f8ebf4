/**
 * What the EndpointSlice and Endpoints controllers share
 * (staging/src/k8s.io/endpointslice/utils.go, pkg/api/v1/endpoints,
 * pkg/controller/util/endpoint, release 1.33): which pods belong in a
 * Service's endpoints, the port each Service port reaches on a pod, and the
 * hostname a pod gets in DNS.
 */
import type { Container, KubeObject, Pod, Stored } from '../api/types.ts';
import { isPodReady, isPodTerminal } from '../api/pod.ts';
import { Selector } from '../api/selectors.ts';

export type Rec = Record<string, unknown>;
export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  appProtocol?: string;
}
export type Service = KubeObject & {
  spec?: { selector?: Record<string, string>; ports?: ServicePort[]; clusterIP?: string; type?: string; publishNotReadyAddresses?: boolean; ipFamilies?: string[] };
};

/** ShouldPodBeInEndpoints: not finished, has an IP, and (unless asked) not terminating. */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** ShouldSetHostname: the pod names this Service as its subdomain and has a hostname. */
export function shouldSetHostname(pod: Pod, svc: Service): boolean {
  return !!pod.spec.hostname && pod.spec.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;
}

/**
 * FindPort: a numeric targetPort as is; a named one looked up in the
 * containers' ports (and sidecars'), matching the protocol. Undefined when
 * no container names it: the pod then gets no endpoint for that port.
 */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const protocol = sp.protocol ?? 'TCP';
  const sidecars = (pod.spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...pod.spec.containers, ...sidecars] as Container[]) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** The pods a Service selects, by name. */
export function selectedPods(svc: Service, pods: readonly Stored<Pod>[]): Stored<Pod>[] {
  const sel = Selector.fromLabelSelector({ matchLabels: svc.spec?.selector ?? {} });
  return pods.filter((p) => sel.matches(p.metadata.labels)).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

export function isHeadlessService(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

export { isPodReady };
