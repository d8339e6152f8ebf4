/**
 * The cluster network: the pod network (CNI, with NetworkPolicy), kube-proxy
 * on every node, CoreDNS, the ingress controller's data path and the cloud
 * load balancers in front of nodes. A request resolves its name as the
 * sender's resolv.conf says, goes through the kube-proxy rules of the node
 * it enters (as last synced), through NetworkPolicy, and reaches a pod whose
 * container either accepts the connection or not (the kubelet's data plane,
 * from the behaviour model).
 */
import { R } from '../api/kinds.ts';
import type { KubeObject, Node, Pod, Stored } from '../api/types.ts';
import { isPodTerminal } from '../api/pod.ts';
import { isIPv4 } from '../api/ip.ts';
import type { Clock } from '../clock/clock.ts';
import { Random } from '../clock/random.ts';
import type { Client } from '../client/client.ts';
import { InformerFactory, type Informer } from '../client/informer.ts';
import { KubeProxy, type ProxyMode } from './kube-proxy.ts';
import { CLUSTER_DNS_IP, type DnsData, type DnsService, type DnsSlice, resolve, searchPath } from './dns.ts';
import { type NetworkPolicy, type PolicyContext, connectionAllowed } from './network-policy.ts';
import { type Ingress, routeIngress } from './ingress-routing.ts';
import { type ParsedTarget, type RequestResult, type TrafficSource, TrafficStream, describeSource, parseTarget } from './traffic.ts';

/** What the network needs of the nodes: are they up, and does a pod accept a connection. */
export interface DataPlane {
  nodeAlive(node: string): boolean;
  connect(node: string, podUid: string, port: number, protocol: string): { ok: true; container: string } | { ok: false; kind: 'refused' | 'timeout' | 'unreachable'; why: string };
}

export interface NetworkOptions {
  client: Client;
  clock: Clock;
  seed: number;
  dataplane: DataPlane;
  proxyMode?: ProxyMode;
  /** The API server's address and port, where the `kubernetes` Service leads. */
  apiserver: { ip: string; port: number };
  /** The ingress controller's external address. */
  ingressAddress: string;
  /** The IngressClass the simulated ingress controller serves. */
  ingressClass: string;
}

/** The address of a client outside the cluster (a simulation constant from TEST-NET-2, RFC 5737). */
export const OUTSIDE_CLIENT_IP = '198.51.100.7';

type Rec = Record<string, unknown>;

export class Network {
  private readonly informers: InformerFactory;
  readonly services: Informer<DnsService>;
  readonly slices: Informer<DnsSlice>;
  readonly pods: Informer<Pod>;
  private readonly nodes: Informer<Node>;
  private readonly namespaces: Informer<KubeObject>;
  private readonly policies: Informer<NetworkPolicy>;
  readonly ingresses: Informer<Ingress>;
  private readonly secrets: Informer<KubeObject>;
  private readonly proxies = new Map<string, KubeProxy>();
  private readonly random: Random;
  private readonly nginxRR = new Map<string, number>();
  /** Every request sent, in order. */
  readonly log: RequestResult[] = [];

  constructor(private readonly o: NetworkOptions) {
    this.random = new Random(o.seed ^ 0x5eed);
    this.informers = new InformerFactory(o.client);
    this.services = this.informers.informer<DnsService>(R.services);
    this.slices = this.informers.informer<DnsSlice>(R.endpointSlices).addIndex('service', (s) => [`${s.metadata.namespace}/${s.metadata.labels?.['kubernetes.io/service-name'] ?? ''}`]);
    this.pods = this.informers.informer<Pod>(R.pods).addIndex('ip', (p) => (p.status?.podIP ? [p.status.podIP] : []));
    this.nodes = this.informers.informer<Node>(R.nodes);
    this.namespaces = this.informers.informer<KubeObject>(R.namespaces);
    this.policies = this.informers.informer<NetworkPolicy>(R.networkPolicies).addIndex('namespace', (p) => [p.metadata.namespace ?? '']);
    this.ingresses = this.informers.informer<Ingress>(R.ingresses);
    this.secrets = this.informers.informer<KubeObject>(R.secrets);
    this.informers.start();
  }

  /** kube-proxy of a node starts (the node booted) or starts again. */
  startNode(name: string, client: Client): void {
    this.proxies.get(name)?.stop();
    let h = 0;
    for (const ch of name) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
    const proxy = new KubeProxy({ nodeName: name, client, clock: this.o.clock, random: new Random(this.o.seed ^ h), mode: this.o.proxyMode });
    this.proxies.set(name, proxy);
    proxy.start();
  }

  /** kube-proxy of a node stops with its machine: its rules stay as they were. */
  stopNode(name: string): void {
    this.proxies.get(name)?.stop();
  }

  proxy(node: string): KubeProxy | undefined {
    return this.proxies.get(node);
  }

  readonly dnsData: DnsData = {
    services: (ns, name) => this.services.get(ns, name),
    slices: (ns, svc) => this.slices.byIndex('service', `${ns}/${svc}`),
    namespaceExists: (ns) => !!this.namespaces.get(undefined, ns),
  };

  private readonly policyContext: PolicyContext = {
    policies: (ns) => this.policies.byIndex('namespace', ns),
    namespaceLabels: (ns) => this.namespaces.get(undefined, ns)?.metadata.labels,
  };

  /** Sends one request and records its outcome. Throws only for a malformed target. */
  request(source: TrafficSource, target: string): RequestResult {
    const t = parseTarget(target);
    const res: RequestResult = { at: this.o.clock.now(), source: describeSource(source), target, ok: false, hops: [] };
    this.send(source, t, res);
    this.log.push(res);
    return res;
  }

  /** Starts steady traffic: a request every `intervalMs`. */
  startTraffic(source: TrafficSource, target: string, intervalMs: number): TrafficStream {
    parseTarget(target);
    const s = new TrafficStream(this.o.clock, source, target, intervalMs, () => this.request(source, target));
    s.start();
    return s;
  }

  private fail(res: RequestResult, failure: RequestResult['failure'], message: string): void {
    res.ok = false;
    res.failure = failure;
    res.message = message;
  }

  private nodeIP(node: Stored<Node> | undefined): string | undefined {
    return node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  }

  private nodeByIP(ip: string): Stored<Node> | undefined {
    return this.nodes.list().find((n) => this.nodeIP(n) === ip);
  }

  private podByIP(ip: string): Stored<Pod> | undefined {
    return this.pods.byIndex('ip', ip).find((p) => !p.spec.hostNetwork && !isPodTerminal(p));
  }

  private send(source: TrafficSource, t: ParsedTarget, res: RequestResult): void {
    let node: string | undefined;
    let src: { ip: string; pod?: Stored<Pod> };
    let clusterDNS = false;
    let search: string[] = [];
    if ('pod' in source) {
      const pod = this.pods.get(source.pod.namespace, source.pod.name);
      if (!pod || pod.status?.phase !== 'Running' || !pod.status.podIP) {
        return this.fail(res, 'source', pod ? `pod ${source.pod.namespace}/${source.pod.name} cannot send: it is not running (phase ${pod.status?.phase ?? 'Pending'})` : `there is no pod ${source.pod.namespace}/${source.pod.name}`);
      }
      node = pod.spec.nodeName;
      if (!node || !this.o.dataplane.nodeAlive(node)) return this.fail(res, 'source', `pod ${source.pod.namespace}/${source.pod.name} cannot send: its node ${node} is down`);
      src = { ip: pod.status.podIP, pod };
      const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
      clusterDNS = policy === 'ClusterFirstWithHostNet' || (policy === 'ClusterFirst' && !pod.spec.hostNetwork) || (policy === 'None' && (pod.spec.dnsConfig?.nameservers ?? []).includes(CLUSTER_DNS_IP));
      search = policy === 'None' ? [...(pod.spec.dnsConfig?.searches ?? [])] : [...searchPath(pod.metadata.namespace ?? 'default'), ...(pod.spec.dnsConfig?.searches ?? [])];
    } else if ('node' in source) {
      const n = this.nodes.get(undefined, source.node);
      if (!n || !this.o.dataplane.nodeAlive(source.node)) return this.fail(res, 'source', `node ${source.node} cannot send: ${n ? 'it is down' : 'there is no such node'}`);
      node = source.node;
      src = { ip: this.nodeIP(n) ?? '' };
    } else src = { ip: OUTSIDE_CLIENT_IP };

    // DNS
    let ip = t.host;
    if (!isIPv4(t.host)) {
      const r = resolve(this.dnsData, t.host, clusterDNS ? search : [], (name) => this.publicDNS(name), clusterDNS ? undefined : 1);
      if (!r.ok || (!clusterDNS && r.name?.endsWith('.cluster.local'))) {
        return this.fail(res, 'nxdomain', `could not resolve host "${t.host}": NXDOMAIN${clusterDNS ? ` (asked cluster DNS ${CLUSTER_DNS_IP} for ${r.tried.join(', ')})` : ' (cluster names resolve only in pods that use the cluster DNS)'}`);
      }
      // CoreDNS's loadbalance plugin shuffles A records; the client takes the first.
      ip = r.ips[r.ips.length > 1 ? this.random.int(r.ips.length) : 0];
      res.hops.push(`DNS: ${r.name}${r.chain.length ? ` -> ${r.chain.join(' -> ')}` : ''} -> ${ip}`);
    }
    if (ip === this.o.ingressAddress) return this.viaIngress(src, t, res);

    // kube-proxy on the node the packet enters
    let external = false;
    let entry = node;
    const owner = this.nodeByIP(ip);
    if (!node) {
      external = true;
      if (owner) entry = owner.metadata.name;
      else {
        const svc = this.services.list().find((s) => ((s.status as Rec | undefined)?.loadBalancer as { ingress?: Array<{ ip?: string }> } | undefined)?.ingress?.some((i) => i.ip === ip) || ((s.spec?.externalIPs as string[] | undefined) ?? []).includes(ip));
        if (!svc) return this.fail(res, 'timeout', `connection to ${ip}:${t.port} timed out: the address is not reachable from outside the cluster`);
        entry = this.cloudBackend(svc);
        if (!entry) return this.fail(res, 'timeout', `connection to ${ip}:${t.port} timed out: the load balancer of service ${svc.metadata.namespace}/${svc.metadata.name} has no healthy node behind it`);
        res.hops.push(`load balancer ${ip} -> node ${entry}`);
      }
      if (!this.o.dataplane.nodeAlive(entry)) return this.fail(res, 'node-down', `connection to ${ip}:${t.port} timed out: node ${entry} is down`);
    }
    let dst = { ip, port: t.port };
    const proxy = entry ? this.proxies.get(entry) : undefined;
    const look = proxy?.lookup(ip, t.port, 'TCP', owner?.metadata.name === entry);
    if (proxy && look) {
      const d = proxy.route(look.rule, src.ip, external && look.via !== 'clusterIP');
      res.service = `${look.rule.namespace}/${look.rule.service}`;
      if (d.kind === 'reject') return this.fail(res, 'no-endpoints', `connection refused: kube-proxy on ${entry} rejects it, ${d.why}`);
      if (d.kind === 'drop') return this.fail(res, 'timeout', `connection timed out: kube-proxy on ${entry} drops it, ${d.why}`);
      dst = { ip: d.endpoint.ip, port: d.endpoint.port };
      res.hops.push(`kube-proxy on ${entry}: service ${res.service} ${look.via === 'nodePort' ? `node port ${t.port}` : `${ip}:${t.port}`} -> ${dst.ip}:${dst.port} (1 of ${d.candidates} endpoint${d.candidates === 1 ? '' : 's'})`);
      // Outside traffic under externalTrafficPolicy Cluster is masqueraded to the node's address.
      if (external && !look.rule.externalLocal) src = { ip: this.nodeIP(this.nodes.get(undefined, entry!)) ?? src.ip };
    } else {
      const svc = this.services.list().find((s) => s.spec?.clusterIP === ip);
      if (svc) {
        const has = ((svc.spec?.ports as Rec[] | undefined) ?? []).some((p) => p.port === t.port && (p.protocol ?? 'TCP') === 'TCP');
        const why = has ? `kube-proxy on ${entry} has not synced service ${svc.metadata.namespace}/${svc.metadata.name} yet` : `service ${svc.metadata.namespace}/${svc.metadata.name} has no port ${t.port}`;
        return this.fail(res, 'timeout', `connection to ${ip}:${t.port} timed out: ${why}`);
      }
    }
    this.deliver(src, dst, res);
  }

  /** The node a cloud load balancer sends to: a live node, one with a ready local endpoint under externalTrafficPolicy Local. */
  private cloudBackend(svc: Stored<DnsService>): string | undefined {
    let nodes = this.nodes.list().map((n) => n.metadata.name).filter((n) => this.o.dataplane.nodeAlive(n)).sort();
    if (svc.spec?.externalTrafficPolicy === 'Local') {
      const ns = svc.metadata.namespace ?? 'default';
      const withLocal = new Set<string>();
      for (const s of this.slices.byIndex('service', `${ns}/${svc.metadata.name}`)) for (const e of s.endpoints ?? []) if ((e.conditions as Rec | undefined)?.ready !== false && typeof e.nodeName === 'string') withLocal.add(e.nodeName);
      nodes = nodes.filter((n) => withLocal.has(n));
    }
    return nodes.length ? nodes[this.random.int(nodes.length)] : undefined;
  }

  /** Names outside the cluster: the hosts of served Ingresses point at the ingress controller, as their owners' DNS would. */
  private publicDNS(name: string): string[] | undefined {
    for (const ing of this.servedIngresses()) for (const r of (ing.spec?.rules as Rec[] | undefined) ?? []) if (String(r.host ?? '').toLowerCase() === name) return [this.o.ingressAddress];
    return undefined;
  }

  /** The Ingresses the simulated controller serves: its class by name or by the legacy annotation. */
  servedIngresses(): Stored<Ingress>[] {
    return this.ingresses.list().filter((i) => i.spec?.ingressClassName === this.o.ingressClass || (!i.spec?.ingressClassName && i.metadata.annotations?.['kubernetes.io/ingress.class'] === this.o.ingressClass));
  }

  private viaIngress(_src: { ip: string; pod?: Stored<Pod> }, t: ParsedTarget, res: RequestResult): void {
    const m = routeIngress(this.servedIngresses(), t.host, t.path);
    if (!m || !m.backend?.service) return this.fail(res, 'http', `404 Not Found from the ingress controller: no rule of an Ingress of class "${this.o.ingressClass}" matches host "${t.host}" and path "${t.path}"`);
    const ns = m.ingress.metadata.namespace ?? 'default';
    res.hops.push(`ingress ${ns}/${m.ingress.metadata.name}: ${t.host}${t.path} -> service ${m.backend.service.name}${m.path ? ` (path ${m.path}, ${m.pathType})` : ' (default backend)'}`);
    if (t.scheme === 'https') {
      const tls = ((m.ingress.spec?.tls as Rec[] | undefined) ?? []).find((x) => ((x.hosts as string[] | undefined) ?? []).includes(t.host));
      if (!tls) return this.fail(res, 'tls', `ingress ${ns}/${m.ingress.metadata.name} has no TLS entry for "${t.host}": the controller presents its default fake certificate`);
      if (!this.secrets.get(ns, String(tls.secretName ?? ''))) return this.fail(res, 'tls', `the TLS secret "${tls.secretName}" of ingress ${ns}/${m.ingress.metadata.name} does not exist: the controller presents its default fake certificate`);
    }
    const svc = this.services.get(ns, m.backend.service.name);
    const want = m.backend.service.port;
    const sp = ((svc?.spec?.ports as Rec[] | undefined) ?? []).find((p) => (want.number !== undefined ? p.port === want.number : p.name === want.name));
    res.service = `${ns}/${m.backend.service.name}`;
    if (!svc || !sp) return this.fail(res, 'http', `503 Service Temporarily Unavailable from the ingress controller: ${svc ? `service ${res.service} has no port ${want.number ?? want.name}` : `service ${res.service} does not exist`}`);
    // ingress-nginx balances over the ready endpoints itself (round robin), not through the cluster IP.
    const eps: Array<{ ip: string; port: number }> = [];
    for (const s of this.slices.byIndex('service', res.service)) {
      const port = (s.ports ?? []).find((p) => String(p.name ?? '') === String(sp.name ?? '') && String(p.protocol ?? 'TCP') === String(sp.protocol ?? 'TCP'))?.port as number | undefined;
      if (port === undefined) continue;
      for (const e of s.endpoints ?? []) if ((e.conditions as Rec | undefined)?.ready !== false) for (const ip of (e.addresses as string[]) ?? []) eps.push({ ip, port });
    }
    if (!eps.length) return this.fail(res, 'http', `503 Service Temporarily Unavailable from the ingress controller: service ${res.service} has no ready endpoints`);
    const i = this.nginxRR.get(res.service) ?? 0;
    this.nginxRR.set(res.service, i + 1);
    this.deliver({ ip: this.o.ingressAddress }, eps[i % eps.length], res);
  }

  private deliver(src: { ip: string; pod?: Stored<Pod> }, dst: { ip: string; port: number }, res: RequestResult): void {
    if (dst.ip === this.o.apiserver.ip && dst.port === this.o.apiserver.port) {
      res.ok = true;
      res.answeredBy = 'kube-apiserver';
      res.hops.push(`kube-apiserver ${dst.ip}:${dst.port}`);
      return;
    }
    let pod = this.podByIP(dst.ip);
    if (!pod) {
      const owner = this.nodeByIP(dst.ip);
      if (!owner) return this.fail(res, 'unreachable', `no route to host ${dst.ip}: no pod or node has this address${res.service ? ` (kube-proxy still had it as an endpoint of ${res.service})` : ''}`);
      const host = this.pods.list().filter((p) => p.spec.hostNetwork && p.spec.nodeName === owner.metadata.name && !isPodTerminal(p));
      pod = host.find((p) => this.o.dataplane.connect(owner.metadata.name, p.metadata.uid, dst.port, 'TCP').ok) ?? host[0];
      if (!pod) return this.fail(res, this.o.dataplane.nodeAlive(owner.metadata.name) ? 'refused' : 'node-down', `connection to ${dst.ip}:${dst.port} ${this.o.dataplane.nodeAlive(owner.metadata.name) ? `refused: nothing listens on port ${dst.port} of node ${owner.metadata.name}` : `timed out: node ${owner.metadata.name} is down`}`);
    }
    const who = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const node = pod.spec.nodeName ?? '';
    if (!this.o.dataplane.nodeAlive(node)) return this.fail(res, 'node-down', `connection to ${dst.ip}:${dst.port} timed out: node ${node}, where pod ${who} runs, is down`);
    const verdict = connectionAllowed(src, { ip: dst.ip, pod }, dst.port, 'TCP', this.policyContext);
    if (!verdict.allowed) {
      const v = verdict.egress && !verdict.egress.allowed ? verdict.egress : verdict.ingress!;
      const dir = v === verdict.egress ? `egress of pod ${src.pod?.metadata.namespace}/${src.pod?.metadata.name}` : `ingress to pod ${who}`;
      return this.fail(res, 'policy', `connection to ${dst.ip}:${dst.port} timed out: dropped by NetworkPolicy: ${dir} is restricted by ${v.selectedBy.join(', ')} and no rule allows ${src.pod ? `pod ${src.pod.metadata.namespace}/${src.pod.metadata.name}` : src.ip} on TCP port ${dst.port}`);
    }
    const c = this.o.dataplane.connect(node, pod.metadata.uid, dst.port, 'TCP');
    res.pod = { namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, node, ip: dst.ip };
    if (!c.ok) return this.fail(res, c.kind === 'timeout' ? 'timeout' : c.kind, `connection to ${dst.ip}:${dst.port} ${c.kind === 'refused' ? 'refused' : c.kind === 'timeout' ? 'timed out' : 'failed'}: ${c.why}`);
    res.pod.container = c.container;
    res.ok = true;
    res.hops.push(`pod ${who} on ${node} (${dst.ip}:${dst.port})`);
  }
}
