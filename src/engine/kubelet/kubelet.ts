/**
 * The simulated kubelet, one per node: registers its Node, renews its Lease
 * every 10 s (lease duration 40 s), computes node status every 10 s and posts
 * it when it changed or every 5 minutes, and runs the pods bound to it
 * (admission against allocatable, then one PodWorker per pod).
 *
 * A dead node's kubelet does nothing at all: no heartbeats, no status, no
 * pod updates. When it comes back it registers again and finds its pods as
 * the API server has them: those marked for deletion are finished, the
 * others start again (their containers ended with the machine).
 */
import { R } from '../api/kinds.ts';
import type { Lease, Node, Pod, Stored } from '../api/types.ts';
import { clone, deepEqual, getCondition } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import { isPodTerminal, podRequests } from '../api/pod.ts';
import { resourceAmount } from '../api/quantity.ts';
import type { Clock, TaskHandle } from '../clock/clock.ts';
import type { Random } from '../clock/random.ts';
import type { Client } from '../client/client.ts';
import { Informer } from '../client/informer.ts';
import type { EventRecorder } from '../client/events.ts';
import { type NodeConfig, healthyConditions, newNode } from './node-status.ts';
import { HostLocalIPAM } from './host-local-ipam.ts';
import { type ConnectOutcome, PodWorker } from './pod-worker.ts';

/** nodeStatusUpdateFrequency and the lease renew interval (0.25 x the 40 s lease). */
export const NODE_STATUS_UPDATE_MS = 10_000;
export const LEASE_RENEW_MS = 10_000;
export const LEASE_DURATION_SECONDS = 40;
/** nodeStatusReportFrequency: an unchanged status is still posted this often. */
export const NODE_STATUS_REPORT_MS = 5 * 60_000;

export interface KubeletOptions {
  node: NodeConfig;
  client: Client;
  clock: Clock;
  random: Random;
  recorder: EventRecorder;
  missingImages(): ReadonlySet<string>;
}

export class Kubelet {
  private readonly workers = new Map<string, PodWorker>();
  private readonly ipam = new HostLocalIPAM();
  private readonly images = new Set<string>();
  private pods?: Informer<Pod>;
  private nodeInformer?: Informer<Node>;
  private timers: TaskHandle[] = [];
  private alive = false;
  private lastReport = 0;
  private registered = false;

  constructor(private readonly o: KubeletOptions) {}

  get nodeName(): string {
    return this.o.node.name;
  }

  get running(): boolean {
    return this.alive;
  }

  /** Starts the kubelet (first boot, or a node coming back). */
  start(): void {
    if (this.alive) return;
    this.alive = true;
    this.register();
    this.renewLease();
    this.nodeInformer = new Informer<Node>(this.o.client, R.nodes, { fieldSelector: `metadata.name=${this.nodeName}` });
    this.nodeInformer.on({ add: (n) => this.onNode(n), update: (_o, n) => this.onNode(n) });
    this.nodeInformer.start();
    this.pods = new Informer<Pod>(this.o.client, R.pods, { fieldSelector: `spec.nodeName=${this.nodeName}` });
    this.pods.on({ add: (p) => this.onPod(p), update: (_o, p) => this.onPod(p), delete: (p) => this.onPodGone(p) });
    this.pods.start();
    this.every(LEASE_RENEW_MS, 'lease', () => this.renewLease());
    this.every(NODE_STATUS_UPDATE_MS, 'status', () => this.updateNodeStatus());
  }

  /** The machine stops: nothing runs, nothing is reported. */
  die(): void {
    if (!this.alive) return;
    this.alive = false;
    for (const t of this.timers) t.cancel();
    this.timers = [];
    this.pods?.stop();
    this.nodeInformer?.stop();
    for (const w of this.workers.values()) w.stop();
    this.workers.clear();
    this.registered = false;
  }

  /** Makes the containers of a pod on this node crash (see PodWorker.crash); undefined when it has no such pod. */
  crash(namespace: string, pod: string, keep: boolean): number | undefined {
    for (const w of this.workers.values()) {
      if (w.pod.metadata.namespace === namespace && w.pod.metadata.name === pod) return w.crash(keep);
    }
    return undefined;
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
    for (const w of this.workers.values()) {
      if (w.pod.metadata.namespace !== namespace || w.pod.metadata.name !== pod) continue;
      const names = w.containerNames();
      const name = container ?? w.pod.spec.containers[0]?.name;
      return { lines: name ? w.logs(name, previous) : undefined, containers: names };
    }
    return undefined;
  }

  private every(ms: number, what: string, fn: () => void): void {
    const tick = () => {
      if (!this.alive) return;
      fn();
      this.timers.push(this.o.clock.schedule(ms, `kubelet ${this.nodeName} ${what}`, tick));
    };
    this.timers.push(this.o.clock.schedule(ms, `kubelet ${this.nodeName} ${what}`, tick));
  }

  private nodeRef(): Stored<Node> {
    return { apiVersion: 'v1', kind: 'Node', metadata: { name: this.nodeName, uid: this.nodeName } } as unknown as Stored<Node>;
  }

  private register(): void {
    const iso = this.o.clock.iso();
    const node = newNode(this.o.node, iso);
    try {
      this.o.client.create(R.nodes, node);
      this.registered = true;
    } catch (e) {
      if (!isStatusError(e, 'AlreadyExists')) throw e;
      // The Node exists (a restart): report a fresh status on it.
      this.registered = true;
      this.updateNodeStatus(true);
    }
    this.lastReport = this.o.clock.now();
    const ref = this.nodeRef();
    this.o.recorder.event(ref, 'Normal', 'Starting', 'Starting kubelet.');
    this.o.recorder.event(ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    for (const s of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) {
      this.o.recorder.event(ref, 'Normal', s, `Node ${this.nodeName} status is now: ${s}`);
    }
    this.o.recorder.event(ref, 'Normal', 'NodeReady', `Node ${this.nodeName} status is now: NodeReady`);
  }

  private renewLease(): void {
    const now = this.o.clock.isoMicro();
    try {
      const cur = this.o.client.get<Lease>(R.leases, 'kube-node-lease', this.nodeName);
      this.o.client.update(R.leases, { ...cur, spec: { ...cur.spec, renewTime: now } });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) {
        if (isStatusError(e, 'Conflict')) return;
        throw e;
      }
      const owner = this.nodeInformer?.get(undefined, this.nodeName);
      const lease: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.nodeName, namespace: 'kube-node-lease' },
        spec: { holderIdentity: this.nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
      };
      try {
        const node = owner ?? this.o.client.get<Node>(R.nodes, undefined, this.nodeName);
        lease.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Node', name: node.metadata.name, uid: node.metadata.uid }];
      } catch {
        // No Node yet: the lease is created without an owner, as the kubelet does before registering.
      }
      try {
        this.o.client.create(R.leases, lease);
      } catch (err) {
        if (!isStatusError(err, 'AlreadyExists')) throw err;
      }
    }
  }

  /** tryUpdateNodeStatus: post when something changed, or when the report period has passed. */
  private updateNodeStatus(force = false): void {
    let node: Stored<Node>;
    try {
      node = this.o.client.get<Node>(R.nodes, undefined, this.nodeName);
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
      // The Node object was deleted while the machine ran: register again.
      this.register();
      return;
    }
    const now = this.o.clock.now();
    const iso = this.o.clock.iso(now);
    const want = healthyConditions(iso, node.status?.conditions);
    const strip = (cs: typeof want | undefined) => (cs ?? []).map(({ lastHeartbeatTime: _h, lastTransitionTime: _t, ...rest }) => rest);
    const changed = !deepEqual(strip(want), strip(node.status?.conditions));
    if (!force && !changed && now - this.lastReport < NODE_STATUS_REPORT_MS) return;
    const next = clone(node);
    next.status = { ...next.status, conditions: want };
    const wasReady = getCondition(node.status?.conditions, 'Ready')?.status === 'True';
    try {
      this.o.client.updateStatus(R.nodes, next);
      this.lastReport = now;
      if (!wasReady && this.registered) this.o.recorder.event(this.nodeRef(), 'Normal', 'NodeReady', `Node ${this.nodeName} status is now: NodeReady`);
    } catch (e) {
      if (!isStatusError(e, 'Conflict') && !isStatusError(e, 'NotFound')) throw e;
    }
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
    const rejection = this.admit(pod);
    if (rejection) {
      this.reject(pod, rejection.reason, rejection.message);
      return;
    }
    const worker = new PodWorker(
      {
        clock: this.o.clock,
        random: this.o.random,
        client: this.o.client,
        recorder: this.o.recorder,
        nodeName: this.nodeName,
        hostIP: this.o.node.internalIP,
        missingImages: this.o.missingImages,
        images: this.images,
        allocateIP: () => this.ipam.allocate(),
        releaseIP: (ip) => this.ipam.release(ip),
        onDone: (uid) => this.workers.delete(uid),
      },
      pod,
    );
    this.workers.set(pod.metadata.uid, worker);
    const wasRunning = !!pod.status?.containerStatuses?.some((s) => s.state?.running || s.state?.terminated);
    worker.start(wasRunning);
  }

  private onPodGone(pod: Stored<Pod>): void {
    const w = this.workers.get(pod.metadata.uid);
    if (w) w.gone();
  }

  /** The kubelet's admission: pods beyond allocatable or the pod limit are refused (OutOfcpu, OutOfpods, ...). */
  private admit(pod: Stored<Pod>): { reason: string; message: string } | undefined {
    const node = this.nodeInformer?.get(undefined, this.nodeName);
    if (!node) return undefined;
    const alloc = (node.status?.allocatable ?? {}) as Record<string, string>;
    const active = [...this.workers.values()].map((w) => w.pod).filter((p) => !isPodTerminal(p));
    if (active.length + 1 > Number(alloc.pods ?? 110)) {
      return { reason: 'OutOfpods', message: `Node didn't have enough resource: pods, requested: 1, used: ${active.length}, capacity: ${alloc.pods}` };
    }
    const want = podRequests(pod);
    for (const [r, amount] of want) {
      if (amount <= 0 || alloc[r] === undefined) continue;
      let used = 0;
      for (const p of active) used += podRequests(p).get(r) ?? 0;
      const capacity = resourceAmount(r, alloc[r]);
      if (used + amount > capacity) {
        return { reason: `OutOf${r}`, message: `Node didn't have enough resource: ${r}, requested: ${amount}, used: ${used}, capacity: ${capacity}` };
      }
    }
    return undefined;
  }

  /** rejectPod: the event carries the admission message, the pod status says it was rejected. */
  private reject(pod: Stored<Pod>, reason: string, message: string): void {
    this.o.recorder.event(pod, 'Warning', reason, message);
    try {
      this.o.client.patch(R.pods, pod.metadata.namespace, pod.metadata.name, { status: { phase: 'Failed', reason, message: `Pod was rejected: ${message}` } }, 'merge', { subresource: 'status' });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }
}
