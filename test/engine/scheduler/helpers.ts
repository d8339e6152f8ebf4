/**
 * Plain-object builders for scheduler tests: pods, nodes and NodeInfos made
 * without a cluster, so plugins can be called directly.
 */
import type { Container, Node, Pod, PodSpec, Stored, Taint } from '../../../src/engine/api/types.ts';
import { CycleState, NodeInfo, type NodeScore, type ScorePlugin, type PreScorePlugin, newPodInfo } from '../../../src/engine/scheduler/framework.ts';

let uidCounter = 0;

export interface PodOptions {
  name?: string;
  /** Requests of one container each: `[{ cpu: '500m', memory: '1Gi' }]`; `{}` is a container with no requests. */
  containers?: Array<Record<string, string>>;
  initContainers?: Array<Record<string, string> & { sidecar?: string }>;
  overhead?: Record<string, string>;
  spec?: Partial<PodSpec>;
  nodeName?: string;
  priority?: number;
  labels?: Record<string, string>;
}

function container(name: string, requests: Record<string, string>): Container {
  const c: Container = { name, image: 'nginx' };
  if (Object.keys(requests).length) c.resources = { requests };
  return c;
}

export function pod(o: PodOptions = {}): Stored<Pod> {
  const uid = `uid-${++uidCounter}`;
  const spec: PodSpec = {
    containers: (o.containers ?? [{}]).map((r, i) => container(`c${i}`, r)),
    ...o.spec,
  };
  if (o.initContainers) {
    spec.initContainers = o.initContainers.map(({ sidecar, ...r }, i) => {
      const c = container(`init${i}`, r);
      if (sidecar) c.restartPolicy = 'Always';
      return c;
    });
  }
  if (o.overhead) spec.overhead = o.overhead;
  if (o.nodeName) spec.nodeName = o.nodeName;
  if (o.priority !== undefined) spec.priority = o.priority;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name ?? uid,
      namespace: 'default',
      uid,
      resourceVersion: '1',
      creationTimestamp: '2025-01-01T00:00:00Z',
      labels: o.labels,
    },
    spec,
    status: { phase: 'Pending' },
  } as Stored<Pod>;
}

export interface NodeOptions {
  name?: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  extra?: Record<string, string>;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
}

export function node(o: NodeOptions = {}): Stored<Node> {
  const name = o.name ?? 'node-1';
  const allocatable: Record<string, string> = { cpu: o.cpu ?? '4', memory: o.memory ?? '16Gi', pods: o.pods ?? '110', ...o.extra };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `node-uid-${name}`, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
    status: { allocatable, capacity: allocatable },
  } as Stored<Node>;
}

/** A NodeInfo for the node with the given pods already on it. */
export function nodeInfo(n: Stored<Node> | NodeOptions = {}, pods: Stored<Pod>[] = []): NodeInfo {
  const info = new NodeInfo('metadata' in n ? (n as Stored<Node>) : node(n as NodeOptions));
  for (const p of pods) info.addPod(newPodInfo({ ...p, spec: { ...p.spec, nodeName: info.name } } as Stored<Pod>));
  return info;
}

/** Runs preScore (if any), score and normalize over the nodes, as the framework does. */
export function scores(plugin: ScorePlugin & Partial<PreScorePlugin>, p: Stored<Pod>, infos: NodeInfo[], state = new CycleState()): Record<string, number> {
  if (plugin.preScore) plugin.preScore(state, p, infos);
  const list: NodeScore[] = infos.map((n) => ({ name: n.name, score: plugin.score(state, p, n) }));
  plugin.normalizeScore?.(state, p, list);
  return Object.fromEntries(list.map((s) => [s.name, s.score]));
}

export const Mi = 1024 * 1024;
export const Gi = 1024 * Mi;
