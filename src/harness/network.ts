/**
 * Networking checks and traffic for the step vocabulary: endpoints, DNS
 * names, requests between pods, ingress routes, load balancer addresses,
 * and steady traffic whose failed requests are listed with their instants.
 */
import {
  R,
  INGRESS_CLASS,
  dnsAnswer,
  dnsResolve,
  routeIngress,
  formatOffset,
  type Cluster,
  type DnsData,
  type Ingress,
  type KubeObject,
  type Pod,
  type RequestResult,
  type Stored,
  type TrafficSource,
  type TrafficStream,
} from '../engine/index.ts';
import type { Check, Outcome } from './checks.ts';
import type { View } from './view.ts';
import type { Ref, WorkloadKind } from './params.ts';
import { podsOf } from './workloads.ts';
import { indent, podsReport, table } from './report.ts';

/** Steady traffic sends a request this often: a simulation constant (10 requests per second). */
export const STEADY_TRAFFIC_INTERVAL_MS = 100;

type Rec = Record<string, unknown>;
type Svc = KubeObject & { spec?: Rec; status?: Rec };
type Slice = KubeObject & { endpoints?: Rec[] | null; ports?: Rec[] | null };

/** What a scenario's traffic left behind: the streams running and the last batch of requests. */
export interface TrafficState {
  streams: TrafficStream[];
  lastBatch: RequestResult[];
}
const states = new WeakMap<object, TrafficState>();
export function trafficState(world: object): TrafficState {
  let s = states.get(world);
  if (!s) states.set(world, (s = { streams: [], lastBatch: [] }));
  return s;
}

export function stopTraffic(world: object): void {
  for (const s of trafficState(world).streams) s.stop();
}

const slicesOf = (view: View, ns: string, svc: string) => view.list<Slice>(R.endpointSlices, ns).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc);

function serviceReport(view: View, ref: Ref): string {
  const svc = view.get<Svc>(R.services, ref.namespace, ref.name);
  const slices = slicesOf(view, ref.namespace, ref.name);
  const parts: string[] = [];
  if (svc) parts.push('Service:', indent(table('Service', [svc], view.now)));
  parts.push(slices.length ? `EndpointSlices:\n${indent(table('EndpointSlice', slices, view.now))}` : 'EndpointSlices: none');
  const sel = svc?.spec?.selector as Record<string, string> | undefined;
  if (sel) {
    const pods = view.list<Pod>(R.pods, ref.namespace).filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v));
    parts.push(pods.length ? podsReport(view, pods, `Pods selected by ${Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',')}`) : `No pod has the labels ${Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',')}`);
  } else if (svc) parts.push('The service has no selector: its endpoints are whatever EndpointSlices name it.');
  return parts.join('\n');
}

/** "the service X has N endpoints": ready addresses of its EndpointSlices. */
export function serviceEndpoints(ref: Ref, n: number): Check {
  return (view) => {
    const svc = view.get<Svc>(R.services, ref.namespace, ref.name);
    const expected = `the service "${ref.name}" has ${n} endpoint${n === 1 ? '' : 's'}`;
    if (!svc) return { ok: false, expected, found: `there is no service "${ref.name}" in namespace "${ref.namespace}"` };
    const ready = new Set<string>();
    let notReady = 0;
    for (const s of slicesOf(view, ref.namespace, ref.name)) {
      for (const e of s.endpoints ?? []) {
        if ((e.conditions as Rec | undefined)?.ready === false) notReady++;
        else for (const a of (e.addresses as string[]) ?? []) ready.add(a);
      }
    }
    return {
      ok: ready.size === n,
      expected,
      found: `${ready.size} ready endpoint${ready.size === 1 ? '' : 's'}${notReady ? ` (and ${notReady} not ready)` : ''}`,
      details: () => serviceReport(view, ref),
    };
  };
}

function viewDns(view: View): DnsData {
  return {
    services: (ns, name) => view.get<Svc>(R.services, ns, name),
    slices: (ns, svc) => slicesOf(view, ns, svc),
    namespaceExists: (ns) => !!view.get(R.namespaces, undefined, ns),
  };
}

/** "the DNS name N resolves to the cluster IP of service S" (a fully qualified name, as CoreDNS answers it). */
export function dnsResolvesToClusterIP(name: string, ref: Ref): Check {
  return (view) => {
    const expected = `the DNS name "${name}" resolves to the cluster IP of service "${ref.name}"`;
    const svc = view.get<Svc>(R.services, ref.namespace, ref.name);
    const r = dnsResolve(viewDns(view), name.endsWith('.') ? name : `${name}.`, [], () => undefined);
    const ip = svc?.spec?.clusterIP as string | undefined;
    const found = r.ok ? `it resolves to ${r.ips.join(', ')}${r.chain.length ? ` (through ${r.chain.join(' -> ')})` : ''}` : 'it does not resolve (NXDOMAIN)';
    return {
      ok: !!svc && r.ok && r.ips.length === 1 && r.ips[0] === ip,
      expected,
      found: svc ? `${found}; the cluster IP of service "${ref.name}" is ${ip === 'None' ? 'None (a headless service)' : ip}` : `${found}; there is no service "${ref.name}" in namespace "${ref.namespace}"`,
      details: () => serviceReport(view, ref),
    };
  };
}

/** "the DNS name N resolves to K addresses" / "does not resolve". */
export function dnsAddresses(name: string, n: number | 'none'): Check {
  return (view) => {
    const a = dnsAnswer(viewDns(view), name, 'A');
    const ips = a.records.flatMap((r) => (r.type === 'A' ? [r.ip] : r.type === 'CNAME' ? [`CNAME ${r.target}`] : []));
    return {
      ok: n === 'none' ? a.rcode === 'NXDOMAIN' : a.rcode === 'NOERROR' && ips.length === n,
      expected: n === 'none' ? `the DNS name "${name}" does not resolve` : `the DNS name "${name}" resolves to ${n} address${n === 1 ? '' : 'es'}`,
      found: a.rcode === 'NXDOMAIN' ? 'NXDOMAIN' : `${a.rcode}: ${ips.join(', ') || 'no records'}`,
    };
  };
}

function liveOnly(cluster: Cluster, view: View, expected: string): Outcome | undefined {
  if (view.now === cluster.clock.now()) return undefined;
  return { ok: false, expected, found: 'requests can only be sent now: this check has no "at all times" form (use "no request to ... failed during the rollout" with steady traffic)' };
}

export function describeResult(r: RequestResult): string {
  const who = r.pod ? `pod ${r.pod.name}${r.pod.node ? ` on ${r.pod.node}` : ''}` : (r.answeredBy ?? '');
  return r.ok ? `answered by ${who}${r.hops.length ? `\n  path: ${r.hops.join('\n        ')}` : ''}` : `${r.message}${r.hops.length ? `\n  path so far: ${r.hops.join('\n               ')}` : ''}`;
}

/** "a request from pod C to URL reaches a pod of <workload>". */
export function requestReaches(cluster: Cluster, source: TrafficSource, sourceText: string, target: string, kind: WorkloadKind, ref: Ref): Check {
  return (view) => {
    const expected = `a request from ${sourceText} to "${target}" reaches a pod of ${kind} "${ref.name}"`;
    const live = liveOnly(cluster, view, expected);
    if (live) return live;
    const r = cluster.network.request(source, target);
    const pods = podsOf(view, kind, ref, false);
    const ok = r.ok && !!r.pod && pods.some((p) => p.metadata.name === r.pod!.name && p.metadata.namespace === r.pod!.namespace);
    return {
      ok,
      expected,
      found: r.ok ? `it was answered by ${r.pod ? `pod ${r.pod.name}` : r.answeredBy}${ok ? '' : `, which is not a pod of ${kind} "${ref.name}"`}` : `it failed: ${r.message}`,
      details: () => [`Request:\n  ${describeResult(r)}`, r.service ? serviceReport(view, { namespace: r.service.split('/')[0], name: r.service.split('/')[1] }) : '', podsReport(view, pods, `Pods of ${kind} "${ref.name}"`)].filter(Boolean).join('\n'),
    };
  };
}

/** "pod A can/cannot reach pod B on port P": a connection to B's pod IP. */
export function podReachesPod(cluster: Cluster, from: Ref, to: Ref, port: number, expectOk: boolean): Check {
  return (view) => {
    const expected = `pod "${from.name}" ${expectOk ? 'can' : 'cannot'} reach pod "${to.name}" on port ${port}`;
    const live = liveOnly(cluster, view, expected);
    if (live) return live;
    const target = view.get<Pod>(R.pods, to.namespace, to.name);
    if (!target?.status?.podIP) return { ok: false, expected, found: target ? `pod "${to.name}" has no IP yet (phase ${target.status?.phase ?? 'Pending'})` : `there is no pod "${to.name}" in namespace "${to.namespace}"` };
    const r = cluster.network.request({ pod: from }, `${target.status.podIP}:${port}`);
    return {
      ok: r.ok === expectOk,
      expected,
      found: r.ok ? `the connection was answered by pod ${r.pod?.name}` : `the connection failed: ${r.message}`,
      details: () => {
        const pols = view.list(R.networkPolicies, to.namespace);
        const src = view.get<Pod>(R.pods, from.namespace, from.name);
        return [`Request:\n  ${describeResult(r)}`, pols.length ? `NetworkPolicies in ${to.namespace}:\n${indent(table('NetworkPolicy', pols, view.now))}` : `No NetworkPolicy in namespace ${to.namespace}`, podsReport(view, [src, target].filter((p): p is Stored<Pod> => !!p), 'Pods')].join('\n');
      },
    };
  };
}

/** "a request from pod C to URL fails with TEXT". */
export function requestFails(cluster: Cluster, source: TrafficSource, sourceText: string, target: string, text: string): Check {
  return (view) => {
    const expected = `a request from ${sourceText} to "${target}" fails with "${text}"`;
    const live = liveOnly(cluster, view, expected);
    if (live) return live;
    const r = cluster.network.request(source, target);
    return { ok: !r.ok && (r.message ?? '').toLowerCase().includes(text.toLowerCase()), expected, found: r.ok ? `it was answered by ${r.pod ? `pod ${r.pod.name}` : r.answeredBy}` : `it failed: ${r.message}` };
  };
}

/** The Ingresses the simulated controller serves, as in the network model. */
function served(view: View): Stored<Ingress>[] {
  return view.list<Ingress>(R.ingresses).filter((i) => i.spec?.ingressClassName === INGRESS_CLASS || (!i.spec?.ingressClassName && i.metadata.annotations?.['kubernetes.io/ingress.class'] === INGRESS_CLASS));
}

/** "the ingress I routes HOST/PATH to service S". */
export function ingressRoutes(ref: Ref, hostPath: string, service: string): Check {
  const slash = hostPath.indexOf('/');
  const host = slash < 0 ? hostPath : hostPath.slice(0, slash);
  const path = slash < 0 ? '/' : hostPath.slice(slash);
  return (view) => {
    const expected = `the ingress "${ref.name}" routes "${hostPath}" to service "${service}"`;
    const ing = view.get<Ingress>(R.ingresses, ref.namespace, ref.name);
    if (!ing) return { ok: false, expected, found: `there is no ingress "${ref.name}" in namespace "${ref.namespace}"` };
    const details = () => `Ingresses:\n${indent(table('Ingress', view.list(R.ingresses), view.now))}`;
    const mine = served(view);
    if (!mine.some((i) => i.metadata.uid === ing.metadata.uid)) {
      const cls = ing.spec?.ingressClassName;
      return { ok: false, expected, found: `no ingress controller serves it: ${cls ? `its ingressClassName is "${cls}", and the cluster's controller serves class "${INGRESS_CLASS}"` : `it sets no ingressClassName and there is no default IngressClass (the cluster's controller serves class "${INGRESS_CLASS}")`}`, details };
    }
    const m = routeIngress(mine, host, path);
    const to = m?.backend?.service?.name;
    const ok = !!m && m.ingress.metadata.uid === ing.metadata.uid && to === service;
    const found = !m ? `no rule matches host "${host}" and path "${path}": the controller answers 404` : `it goes to service "${to ?? '(a resource backend)'}" through ingress "${m.ingress.metadata.name}"${m.path ? ` (path "${m.path}", ${m.pathType})` : ' (its default backend)'}`;
    return { ok, expected, found, details };
  };
}

/** "the service S has the external IP assigned". */
export function externalIPAssigned(ref: Ref): Check {
  return (view) => {
    const svc = view.get<Svc>(R.services, ref.namespace, ref.name);
    const expected = `the service "${ref.name}" has the external IP assigned`;
    if (!svc) return { ok: false, expected, found: `there is no service "${ref.name}" in namespace "${ref.namespace}"` };
    const ips = (((svc.status?.loadBalancer as Rec | undefined)?.ingress as Rec[] | undefined) ?? []).map((i) => i.ip ?? i.hostname).filter(Boolean);
    const type = String(svc.spec?.type ?? 'ClusterIP');
    return {
      ok: ips.length > 0,
      expected,
      found: ips.length ? `its external IP is ${ips.join(', ')}` : type !== 'LoadBalancer' ? `it is of type ${type}: only LoadBalancer services get an external IP` : 'its EXTERNAL-IP is <pending>',
      details: () => `Service:\n${indent(table('Service', [svc], view.now))}`,
    };
  };
}

/** Requests to `target` logged since `since`. */
export function requestsSince(cluster: Cluster, target: string, since: number): RequestResult[] {
  return cluster.network.log.filter((r) => r.at >= since && r.target === target);
}

export function failedRequestsReport(cluster: Cluster, results: readonly RequestResult[], limit = 20): string {
  const failed = results.filter((r) => !r.ok);
  const lines = failed.slice(0, limit).map((r) => `  ${formatOffset(r.at)}  ${r.message}`);
  if (failed.length > limit) lines.push(`  ... and ${failed.length - limit} more`);
  const byKind = new Map<string, number>();
  for (const r of failed) byKind.set(r.failure ?? '?', (byKind.get(r.failure ?? '?') ?? 0) + 1);
  void cluster;
  return `${failed.length} of ${results.length} requests failed (${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')}):\n${lines.join('\n')}`;
}
