/**
 * The Endpoints controller (pkg/controller/endpoint, release 1.33): the
 * legacy Endpoints object of every Service with a selector, named as the
 * Service. Ready pods are `addresses`, others `notReadyAddresses` (all are
 * ready with publishNotReadyAddresses); terminating pods are left out unless
 * publishNotReadyAddresses is set. Addresses with the same ports share a
 * subset (RepackSubsets). Past 1000 addresses the object is truncated and
 * annotated `endpoints.kubernetes.io/over-capacity: truncated`.
 */
import { R } from '../api/kinds.ts';
import type { KubeObject, Pod, Stored } from '../api/types.ts';
import { deepEqual, namespacedName, splitKey } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller } from './manager.ts';
import { type Rec, type Service, findPort, isHeadlessService, isPodReady, selectedPods, shouldPodBeInEndpoints, shouldSetHostname } from './endpoint-util.ts';

/** maxCapacity of the Endpoints controller. */
export const MAX_ENDPOINTS_ADDRESSES = 1000;
const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

type Address = Rec & { ip: string };
type Port = { name?: string; port: number; protocol: string; appProtocol?: string };
interface Subset {
  addresses?: Address[];
  notReadyAddresses?: Address[];
  ports?: Port[];
}
type Endpoints = KubeObject & { subsets?: Subset[] };

const byIP = (a: Address, b: Address) => {
  const pa = a.ip.split('.').map(Number);
  const pb = b.ip.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
};

/** The subsets the Service's pods make, repacked and sorted. */
export function endpointSubsets(svc: Service, pods: readonly Stored<Pod>[]): { subsets: Subset[]; truncated: boolean } {
  const tolerate = !!svc.spec?.publishNotReadyAddresses;
  const groups = new Map<string, { ports: Port[]; ready: Address[]; notReady: Address[] }>();
  for (const pod of selectedPods(svc, pods)) {
    if (!shouldPodBeInEndpoints(pod, tolerate)) continue;
    const addr: Address = { ip: pod.status!.podIP! };
    if (shouldSetHostname(pod, svc)) addr.hostname = pod.spec.hostname;
    if (pod.spec.nodeName) addr.nodeName = pod.spec.nodeName;
    addr.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
    const ports: Port[] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      // EndpointPort.name is omitempty in core/v1.
      const p: Port = sp.name ? { name: sp.name, port, protocol: sp.protocol ?? 'TCP' } : { port, protocol: sp.protocol ?? 'TCP' };
      if (sp.appProtocol) p.appProtocol = sp.appProtocol;
      ports.push(p);
    }
    if (!ports.length && (svc.spec?.ports ?? []).length) continue;
    ports.sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : (a.name ?? '') > (b.name ?? '') ? 1 : a.port - b.port));
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ports, ready: [], notReady: [] }));
    (tolerate || isPodReady(pod) ? g.ready : g.notReady).push(addr);
  }
  let budget = MAX_ENDPOINTS_ADDRESSES;
  let truncated = false;
  const subsets: Subset[] = [];
  for (const key of [...groups.keys()].sort()) {
    const g = groups.get(key)!;
    const s: Subset = {};
    const take = (list: Address[]) => {
      list.sort(byIP);
      if (list.length > budget) truncated = true;
      const out = list.slice(0, Math.max(0, budget));
      budget -= out.length;
      return out;
    };
    const ready = take(g.ready);
    const notReady = take(g.notReady);
    if (ready.length) s.addresses = ready;
    if (notReady.length) s.notReadyAddresses = notReady;
    if (!ready.length && !notReady.length) continue;
    if (g.ports.length) s.ports = g.ports;
    subsets.push(s);
  }
  return { subsets, truncated };
}

export function endpointsController(): Controller {
  let services: Informer<Service>;
  let pods: Informer<Pod>;
  let endpoints: Informer<Endpoints>;

  return {
    name: 'endpoints-controller',
    // Upstream records its events (and runs) as endpoint-controller.
    eventSource: 'endpoint-controller',

    setup(ctx) {
      services = ctx.informers.informer<Service>(R.services).addIndex('namespace', byNamespace);
      pods = ctx.informers.informer<Pod>(R.pods).addIndex('namespace', byNamespace);
      endpoints = ctx.informers.informer<Endpoints>(R.endpoints);
      const svcKey = (s: Stored<Service>) => ctx.enqueue(namespacedName(s));
      services.on({ add: svcKey, update: (_o, s) => svcKey(s), delete: svcKey });
      const forPod = (pod: Stored<Pod>) => {
        for (const s of services.byIndex('namespace', pod.metadata.namespace ?? '')) {
          if (s.spec?.selector && selectedPods(s, [pod]).length) ctx.enqueue(namespacedName(s));
        }
      };
      pods.on({ add: forPod, update: (o, p) => (forPod(o), forPod(p)), delete: forPod });
      endpoints.on({ delete: (e) => ctx.enqueue(namespacedName(e)) });
    },

    reconcile(key, ctx) {
      const { namespace, name } = splitKey(key);
      const svc = services.get(namespace, name);
      // The API server deletes a Service's Endpoints with it.
      if (!svc || !svc.spec?.selector || svc.spec.type === 'ExternalName') return;
      const { subsets, truncated } = endpointSubsets(svc, pods.byIndex('namespace', namespace ?? ''));
      const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}) };
      if (isHeadlessService(svc)) labels['service.kubernetes.io/headless'] = '';
      else delete labels['service.kubernetes.io/headless'];
      const cur = endpoints.get(namespace, name);
      const annotations: Record<string, string> = { ...(cur?.metadata.annotations ?? {}) };
      if (truncated) annotations[OVER_CAPACITY] = 'truncated';
      else delete annotations[OVER_CAPACITY];
      const next: Endpoints = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { ...(cur?.metadata ?? { name, namespace }), labels, annotations: Object.keys(annotations).length ? annotations : undefined },
      };
      if (!next.metadata.annotations) delete next.metadata.annotations;
      if (!Object.keys(labels).length) delete next.metadata.labels;
      if (subsets.length) next.subsets = subsets;
      if (cur && deepEqual(cur.subsets ?? [], subsets) && deepEqual(cur.metadata.labels ?? {}, labels) && deepEqual(cur.metadata.annotations ?? {}, annotations)) return;
      try {
        if (cur) ctx.client.update(R.endpoints, next);
        else ctx.client.create(R.endpoints, next);
      } catch (e) {
        // A stale cache: the informer will bring the newer object and a new reconcile.
        if (!isStatusError(e, 'AlreadyExists') && !isStatusError(e, 'Conflict')) throw e;
        if (isStatusError(e, 'AlreadyExists')) ctx.enqueue(key, 5);
      }
    },
  };
}
