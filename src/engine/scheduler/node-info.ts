/**
 * What the scheduler knows of pods and nodes (pkg/scheduler/framework
 * types.go): a PodInfo is a pod with what every cycle needs computed once
 * (requests, parsed affinity terms, host ports, claims); a NodeInfo is a node
 * with the pods on it (assumed ones included) and running sums over them.
 *
 * WARNING: plugins read NodeInfos and must not change them; the preemption
 * dry run and nominated-pod checks work on clones.
 */
import type { Container, Node, Pod, PodAffinityTerm, Stored, Taint, WeightedPodAffinityTerm } from '../api/types.ts';
import { podRequests } from '../api/pod.ts';
import { Selector } from '../api/selectors.ts';
import { resourceAmount as resourceAmountOf } from '../api/quantity.ts';

/** schedutil.DefaultMilliCPURequest and DefaultMemoryRequest: what a container without requests counts as when scoring. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export type Resources = Map<string, number>;

/**
 * Amounts of resources on a node (framework.Resource): cpu (millicores),
 * memory, ephemeral-storage and the pod count as fields, every other
 * (extended, hugepages, attachable volumes) in a map. `get` reads like a Map's.
 */
export class Resource {
  cpu = 0;
  memory = 0;
  ephemeralStorage = 0;
  pods = 0;
  scalar: Map<string, number> | undefined = undefined;

  get(name: string): number | undefined {
    switch (name) {
      case 'cpu':
        return this.cpu;
      case 'memory':
        return this.memory;
      case 'ephemeral-storage':
        return this.ephemeralStorage;
      case 'pods':
        return this.pods;
      default:
        return this.scalar?.get(name);
    }
  }

  add(name: string, v: number): void {
    switch (name) {
      case 'cpu':
        this.cpu += v;
        return;
      case 'memory':
        this.memory += v;
        return;
      case 'ephemeral-storage':
        this.ephemeralStorage += v;
        return;
      case 'pods':
        this.pods += v;
        return;
      default:
        (this.scalar ??= new Map()).set(name, (this.scalar.get(name) ?? 0) + v);
    }
  }

  /** Adds every amount of `other`, times `sign` (1 or -1). */
  addAll(other: Resource, sign: number): void {
    this.cpu += sign * other.cpu;
    this.memory += sign * other.memory;
    this.ephemeralStorage += sign * other.ephemeralStorage;
    this.pods += sign * other.pods;
    if (other.scalar) for (const [r, v] of other.scalar) this.add(r, sign * v);
  }

  clear(): void {
    this.cpu = this.memory = this.ephemeralStorage = this.pods = 0;
    this.scalar = undefined;
  }

  clone(): Resource {
    const c = new Resource();
    c.cpu = this.cpu;
    c.memory = this.memory;
    c.ephemeralStorage = this.ephemeralStorage;
    c.pods = this.pods;
    c.scalar = this.scalar && new Map(this.scalar);
    return c;
  }
}

/** A parsed pod (anti-)affinity term (framework.AffinityTerm). */
export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  selector: Selector;
  topologyKey: string;
  namespaceSelector: Selector;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** A host port a pod binds (util.GetHostPorts), sanitised: protocol TCP and IP 0.0.0.0 when empty. */
export interface HostPort {
  protocol: string;
  hostIP: string;
  port: number;
}

/** A pod as the scheduler's cache holds it, with what scheduling needs computed once. */
export interface PodInfo {
  pod: Stored<Pod>;
  /** Effective requests, canonical units (millicores for cpu). */
  requests: Resources;
  /** The same requests as a Resource (what NodeInfo sums). */
  requestedResource: Resource;
  /** cpu and memory requests with the scoring defaults for containers that request none. */
  nonZeroCpu: number;
  nonZeroMemory: number;
  requiredAffinityTerms: AffinityTerm[];
  requiredAntiAffinityTerms: AffinityTerm[];
  preferredAffinityTerms: WeightedAffinityTerm[];
  preferredAntiAffinityTerms: WeightedAffinityTerm[];
  hostPorts: HostPort[];
  /** `namespace/claim` of every PersistentVolumeClaim the pod uses (ephemeral volumes included). */
  claims: string[];
  /** Set when the pod's affinity could not be parsed; scheduling it is an error. */
  parseError?: string;
}

/** AffinityTerm.Matches: the pod is in the term's namespaces (or a namespace its selector picks) and has matching labels. */
export function termMatches(term: AffinityTerm, pod: Pod, nsLabels: Record<string, string> | undefined): boolean {
  if (term.namespaces.has(pod.metadata.namespace ?? '') || term.namespaceSelector.matches(nsLabels)) return term.selector.matches(pod.metadata.labels);
  return false;
}

function newAffinityTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  // getNamespacesFromPodAffinityTerm: no namespaces and no namespaceSelector means the pod's own namespace.
  const namespaces = new Set<string>(t.namespaces ?? []);
  if (!t.namespaces?.length && !t.namespaceSelector) namespaces.add(pod.metadata.namespace ?? '');
  return {
    namespaces,
    selector: Selector.fromLabelSelector(t.labelSelector),
    topologyKey: t.topologyKey,
    namespaceSelector: Selector.fromLabelSelector(t.namespaceSelector),
  };
}

function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const add = (c: Container) => {
    for (const p of c.ports ?? []) if ((p.hostPort ?? 0) > 0) out.push({ protocol: p.protocol || 'TCP', hostIP: p.hostIP || '0.0.0.0', port: p.hostPort! });
  };
  // Only init containers that run for the pod's whole life (sidecars) hold their ports.
  for (const c of pod.spec.initContainers ?? []) if (c.restartPolicy === 'Always') add(c);
  for (const c of pod.spec.containers ?? []) add(c);
  return out;
}

/** The claims of a pod's volumes: persistentVolumeClaim sources and generic ephemeral volumes (`<pod>-<volume>`). */
export function podClaims(pod: Pod): string[] {
  const out: string[] = [];
  const ns = pod.metadata.namespace ?? 'default';
  for (const v of pod.spec.volumes ?? []) {
    if (v.persistentVolumeClaim) out.push(`${ns}/${v.persistentVolumeClaim.claimName}`);
    else if (v.ephemeral) out.push(`${ns}/${pod.metadata.name}-${v.name}`);
  }
  return out;
}

const withDefaults = (c: Container): Container => {
  const r = { ...((c.resources?.requests ?? {}) as Record<string, string>) };
  if (r.cpu === undefined) r.cpu = `${DEFAULT_MILLI_CPU_REQUEST}m`;
  if (r.memory === undefined) r.memory = String(DEFAULT_MEMORY_REQUEST);
  return { ...c, resources: { ...c.resources, requests: r } };
};

/** What a pod's containers give it: requests (as scheduled and as scored) and host ports. */
interface ContainerParts {
  initContainers: unknown;
  overhead: unknown;
  requests: Resources;
  requestedResource: Resource;
  nonZeroCpu: number;
  nonZeroMemory: number;
  hostPorts: HostPort[];
}

/**
 * PodInfos of stored pods, and the container-derived parts by the (frozen)
 * containers list, which later revisions of a pod share: stored objects never
 * change, so what is computed from them once holds.
 */
const podInfos = new WeakMap<object, PodInfo>();
const containerParts = new WeakMap<object, ContainerParts>();

function computeContainerParts(pod: Pod): ContainerParts {
  const requests = podRequests(pod);
  // resourcehelper.PodRequests with NonMissingContainerRequests: every container
  // (init containers and sidecars included) that requests no cpu or memory counts
  // the defaults, then init containers and sidecars combine as for real requests.
  const nonZero = podRequests({
    spec: { ...pod.spec, containers: (pod.spec.containers ?? []).map(withDefaults), initContainers: pod.spec.initContainers?.map(withDefaults) },
  });
  const requestedResource = new Resource();
  for (const [r, v] of requests) requestedResource.add(r, v);
  return {
    initContainers: pod.spec.initContainers,
    overhead: pod.spec.overhead,
    requests,
    requestedResource,
    nonZeroCpu: nonZero.get('cpu') ?? 0,
    nonZeroMemory: nonZero.get('memory') ?? 0,
    hostPorts: hostPortsOf(pod),
  };
}

function containerPartsOf(pod: Pod): ContainerParts {
  const containers = pod.spec.containers;
  if (!containers || !Object.isFrozen(containers)) return computeContainerParts(pod);
  const hit = containerParts.get(containers);
  if (hit && hit.initContainers === pod.spec.initContainers && hit.overhead === pod.spec.overhead) return hit;
  const parts = computeContainerParts(pod);
  containerParts.set(containers, parts);
  return parts;
}

/** The scheduler's view of a pod (framework.NewPodInfo); remembered for stored (frozen) pods. */
export function newPodInfo(pod: Stored<Pod>): PodInfo {
  const frozen = Object.isFrozen(pod);
  if (frozen) {
    const hit = podInfos.get(pod);
    if (hit) return hit;
  }
  const parts = containerPartsOf(pod);
  const pi: PodInfo = {
    pod,
    requests: parts.requests,
    requestedResource: parts.requestedResource,
    nonZeroCpu: parts.nonZeroCpu,
    nonZeroMemory: parts.nonZeroMemory,
    requiredAffinityTerms: [],
    requiredAntiAffinityTerms: [],
    preferredAffinityTerms: [],
    preferredAntiAffinityTerms: [],
    hostPorts: parts.hostPorts,
    claims: podClaims(pod),
  };
  const a = pod.spec.affinity;
  if (a?.podAffinity || a?.podAntiAffinity) {
    try {
      const weighted = (ts: WeightedPodAffinityTerm[] | undefined) => (ts ?? []).map((w) => ({ ...newAffinityTerm(pod, w.podAffinityTerm), weight: w.weight }));
      pi.requiredAffinityTerms = (a.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(pod, t));
      pi.requiredAntiAffinityTerms = (a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => newAffinityTerm(pod, t));
      pi.preferredAffinityTerms = weighted(a.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
      pi.preferredAntiAffinityTerms = weighted(a.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    } catch (e) {
      pi.parseError = `parsing pod affinity terms: ${(e as Error).message}`;
    }
  }
  if (frozen) podInfos.set(pod, pi);
  return pi;
}

/**
 * calculateResourceAllocatableRequest's bypass: a scalar resource (extended,
 * hugepages, ...) the pod does not request is left out of the score.
 */
export function scoresResource(pi: PodInfo, resource: string): boolean {
  return resource === 'cpu' || resource === 'memory' || resource === 'ephemeral-storage' || (pi.requests.get(resource) ?? 0) > 0;
}

/** An image on nodes (framework.ImageStateSummary): its size and the nodes that have it, shared across NodeInfos. */
export interface ImageStateSummary {
  size: number;
  nodes: ReadonlySet<string>;
}

let nextGeneration = 0;

/** The latest generation given to any NodeInfo: every later change has a higher one. */
export function currentGeneration(): number {
  return nextGeneration;
}
/** The node's allocatable amount of a resource (0 when it has none). */
export function allocatableOf(n: NodeInfo, resource: string): number {
  return resource === 'cpu' ? n.allocCpu : resource === 'memory' ? n.allocMemory : (n.allocatable.get(resource) ?? 0);
}

/** The amount of a resource the pods on the node request. */
export function requestedOf(n: NodeInfo, resource: string): number {
  return resource === 'cpu' ? n.reqCpu : resource === 'memory' ? n.reqMemory : (n.requested.get(resource) ?? 0);
}

const NO_TAINTS: readonly Taint[] = Object.freeze([]);
const NO_IMAGES: ReadonlyMap<string, ImageStateSummary> = new Map();

/**
 * A node and what is on it, as the scheduler's cache sees it (assumed pods
 * included). Plugins must not change it.
 */
export class NodeInfo {
  /** The pods, by uid. This and the sums below are shared with copies until either changes (copy on write). */
  pods: Map<string, PodInfo>;
  /** Pods with pod affinity or anti-affinity of any kind. */
  podsWithAffinity: PodInfo[];
  /** Pods with required anti-affinity. */
  podsWithRequiredAntiAffinity: PodInfo[];
  requested: Resource;
  nonZeroCpu: number;
  nonZeroMemory: number;
  allocatable: Resource;
  /** hostIP -> `protocol/port` -> pods using it. */
  usedPorts: Map<string, Map<string, number>>;
  /** `namespace/claim` -> pods on the node using it. */
  pvcRefCounts: Map<string, number>;
  /** Images the node reports in status.images, by normalized name (kept by the scheduler's cache). */
  imageStates: ReadonlyMap<string, ImageStateSummary>;
  /** Bumped (from a global counter) on every change, so cached per-node computations can be reused safely. */
  generation: number;
  /** Numbers computed from the node and its pods (counts of matching pods), valid for `memoGeneration`. */
  private memo: Map<string, number> | undefined;
  private memoGeneration: number;
  node: Stored<Node>;
  /** The node's name (kept as a field: plugins read it for every node of every cycle). */
  name: string;
  /** spec.unschedulable and spec.taints, kept as fields for the same reason. */
  unschedulable: boolean;
  taints: readonly Taint[];
  /** Set while pods and the sums are shared with a copy (or the original). */
  private shared: boolean;
  /**
   * What NodeResourcesFit reads for every node of every cycle, as plain
   * fields of the NodeInfo: allocatable and requested CPU (millicores) and
   * memory, the pods on the node and how many it allows (see allocatableOf,
   * requestedOf).
   */
  allocCpu: number;
  allocMemory: number;
  reqCpu: number;
  reqMemory: number;
  podCount: number;
  allowedPods: number;

  /** A NodeInfo of the node without pods, or (with `from`) a copy of another (NodeInfo.Snapshot). */
  constructor(node: Stored<Node>, from?: NodeInfo) {
    // Both ways give every field in the same order, so all NodeInfos share one shape.
    this.pods = from ? from.pods : new Map();
    this.podsWithAffinity = from ? from.podsWithAffinity : [];
    this.podsWithRequiredAntiAffinity = from ? from.podsWithRequiredAntiAffinity : [];
    this.requested = from ? from.requested : new Resource();
    this.nonZeroCpu = from ? from.nonZeroCpu : 0;
    this.nonZeroMemory = from ? from.nonZeroMemory : 0;
    this.allocatable = from ? from.allocatable : new Resource();
    this.usedPorts = from ? from.usedPorts : new Map();
    this.pvcRefCounts = from ? from.pvcRefCounts : new Map();
    this.imageStates = from ? from.imageStates : NO_IMAGES;
    this.generation = from ? from.generation : ++nextGeneration;
    this.memo = undefined;
    this.memoGeneration = 0;
    this.node = node;
    this.name = node.metadata.name;
    this.unschedulable = from ? from.unschedulable : false;
    this.taints = from ? from.taints : NO_TAINTS;
    this.shared = !!from;
    this.allocCpu = from ? from.allocCpu : 0;
    this.allocMemory = from ? from.allocMemory : 0;
    this.reqCpu = from ? from.reqCpu : 0;
    this.reqMemory = from ? from.reqMemory : 0;
    this.podCount = from ? from.podCount : 0;
    this.allowedPods = from ? from.allowedPods : 0;
    if (from) from.shared = true;
    else this.setNode(node);
  }

  /** Brings the plain resource fields up to date with allocatable, requested and pods. */
  private resum(): void {
    this.allocCpu = this.allocatable.cpu;
    this.allocMemory = this.allocatable.memory;
    this.allowedPods = this.allocatable.pods;
    this.reqCpu = this.requested.cpu;
    this.reqMemory = this.requested.memory;
    this.podCount = this.pods.size;
  }

  /** A number remembered under `key` since the node last changed, if any. */
  remembered(key: string): number | undefined {
    return this.memoGeneration === this.generation ? this.memo!.get(key) : undefined;
  }

  /** Remembers a number computed from the node as it is now; any change of the node forgets it. */
  remember(key: string, value: number): number {
    if (this.memoGeneration !== this.generation) {
      this.memo = new Map();
      this.memoGeneration = this.generation;
    }
    this.memo!.set(key, value);
    return value;
  }

  setNode(node: Stored<Node>): void {
    this.node = node;
    this.name = node.metadata.name;
    this.unschedulable = !!node.spec?.unschedulable;
    this.taints = node.spec?.taints ?? NO_TAINTS;
    // A new Resource: copies may share the old one.
    this.allocatable = new Resource();
    for (const [r, q] of Object.entries((node.status?.allocatable ?? {}) as Record<string, string>)) this.allocatable.add(r, resourceAmountOf(r, q));
    this.resum();
    this.generation = ++nextGeneration;
  }

  /** Before a change: own copies of what is shared. */
  private unshare(): void {
    this.shared = false;
    this.pods = new Map(this.pods);
    this.requested = this.requested.clone();
    if (this.usedPorts.size) this.usedPorts = new Map([...this.usedPorts].map(([ip, m]) => [ip, new Map(m)]));
    else this.usedPorts = new Map();
    this.pvcRefCounts = new Map(this.pvcRefCounts);
  }

  addPod(pi: PodInfo): void {
    if (this.shared) this.unshare();
    const key = pi.pod.metadata.uid;
    if (this.pods.has(key)) this.removePod(key);
    this.pods.set(key, pi);
    if (pi.requiredAffinityTerms.length || pi.requiredAntiAffinityTerms.length || pi.preferredAffinityTerms.length || pi.preferredAntiAffinityTerms.length) {
      this.podsWithAffinity = [...this.podsWithAffinity, pi];
    }
    if (pi.requiredAntiAffinityTerms.length) this.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity, pi];
    this.requested.addAll(pi.requestedResource, 1);
    this.nonZeroCpu += pi.nonZeroCpu;
    this.nonZeroMemory += pi.nonZeroMemory;
    for (const p of pi.hostPorts) {
      let m = this.usedPorts.get(p.hostIP);
      if (!m) this.usedPorts.set(p.hostIP, (m = new Map()));
      const k = `${p.protocol}/${p.port}`;
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    for (const c of pi.claims) this.pvcRefCounts.set(c, (this.pvcRefCounts.get(c) ?? 0) + 1);
    this.resum();
    this.generation = ++nextGeneration;
  }

  removePod(uid: string): boolean {
    const pi = this.pods.get(uid);
    if (!pi) return false;
    if (this.shared) this.unshare();
    this.pods.delete(uid);
    if (this.podsWithAffinity.includes(pi)) this.podsWithAffinity = this.podsWithAffinity.filter((p) => p !== pi);
    if (this.podsWithRequiredAntiAffinity.includes(pi)) this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p !== pi);
    this.requested.addAll(pi.requestedResource, -1);
    this.nonZeroCpu -= pi.nonZeroCpu;
    this.nonZeroMemory -= pi.nonZeroMemory;
    for (const p of pi.hostPorts) {
      const m = this.usedPorts.get(p.hostIP);
      const k = `${p.protocol}/${p.port}`;
      const n = (m?.get(k) ?? 1) - 1;
      if (n <= 0) m?.delete(k);
      else m!.set(k, n);
      if (m && !m.size) this.usedPorts.delete(p.hostIP);
    }
    for (const c of pi.claims) {
      const n = (this.pvcRefCounts.get(c) ?? 1) - 1;
      if (n <= 0) this.pvcRefCounts.delete(c);
      else this.pvcRefCounts.set(c, n);
    }
    this.resum();
    this.generation = ++nextGeneration;
    return true;
  }

  /** HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every address, any address with 0.0.0.0. */
  portInUse(p: HostPort): boolean {
    const key = `${p.protocol}/${p.port}`;
    if (p.hostIP === '0.0.0.0') {
      for (const m of this.usedPorts.values()) if (m.has(key)) return true;
      return false;
    }
    return !!this.usedPorts.get('0.0.0.0')?.has(key) || !!this.usedPorts.get(p.hostIP)?.has(key);
  }

  /** A copy that can be changed without touching this one (NodeInfo.Snapshot). */
  clone(): NodeInfo {
    return new NodeInfo(this.node, this);
  }
}
