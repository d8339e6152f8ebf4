/**
 * What the Service registry allocates (pkg/registry/core/service/storage,
 * alloc.go, release 1.33): cluster IPs from --service-cluster-ip-range and
 * node ports from --service-node-port-range, handed out on create and update
 * before validation, given back on delete and on type changes.
 *
 * Kubernetes keeps these allocators inside kube-apiserver's service registry,
 * so they live here, beside the request pipeline, rather than in network/:
 * the API server must refuse a clashing nodePort in the same request, which
 * only it can do. Their state is derived from the stored Services.
 *
 * The cluster is single-stack IPv4, as a default kubeadm or kind cluster is.
 */
import type { FieldError } from '../../api/errors.ts';
import { internalError, invalid, invalidObject } from '../../api/errors.ts';
import { intToIP, ipToInt } from '../../api/ip.ts';
import { OffsetRangeAllocator, type RandomInt, rangeOffset } from './range-allocator.ts';

type Rec = Record<string, unknown>;

export interface ServiceAllocationOptions {
  /** --service-cluster-ip-range; default 10.96.0.0/12. */
  clusterIPRange?: string;
  /** --service-node-port-range; default 30000-32767. */
  nodePortRange?: string;
  random: RandomInt;
}

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

/** What an allocation did, to keep (commit) or undo (revert) once the request's fate is known. */
export interface Transaction {
  commit(): void;
  revert(): void;
}

const spec = (svc: Rec): Rec => (svc.spec && typeof svc.spec === 'object' ? (svc.spec as Rec) : (svc.spec = {}));
const ports = (s: Rec): Rec[] => (Array.isArray(s.ports) ? (s.ports as unknown[]).filter((p): p is Rec => !!p && typeof p === 'object') : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : 0);

function isHeadless(s: Rec): boolean {
  const ips = Array.isArray(s.clusterIPs) ? s.clusterIPs : [];
  return s.clusterIP === 'None' || ips[0] === 'None';
}
const needsClusterIP = (s: Rec) => str(s.type) !== 'ExternalName' && !isHeadless(s);
const needsNodePorts = (s: Rec) => s.type === 'NodePort' || s.type === 'LoadBalancer';
/** apiservice.NeedsHealthCheck: a LoadBalancer with externalTrafficPolicy Local. */
export const needsHealthCheck = (s: Rec) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
/** shouldAllocateNodePorts: NodePort always; LoadBalancer unless allocateLoadBalancerNodePorts is false. */
const shouldAllocateNodePorts = (s: Rec) => s.type === 'NodePort' || (s.type === 'LoadBalancer' && s.allocateLoadBalancerNodePorts !== false);

export class ServiceAllocation {
  readonly cidr: string;
  readonly portRange: string;
  private readonly ipBase: number;
  private readonly ips: OffsetRangeAllocator;
  private readonly portBase: number;
  private readonly nodePorts: OffsetRangeAllocator;

  constructor(o: ServiceAllocationOptions) {
    this.cidr = o.clusterIPRange ?? DEFAULT_SERVICE_CIDR;
    this.portRange = o.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
    const m = /^([\d.]+)\/(\d+)$/.exec(this.cidr);
    const net = m ? ipToInt(m[1]) : undefined;
    const bits = m ? Number(m[2]) : NaN;
    if (net === undefined || !(bits >= 8 && bits <= 30)) throw new Error(`invalid service cluster IP range ${JSON.stringify(this.cidr)}: expected an IPv4 CIDR from /8 to /30`);
    const cidrSize = 2 ** (32 - bits);
    // The network address and the broadcast address are never handed out.
    this.ipBase = net - (net % cidrSize) + 1;
    this.ips = new OffsetRangeAllocator(cidrSize - 2, rangeOffset(cidrSize, 16, 256, 16), o.random);
    const p = /^(\d+)-(\d+)$/.exec(this.portRange);
    if (!p || Number(p[1]) > Number(p[2])) throw new Error(`invalid service node port range ${JSON.stringify(this.portRange)}: expected FIRST-LAST`);
    this.portBase = Number(p[1]);
    const size = Number(p[2]) - this.portBase + 1;
    this.nodePorts = new OffsetRangeAllocator(size, rangeOffset(size, 16, 128, 32), o.random);
  }

  /** Marks what stored Services hold as taken (the repair controllers' job after a restart). */
  load(services: readonly Rec[]): void {
    for (const svc of services) {
      const s = spec(svc);
      if (needsClusterIP(s)) {
        const off = this.ipOffset(str(s.clusterIP));
        if (off !== undefined) this.ips.allocate(off);
      }
      for (const np of this.nodePortsOf(s)) this.nodePorts.allocate(np - this.portBase);
    }
  }

  /** The n-th address of the range, counting from 1 (10.96.0.1 is the 1st, 10.96.0.10 the 10th). */
  indexedIP(n: number): string {
    return intToIP(this.ipBase + n - 1);
  }

  /** allocateCreate: IP family fields, cluster IPs, node ports and the health check node port. */
  allocateCreate(svc: Rec, name: string): Transaction {
    const s = spec(svc);
    normalizeClusterIPs(s);
    const txn = new Txn();
    try {
      this.initIPFamilyFields(s, undefined, name);
      if (needsClusterIP(s)) this.allocClusterIP(s, name, txn);
      if (needsNodePorts(s)) this.initNodePorts(s, name, txn);
      if (needsHealthCheck(s)) this.allocHealthCheck(s, txn);
    } catch (e) {
      txn.revert();
      throw e;
    }
    return txn;
  }

  /** allocateUpdate, after patchAllocatedValues; also drops the fields a type change leaves behind. */
  allocateUpdate(svc: Rec, oldSvc: Rec, name: string): Transaction {
    const s = spec(svc);
    const old = spec(oldSvc);
    patchAllocatedValues(s, old);
    normalizeClusterIPs(s);
    const txn = new Txn();
    try {
      this.initIPFamilyFields(s, old, name);
      if (old.type === 'ExternalName' && s.type !== 'ExternalName') {
        if (needsClusterIP(s)) this.allocClusterIP(s, name, txn);
      } else if (!isHeadless(old) && old.type !== 'ExternalName' && s.type === 'ExternalName') {
        const off = this.ipOffset(str(old.clusterIP));
        if (off !== undefined) txn.onCommit(() => this.ips.release(off));
      }
      const oldPorts = this.nodePortsOf(old);
      if (needsNodePorts(old) && !needsNodePorts(s)) for (const p of oldPorts) txn.onCommit(() => this.nodePorts.release(p - this.portBase));
      if (needsNodePorts(s)) this.updateNodePorts(s, oldPorts, name, txn);
      if (!needsHealthCheck(old) && needsHealthCheck(s)) this.allocHealthCheck(s, txn);
      else if (needsHealthCheck(old) && !needsHealthCheck(s) && num(old.healthCheckNodePort)) {
        const hc = num(old.healthCheckNodePort);
        txn.onCommit(() => this.nodePorts.release(hc - this.portBase));
      }
      dropTypeDependentFields(s, old);
    } catch (e) {
      txn.revert();
      throw e;
    }
    return txn;
  }

  /** releaseAllocatedResources: after a Service is deleted. */
  release(svc: Rec): void {
    const s = spec(svc);
    if (needsClusterIP(s)) {
      const off = this.ipOffset(str(s.clusterIP));
      if (off !== undefined) this.ips.release(off);
    }
    for (const np of this.nodePortsOf(s)) this.nodePorts.release(np - this.portBase);
  }

  private ipOffset(ip: string): number | undefined {
    const n = ipToInt(ip);
    if (n === undefined) return undefined;
    const off = n - this.ipBase;
    return off >= 0 && off < this.ips.size ? off : undefined;
  }

  private nodePortsOf(s: Rec): number[] {
    const out = new Set<number>();
    for (const p of ports(s)) if (num(p.nodePort)) out.add(num(p.nodePort));
    if (needsHealthCheck(s) && num(s.healthCheckNodePort)) out.add(num(s.healthCheckNodePort));
    return [...out];
  }

  /** initIPFamilyFields for a single-stack IPv4 cluster. */
  private initIPFamilyFields(s: Rec, old: Rec | undefined, name: string): void {
    if (s.type === 'ExternalName') return;
    const selectorless = !s.selector || Object.keys(s.selector as Rec).length === 0;
    if (s.ipFamilyPolicy == null) {
      if (old && old.ipFamilyPolicy != null) s.ipFamilyPolicy = old.ipFamilyPolicy;
      else s.ipFamilyPolicy = isHeadless(s) && selectorless ? 'RequireDualStack' : 'SingleStack';
    }
    const errs: FieldError[] = [];
    const ips = Array.isArray(s.clusterIPs) ? (s.clusterIPs as unknown[]).map(str) : [];
    const families = Array.isArray(s.ipFamilies) ? [...(s.ipFamilies as unknown[]).map(str)] : [];
    ips.forEach((ip, i) => {
      if (ip === 'None' || i < families.length) return;
      if (ip.includes(':')) errs.push(invalid(`spec.clusterIPs[${i}]`, ips, 'IPv6 is not configured on this cluster'));
      else if (ipToInt(ip) !== undefined) families.push('IPv4');
    });
    if (errs.length) throw invalidObject('Service', name, errs);
    if (isHeadless(s) && selectorless) {
      if (!families.length) families.push('IPv4');
      if (families.length < 2 && s.ipFamilyPolicy !== 'SingleStack') families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
      s.ipFamilies = families;
      return;
    }
    if (s.ipFamilyPolicy === 'RequireDualStack') errs.push(invalid('spec.ipFamilyPolicy', s.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
    families.forEach((f, i) => {
      if (f !== 'IPv4') errs.push(invalid(`spec.ipFamilies[${i}]`, f, 'not configured on this cluster'));
    });
    if (errs.length) throw invalidObject('Service', name, errs);
    s.ipFamilies = families.length ? families : ['IPv4'];
  }

  private allocClusterIP(s: Rec, name: string, txn: Txn): void {
    const wanted = str(s.clusterIP);
    if (wanted === '') {
      const off = this.ips.allocateNext();
      if (off === undefined) throw internalError('failed to allocate a serviceIP: range is full');
      txn.onRevert(() => this.ips.release(off));
      s.clusterIP = this.indexedIP(off + 1);
      s.clusterIPs = [s.clusterIP];
      return;
    }
    // A malformed address is left for validation to report.
    if (ipToInt(wanted) === undefined) return;
    const off = this.ipOffset(wanted);
    const fail = (why: string) => invalidObject('Service', name, [invalid('spec.clusterIPs', s.clusterIPs, `failed to allocate IP ${wanted}: ${why}`)]);
    if (off === undefined) throw fail(`the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${this.cidr}`);
    if (!this.ips.allocate(off)) throw fail('provided IP is already allocated');
    txn.onRevert(() => this.ips.release(off));
  }

  /** Reserves a node port the user asked for; the error names the field as upstream does. */
  private takePort(np: number, field: string, name: string, txn: Txn): void {
    const off = np - this.portBase;
    if (off < 0 || off >= this.nodePorts.size) {
      throw invalidObject('Service', name, [invalid(field, np, `provided port is not in the valid range. The range of valid ports is ${this.portRange}`)]);
    }
    if (!this.nodePorts.allocate(off)) throw invalidObject('Service', name, [invalid(field, np, 'provided port is already allocated')]);
    txn.onRevert(() => this.nodePorts.release(off));
  }

  private nextPort(what: string, txn: Txn): number {
    const off = this.nodePorts.allocateNext();
    if (off === undefined) throw internalError(`failed to allocate a ${what}: range is full`);
    txn.onRevert(() => this.nodePorts.release(off));
    return this.portBase + off;
  }

  /** initNodePorts: one node port per service port number (TCP and UDP 53 share one). */
  private initNodePorts(s: Rec, name: string, txn: Txn): void {
    const byPort = new Map<number, number>();
    const list = ports(s);
    list.forEach((p, i) => {
      if (!num(p.nodePort) && !shouldAllocateNodePorts(s)) return;
      const known = byPort.get(num(p.port));
      if (known === undefined) {
        const requested = list.slice(i).find((q) => num(q.port) === num(p.port) && num(q.nodePort))?.nodePort;
        if (requested !== undefined) {
          this.takePort(num(requested), `spec.ports[${i}].nodePort`, name, txn);
          p.nodePort = num(requested);
        } else p.nodePort = this.nextPort('nodePort', txn);
        byPort.set(num(p.port), num(p.nodePort));
      } else if (num(p.nodePort) !== known) {
        if (!num(p.nodePort)) p.nodePort = known;
        else this.takePort(num(p.nodePort), `spec.ports[${i}].nodePort`, name, txn);
      }
    });
  }

  private updateNodePorts(s: Rec, oldPorts: number[], name: string, txn: Txn): void {
    const taken = new Set<number>();
    ports(s).forEach((p, i) => {
      if (!num(p.nodePort) && !shouldAllocateNodePorts(s)) return;
      if (num(p.nodePort)) {
        if (!oldPorts.includes(num(p.nodePort)) && !taken.has(num(p.nodePort))) {
          this.takePort(num(p.nodePort), `spec.ports[${i}].nodePort`, name, txn);
          taken.add(num(p.nodePort));
        }
      } else p.nodePort = this.nextPort('nodePort', txn);
    });
    const now = new Set(this.nodePortsOf({ ...s, type: 'NodePort' }));
    for (const np of oldPorts) if (!now.has(np) && np !== num(s.healthCheckNodePort)) txn.onCommit(() => this.nodePorts.release(np - this.portBase));
  }

  private allocHealthCheck(s: Rec, txn: Txn): void {
    const hc = num(s.healthCheckNodePort);
    if (hc) {
      const off = hc - this.portBase;
      if (!this.nodePorts.allocate(off)) {
        const why = off < 0 || off >= this.nodePorts.size ? `provided port is not in the valid range. The range of valid ports is ${this.portRange}` : 'provided port is already allocated';
        throw internalError(`failed to allocate requested HealthCheck NodePort ${hc}: ${why}`);
      }
      txn.onRevert(() => this.nodePorts.release(off));
    } else s.healthCheckNodePort = this.nextPort('HealthCheck NodePort', txn);
  }
}

class Txn implements Transaction {
  private readonly reverts: Array<() => void> = [];
  private readonly commits: Array<() => void> = [];
  onRevert(fn: () => void): void {
    this.reverts.push(fn);
  }
  onCommit(fn: () => void): void {
    this.commits.push(fn);
  }
  commit(): void {
    for (const f of this.commits.splice(0)) f();
    this.reverts.length = 0;
  }
  revert(): void {
    for (const f of this.reverts.splice(0).reverse()) f();
    this.commits.length = 0;
  }
}

/** normalizeClusterIPs: clusterIPs follows clusterIP when only the latter was given. */
function normalizeClusterIPs(s: Rec): void {
  const ips = Array.isArray(s.clusterIPs) ? (s.clusterIPs as unknown[]) : [];
  if (str(s.clusterIP) !== '' && ips.length === 0) s.clusterIPs = [s.clusterIP];
}

/** patchAllocatedValues: a client that sends back a Service without its allocated values keeps them. */
function patchAllocatedValues(s: Rec, old: Rec): void {
  if (needsClusterIP(old) && needsClusterIP(s)) {
    if (str(s.clusterIP) === '') s.clusterIP = old.clusterIP;
    const ips = Array.isArray(s.clusterIPs) ? (s.clusterIPs as unknown[]) : [];
    if (ips.length === 0 && old.clusterIPs !== undefined) s.clusterIPs = old.clusterIPs;
  }
  if (needsNodePorts(old) && needsNodePorts(s)) {
    const byPort = new Map<string, number>();
    for (const p of ports(old)) if (num(p.nodePort)) byPort.set(`${num(p.port)}/${str(p.protocol)}`, num(p.nodePort));
    for (const p of ports(s)) if (!num(p.nodePort)) {
      const np = byPort.get(`${num(p.port)}/${str(p.protocol)}`);
      if (np) p.nodePort = np;
    }
  }
  if (needsHealthCheck(old) && needsHealthCheck(s) && !num(s.healthCheckNodePort)) s.healthCheckNodePort = old.healthCheckNodePort;
}

/** dropTypeDependentFields (the Service strategy's PrepareForUpdate): what the old type needed and the new one does not. */
function dropTypeDependentFields(s: Rec, old: Rec): void {
  if (s.type === 'ExternalName' && old.type !== 'ExternalName' && str(s.clusterIP) === str(old.clusterIP)) {
    delete s.clusterIP;
    delete s.clusterIPs;
    delete s.ipFamilies;
    delete s.ipFamilyPolicy;
  }
  if (!needsNodePorts(s) && needsNodePorts(old)) {
    for (const p of ports(s)) if (num(p.nodePort) && ports(old).some((q) => num(q.nodePort) === num(p.nodePort))) delete p.nodePort;
  }
  if (!needsHealthCheck(s) && needsHealthCheck(old) && num(s.healthCheckNodePort) === num(old.healthCheckNodePort)) delete s.healthCheckNodePort;
}
