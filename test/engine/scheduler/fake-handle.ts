/**
 * A Handle for plugin tests: a fixed snapshot of nodes, listers over given
 * objects, and a framework that runs given filter plugins (for preemption).
 */
import type { KubeObject, Pod, Stored } from '../../../src/engine/api/types.ts';
import type { ResourceType } from '../../../src/engine/api/kinds.ts';
import {
  type CycleState,
  type FilterPlugin,
  type Handle,
  type Lister,
  NodeInfo,
  type NodeScore,
  type PodInfo,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  SUCCESS,
  type Status,
  newPodInfo,
} from '../../../src/engine/scheduler/framework.ts';
import { node as makeNode } from './helpers.ts';

export interface FakeHandleOptions {
  nodes?: NodeInfo[];
  /** Objects by resource name (`persistentvolumeclaims`, `namespaces`, ...). */
  objects?: Record<string, KubeObject[]>;
  nominated?: Map<string, PodInfo[]>;
  now?: number;
  /** Filter plugins runFilterPluginsWithNominatedPods runs (in order). */
  filters?: FilterPlugin[];
  preFilters?: PreFilterPlugin[];
}

export function fakeHandle(o: FakeHandleOptions = {}): Handle & { bound: Array<[string, string]>; events: string[] } {
  const nodes = o.nodes ?? [];
  const bound: Array<[string, string]> = [];
  const events: string[] = [];
  const lister = <T extends KubeObject>(type: ResourceType): Lister<T> => {
    const all = () => (o.objects?.[type.resource] ?? []) as Stored<T>[];
    return {
      get: (ns, name) => all().find((x) => x.metadata.name === name && (!type.namespaced || (x.metadata.namespace ?? 'default') === (ns ?? 'default'))),
      list: (ns) => all().filter((x) => ns === undefined || (x.metadata.namespace ?? 'default') === ns),
    };
  };
  const runFilters = (state: CycleState, pod: Stored<Pod>, n: NodeInfo): Status => {
    for (const f of o.filters ?? []) {
      if (state.skipFilter.has(f.name)) continue;
      const st = f.filter(state, pod, n);
      if (st.code !== 'Success') return { ...st, plugin: f.name };
    }
    return SUCCESS;
  };
  const h: Handle & { bound: Array<[string, string]>; events: string[] } = {
    bound,
    events,
    nodes: () => nodes,
    node: (name) => nodes.find((n) => n.name === name),
    havePodsWithAffinity: () => nodes.filter((n) => n.podsWithAffinity.length),
    havePodsWithRequiredAntiAffinity: () => nodes.filter((n) => n.podsWithRequiredAntiAffinity.length),
    bind: (pod, node) => void bound.push([pod.metadata.name, node]),
    now: () => o.now ?? Date.UTC(2025, 0, 1),
    random: { int: () => 0 },
    client: {} as Handle['client'],
    recorder: { event: (_obj, type, reason, message) => void events.push(`${type} ${reason} ${message}`) },
    lister,
    nominatedPodsForNode: (n) => o.nominated?.get(n) ?? [],
    runFilterPluginsWithNominatedPods: (state, pod, n) => runFilters(state, pod, n),
    runPreFilterExtensionAddPod: (state, pod, pi, n) => {
      for (const p of o.preFilters ?? []) p.preFilterExtensions?.addPod(state, pod, pi, n);
      return SUCCESS;
    },
    runPreFilterExtensionRemovePod: (state, pod, pi, n) => {
      for (const p of o.preFilters ?? []) p.preFilterExtensions?.removePod(state, pod, pi, n);
      return SUCCESS;
    },
    activate: () => {},
    defer: (_label, fn) => fn(),
  };
  return h;
}

/** A node with labels (hostname included unless given) and the pods on it. */
export function labeledNode(name: string, labels: Record<string, string> = {}, pods: Stored<Pod>[] = [], extra: Parameters<typeof makeNode>[0] = {}): NodeInfo {
  const n = makeNode({ name, ...extra });
  n.metadata.labels = { ...labels };
  const info = new NodeInfo(n);
  for (const p of pods) info.addPod(newPodInfo({ ...p, spec: { ...p.spec, nodeName: name } } as Stored<Pod>));
  return info;
}

let seq = 0;

/** A pod of a namespace with labels and a spec. */
export function podOf(name: string, labels: Record<string, string> = {}, spec: Record<string, unknown> = {}, namespace = 'default', meta: Record<string, unknown> = {}): Stored<Pod> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `uid-${name}-${++seq}`, resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z', labels, ...meta },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec },
    status: { phase: 'Pending' },
  } as Stored<Pod>;
}

/** PreFilter (when there is one), then Filter on each node: node -> "Success" or "Code: reasons". */
export function filterAll(plugin: FilterPlugin & Partial<PreFilterPlugin>, pod: Stored<Pod>, nodes: NodeInfo[], state: CycleState): Record<string, string> {
  if (plugin.preFilter) {
    const r = plugin.preFilter(state, pod, nodes);
    if (r.status.code === 'Skip') return Object.fromEntries(nodes.map((n) => [n.name, 'Skip']));
    if (r.status.code !== 'Success') return Object.fromEntries(nodes.map((n) => [n.name, `${r.status.code}: ${r.status.reasons.join(', ')}`]));
  }
  const brief = (s: Status) => (s.code === 'Success' ? 'Success' : `${s.code}: ${s.reasons.join(', ')}`);
  return Object.fromEntries(nodes.map((n) => [n.name, brief(plugin.filter(state, pod, n))]));
}

/** PreScore over the candidates, Score and NormalizeScore: candidate -> score, or 'Skip'. */
export function scoreAll(plugin: ScorePlugin & Partial<PreScorePlugin>, pod: Stored<Pod>, candidates: NodeInfo[], state: CycleState): Record<string, number> | 'Skip' {
  if (plugin.preScore) {
    const st = plugin.preScore(state, pod, candidates);
    if (st.code === 'Skip') return 'Skip';
  }
  const list: NodeScore[] = candidates.map((n) => ({ name: n.name, score: plugin.score(state, pod, n) }));
  plugin.normalizeScore?.(state, pod, list);
  return Object.fromEntries(list.map((s) => [s.name, s.score]));
}
