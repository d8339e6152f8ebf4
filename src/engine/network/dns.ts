/**
 * Cluster DNS as CoreDNS's kubernetes plugin answers it (kubeadm's Corefile:
 * `kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; ttl 30 }`,
 * `loadbalance`), and the stub resolver of a pod (resolv.conf with the
 * search path of its namespace and `options ndots:5`).
 *
 * - `<svc>.<ns>.svc.<zone>`: A to the cluster IP; for a headless Service,
 *   one A per ready endpoint; for an ExternalName Service, a CNAME.
 * - `<hostname>.<svc>.<ns>.svc.<zone>`: an endpoint with that hostname (a
 *   StatefulSet pod behind its governing Service), or `<a-b-c-d>` for any
 *   endpoint of a headless Service.
 * - `_<port>._<proto>.<svc>.<ns>.svc.<zone>`: SRV for a named port.
 * - `<a-b-c-d>.<ns>.pod.<zone>`: the pod A record (`pods insecure`).
 * - Anything else in the zone is NXDOMAIN; names outside it go upstream,
 *   where the simulated cluster knows only what `external` provides.
 *
 * `answer` is a pure function of the Services and EndpointSlices, so the
 * records can be tested without a cluster.
 */
import type { KubeObject } from '../api/types.ts';
import { isIPv4 } from '../api/ip.ts';

export const CLUSTER_DOMAIN = 'cluster.local';
export const CLUSTER_DNS_IP = '10.96.0.10';
/** ndots of the resolv.conf the kubelet writes for ClusterFirst pods. */
export const NDOTS = 5;

type Rec = Record<string, unknown>;
export type DnsService = KubeObject & { spec?: Rec };
export type DnsSlice = KubeObject & { endpoints?: Rec[] | null; ports?: Rec[] | null };

export interface DnsData {
  services(namespace: string, name: string): DnsService | undefined;
  slices(namespace: string, service: string): readonly DnsSlice[];
  namespaceExists(namespace: string): boolean;
}

export type DnsRecord =
  | { type: 'A'; name: string; ip: string }
  | { type: 'CNAME'; name: string; target: string }
  | { type: 'SRV'; name: string; target: string; port: number; priority: number; weight: number };

export interface DnsAnswer {
  rcode: 'NOERROR' | 'NXDOMAIN';
  records: DnsRecord[];
}

const NX: DnsAnswer = { rcode: 'NXDOMAIN', records: [] };

interface ReadyEndpoint {
  ip: string;
  hostname?: string;
  ports: Map<string, { port: number; protocol: string }>;
}

function endpointsOf(data: DnsData, ns: string, svc: string): ReadyEndpoint[] {
  const out: ReadyEndpoint[] = [];
  for (const s of data.slices(ns, svc)) {
    if (s.addressType !== 'IPv4') continue;
    const ports = new Map<string, { port: number; protocol: string }>();
    for (const p of s.ports ?? []) if (typeof p.port === 'number') ports.set(`${String(p.name ?? '')}/${String(p.protocol ?? 'TCP')}`, { port: p.port, protocol: String(p.protocol ?? 'TCP') });
    for (const e of s.endpoints ?? []) {
      // Only ready endpoints are published (publishNotReadyAddresses makes every endpoint ready).
      if ((e.conditions as Rec | undefined)?.ready === false) continue;
      for (const ip of (e.addresses as string[] | undefined) ?? []) out.push({ ip, hostname: typeof e.hostname === 'string' ? e.hostname : undefined, ports });
    }
  }
  return out;
}

const dashed = (ip: string) => ip.replace(/\./g, '-');

/** The answer to a query of `type` for `qname` (with or without the final dot). */
export function answer(data: DnsData, qname: string, type: 'A' | 'SRV', zone = CLUSTER_DOMAIN): DnsAnswer {
  const name = qname.replace(/\.$/, '').toLowerCase();
  if (!name.endsWith(`.${zone}`)) return NX;
  const labels = name.slice(0, -(zone.length + 1)).split('.');
  // <a-b-c-d>.<ns>.pod.<zone>
  if (labels.length === 3 && labels[2] === 'pod') {
    const ip = labels[0].replace(/-/g, '.');
    if (type === 'A' && isIPv4(ip) && data.namespaceExists(labels[1])) return { rcode: 'NOERROR', records: [{ type: 'A', name, ip }] };
    return NX;
  }
  if (labels[labels.length - 1] !== 'svc') return NX;
  const rest = labels.slice(0, -1);
  if (rest.length === 1) return data.namespaceExists(rest[0]) ? { rcode: 'NOERROR', records: [] } : NX;
  let portLabel: string | undefined;
  let protoLabel: string | undefined;
  let endpoint: string | undefined;
  let parts = rest;
  if (parts.length === 4 && parts[0].startsWith('_') && parts[1].startsWith('_')) {
    [portLabel, protoLabel] = [parts[0].slice(1), parts[1].slice(1)];
    parts = parts.slice(2);
  } else if (parts.length === 3) {
    endpoint = parts[0];
    parts = parts.slice(1);
  }
  if (parts.length !== 2) return NX;
  const [svcName, ns] = parts;
  const svc = data.services(ns, svcName);
  if (!svc) return NX;
  const spec = svc.spec ?? {};
  const fqdn = `${svcName}.${ns}.svc.${zone}`;
  if (spec.type === 'ExternalName') {
    if (endpoint || portLabel) return NX;
    return { rcode: 'NOERROR', records: [{ type: 'CNAME', name, target: String(spec.externalName ?? '').replace(/\.$/, '') }] };
  }
  const headless = spec.clusterIP === 'None';
  const eps = headless || endpoint ? endpointsOf(data, ns, svcName) : [];
  if (endpoint) {
    if (!headless) return NX;
    const hits = eps.filter((e) => e.hostname === endpoint || (!e.hostname && dashed(e.ip) === endpoint) || dashed(e.ip) === endpoint);
    if (!hits.length) return NX;
    return type === 'A' ? { rcode: 'NOERROR', records: hits.map((e) => ({ type: 'A', name, ip: e.ip })) } : { rcode: 'NOERROR', records: [] };
  }
  if (portLabel !== undefined) {
    const proto = (protoLabel ?? '').toUpperCase();
    const sp = ((spec.ports as Rec[] | undefined) ?? []).find((p) => String(p.name ?? '') === portLabel && String(p.protocol ?? 'TCP') === proto);
    if (!sp || type !== 'SRV') return NX;
    if (!headless) return { rcode: 'NOERROR', records: [{ type: 'SRV', name, target: fqdn, port: Number(sp.port), priority: 0, weight: 100 }] };
    const records: DnsRecord[] = [];
    for (const e of eps) {
      const p = e.ports.get(`${portLabel}/${proto}`);
      if (p) records.push({ type: 'SRV', name, target: `${e.hostname ?? dashed(e.ip)}.${fqdn}`, port: p.port, priority: 0, weight: 100 });
    }
    return records.length ? { rcode: 'NOERROR', records } : NX;
  }
  if (type !== 'A') return { rcode: 'NOERROR', records: [] };
  if (!headless) return { rcode: 'NOERROR', records: [{ type: 'A', name, ip: String(spec.clusterIP ?? '') }] };
  const ips = [...new Set(eps.map((e) => e.ip))];
  return ips.length ? { rcode: 'NOERROR', records: ips.map((ip) => ({ type: 'A', name, ip })) } : NX;
}

/** The resolv.conf a pod gets (dnsPolicy ClusterFirst): its namespace's search path and ndots:5. */
export function searchPath(namespace: string, zone = CLUSTER_DOMAIN): string[] {
  return [`${namespace}.svc.${zone}`, `svc.${zone}`, zone];
}

export interface Resolution {
  ok: boolean;
  /** The name that answered, and the CNAME chain from it. */
  name?: string;
  chain: string[];
  ips: string[];
  /** Every name asked, in order. */
  tried: string[];
}

/**
 * The stub resolver: names with fewer than `ndots` dots try the search path
 * first, then the name as given; others the other way round. CNAMEs are
 * followed; `upstream` answers names outside the cluster zone.
 */
export function resolve(data: DnsData, host: string, search: readonly string[], upstream: (name: string) => string[] | undefined, ndots = NDOTS, zone = CLUSTER_DOMAIN): Resolution {
  const tried: string[] = [];
  const candidates: string[] = [];
  if (host.endsWith('.')) candidates.push(host.slice(0, -1));
  else {
    const dots = host.split('.').length - 1;
    const searched = search.map((s) => `${host}.${s}`);
    if (dots >= ndots) candidates.push(host, ...searched);
    else candidates.push(...searched, host);
  }
  for (const c of candidates) {
    const r = lookupA(data, c, upstream, zone, tried, 0);
    if (r) return { ok: true, name: c, chain: r.chain, ips: r.ips, tried };
  }
  return { ok: false, chain: [], ips: [], tried };
}

function lookupA(data: DnsData, name: string, upstream: (name: string) => string[] | undefined, zone: string, tried: string[], depth: number): { ips: string[]; chain: string[] } | undefined {
  tried.push(name);
  if (depth > 8) return undefined;
  const lower = name.toLowerCase();
  if (lower === zone || lower.endsWith(`.${zone}`)) {
    const a = answer(data, lower, 'A', zone);
    if (a.rcode !== 'NOERROR' || !a.records.length) return undefined;
    const cname = a.records.find((r) => r.type === 'CNAME');
    if (cname && cname.type === 'CNAME') {
      const next = lookupA(data, cname.target, upstream, zone, tried, depth + 1);
      return next ? { ips: next.ips, chain: [cname.target, ...next.chain] } : undefined;
    }
    return { ips: a.records.flatMap((r) => (r.type === 'A' ? [r.ip] : [])), chain: [] };
  }
  const ips = upstream(lower);
  return ips && ips.length ? { ips, chain: [] } : undefined;
}
