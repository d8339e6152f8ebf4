/**
 * The EndpointSlice controller (pkg/controller/endpointslice and
 * staging/src/k8s.io/endpointslice reconciler.go, release 1.33): for every
 * Service with a selector, the pods it selects become endpoints in
 * EndpointSlices of up to 100 endpoints (--max-endpoints-per-slice), one
 * set of slices per distinct port mapping. Each endpoint carries the
 * conditions ready (serving and not terminating, or publishNotReadyAddresses),
 * serving (the pod is Ready) and terminating (it has a deletionTimestamp),
 * its node, zone, pod reference and, for pods naming the Service as their
 * subdomain, a hostname. A Service with no endpoints keeps one empty
 * placeholder slice.
 *
 * Existing slices are changed as little as possible: endpoints stay in the
 * slice that holds them, new ones fill the slices being updated first, then
 * the slice closest to full, then new slices.
 */
import { R } from '../api/kinds.ts';
import type { KubeObject, Node, Pod, Stored } from '../api/types.ts';
import { deepEqual, namespacedName, newControllerRef, splitKey } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller, ControllerContext } from './manager.ts';
import { type Rec, type Service, findPort, isHeadlessService, isPodReady, selectedPods, shouldPodBeInEndpoints, shouldSetHostname } from './endpoint-util.ts';

export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';

type EndpointPort = { name: string; port: number; protocol: string; appProtocol?: string };
type Endpoint = Rec & { addresses: string[]; targetRef?: Rec & { uid?: string } };
type Slice = KubeObject & { addressType: string; endpoints?: Endpoint[] | null; ports?: EndpointPort[] | null };

/** podToEndpoint */
export function podToEndpoint(pod: Stored<Pod>, node: Stored<Node> | undefined, svc: Service): Endpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ready = !!svc.spec?.publishNotReadyAddresses || (serving && !terminating);
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip && !ip.includes(':'));
  const ep: Endpoint = {
    addresses: ips.length ? ips : [pod.status!.podIP!],
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
  if (pod.spec.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.['topology.kubernetes.io/zone'];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec.hostname;
  return ep;
}

/** getEndpointPorts: the pod's port for each Service port it has one for. */
export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

const portsKey = (ports: readonly EndpointPort[] | null | undefined) =>
  JSON.stringify([...(ports ?? [])].sort((a, b) => (a.name + a.protocol < b.name + b.protocol ? -1 : 1)).map((p) => [p.name, p.port, p.protocol, p.appProtocol ?? '']));
const endpointKey = (e: Endpoint) => e.targetRef?.uid ?? e.addresses.join(',');

/** setEndpointSliceLabels: the Service's labels, but for the reserved ones, which the controller sets. */
function sliceLabels(svc: Service): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (k !== LABEL_SERVICE_NAME && k !== LABEL_MANAGED_BY && k !== LABEL_HEADLESS) out[k] = v;
  if (isHeadlessService(svc)) out[LABEL_HEADLESS] = '';
  out[LABEL_SERVICE_NAME] = svc.metadata.name!;
  out[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  return out;
}

export interface SlicePlan {
  create: Slice[];
  update: Slice[];
  delete: Stored<Slice>[];
}

/**
 * reconcileByAddressType: the slices to create, update and delete so that
 * `existing` holds exactly `desired` (endpoints grouped by port mapping).
 */
export function planSlices(svc: Stored<Service>, desired: Map<string, { ports: EndpointPort[]; endpoints: Endpoint[] }>, existing: readonly Stored<Slice>[], max = MAX_ENDPOINTS_PER_SLICE): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const labels = sliceLabels(svc);
  const fresh = (ports: EndpointPort[]): Slice => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace, labels, ownerReferences: [newControllerRef(svc, R.services)] },
    addressType: 'IPv4',
    endpoints: [],
    ports,
  });
  const byPorts = new Map<string, Stored<Slice>[]>();
  for (const s of existing) {
    const k = portsKey(s.ports);
    if (!desired.has(k) || (s.endpoints ?? []).length === 0) {
      plan.delete.push(s);
      continue;
    }
    let l = byPorts.get(k);
    if (!l) byPorts.set(k, (l = []));
    l.push(s);
  }
  for (const [k, want] of [...desired].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const remaining = new Map(want.endpoints.map((e) => [endpointKey(e), e]));
    const updating: Slice[] = [];
    const unchanged: Stored<Slice>[] = [];
    for (const s of byPorts.get(k) ?? []) {
      const kept: Endpoint[] = [];
      let changed = false;
      for (const e of s.endpoints ?? []) {
        const d = remaining.get(endpointKey(e));
        if (!d) {
          changed = true;
          continue;
        }
        remaining.delete(endpointKey(e));
        if (!deepEqual(d, e)) changed = true;
        kept.push(d);
      }
      const labelsChanged = !deepEqual(s.metadata.labels ?? {}, labels);
      if (!kept.length) plan.delete.push(s);
      else if (changed || labelsChanged) updating.push({ ...s, metadata: { ...s.metadata, labels }, endpoints: kept });
      else unchanged.push(s);
    }
    const toAdd = [...remaining.values()];
    // Fill the slices being updated anyway, then the unchanged slice closest to full, then new slices.
    for (const s of updating) while (toAdd.length && s.endpoints!.length < max) s.endpoints!.push(toAdd.shift()!);
    if (toAdd.length) {
      let best: Stored<Slice> | undefined;
      let bestDiff = max;
      for (const s of unchanged) {
        const diff = max - (toAdd.length + (s.endpoints ?? []).length);
        if (diff >= 0 && diff < bestDiff) [best, bestDiff] = [s, diff];
      }
      if (best) {
        updating.push({ ...best, endpoints: [...(best.endpoints ?? []), ...toAdd.splice(0)] });
      }
    }
    while (toAdd.length) {
      const s = fresh(want.ports);
      s.endpoints = toAdd.splice(0, max);
      plan.create.push(s);
    }
    plan.update.push(...updating);
  }
  const kept = existing.length - plan.delete.length + plan.create.length;
  if (kept === 0) {
    // placeholderSliceCompare: an empty slice stays (or is made) so the Service has one.
    const old = plan.delete.find((s) => (s.endpoints ?? []).length === 0 && (s.ports ?? []).length === 0);
    if (old) plan.delete.splice(plan.delete.indexOf(old), 1);
    else plan.create.push({ ...fresh([]), endpoints: [], ports: [] });
  }
  // finalize: rather than create one slice and delete another, the one to delete is updated (it keeps its name).
  for (let i = 0; i < plan.delete.length && plan.create.length; ) {
    const gone = plan.delete[i];
    if (gone.metadata.ownerReferences?.some((r) => r.uid === svc.metadata.uid)) {
      const s = plan.create.pop()!;
      plan.update.push({ ...s, metadata: { ...gone.metadata, labels: s.metadata.labels }, endpoints: s.endpoints, ports: s.ports });
      plan.delete.splice(i, 1);
    } else i++;
  }
  return plan;
}

export function endpointSliceController(): Controller {
  let services: Informer<Service>;
  let pods: Informer<Pod>;
  let slices: Informer<Slice>;
  let nodes: Informer<Node>;

  return {
    name: 'endpointslice-controller',

    setup(ctx) {
      services = ctx.informers.informer<Service>(R.services).addIndex('namespace', byNamespace);
      pods = ctx.informers.informer<Pod>(R.pods).addIndex('namespace', byNamespace);
      slices = ctx.informers.informer<Slice>(R.endpointSlices).addIndex('service', (s) => {
        const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
        return svc && s.metadata.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME ? [`${s.metadata.namespace}/${svc}`] : [];
      });
      nodes = ctx.informers.informer<Node>(R.nodes);
      const svcKey = (s: Stored<Service>) => ctx.enqueue(namespacedName(s));
      services.on({ add: svcKey, update: (_o, s) => svcKey(s), delete: svcKey });
      const forPod = (pod: Stored<Pod>) => {
        for (const s of services.byIndex('namespace', pod.metadata.namespace ?? '')) {
          if (s.spec?.selector && selectedPods(s, [pod]).length) ctx.enqueue(namespacedName(s));
        }
      };
      pods.on({ add: forPod, update: (o, p) => (forPod(o), forPod(p)), delete: forPod });
      const forSlice = (s: Stored<Slice>) => {
        const svc = s.metadata.labels?.[LABEL_SERVICE_NAME];
        if (svc && s.metadata.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME) ctx.enqueue(`${s.metadata.namespace}/${svc}`);
      };
      slices.on({ add: forSlice, update: (_o, s) => forSlice(s), delete: forSlice });
    },

    reconcile(key, ctx) {
      const { namespace, name } = splitKey(key);
      const svc = services.get(namespace, name);
      // A deleted Service's slices go with it through their owner reference.
      if (!svc || svc.spec?.type === 'ExternalName' || !svc.spec?.selector) return;
      const desired = new Map<string, { ports: EndpointPort[]; endpoints: Endpoint[] }>();
      for (const pod of selectedPods(svc, pods.byIndex('namespace', namespace ?? ''))) {
        if (!shouldPodBeInEndpoints(pod, true)) continue;
        const ports = endpointPorts(svc, pod);
        // A pod with none of the Service's ports is left out, unless the Service (headless) has none.
        if (!ports.length && (svc.spec.ports ?? []).length) continue;
        const k = portsKey(ports);
        let d = desired.get(k);
        if (!d) desired.set(k, (d = { ports, endpoints: [] }));
        d.endpoints.push(podToEndpoint(pod, nodes.get(undefined, pod.spec.nodeName ?? ''), svc));
      }
      const existing = slices.byIndex('service', key).filter((s) => s.metadata.ownerReferences?.some((r) => r.uid === svc.metadata.uid));
      const plan = planSlices(svc, desired, existing);
      apply(ctx, plan);
    },
  };
}

/** Creates first, then updates, then deletes, as the reconciler's finalize does. */
function apply(ctx: ControllerContext, plan: SlicePlan): void {
  for (const s of plan.create) ctx.client.create(R.endpointSlices, s);
  for (const s of plan.update) ctx.client.update(R.endpointSlices, s);
  for (const s of plan.delete) {
    try {
      ctx.client.delete(R.endpointSlices, s.metadata.namespace, s.metadata.name);
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }
}
