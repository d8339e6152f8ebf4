/**
 * The framework runtime of one profile (pkg/scheduler/framework/runtime):
 * runs the extension points in order with upstream's status rules, and is
 * the Handle its plugins hold.
 */
import type { ResourceType } from '../api/kinds.ts';
import type { KubeObject, Pod, Stored } from '../api/types.ts';
import type { Client } from '../client/client.ts';
import type { EventRecorder } from '../client/events.ts';
import {
  type CycleState,
  type Handle,
  type Lister,
  type NodeInfo,
  type NodeScore,
  type NodeToStatus,
  type PodInfo,
  type PreBindWait,
  type PreFilterPlugin,
  type PreFilterResult,
  SUCCESS,
  type Status,
  isRejected,
  podPriority,
  status,
  statusMessage,
} from './framework.ts';
import { type ProfilePlugins, buildProfile } from './profile.ts';
import type { ResolvedProfile } from './config.ts';

/** What a profile's framework needs from the scheduler around it. */
export interface SchedulerServices {
  nodes(): readonly NodeInfo[];
  node(name: string): NodeInfo | undefined;
  havePodsWithAffinity(): readonly NodeInfo[];
  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[];
  nodesChangedSince(generation: number): readonly NodeInfo[] | undefined;
  now(): number;
  random: { int(n: number): number };
  client: Client;
  recorder: EventRecorder;
  lister<T extends KubeObject>(type: ResourceType): Lister<T>;
  nominatedPodsForNode(node: string): readonly PodInfo[];
  activate(pod: Stored<Pod>): void;
  defer(label: string, fn: () => void): void;
}

export interface PreFilterOutcome {
  status: Status;
  result?: PreFilterResult;
  /** Plugins that narrowed the nodes (for "didn't satisfy plugin(s)"), or that rejected the pod. */
  plugins: Set<string>;
}

/** Weighted scores of one node: the total and each plugin's share. */
export interface NodePluginScores {
  name: string;
  total: number;
  byPlugin: ReadonlyMap<string, number>;
}

/** The per-plugin shares of a node's score when explanations are off. */
const NO_DETAIL: ReadonlyMap<string, number> = new Map();

export class Framework implements Handle {
  readonly plugins: ProfilePlugins;
  private readonly scoreList: NodeScore[] = [];
  readonly random: { int(n: number): number };
  readonly client: Client;
  readonly recorder: EventRecorder;

  constructor(
    private readonly s: SchedulerServices,
    readonly profile: ResolvedProfile,
  ) {
    this.random = s.random;
    this.client = s.client;
    this.recorder = s.recorder;
    this.plugins = buildProfile(profile, this);
  }

  get name(): string {
    return this.plugins.name;
  }

  // ---- Handle ----

  nodes(): readonly NodeInfo[] {
    return this.s.nodes();
  }
  node(name: string): NodeInfo | undefined {
    return this.s.node(name);
  }
  havePodsWithAffinity(): readonly NodeInfo[] {
    return this.s.havePodsWithAffinity();
  }
  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[] {
    return this.s.havePodsWithRequiredAntiAffinity();
  }
  nodesChangedSince(generation: number): readonly NodeInfo[] | undefined {
    return this.s.nodesChangedSince(generation);
  }
  bind(pod: Stored<Pod>, nodeName: string): void {
    this.s.client.bind(pod.metadata.namespace!, pod.metadata.name, nodeName, pod.metadata.uid);
  }
  now(): number {
    return this.s.now();
  }
  lister<T extends KubeObject>(type: ResourceType): Lister<T> {
    return this.s.lister<T>(type);
  }
  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    return this.s.nominatedPodsForNode(nodeName);
  }
  activate(pod: Stored<Pod>): void {
    this.s.activate(pod);
  }
  defer(label: string, fn: () => void): void {
    this.s.defer(label, fn);
  }

  // ---- extension points ----

  /** RunPreFilterPlugins */
  runPreFilterPlugins(state: CycleState, pod: Stored<Pod>): PreFilterOutcome {
    const nodes = this.s.nodes();
    const withNodes = new Set<string>();
    let result: PreFilterResult | undefined;
    let unschedulable: Status | undefined;
    for (const p of this.plugins.preFilter) {
      const r = p.preFilter(state, pod, nodes);
      const st = r.status;
      if (st.code === 'Skip') {
        state.skipFilter.add(p.name);
        continue;
      }
      if (st.code !== 'Success') {
        const withPlugin = { ...st, plugin: p.name };
        if (st.code === 'UnschedulableAndUnresolvable') return { status: withPlugin, plugins: new Set([p.name]) };
        // Unschedulable: preemption may help, so the other PreFilters still run.
        if (st.code === 'Unschedulable') {
          unschedulable = withPlugin;
          continue;
        }
        return { status: { code: 'Error', reasons: [`running PreFilter plugin "${p.name}": ${statusMessage(st)}`], plugin: p.name }, plugins: new Set([p.name]) };
      }
      const names = r.result?.nodeNames;
      if (!names) continue;
      withNodes.add(p.name);
      result = { nodeNames: result?.nodeNames ? new Set([...result.nodeNames].filter((n) => names.has(n))) : new Set(names) };
      if (result.nodeNames!.size === 0) {
        const list = [...withNodes].sort();
        const msg = list.length === 1 ? `node(s) didn't satisfy plugin ${list[0]}` : `node(s) didn't satisfy plugin(s) [${list.join(' ')}] simultaneously`;
        return { status: status('UnschedulableAndUnresolvable', msg), result, plugins: withNodes };
      }
    }
    if (unschedulable) return { status: unschedulable, result, plugins: new Set([unschedulable.plugin!]) };
    return { status: SUCCESS, result, plugins: withNodes };
  }

  /** RunFilterPlugins: the first rejection (with its plugin), or SUCCESS. */
  runFilterPlugins(state: CycleState, pod: Stored<Pod>, node: NodeInfo): Status {
    const filters = (state.activeFilters ??= state.skipFilter.size ? this.plugins.filter.filter((p) => !state.skipFilter.has(p.name)) : this.plugins.filter);
    for (let i = 0; i < filters.length; i++) {
      const p = filters[i];
      const st = p.filter(state, pod, node);
      if (st.code === 'Success') continue;
      if (!isRejected(st)) return { code: 'Error', reasons: [`running "${p.name}" filter plugin: ${statusMessage(st)}`], plugin: p.name };
      return { code: st.code, reasons: st.reasons, plugin: p.name };
    }
    return SUCCESS;
  }

  /** Every filter plugin's verdict on a node (for explanations; the first rejection decides). */
  filterVerdicts(state: CycleState, pod: Stored<Pod>, node: NodeInfo): Map<string, Status | 'skipped'> {
    const out = new Map<string, Status | 'skipped'>();
    for (const p of this.plugins.filter) out.set(p.name, state.skipFilter.has(p.name) ? 'skipped' : p.filter(state, pod, node));
    return out;
  }

  /** RunFilterPluginsWithNominatedPods: with higher-or-equal priority nominated pods added, then (if any) without. */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Stored<Pod>, node: NodeInfo): Status {
    const nominated = this.s.nominatedPodsForNode(node.name);
    if (!nominated.length) return this.runFilterPlugins(state, pod, node);
    let added = false;
    let stateWith = state;
    let nodeWith = node;
    for (const pi of nominated) {
      if (podPriority(pi.pod) < podPriority(pod) || pi.pod.metadata.uid === pod.metadata.uid) continue;
      if (!added) {
        stateWith = state.clone();
        nodeWith = node.clone();
        added = true;
      }
      nodeWith.addPod(pi);
      const st = this.runPreFilterExtensionAddPod(stateWith, pod, pi, nodeWith);
      if (st.code !== 'Success') return status('Error', statusMessage(st));
    }
    const first = this.runFilterPlugins(stateWith, pod, nodeWith);
    if (!added || first.code !== 'Success') return first;
    return this.runFilterPlugins(state, pod, node);
  }

  private extensions(state: CycleState): readonly PreFilterPlugin[] {
    return (state.activeExtensions ??= this.plugins.preFilter.filter((p) => p.preFilterExtensions && !state.skipFilter.has(p.name)));
  }

  runPreFilterExtensionAddPod(state: CycleState, pod: Stored<Pod>, toAdd: PodInfo, node: NodeInfo): Status {
    for (const p of this.extensions(state)) {
      const st = p.preFilterExtensions!.addPod(state, pod, toAdd, node);
      if (st.code !== 'Success') return status('Error', `running AddPod on PreFilter plugin "${p.name}": ${statusMessage(st)}`);
    }
    return SUCCESS;
  }

  runPreFilterExtensionRemovePod(state: CycleState, pod: Stored<Pod>, toRemove: PodInfo, node: NodeInfo): Status {
    for (const p of this.extensions(state)) {
      const st = p.preFilterExtensions!.removePod(state, pod, toRemove, node);
      if (st.code !== 'Success') return status('Error', `running RemovePod on PreFilter plugin "${p.name}": ${statusMessage(st)}`);
    }
    return SUCCESS;
  }

  /** RunPostFilterPlugins: the first success wins; otherwise the reasons of all, as Unschedulable. */
  runPostFilterPlugins(state: CycleState, pod: Stored<Pod>, m: NodeToStatus): { status: Status; nominatedNodeName?: string } {
    const reasons: string[] = [];
    let nominated: string | undefined;
    let rejector: string | undefined;
    for (const p of this.plugins.postFilter) {
      const r = p.postFilter(state, pod, m);
      if (r.status.code === 'Success') return { status: { ...r.status, plugin: p.name }, nominatedNodeName: r.nominatedNodeName };
      if (r.status.code === 'UnschedulableAndUnresolvable') return { status: { ...r.status, plugin: p.name }, nominatedNodeName: r.nominatedNodeName };
      if (!isRejected(r.status)) return { status: { code: 'Error', reasons: r.status.reasons, plugin: p.name } };
      if (r.nominatedNodeName !== undefined) nominated = r.nominatedNodeName;
      reasons.push(...r.status.reasons);
      rejector ??= p.name;
    }
    return { status: { code: 'Unschedulable', reasons, plugin: rejector }, nominatedNodeName: nominated };
  }

  /** RunPreScorePlugins: plugins that Skip are left out of scoring. */
  runPreScorePlugins(state: CycleState, pod: Stored<Pod>, nodes: readonly NodeInfo[]): Status {
    for (const p of this.plugins.preScore) {
      const st = p.preScore(state, pod, nodes);
      if (st.code === 'Skip') {
        state.skipScore.add(p.name);
        continue;
      }
      if (st.code !== 'Success') return status('Error', `running PreScore plugin "${p.name}": ${statusMessage(st)}`);
    }
    return SUCCESS;
  }

  /** RunScorePlugins: each plugin's scores, normalized, checked to be within 0..100, weighted. */
  runScorePlugins(state: CycleState, pod: Stored<Pod>, nodes: readonly NodeInfo[], detail: boolean): { scores: NodePluginScores[]; error?: string } {
    const totals = new Float64Array(nodes.length);
    const byPlugin = detail ? nodes.map(() => new Map<string, number>()) : undefined;
    // One list of node scores, refilled for each plugin (and kept for the next cycle: plugins keep no reference).
    const list = this.scoreList;
    list.length = nodes.length;
    for (let i = 0; i < nodes.length; i++) {
      if (list[i]) list[i].score = 0;
      else list[i] = { name: nodes[i].name, score: 0 };
    }
    for (const { plugin, weight } of this.plugins.score) {
      if (state.skipScore.size && state.skipScore.has(plugin.name)) continue;
      for (let i = 0; i < nodes.length; i++) {
        list[i].name = nodes[i].name;
        list[i].score = plugin.score(state, pod, nodes[i]);
      }
      plugin.normalizeScore?.(state, pod, list);
      for (let i = 0; i < list.length; i++) {
        const sc = list[i].score;
        if (sc > 100 || sc < 0) return { scores: [], error: `plugin "${plugin.name}" returns an invalid score ${sc}, it should in the range of [0, 100] after normalizing` };
        totals[i] += sc * weight;
        byPlugin?.[i].set(plugin.name, sc * weight);
      }
    }
    const scores: NodePluginScores[] = new Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) scores[i] = { name: nodes[i].name, total: totals[i], byPlugin: byPlugin?.[i] ?? NO_DETAIL };
    return { scores };
  }

  runReservePluginsReserve(state: CycleState, pod: Stored<Pod>, nodeName: string): Status {
    for (const p of this.plugins.reserve) {
      const st = p.reserve(state, pod, nodeName);
      if (st.code === 'Success') continue;
      if (isRejected(st)) return { ...st, plugin: p.name };
      return status('Error', `running Reserve plugin "${p.name}": ${statusMessage(st)}`);
    }
    return SUCCESS;
  }

  /** Unreserve runs in reverse order. */
  runReservePluginsUnreserve(state: CycleState, pod: Stored<Pod>, nodeName: string): void {
    for (let i = this.plugins.reserve.length - 1; i >= 0; i--) this.plugins.reserve[i].unreserve(state, pod, nodeName);
  }

  /** The PreBind plugins from `from` on: a status, or a wait to poll (with the index to resume after). */
  runPreBindPlugins(state: CycleState, pod: Stored<Pod>, nodeName: string, from = 0): Status | { wait: PreBindWait; plugin: string; next: number } {
    const list = this.plugins.preBind;
    for (let i = from; i < list.length; i++) {
      const r = list[i].preBind(state, pod, nodeName);
      if (r.code === 'Wait') return { wait: r as PreBindWait, plugin: list[i].name, next: i + 1 };
      const st = r as Status;
      if (st.code === 'Success') continue;
      return this.preBindFailure(list[i].name, st);
    }
    return SUCCESS;
  }

  preBindFailure(plugin: string, st: Status): Status {
    if (isRejected(st)) return { ...st, plugin };
    return status('Error', `running PreBind plugin "${plugin}": ${statusMessage(st)}`);
  }

  runBindPlugins(state: CycleState, pod: Stored<Pod>, nodeName: string): Status {
    for (const p of this.plugins.bind) {
      const st = p.bind(state, pod, nodeName);
      if (st.code === 'Skip') continue;
      if (st.code === 'Success') return st;
      if (isRejected(st)) return { ...st, plugin: p.name };
      return status('Error', `running Bind plugin "${p.name}": ${statusMessage(st)}`);
    }
    return status('Error', 'no bind plugin bound the pod');
  }
}
