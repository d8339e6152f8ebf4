/**
 * What a kubelet tells the control plane about its node
 * (pkg/kubelet/kubelet_node_status.go, nodelease): registration with the
 * kubelet's start-up events, the Lease renewed every 10 s (lease duration
 * 40 s), and the node status, computed every 10 s and posted when it
 * changed (conditions with memory and disk pressure, the images held) or
 * every 5 minutes, with the NodeReady and pressure events.
 */
import { R } from '../api/kinds.ts';
import type { Lease, Node, Stored } from '../api/types.ts';
import { clone, deepEqual, getCondition } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Clock } from '../clock/clock.ts';
import type { Client } from '../client/client.ts';
import type { EventRecorder } from '../client/events.ts';
import { type NodeConfig, kubeletConditions, newNode, pressureEvent } from './node-status.ts';
import type { NodeImage } from './image-manager.ts';

/** nodeStatusUpdateFrequency and the lease renew interval (0.25 x the 40 s lease). */
export const NODE_STATUS_UPDATE_MS = 10_000;
export const LEASE_RENEW_MS = 10_000;
export const LEASE_DURATION_SECONDS = 40;
/** nodeStatusReportFrequency: an unchanged status is still posted this often. */
export const NODE_STATUS_REPORT_MS = 5 * 60_000;

export interface NodeReporterOptions {
  config: NodeConfig;
  client: Client;
  clock: Clock;
  recorder: EventRecorder;
  /** The kubelet can reach the API server. */
  online(): boolean;
  /** The kubelet's cached Node, when it has one. */
  cachedNode(): Stored<Node> | undefined;
  pressure(): readonly string[];
  images(): NodeImage[];
}

export class NodeReporter {
  private lastReport = 0;
  private registered = false;

  constructor(private readonly o: NodeReporterOptions) {}

  /** The machine stopped: the next start registers anew. */
  reset(): void {
    this.registered = false;
  }

  nodeRef(): Stored<Node> {
    return { apiVersion: 'v1', kind: 'Node', metadata: { name: this.o.config.name, uid: this.o.config.name } } as unknown as Stored<Node>;
  }

  register(): void {
    const node = newNode(this.o.config, this.o.clock.iso());
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
    this.startEvents();
    this.o.recorder.event(this.nodeRef(), 'Normal', 'NodeReady', `Node ${this.o.config.name} status is now: NodeReady`);
  }

  startEvents(): void {
    const ref = this.nodeRef();
    this.o.recorder.event(ref, 'Normal', 'Starting', 'Starting kubelet.');
    this.o.recorder.event(ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    for (const s of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) {
      this.o.recorder.event(ref, 'Normal', s, `Node ${this.o.config.name} status is now: ${s}`);
    }
  }

  renewLease(): void {
    if (!this.o.online()) return;
    const now = this.o.clock.isoMicro();
    try {
      const cur = this.o.client.get<Lease>(R.leases, 'kube-node-lease', this.o.config.name);
      this.o.client.update(R.leases, { ...cur, spec: { ...cur.spec, renewTime: now } });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) {
        if (isStatusError(e, 'Conflict')) return;
        throw e;
      }
      const owner = this.o.cachedNode();
      const lease: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: this.o.config.name, namespace: 'kube-node-lease' },
        spec: { holderIdentity: this.o.config.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: now },
      };
      try {
        const node = owner ?? this.o.client.get<Node>(R.nodes, undefined, this.o.config.name);
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
  updateNodeStatus(force = false): void {
    if (!this.o.online()) return;
    let node: Stored<Node>;
    try {
      node = this.o.client.get<Node>(R.nodes, undefined, this.o.config.name);
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
      // The Node object was deleted while the machine ran: register again.
      this.register();
      return;
    }
    const now = this.o.clock.now();
    const pressure = new Set<string>(this.o.pressure());
    const want = kubeletConditions(this.o.clock.iso(now), node.status?.conditions, pressure);
    const images = this.o.images();
    const strip = (cs: typeof want | undefined) => (cs ?? []).map(({ lastHeartbeatTime: _h, lastTransitionTime: _t, ...rest }) => rest);
    const changed = !deepEqual(strip(want), strip(node.status?.conditions)) || !deepEqual(images, node.status?.images ?? []);
    if (!force && !changed && now - this.lastReport < NODE_STATUS_REPORT_MS) return;
    const next = clone(node);
    next.status = { ...next.status, conditions: want, images };
    if (!images.length) delete next.status.images;
    const was = (type: string) => getCondition(node.status?.conditions, type)?.status;
    try {
      this.o.client.updateStatus(R.nodes, next);
      this.lastReport = now;
      for (const type of ['MemoryPressure', 'DiskPressure']) {
        const on = pressure.has(type);
        if ((was(type) === 'True') !== on) this.o.recorder.event(this.nodeRef(), 'Normal', pressureEvent(type, on), `Node ${this.o.config.name} status is now: ${pressureEvent(type, on)}`);
      }
      if (was('Ready') !== 'True' && this.registered) this.o.recorder.event(this.nodeRef(), 'Normal', 'NodeReady', `Node ${this.o.config.name} status is now: NodeReady`);
    } catch (e) {
      if (!isStatusError(e, 'Conflict') && !isStatusError(e, 'NotFound')) throw e;
    }
  }
}
