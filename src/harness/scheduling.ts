/**
 * The scheduler in the step vocabulary: its configuration (strategies,
 * disabled plugins, weights, a KubeSchedulerConfiguration document), and
 * checks and failure details built on its per-pod decisions (which node each
 * plugin let through, and how each scored the nodes).
 */
import { parse } from 'yaml';
import { R, SchedulerConfigError, explainDecision, validateSchedulerConfiguration, type Pod, type SchedulerConfiguration, type SchedulerProfile, type SchedulingDecision } from '../engine/index.ts';
import type { Check } from './checks.ts';
import { UserError } from './errors.ts';
import type { Ref, WorkloadKind } from './params.ts';
import { decisionTable, indent, latestEvent, podsReport } from './report.ts';
import { podsOf } from './workloads.ts';
import type { View } from './view.ts';

export const STRATEGIES = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'] as const;

/** The profile a step changes: the default scheduler's (the first profile). */
function firstProfile(cfg: SchedulerConfiguration): SchedulerProfile {
  cfg.profiles = cfg.profiles?.length ? cfg.profiles : [{ schedulerName: 'default-scheduler' }];
  return cfg.profiles[0];
}

function pluginArgs(p: SchedulerProfile, name: string): Record<string, unknown> {
  p.pluginConfig = p.pluginConfig ?? [];
  let c = p.pluginConfig.find((x) => x.name === name);
  if (!c) p.pluginConfig.push((c = { name, args: {} }));
  c.args = c.args ?? {};
  return c.args;
}

/** "the scheduler uses the MostAllocated strategy" */
export function withStrategy(cfg: SchedulerConfiguration, strategy: string): SchedulerConfiguration {
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    throw new UserError(`"${strategy}" is not a scoring strategy of NodeResourcesFit: use ${STRATEGIES.join(', ')}`);
  }
  const args = pluginArgs(firstProfile(cfg), 'NodeResourcesFit');
  args.scoringStrategy = { ...((args.scoringStrategy as object) ?? {}), type: strategy };
  return cfg;
}

/** "the scheduler runs with the TaintToleration plugin disabled" */
export function withPluginDisabled(cfg: SchedulerConfiguration, plugin: string): SchedulerConfiguration {
  const p = firstProfile(cfg);
  p.plugins = p.plugins ?? {};
  const mp = (p.plugins.multiPoint = p.plugins.multiPoint ?? {});
  mp.disabled = [...(mp.disabled ?? []), { name: plugin }];
  mp.enabled = (mp.enabled ?? []).filter((e) => e.name !== plugin);
  return cfg;
}

/** "the scheduler gives the NodeAffinity plugin a weight of 5" */
export function withWeight(cfg: SchedulerConfiguration, plugin: string, weight: number): SchedulerConfiguration {
  const p = firstProfile(cfg);
  p.plugins = p.plugins ?? {};
  const mp = (p.plugins.multiPoint = p.plugins.multiPoint ?? {});
  mp.enabled = [...(mp.enabled ?? []).filter((e) => e.name !== plugin), { name: plugin, weight }];
  mp.disabled = (mp.disabled ?? []).filter((d) => d.name !== plugin);
  return cfg;
}

/** A KubeSchedulerConfiguration document from a doc string. */
export function configurationFromYaml(text: string, where: string): SchedulerConfiguration {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new UserError(`${where}: the scheduler configuration is not valid YAML: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new UserError(`${where}: the scheduler configuration must be a KubeSchedulerConfiguration document`);
  const kind = (doc as { kind?: unknown }).kind;
  if (kind !== undefined && kind !== 'KubeSchedulerConfiguration') throw new UserError(`${where}: expected kind KubeSchedulerConfiguration, got ${JSON.stringify(kind)}`);
  return doc as SchedulerConfiguration;
}

/** Refuses a configuration kube-scheduler would refuse, with its message. */
export function checkConfiguration(cfg: SchedulerConfiguration): void {
  try {
    validateSchedulerConfiguration(cfg);
  } catch (e) {
    if (e instanceof SchedulerConfigError) throw new UserError(`the scheduler refuses this configuration: ${e.message}`);
    throw e;
  }
}

// ---- explanations ----

function decisionOf(view: View, ref: Ref): SchedulingDecision | undefined {
  return view.schedulingDecision?.(ref.namespace, ref.name);
}

/** "pod X was placed on node N because T": bound there, and the scheduler's explanation says T. */
export function placedBecause(ref: Ref, node: string, because: string): Check {
  const expected = `pod "${ref.name}" was placed on node "${node}" because "${because}"`;
  return (view) => {
    const pod = view.get<Pod>(R.pods, ref.namespace, ref.name);
    if (!pod) return { ok: false, expected, found: `there is no pod "${ref.name}" in namespace "${ref.namespace}"` };
    const d = decisionOf(view, ref);
    const why = d ? explainDecision(d) : '';
    const bound = pod.spec.nodeName === node;
    return {
      ok: bound && why.includes(because),
      expected,
      found: !pod.spec.nodeName ? 'it is not scheduled' : !bound ? `it was placed on node "${pod.spec.nodeName}"` : `the scheduler's reasons: ${why || 'none recorded'}`,
      details: () => (d ? `The scheduler's view of pod "${ref.name}" (attempt ${d.attempt}):\n${indent(decisionTable(d))}` : 'The scheduler recorded no decision for this pod.'),
    };
  };
}

/** "the scheduler scored the nodes for pod X as:" with a table: node, then plugin columns and/or total. */
export function scoredAs(ref: Ref, rows: string[][]): Check {
  if (rows.length < 2) throw new UserError('the table of scores needs a header row (node | <plugin>... | total) and one row per node');
  const header = rows[0].map((h) => h.trim());
  if (header[0].toLowerCase() !== 'node') throw new UserError('the first column of the table of scores must be "node"');
  const expected = `the scheduler scored the nodes for pod "${ref.name}" as the table says`;
  return (view) => {
    const d = decisionOf(view, ref);
    if (!d) return { ok: false, expected, found: 'the scheduler recorded no decision for this pod' };
    const wrong: string[] = [];
    for (const row of rows.slice(1)) {
      const node = row[0].trim();
      const s = d.scores.get(node);
      header.slice(1).forEach((col, i) => {
        const want = row[i + 1].trim();
        if (want === '') return;
        const got = !s ? 'unscored' : col.toLowerCase() === 'total' ? String(s.total) : String(s.byPlugin.get(col) ?? 'unscored');
        if (got !== want) wrong.push(`${node} ${col}: expected ${want}, got ${got}`);
      });
    }
    return {
      ok: wrong.length === 0,
      expected,
      found: wrong.length ? wrong.join('; ') : 'it did',
      details: () => `The scheduler's view of pod "${ref.name}" (attempt ${d.attempt}):\n${indent(decisionTable(d))}`,
    };
  };
}

/** "a pod of deployment X stays pending because T": some live pod of it is unscheduled and the scheduler's latest word contains T. */
export function workloadPodPending(kind: WorkloadKind, ref: Ref, because: string): Check {
  const expected = `a pod of ${kind} "${ref.name}" stays pending because "${because}"`;
  return (view) => {
    const pods = podsOf(view, kind, ref);
    const pending = pods.filter((p) => !p.spec.nodeName);
    const says = pending.map((p) => ({ p, msg: p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.message ?? latestEvent(view, p, 'FailedScheduling')?.message ?? '' }));
    const hit = says.find((x) => x.msg.includes(because));
    return {
      ok: !!hit,
      expected,
      found: !pending.length ? `all ${pods.length} of its pods are scheduled` : says.map((x) => `${x.p.metadata.name}: ${x.msg || 'the scheduler has said nothing yet'}`).join('; '),
      details: () => podsReport(view, pods),
    };
  };
}

export type { SchedulerConfiguration };
