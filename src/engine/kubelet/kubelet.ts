/**
 * The simulated kubelet, one per node: registers its Node, renews its Lease
 * every 10 s (lease duration 40 s), computes node status every 10 s and posts
 * it when it changed or every 5 minutes (conditions with memory and disk
 * pressure, the images it holds), runs the eviction manager, and runs the
 * pods bound to it (admission, then one PodWorker per pod).
 *
 * Failures it can be put through:
 * - die: the machine stops. Nothing runs, nothing is reported. Starting
 *   again is a reboot: it registers again and finds its pods as the API
 *   server has them; those marked for deletion are finished, the others
 *   start again (their containers ended with the machine).
 * - restart: the kubelet process restarts and the containers keep running;
 *   the prober forgets its results (probed containers are not ready until
 *   probed again, within a period).
 * - network cut: the kubelet cannot reach the API server. Its containers
 *   keep running and restarting as before; no lease, no status, no events
 *   get through. When the network comes back it lists its pods again (those
 *   deleted meanwhile are stopped) and posts what it could not.
 */
import { R } from '../api/kinds.ts';
import type { Node, Pod, PodCondition, Stored } from '../api/types.ts';
import { isStatusError } from '../api/errors.ts';
import { isPodTerminal } from '../api/pod.ts';
import { resourceAmount } from '../api/quantity.ts';
import type { Clock, TaskHandle } from '../clock/clock.ts';
import type { Random } from '../clock/random.ts';
import type { Client } from '../client/client.ts';
import { Informer } from '../client/informer.ts';
import type { EventRecorder } from '../client/events.ts';
import type { NodeConfig } from './node-status.ts';
import { LEASE_RENEW_MS, NODE_STATUS_UPDATE_MS, NodeReporter } from './node-reporter.ts';
import { HostLocalIPAM } from './host-local-ipam.ts';
import { type ConnectOutcome, type ContainerUsage, type FaultScope, PodWorker } from './pod-worker.ts';
import { ImageManager } from './image-manager.ts';
import { EvictionManager, type RankedPod } from './eviction-manager.ts';
import { admitPod } from './admission.ts';
import { checkMemory } from './container-start.ts';
import { isDeclaredMissing, parseImageRef } from './behaviour/images.ts';
import type { ProbeKind } from './prober.ts';

export { LEASE_DURATION_SECONDS, LEASE_RENEW_MS, NODE_STATUS_REPORT_MS, NODE_STATUS_UPDATE_MS } from './node-reporter.ts';

/** Read access to the usage scenarios give containers (the engine's standing loads). */
export interface UsageSource {
  usage(pod: Pick<Pod, 'metadata'>, container: string): ContainerUsage | undefined;
}

export interface KubeletOptions {
  node: NodeConfig;
  client: Client;
  clock: Clock;
  random: Random;
  recorder: EventRecorder;
  missingImages(): ReadonlySet<string>;
  usage?: UsageSource;
  /** How long pulling an image takes, in ms (0 unless a scenario says otherwise). */
  pullDurationMs?(image: string): number;
}

type Worker = RankedPod & { worker: PodWorker };

export class Kubelet {
  private readonly workers = new Map<string, PodWorker>();
  private readonly ipam = new HostLocalIPAM();
  readonly images: ImageManager;
  private readonly eviction: EvictionManager<Worker>;
  private readonly recorder: EventRecorder;
  private pods?: Informer<Pod>;
  private nodeInformer?: Informer<Node>;
  private timers: TaskHandle[] = [];
  private alive = false;
  private network = true;
  private readonly reporter: NodeReporter;
  /** When the kubelet process last started; the cluster's first kubelets count as long running. */
  private startedAt = Number.NEGATIVE_INFINITY;
  private booted = false;
  /** Free bytes of the node filesystem (a scenario may fill it). */
  private nodefsFree: number;

  constructor(private readonly o: KubeletOptions) {
    this.recorder = { event: (...a) => (this.network && this.alive ? o.recorder.event(...a) : undefined) };
    this.images = new ImageManager({
      clock: o.clock,
      nodeName: o.node.name,
      pullError: (image) => (isDeclaredMissing(image, o.missingImages()) ? notFoundError(image) : undefined),
      pullDurationMs: (image) => o.pullDurationMs?.(image) ?? 0,
      onImagesChanged: () => undefined,
    });
    this.nodefsFree = resourceAmount('ephemeral-storage', o.node.ephemeralStorage);
    this.reporter = new NodeReporter({
      config: o.node,
      client: o.client,
      clock: o.clock,
      recorder: this.recorder,
      online: () => this.network && this.alive,
      cachedNode: () => this.nodeInformer?.get(undefined, this.nodeName),
      pressure: () => this.eviction.pressure(),
      images: () => this.images.nodeImages(),
    });
    this.eviction = new EvictionManager<Worker>({
      now: () => o.clock.now(),
      schedule: (ms, fn) => this.timers.push(o.clock.schedule(ms, `kubelet ${this.nodeName} eviction manager`, () => this.alive && fn())),
      memoryCapacityBytes: () => resourceAmount('memory', o.node.memory),
      nodefs: () => ({ capacity: resourceAmount('ephemeral-storage', o.node.ephemeralStorage), available: this.nodefsFree }),
      activePods: () => this.activeWorkers(),
      evict: (p, message, condition, cleaned) => this.evict(p.worker, message, condition, cleaned),
      // Posted at once (upstream waits for the next status update, within 10 s): on simulated time,
      // where nothing takes time, pods the scheduler sent here meanwhile would be rejected and replaced
      // in an endless storm at one instant.
      conditionsChanged: () => this.reporter.updateNodeStatus(),
    });
  }

  get nodeName(): string {
    return this.o.node.name;
  }

  get running(): boolean {
    return this.alive;
  }

  get reachable(): boolean {
    return this.network;
  }

  /** Starts the kubelet (first boot, or a node coming back). */
  start(): void {
    if (this.alive) return;
    this.alive = true;
    if (this.booted) this.startedAt = this.o.clock.now();
    this.booted = true;
    this.reporter.register();
    this.reporter.renewLease();
    this.startInformers();
    this.every(LEASE_RENEW_MS, 'lease', () => this.reporter.renewLease());
    this.every(NODE_STATUS_UPDATE_MS, 'status', () => this.reporter.updateNodeStatus());
    this.eviction.start();
  }

  /** The machine stops: nothing runs, nothing is reported. */
  die(): void {
    if (!this.alive) return;
    this.alive = false;
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.eviction.stop();
    this.pods?.stop();
    this.nodeInformer?.stop();
    // A rebooted kubelet starts with empty caches.
    this.pods = undefined;
    this.nodeInformer = undefined;
    for (const w of this.workers.values()) w.stop();
    this.workers.clear();
    this.reporter.reset();
  }

  /** The kubelet process restarts; containers keep running. */
  restart(): void {
    if (!this.alive) return;
    this.startedAt = this.o.clock.now();
    this.pods?.stop();
    this.nodeInformer?.stop();
    this.reporter.startEvents();
    this.startInformers();
    for (const w of this.workers.values()) w.restartProbes();
    this.reporter.updateNodeStatus(true);
  }

  /** Cuts or restores the node's network to the API server. */
  setNetwork(up: boolean): void {
    if (up === this.network) return;
    this.network = up;
    if (!this.alive) return;
    if (!up) {
      this.pods?.stop();
      this.nodeInformer?.stop();
      return;
    }
    this.startInformers();
    this.reporter.renewLease();
    this.reporter.updateNodeStatus(true);
    for (const w of [...this.workers.values()]) w.resync();
  }

  /** A scenario fills the node's disk (or frees it again). */
  setDiskFull(full: boolean): void {
    const capacity = resourceAmount('ephemeral-storage', this.o.node.ephemeralStorage);
    this.nodefsFree = full ? Math.floor(capacity * 0.05) : capacity;
  }

  /** Usage changed somewhere: containers over their memory limit are killed. */
  usageChanged(): void {
    if (!this.alive) return;
    for (const w of this.workers.values()) for (const r of w.runs) checkMemory(w, r);
  }

  private worker(namespace: string, pod: string): PodWorker | undefined {
    for (const w of this.workers.values()) if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === pod) return w;
    return undefined;
  }

  /** Makes the containers of a pod on this node crash (see PodWorker.crash); undefined when it has no such pod. */
  crash(namespace: string, pod: string, keep: boolean): number | undefined {
    return this.worker(namespace, pod)?.crash(keep);
  }

  /** Makes a probe of a pod's containers fail (scope) or pass again (undefined); the containers affected, or undefined without the pod. */
  setProbeFault(namespace: string, pod: string, container: string | undefined, kind: ProbeKind, scope: FaultScope | undefined): string[] | undefined {
    return this.worker(namespace, pod)?.setProbeFault(container, kind, scope);
  }

  /** A new connection to a port of a pod of this node (the network model's data plane). */
  connect(podUid: string, port: number, protocol = 'TCP'): ConnectOutcome {
    if (!this.alive) return { ok: false, kind: 'timeout', why: `node ${this.nodeName} is down` };
    const w = this.workers.get(podUid);
    if (!w) return { ok: false, kind: 'unreachable', why: `no pod with that address runs on node ${this.nodeName}` };
    return w.connect(port, protocol);
  }

  /** Log lines of a container of a pod on this node (kubectl logs). */
  logs(namespace: string, pod: string, container: string | undefined, previous: boolean): { lines?: Array<{ time: number; text: string }>; containers: string[] } | undefined {
    // The API server reaches the kubelet for logs; a node cut off the network cannot answer.
    const w = this.network ? this.worker(namespace, pod) : undefined;
    if (!w) return undefined;
    const name = container ?? w.pod.spec.containers[0]?.name;
    return { lines: name ? w.logs(name, previous) : undefined, containers: w.containerNames() };
  }

  private startInformers(): void {
    if (!this.network) return;
    if (!this.pods || !this.nodeInformer) {
      this.nodeInformer = new Informer<Node>(this.o.client, R.nodes, { fieldSelector: `metadata.name=${this.nodeName}` });
      this.nodeInformer.on({ add: (n) => this.onNode(n), update: (_o, n) => this.onNode(n) });
      this.pods = new Informer<Pod>(this.o.client, R.pods, { fieldSelector: `spec.nodeName=${this.nodeName}` });
      this.pods.on({ add: (p) => this.onPod(p), update: (_o, p) => this.onPod(p), delete: (p) => this.onPodGone(p) });
    }
    this.nodeInformer.start();
    this.pods.start();
    // Pods the API no longer has (deleted while the kubelet could not see it) are stopped.
    for (const w of [...this.workers.values()]) if (!this.pods.get(w.pod.metadata.namespace, w.pod.metadata.name)) w.gone();
  }

  private every(ms: number, what: string, fn: () => void): void {
    const tick = () => {
      if (!this.alive) return;
      fn();
      this.timers.push(this.o.clock.schedule(ms, `kubelet ${this.nodeName} ${what}`, tick));
    };
    this.timers.push(this.o.clock.schedule(ms, `kubelet ${this.nodeName} ${what}`, tick));
  }

  private onNode(node: Stored<Node>): void {
    const hadRange = this.ipam.ready;
    this.ipam.setRange(node.spec?.podCIDR);
    // Pods that waited for the node's pod CIDR can start now.
    if (!hadRange && this.ipam.ready) for (const p of this.pods?.list() ?? []) this.onPod(p);
  }

  private onPod(pod: Stored<Pod>): void {
    if (!this.alive) return;
    const w = this.workers.get(pod.metadata.uid);
    if (w) {
      w.update(pod);
      return;
    }
    if (isPodTerminal(pod) && !pod.metadata.deletionTimestamp) return;
    if (pod.metadata.deletionTimestamp) {
      // Nothing of it runs here (it never started, or the machine restarted): finish its deletion.
      try {
        this.o.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
      } catch (e) {
        if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
      }
      return;
    }
    if (!this.ipam.ready) return;
    const active = [...this.workers.values()].filter((x) => !x.isTerminated).map((x) => x.pod);
    const rejection = admitPod(pod, this.nodeInformer?.get(undefined, this.nodeName), active, this.eviction.pressure());
    if (rejection) {
      this.reject(pod, rejection.reason, rejection.message);
      return;
    }
    const worker = new PodWorker(
      {
        clock: this.o.clock,
        random: this.o.random,
        client: this.o.client,
        recorder: this.recorder,
        nodeName: this.nodeName,
        hostIP: this.o.node.internalIP,
        missingImages: this.o.missingImages,
        images: this.images,
        config: {
          configMap: (ns, name) => this.lookup(R.configMaps, ns, name),
          secret: (ns, name) => this.lookup(R.secrets, ns, name),
        },
        usage: (p, c) => this.o.usage?.usage(p, c),
        allocatable: () => ((this.nodeInformer?.get(undefined, this.nodeName)?.status?.allocatable ?? {}) as Record<string, string>),
        allocateIP: () => this.ipam.allocate(),
        releaseIP: (ip) => this.ipam.release(ip),
        online: () => this.network,
        kubeletStartedAt: () => this.startedAt,
        onDone: (uid) => this.workers.delete(uid),
      },
      pod,
    );
    this.workers.set(pod.metadata.uid, worker);
    const wasRunning = !!pod.status?.containerStatuses?.some((s) => s.state?.running || s.state?.terminated);
    worker.start(wasRunning);
  }

  private lookup<T>(type: typeof R.configMaps, namespace: string, name: string): T | undefined {
    if (!this.network) return undefined;
    try {
      return this.o.client.get(type, namespace, name) as T;
    } catch (e) {
      if (isStatusError(e, 'NotFound')) return undefined;
      throw e;
    }
  }

  private onPodGone(pod: Stored<Pod>): void {
    const w = this.workers.get(pod.metadata.uid);
    if (w) w.gone();
  }

  private activeWorkers(): Worker[] {
    const out: Worker[] = [];
    for (const w of this.workers.values()) {
      if (w.isTerminated || w.termination) continue;
      const memory = new Map<string, number>();
      for (const r of w.runs) {
        if (r.state !== 'running') continue;
        const m = w.usageOf(r).memory;
        memory.set(r.spec.name, m ? resourceAmount('memory', m) : 0);
      }
      out.push({ pod: w.pod, memory, worker: w });
    }
    return out;
  }

  private evict(w: PodWorker, message: string, condition: PodCondition, cleaned: () => void): void {
    this.recorder.event(w.pod, 'Warning', 'Evicted', message);
    const stamped = { ...condition, lastProbeTime: null, lastTransitionTime: this.o.clock.iso() } as unknown as PodCondition;
    w.onTerminated = cleaned;
    // Hard thresholds: the pod gets immediateEvictionGracePeriodSeconds (1 s; containers still get 2).
    w.terminate({ graceSeconds: 1, delete: false, status: { reason: 'Evicted', message, condition: stamped } });
  }

  /** rejectPod: the event carries the admission message, the pod status says it was rejected. */
  private reject(pod: Stored<Pod>, reason: string, message: string): void {
    this.recorder.event(pod, 'Warning', reason, message);
    if (!this.network) return;
    try {
      this.o.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name, { status: { phase: 'Failed', reason, message: `Pod was rejected: ${message}` } }, 'merge', { subresource: 'status' });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }
}

/** containerd's answer for an image the registry does not have. */
function notFoundError(image: string): string {
  const ref = parseImageRef(image).canonical;
  return `rpc error: code = NotFound desc = failed to pull and unpack image ${JSON.stringify(ref)}: failed to resolve reference ${JSON.stringify(ref)}: ${ref}: not found`;
}
