import { describe, expect, it } from 'vitest';
import { OffsetRangeAllocator, rangeOffset } from '../../src/engine/apiserver/registry/range-allocator.ts';
import { ServiceAllocation } from '../../src/engine/apiserver/registry/service-allocation.ts';
import { planSlices } from '../../src/engine/controllers/endpointslice.ts';
import { answer, resolve, searchPath, type DnsData } from '../../src/engine/network/dns.ts';
import { connectionAllowed } from '../../src/engine/network/network-policy.ts';
import { routeIngress } from '../../src/engine/network/ingress-routing.ts';
import { categorize } from '../../src/engine/network/kube-proxy.ts';
import { Random, isStatusError } from '../../src/engine/index.ts';

describe('service allocators', () => {
  it('splits ranges as upstream: 256 static IPs in a /12, 86 static node ports in 30000-32767', () => {
    expect(rangeOffset(2 ** 20, 16, 256, 16)).toBe(256);
    expect(rangeOffset(2768, 16, 128, 32)).toBe(86);
    expect(rangeOffset(16, 16, 128, 32)).toBe(0);
  });

  it('hands out the upper band first, then the lower, and never twice', () => {
    const a = new OffsetRangeAllocator(20, 5, new Random(3));
    const got = new Set<number>();
    for (let i = 0; i < 15; i++) got.add(a.allocateNext()!);
    expect([...got].every((x) => x >= 5)).toBe(true);
    for (let i = 0; i < 5; i++) got.add(a.allocateNext()!);
    expect(got.size).toBe(20);
    expect(a.allocateNext()).toBeUndefined();
    a.release(7);
    expect(a.allocateNext()).toBe(7);
  });

  it('allocates cluster IPs in 10.96.0.0/12 and refuses taken or foreign ones with upstream messages', () => {
    const s = new ServiceAllocation({ random: new Random(1) });
    const svc = (spec: Record<string, unknown>): { metadata: object; spec: Record<string, unknown> } => ({ metadata: { name: 'x' }, spec: { type: 'ClusterIP', selector: { a: 'b' }, ...spec } });
    const a = svc({});
    s.allocateCreate(a, 'x').commit();
    expect(a.spec.clusterIP).toMatch(/^10\.(9[6-9]|10\d|11[01])\./);
    expect(a.spec).toMatchObject({ ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    s.allocateCreate(svc({ clusterIP: '10.96.0.10' }), 'x').commit();
    const clash = () => s.allocateCreate(svc({ clusterIP: '10.96.0.10' }), 'y');
    expect(clash).toThrow('spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated');
    expect(() => s.allocateCreate(svc({ clusterIP: '10.0.0.5' }), 'z')).toThrow('the provided IP (10.0.0.5) is not in the valid range. The range of valid IPs is 10.96.0.0/12');
  });

  it('allocates node ports, refuses clashes and releases on delete and type change', () => {
    const s = new ServiceAllocation({ random: new Random(1) });
    const np = (nodePort?: number) => ({ metadata: { name: 'n' }, spec: { type: 'NodePort', selector: { a: 'b' }, externalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', ...(nodePort ? { nodePort } : {}) }] } });
    const a = np(30080);
    s.allocateCreate(a, 'a').commit();
    try {
      s.allocateCreate(np(30080), 'b');
      expect.unreachable();
    } catch (e) {
      expect(isStatusError(e, 'Invalid')).toBe(true);
      expect((e as Error).message).toBe('Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    }
    expect(() => s.allocateCreate(np(80), 'c')).toThrow('provided port is not in the valid range. The range of valid ports is 30000-32767');
    const b = np();
    s.allocateCreate(b, 'd').commit();
    expect(b.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30086);
    // Back to ClusterIP: the node port goes.
    const next = { metadata: { name: 'a' }, spec: { ...a.spec, type: 'ClusterIP' } };
    s.allocateUpdate(next, a, 'a').commit();
    expect((next.spec.ports[0] as { nodePort?: number }).nodePort).toBeUndefined();
    s.allocateCreate(np(30080), 'e').commit();
  });

  it('gives LoadBalancer services with externalTrafficPolicy Local a health check node port', () => {
    const s = new ServiceAllocation({ random: new Random(2) });
    const lb = { metadata: { name: 'l' }, spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { a: 'b' }, ports: [{ port: 80, protocol: 'TCP' }] } } as { metadata: object; spec: Record<string, unknown> };
    s.allocateCreate(lb, 'l').commit();
    expect(lb.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
  });
});

const uid = (n: string) => `uid-${n}`;
const ep = (n: string, ready = true) => ({ addresses: [`10.0.0.${n}`], conditions: { ready, serving: ready, terminating: false }, targetRef: { kind: 'Pod', name: `p${n}`, uid: uid(n) } });
const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', uid: 'svc', resourceVersion: '1', creationTimestamp: '' }, spec: { selector: { app: 'web' } } } as never;
const ports = [{ name: '', port: 80, protocol: 'TCP' }];
const key = JSON.stringify([['', 80, 'TCP', '']]);

describe('EndpointSlice maintenance', () => {
  it('makes a placeholder for a service without endpoints', () => {
    const plan = planSlices(svc, new Map(), []);
    expect(plan.create).toHaveLength(1);
    expect(plan.create[0]).toMatchObject({ endpoints: [], ports: [], metadata: { generateName: 'web-', labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } } });
  });

  it('cuts slices at 100 endpoints', () => {
    const eps = Array.from({ length: 250 }, (_, i) => ep(String(i)));
    const plan = planSlices(svc, new Map([[key, { ports, endpoints: eps }]]), []);
    expect(plan.create.map((s) => (s.endpoints ?? []).length)).toEqual([100, 100, 50]);
  });

  it('keeps endpoints in their slice, updates changed ones and fills the slice being updated', () => {
    const stored = (name: string, endpoints: unknown[]) => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name, namespace: 'default', uid: name, resourceVersion: '1', creationTimestamp: '', labels: { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' }, ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc', controller: true, blockOwnerDeletion: true }] }, addressType: 'IPv4', endpoints, ports }) as never;
    const plan = planSlices(svc, new Map([[key, { ports, endpoints: [ep('1', false), ep('2'), ep('3')] }]]), [stored('web-a', [ep('1'), ep('2')])]);
    expect(plan.create).toHaveLength(0);
    expect(plan.update).toHaveLength(1);
    expect(plan.update[0].endpoints!.map((e) => [e.targetRef!.uid, (e.conditions as { ready: boolean }).ready])).toEqual([[uid('1'), false], [uid('2'), true], [uid('3'), true]]);
    // Gone pods leave; an emptied slice is deleted, but a placeholder stays.
    const gone = planSlices(svc, new Map(), [stored('web-a', [ep('1')])]);
    expect(gone.update.map((s) => [s.metadata.name, s.endpoints])).toEqual([['web-a', []]]);
  });
});

const data: DnsData = {
  services: (ns, name) =>
    (<Record<string, import("../../src/engine/network/dns.ts").DnsService>>{
      'default/web': { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { clusterIP: '10.96.5.5', ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } },
      'default/db': { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] } },
      'default/ext': { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'web.default.svc.cluster.local' } },
    })[`${ns}/${name}`],
  slices: (ns, name) =>
    ns === 'default' && name === 'db'
      ? [{ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: {}, addressType: 'IPv4', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }], endpoints: [{ addresses: ['10.244.0.5'], hostname: 'db-0', conditions: { ready: true } }, { addresses: ['10.244.1.6'], conditions: { ready: false } }] }]
      : [],
  namespaceExists: (ns) => ns === 'default' || ns === 'kube-system',
};

describe('cluster DNS', () => {
  it('answers services, headless services, pod hostnames, SRV, ExternalName and NXDOMAIN', () => {
    expect(answer(data, 'web.default.svc.cluster.local', 'A').records).toEqual([{ type: 'A', name: 'web.default.svc.cluster.local', ip: '10.96.5.5' }]);
    expect(answer(data, 'db.default.svc.cluster.local.', 'A').records.map((r) => (r as { ip: string }).ip)).toEqual(['10.244.0.5']);
    expect(answer(data, 'db-0.db.default.svc.cluster.local', 'A').records).toHaveLength(1);
    expect(answer(data, '10-244-0-5.db.default.svc.cluster.local', 'A').rcode).toBe('NOERROR');
    expect(answer(data, '_pg._tcp.db.default.svc.cluster.local', 'SRV').records).toEqual([{ type: 'SRV', name: '_pg._tcp.db.default.svc.cluster.local', target: 'db-0.db.default.svc.cluster.local', port: 5432, priority: 0, weight: 100 }]);
    expect(answer(data, '_http._tcp.web.default.svc.cluster.local', 'SRV').records[0]).toMatchObject({ target: 'web.default.svc.cluster.local', port: 80 });
    expect(answer(data, 'ext.default.svc.cluster.local', 'A').records).toEqual([{ type: 'CNAME', name: 'ext.default.svc.cluster.local', target: 'web.default.svc.cluster.local' }]);
    expect(answer(data, '10-1-2-3.default.pod.cluster.local', 'A').records).toEqual([{ type: 'A', name: '10-1-2-3.default.pod.cluster.local', ip: '10.1.2.3' }]);
    expect(answer(data, 'nope.default.svc.cluster.local', 'A').rcode).toBe('NXDOMAIN');
    expect(answer(data, 'web.nope.svc.cluster.local', 'A').rcode).toBe('NXDOMAIN');
  });

  it('resolves short names through the search path of the namespace, with ndots 5', () => {
    const r = resolve(data, 'web', searchPath('default'), () => undefined);
    expect(r).toMatchObject({ ok: true, name: 'web.default.svc.cluster.local', ips: ['10.96.5.5'] });
    expect(resolve(data, 'web.default', searchPath('kube-system'), () => undefined).name).toBe('web.default.svc.cluster.local');
    expect(resolve(data, 'ext', searchPath('default'), () => undefined)).toMatchObject({ ok: true, ips: ['10.96.5.5'], chain: ['web.default.svc.cluster.local'] });
    const miss = resolve(data, 'example.com', searchPath('default'), () => undefined);
    expect(miss.tried).toEqual(['example.com.default.svc.cluster.local', 'example.com.svc.cluster.local', 'example.com.cluster.local', 'example.com']);
    expect(miss.ok).toBe(false);
  });
});

const pod = (name: string, ns: string, labels: Record<string, string>, ports: Array<{ name?: string; containerPort: number }> = []) =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels, uid: name, resourceVersion: '1', creationTimestamp: '' }, spec: { containers: [{ name: 'c', ports }] } }) as never;
const policy = (name: string, ns: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec });

describe('NetworkPolicy evaluation', () => {
  const db = pod('db', 'prod', { app: 'db' }, [{ name: 'pg', containerPort: 5432 }]);
  const api = pod('api', 'prod', { app: 'api' });
  const other = pod('x', 'dev', { app: 'api' });
  const ctx = (pols: ReturnType<typeof policy>[]) => ({ policies: (ns: string) => pols.filter((p) => p.metadata.namespace === ns), namespaceLabels: (ns: string) => ({ 'kubernetes.io/metadata.name': ns, env: ns }) });

  it('is open without policies and closed by a default deny', () => {
    expect(connectionAllowed({ ip: '1', pod: api }, { ip: '2', pod: db }, 5432, 'TCP', ctx([])).allowed).toBe(true);
    const deny = policy('deny', 'prod', { podSelector: {}, policyTypes: ['Ingress'] });
    const v = connectionAllowed({ ip: '1', pod: api }, { ip: '2', pod: db }, 5432, 'TCP', ctx([deny]));
    expect(v.allowed).toBe(false);
    expect(v.ingress?.selectedBy).toEqual(['prod/deny']);
  });

  it('allows by pod selector in the same namespace, named ports, and namespace selectors', () => {
    const allow = policy('allow', 'prod', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'pg' }] }] });
    expect(connectionAllowed({ ip: '1', pod: api }, { ip: '2', pod: db }, 5432, 'TCP', ctx([allow])).allowed).toBe(true);
    expect(connectionAllowed({ ip: '1', pod: api }, { ip: '2', pod: db }, 5433, 'TCP', ctx([allow])).allowed).toBe(false);
    expect(connectionAllowed({ ip: '1', pod: other }, { ip: '2', pod: db }, 5432, 'TCP', ctx([allow])).allowed).toBe(false);
    const fromDev = policy('dev', 'prod', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: 'dev' } }, podSelector: { matchLabels: { app: 'api' } } }] }] });
    expect(connectionAllowed({ ip: '1', pod: other }, { ip: '2', pod: db }, 5432, 'TCP', ctx([fromDev])).allowed).toBe(true);
  });

  it('matches ipBlock with except, port ranges and egress', () => {
    const block = policy('block', 'prod', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 5000, endPort: 5500 }] }] });
    expect(connectionAllowed({ ip: '10.2.3.4' }, { ip: '2', pod: db }, 5432, 'TCP', ctx([block])).allowed).toBe(true);
    expect(connectionAllowed({ ip: '10.1.3.4' }, { ip: '2', pod: db }, 5432, 'TCP', ctx([block])).allowed).toBe(false);
    expect(connectionAllowed({ ip: '10.2.3.4' }, { ip: '2', pod: db }, 6000, 'TCP', ctx([block])).allowed).toBe(false);
    const egress = policy('egress', 'prod', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] });
    const v = connectionAllowed({ ip: '1', pod: api }, { ip: '2', pod: db }, 5432, 'TCP', ctx([egress]));
    expect(v.allowed).toBe(false);
    expect(v.egress?.selectedBy).toEqual(['prod/egress']);
  });
});

describe('ingress routing and kube-proxy endpoint choice', () => {
  const ing = (name: string, rules: unknown[], defaultBackend?: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name }, spec: { rules, defaultBackend } });
  const be = (name: string) => ({ service: { name, port: { number: 80 } } });
  const shop = ing('shop', [
    { host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: be('web') }, { path: '/cart', pathType: 'Prefix', backend: be('cart') }, { path: '/cart/checkout', pathType: 'Exact', backend: be('checkout') }] } },
    { host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: be('wild') }] } },
  ]);
  it('matches Prefix by path element, Exact exactly, the longest path first, exact hosts before wildcards', () => {
    const to = (host: string, path: string) => routeIngress([shop], host, path)?.backend.service?.name;
    expect(to('shop.example.com', '/cart')).toBe('cart');
    expect(to('shop.example.com', '/cart/')).toBe('cart');
    expect(to('shop.example.com', '/carts')).toBe('web');
    expect(to('shop.example.com', '/cart/checkout')).toBe('checkout');
    expect(to('blog.example.com', '/x')).toBe('wild');
    expect(to('a.b.example.com', '/x')).toBeUndefined();
    expect(routeIngress([ing('d', [], be('fallback'))], 'any', '/')?.backend.service?.name).toBe('fallback');
  });

  it('uses ready endpoints, and terminating serving ones only when none is ready', () => {
    const e = (ip: string, ready: boolean, serving: boolean, terminating: boolean, nodeName = 'n1') => ({ ip, port: 80, ready, serving, terminating, nodeName });
    expect(categorize([e('a', true, true, false), e('b', false, true, true)], 'n1').cluster.map((x) => x.ip)).toEqual(['a']);
    expect(categorize([e('a', false, false, false), e('b', false, true, true)], 'n1').cluster.map((x) => x.ip)).toEqual(['b']);
    expect(categorize([e('a', true, true, false, 'n2')], 'n1')).toMatchObject({ localEps: [], any: true });
  });
});
