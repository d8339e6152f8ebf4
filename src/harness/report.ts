/**
 * What a failed check shows, in the words of `kubectl get` and `describe`:
 * the pods concerned (phase, node, reason), their recent events, and the
 * scheduler's reasons for the ones still pending.
 */
import { R, type KubeEvent, type KubeObject, type Pod, type SchedulingDecision, type Stored } from '../engine/index.ts';
import { tableFor } from '../kubectl/printers/tables/index.ts';
import { renderTable } from '../kubectl/printers/table.ts';
import type { View } from './view.ts';

/** `kubectl get <kind> -o wide` for the given objects. */
export function table(kind: string, objects: readonly KubeObject[], now: number, wide = true): string {
  if (!objects.length) return `No ${kind.toLowerCase()}s.`;
  return renderTable(tableFor(kind, objects, { now, wide }), { wide }).trimEnd();
}

export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

/** Events about the given objects (or all of a namespace), oldest first, at most `limit` of the newest. */
export function eventsAbout(view: View, namespace: string | undefined, objects: readonly Stored[] | undefined, limit = 15): Stored<KubeEvent>[] {
  const uids = objects ? new Set(objects.map((o) => o.metadata.uid)) : undefined;
  const names = objects ? new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`)) : undefined;
  const events = view.list<KubeEvent>(R.events, namespace).filter((e) => {
    if (!uids) return true;
    const io = e.involvedObject;
    return uids.has(io.uid ?? '') || names!.has(`${io.kind}/${io.name}`);
  });
  events.sort((a, b) => (a.lastTimestamp ?? '').localeCompare(b.lastTimestamp ?? '') || a.metadata.name.localeCompare(b.metadata.name));
  return events.slice(-limit);
}

export function eventsTable(view: View, events: readonly Stored<KubeEvent>[]): string {
  if (!events.length) return 'No events.';
  return renderTable(tableFor('Event', events, { now: view.now })).trimEnd();
}

/** The latest FailedScheduling message of each pending pod. */
export function schedulerReasons(view: View, pods: readonly Stored<Pod>[]): string[] {
  const out: string[] = [];
  for (const p of pods) {
    if (p.spec.nodeName) continue;
    const cond = p.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
    const msg = cond?.message ?? latestEvent(view, p, 'FailedScheduling')?.message;
    if (msg) out.push(`${p.metadata.name}: ${msg}`);
  }
  return out;
}

export function latestEvent(view: View, obj: Stored, reason: string): Stored<KubeEvent> | undefined {
  const events = eventsAbout(view, obj.metadata.namespace, [obj], Number.MAX_SAFE_INTEGER).filter((e) => e.reason === reason);
  return events.at(-1);
}

/** The scheduler's view of one decision as a table: each node's verdict, and the weighted scores. */
export function decisionTable(d: SchedulingDecision): string {
  const nodes = [...new Set([...d.filter.keys(), ...d.scores.keys()])];
  if (!nodes.length) return d.message ?? 'no node was evaluated';
  const plugins = [...new Set([...d.scores.values()].flatMap((s) => [...s.byPlugin.keys()]))];
  const header = ['NODE', 'FILTER', ...plugins, 'TOTAL'];
  const rows = nodes.map((n) => {
    const st = d.filter.get(n);
    const s = d.scores.get(n);
    const verdict = st ? `${st.plugin}: ${st.reasons.join(', ')}` : n === d.node ? 'fits (chosen)' : 'fits';
    return [n, verdict, ...plugins.map((p) => (s ? String(s.byPlugin.get(p) ?? '') : '')), s ? String(s.total) : ''];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('   ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * The scheduler's view of a pod's latest attempt, node by node, when it has
 * one: the first plugin that rejected each node, and the weighted scores.
 */
export function schedulerView(view: View, pod: Stored<Pod>): string | undefined {
  const d = view.schedulingDecision?.(pod.metadata.namespace ?? 'default', pod.metadata.name);
  if (!d || d.uid !== pod.metadata.uid || (!d.filter.size && !d.scores.size)) return undefined;
  return `The scheduler's view of pod "${pod.metadata.name}" (attempt ${d.attempt}):\n${indent(decisionTable(d))}`;
}

/** The usual body of a failed check about pods: the table, the scheduler's reasons, the events. */
export function podsReport(view: View, pods: readonly Stored<Pod>[], heading = 'Pods'): string {
  const parts = [`${heading}:`, indent(table('Pod', pods, view.now))];
  const reasons = schedulerReasons(view, pods);
  if (reasons.length) parts.push('Why they are pending:', indent(reasons.join('\n')));
  // Pending pods (a few) with the scheduler's node-by-node verdicts; a single pod always.
  const shown = pods.length === 1 ? pods : pods.filter((p) => !p.spec.nodeName).slice(0, 3);
  for (const p of shown) {
    const v = schedulerView(view, p);
    if (v) parts.push(v);
  }
  const events = eventsAbout(view, pods[0]?.metadata.namespace, pods);
  if (events.length) parts.push('Events:', indent(eventsTable(view, events)));
  return parts.join('\n');
}
