/**
 * The model of a fuzzed history: what the user has asked of the cluster so
 * far (which nodes are up, down or gone, which workloads exist with which
 * replicas, image and rollout history). Commands read it for their
 * preconditions and update it; it is deliberately much simpler than the
 * cluster (it never says where pods run or when they are ready).
 */
import type { NodeSpec } from '../arbitraries/nodes.ts';
import type { WorkloadSpec } from '../workloads/types.ts';
import { workloadKind } from '../workloads/registry.ts';

export interface NodeModel {
  name: string;
  state: 'up' | 'down' | 'removed';
  cordoned: boolean;
}

export interface WorkloadModel {
  spec: WorkloadSpec;
  /** Images of the distinct templates applied, by revision (the last is current). */
  revisions: string[];
}

export interface Model {
  nodes: NodeModel[];
  /** The number of the next node to join (`node-<n>`). */
  nextNode: number;
  /** Live workloads by name. */
  workloads: Map<string, WorkloadModel>;
  /** Most pods all workloads may ask for together. */
  readonly maxPods: number;
  /** Most nodes the cluster may have (joins stop there). */
  readonly maxNodes: number;
}

export function initialModel(nodes: readonly NodeSpec[], maxPods: number, maxNodes: number): Model {
  return {
    nodes: nodes.map((n) => ({ name: n.name, state: 'up', cordoned: false })),
    nextNode: nodes.length + 1,
    workloads: new Map(),
    maxPods,
    maxNodes,
  };
}

/** Pods the live workloads ask for together. */
export function desiredPods(m: Model, except?: string): number {
  let n = 0;
  const nodes = m.nodes.filter((x) => x.state !== 'removed').length;
  for (const [name, w] of m.workloads) if (name !== except) n += workloadKind(w.spec).pods(w.spec, nodes);
  return n;
}

/** Pods `spec` would add to the model's cluster. */
export function podsFor(m: Model, spec: WorkloadSpec): number {
  return workloadKind(spec).pods(spec, m.nodes.filter((x) => x.state !== 'removed').length);
}

export function nodesIn(m: Model, ...states: NodeModel['state'][]): NodeModel[] {
  return m.nodes.filter((n) => states.includes(n.state));
}

export function addWorkload(m: Model, spec: WorkloadSpec): void {
  m.workloads.set(spec.name, { spec, revisions: [spec.template.image] });
}

/** A template change to `image`, as the Deployment controller numbers revisions: an old template comes back as the newest. */
export function newRevision(w: WorkloadModel, image: string): void {
  if (w.revisions[w.revisions.length - 1] === image) return;
  w.revisions = [...w.revisions.filter((i) => i !== image), image];
  w.spec = { ...w.spec, template: { ...w.spec.template, image } };
}

/**
 * The live workloads as the commands left them, as partial objects: each
 * exists, with the replicas last asked for (unless an autoscaler named
 * `autoscaled` decides them), the image of its current revision, for
 * jobs and cron jobs whether it is suspended, and a cron job's schedule.
 */
export function askedFor(m: Model, autoscaled: ReadonlySet<string>): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const w of m.workloads.values()) {
    const kind = workloadKind(w.spec);
    const own = kind.manifest(w.spec).find((o) => o.kind === kind.type.kind)!;
    const spec: Record<string, unknown> = {};
    if (kind.scalable && !autoscaled.has(w.spec.name)) spec.replicas = w.spec.replicas;
    if (kind.rollsOut) spec.template = { spec: { containers: [{ image: w.spec.template.image }] } };
    if (kind.suspendable) spec.suspend = w.spec.suspend ?? false;
    if (kind.rescheduled) spec.schedule = (own.spec as { schedule?: string }).schedule;
    out.push({ apiVersion: own.apiVersion, kind: own.kind, metadata: { name: w.spec.name }, ...(Object.keys(spec).length ? { spec } : {}) });
  }
  return out;
}
