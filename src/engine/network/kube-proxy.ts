/**
 * kube-proxy, one per node (pkg/proxy, release 1.33). It watches Services
 * and EndpointSlices and, at most as often as its BoundedFrequencyRunner
 * lets it, rebuilds the node's service rules: cluster IPs, node ports,
 * external and load-balancer IPs, each leading to the endpoints that may
 * take the traffic (CategorizeEndpoints: ready endpoints, or serving and
 * terminating ones when none is ready; the node's own endpoints for a Local
 * traffic policy). A connection then picks one endpoint: at random in
 * iptables mode (the `statistic --mode random` rules), in turn in ipvs mode
 * (its default rr scheduler), and again the same one for a client within
 * the ClientIP session affinity timeout.
 *
 * Until a sync runs, the node routes with its old rules: that lag is what
 * drops requests during careless rollouts.
 */
import { R } from '../api/kinds.ts';
import type { KubeObject, Stored } from '../api/types.ts';
import type { Clock } from '../clock/clock.ts';
import type { Random } from '../clock/random.ts';
import type { Client } from '../client/client.ts';
import { InformerFactory, type Informer } from '../client/informer.ts';
import { BoundedFrequencyRunner } from './sync-runner.ts';

export type ProxyMode = 'iptables' | 'ipvs';

/** --iptables-min-sync-period (1 s) and --ipvs-min-sync-period (0) defaults of KubeProxyConfiguration v1alpha1. */
export const MIN_SYNC_PERIOD_MS: Record<ProxyMode, number> = { iptables: 1_000, ipvs: 0 };

export interface ProxyEndpoint {
  ip: string;
  port: number;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  nodeName?: string;
  /** The pod behind the endpoint, when the slice names one. */
  pod?: { namespace: string; name: string };
}

export interface ServicePortRule {
  namespace: string;
  service: string;
  portName: string;
  protocol: string;
  port: number;
  clusterIP?: string;
  nodePort?: number;
  externalIPs: string[];
  loadBalancerIPs: string[];
  internalLocal: boolean;
  externalLocal: boolean;
  affinityTimeoutMs?: number;
  /** Every endpoint of the slices for this port, as the last sync saw them. */
  endpoints: ProxyEndpoint[];
}

export type ProxyDecision =
  | { kind: 'dnat'; rule: ServicePortRule; endpoint: ProxyEndpoint; candidates: number }
  | { kind: 'reject'; rule: ServicePortRule; why: string }
  | { kind: 'drop'; rule: ServicePortRule; why: string };

type Rec = Record<string, unknown>;
type Service = KubeObject & { spec?: Rec };
type Slice = KubeObject & { endpoints?: Rec[]; ports?: Rec[] };

export interface KubeProxyOptions {
  nodeName: string;
  client: Client;
  clock: Clock;
  random: Random;
  mode?: ProxyMode;
  minSyncPeriodMs?: number;
}

export class KubeProxy {
  readonly mode: ProxyMode;
  private readonly informers: InformerFactory;
  private readonly services: Informer<Service>;
  private readonly slices: Informer<Slice>;
  private readonly runner: BoundedFrequencyRunner;
  private rules: ServicePortRule[] = [];
  private byClusterIP = new Map<string, ServicePortRule>();
  private byNodePort = new Map<string, ServicePortRule>();
  private byExternalIP = new Map<string, ServicePortRule>();
  private readonly affinity = new Map<string, { ep: string; at: number }>();
  private readonly rr = new Map<string, number>();
  private started = false;
  /** Instants of the syncs so far, for tests and the trace. */
  readonly syncs: number[] = [];

  constructor(private readonly o: KubeProxyOptions) {
    this.mode = o.mode ?? 'iptables';
    this.informers = new InformerFactory(o.client);
    this.services = this.informers.informer<Service>(R.services);
    this.slices = this.informers.informer<Slice>(R.endpointSlices);
    this.runner = new BoundedFrequencyRunner(o.clock, `kube-proxy ${o.nodeName} sync`, () => this.sync(), o.minSyncPeriodMs ?? MIN_SYNC_PERIOD_MS[this.mode]);
    const kick = { add: () => this.runner.run(), update: () => this.runner.run(), delete: () => this.runner.run() };
    this.services.on(kick);
    this.slices.on(kick);
  }

  get nodeName(): string {
    return this.o.nodeName;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.informers.start();
    this.runner.run();
  }

  stop(): void {
    this.started = false;
    this.informers.stop();
    this.runner.stop();
  }

  /** The rules of the last sync. */
  serviceRules(): readonly ServicePortRule[] {
    return this.rules;
  }

  /** syncProxyRules: the node's view of every service port, rebuilt from the informers. */
  private sync(): void {
    this.syncs.push(this.o.clock.now());
    const slicesBySvc = new Map<string, Stored<Slice>[]>();
    for (const s of this.slices.list()) {
      const svc = s.metadata.labels?.['kubernetes.io/service-name'];
      if (!svc || s.addressType !== 'IPv4') continue;
      const key = `${s.metadata.namespace}/${svc}`;
      let l = slicesBySvc.get(key);
      if (!l) slicesBySvc.set(key, (l = []));
      l.push(s);
    }
    const rules: ServicePortRule[] = [];
    for (const svc of this.services.list()) {
      const spec = svc.spec ?? {};
      const clusterIP = typeof spec.clusterIP === 'string' ? spec.clusterIP : '';
      if (spec.type === 'ExternalName' || clusterIP === '' || clusterIP === 'None') continue;
      if (svc.metadata.labels?.['service.kubernetes.io/service-proxy-name']) continue;
      const ns = svc.metadata.namespace ?? 'default';
      const slices = slicesBySvc.get(`${ns}/${svc.metadata.name}`) ?? [];
      const lb = ((svc.status as Rec | undefined)?.loadBalancer as Rec | undefined)?.ingress;
      const lbIPs = Array.isArray(lb) ? (lb as Rec[]).map((i) => String(i.ip ?? '')).filter(Boolean) : [];
      const affinity = spec.sessionAffinity === 'ClientIP' ? Number(((spec.sessionAffinityConfig as Rec | undefined)?.clientIP as Rec | undefined)?.timeoutSeconds ?? 10800) * 1000 : undefined;
      for (const p of (Array.isArray(spec.ports) ? spec.ports : []) as Rec[]) {
        const portName = String(p.name ?? '');
        const protocol = String(p.protocol ?? 'TCP');
        const endpoints: ProxyEndpoint[] = [];
        const seen = new Set<string>();
        for (const sl of slices) {
          const ep = (sl.ports ?? []).find((x) => String(x.name ?? '') === portName && String(x.protocol ?? 'TCP') === protocol);
          if (!ep || typeof ep.port !== 'number') continue;
          for (const e of sl.endpoints ?? []) {
            const c = (e.conditions ?? {}) as Rec;
            const ip = (e.addresses as string[] | undefined)?.[0];
            if (!ip || seen.has(`${ip}:${ep.port}`)) continue;
            seen.add(`${ip}:${ep.port}`);
            const ref = e.targetRef as Rec | undefined;
            // Unset conditions read as ready and serving, not terminating (the EndpointConditions docs).
            const ready = c.ready !== false;
            endpoints.push({
              ip,
              port: ep.port,
              ready,
              serving: c.serving === undefined ? ready : c.serving !== false,
              terminating: c.terminating === true,
              nodeName: typeof e.nodeName === 'string' ? e.nodeName : undefined,
              pod: ref?.kind === 'Pod' ? { namespace: String(ref.namespace ?? ns), name: String(ref.name) } : undefined,
            });
          }
        }
        endpoints.sort((a, b) => (a.ip === b.ip ? a.port - b.port : cmpIP(a.ip, b.ip)));
        rules.push({
          namespace: ns,
          service: svc.metadata.name,
          portName,
          protocol,
          port: Number(p.port),
          clusterIP,
          nodePort: typeof p.nodePort === 'number' ? p.nodePort : undefined,
          externalIPs: Array.isArray(spec.externalIPs) ? (spec.externalIPs as string[]) : [],
          loadBalancerIPs: lbIPs,
          internalLocal: spec.internalTrafficPolicy === 'Local',
          externalLocal: spec.externalTrafficPolicy === 'Local',
          affinityTimeoutMs: affinity,
          endpoints,
        });
      }
    }
    this.rules = rules;
    this.byClusterIP = new Map();
    this.byNodePort = new Map();
    this.byExternalIP = new Map();
    for (const r of rules) {
      this.byClusterIP.set(`${r.clusterIP}:${r.port}/${r.protocol}`, r);
      if (r.nodePort) this.byNodePort.set(`${r.nodePort}/${r.protocol}`, r);
      for (const ip of [...r.externalIPs, ...r.loadBalancerIPs]) this.byExternalIP.set(`${ip}:${r.port}/${r.protocol}`, r);
    }
  }

  /** The service port a destination belongs to on this node, if any (`nodeIP` marks this node's own address). */
  lookup(ip: string, port: number, protocol: string, nodeIP: boolean): { rule: ServicePortRule; via: 'clusterIP' | 'nodePort' | 'external' } | undefined {
    const c = this.byClusterIP.get(`${ip}:${port}/${protocol}`);
    if (c) return { rule: c, via: 'clusterIP' };
    const e = this.byExternalIP.get(`${ip}:${port}/${protocol}`);
    if (e) return { rule: e, via: 'external' };
    if (nodeIP) {
      const n = this.byNodePort.get(`${port}/${protocol}`);
      if (n) return { rule: n, via: 'nodePort' };
    }
    return undefined;
  }

  /**
   * What this node does with a new connection to a service address.
   * `external` is traffic from outside the cluster (to a node port, an
   * external or load-balancer IP); from inside, even those use the cluster
   * policy, as kube-proxy short-circuits them.
   */
  route(rule: ServicePortRule, clientIP: string, external: boolean): ProxyDecision {
    const local = external ? rule.externalLocal : rule.internalLocal;
    const { cluster, localEps, any } = categorize(rule.endpoints, this.o.nodeName);
    if (!any) return { kind: 'reject', rule, why: `service ${rule.namespace}/${rule.service}${rule.portName ? `:${rule.portName}` : ''} has no endpoints` };
    const eps = local ? localEps : cluster;
    if (!eps.length) return { kind: 'drop', rule, why: `service ${rule.namespace}/${rule.service} has no local endpoints on node ${this.o.nodeName} (${external ? 'externalTrafficPolicy' : 'internalTrafficPolicy'}: Local)` };
    const key = `${rule.namespace}/${rule.service}:${rule.portName}/${rule.protocol}`;
    const now = this.o.clock.now();
    if (rule.affinityTimeoutMs !== undefined) {
      const a = this.affinity.get(`${key}|${clientIP}`);
      if (a && now - a.at <= rule.affinityTimeoutMs) {
        const ep = eps.find((e) => `${e.ip}:${e.port}` === a.ep);
        if (ep) {
          a.at = now;
          return { kind: 'dnat', rule, endpoint: ep, candidates: eps.length };
        }
      }
    }
    let ep: ProxyEndpoint;
    if (this.mode === 'ipvs') {
      const i = this.rr.get(key) ?? 0;
      ep = eps[i % eps.length];
      this.rr.set(key, (i + 1) % eps.length);
    } else ep = eps[this.o.random.int(eps.length)];
    if (rule.affinityTimeoutMs !== undefined) this.affinity.set(`${key}|${clientIP}`, { ep: `${ep.ip}:${ep.port}`, at: now });
    return { kind: 'dnat', rule, endpoint: ep, candidates: eps.length };
  }
}

/**
 * CategorizeEndpoints without topology hints: ready endpoints, else serving
 * terminating ones, for the cluster and for this node separately.
 */
export function categorize(endpoints: readonly ProxyEndpoint[], nodeName: string): { cluster: ProxyEndpoint[]; localEps: ProxyEndpoint[]; any: boolean } {
  let cluster = endpoints.filter((e) => e.ready);
  if (!cluster.length) cluster = endpoints.filter((e) => e.serving && e.terminating);
  const mine = endpoints.filter((e) => e.nodeName === nodeName);
  let localEps = mine.filter((e) => e.ready);
  if (!localEps.length) localEps = mine.filter((e) => e.serving && e.terminating);
  const any = endpoints.some((e) => e.ready || (e.serving && e.terminating));
  return { cluster, localEps, any };
}

function cmpIP(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
