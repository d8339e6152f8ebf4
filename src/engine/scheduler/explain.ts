/**
 * Explanations of scheduling decisions: the FailedScheduling message in
 * upstream's words (FitError.Error()) and a per-pod record of what every
 * plugin said about every node it looked at, as kube-scheduler-simulator
 * shows it.
 */
import type { NodeToStatus, Status } from './framework.ts';

/** What the scheduler decided for one pod in one attempt. */
export interface SchedulingDecision {
  /** `namespace/name` */
  pod: string;
  uid: string;
  /** Simulated time of the attempt (ms since the epoch). */
  at: number;
  attempt: number;
  profile: string;
  /** The node chosen, if any. */
  node?: string;
  /** The node preemption nominated, if any. */
  nominatedNode?: string;
  /** The PreFilter rejection that ended the attempt, if any. */
  preFilter?: Status;
  /** Per evaluated node: the first rejection (plugin and reasons), or undefined when the node fit. */
  filter: Map<string, Status | undefined>;
  /** Per evaluated node, every filter plugin's verdict ('skipped' when its PreFilter said Skip). Kept when explanations are on. */
  verdicts: Map<string, Map<string, Status | 'skipped'>>;
  /** Weighted score per feasible node and plugin, and the total (empty when one node fit: no scoring). */
  scores: Map<string, { total: number; byPlugin: ReadonlyMap<string, number> }>;
  /** The FailedScheduling message, when nothing fit or the attempt failed. */
  message?: string;
}

/** A NodeToStatus over explicit verdicts, with `absent` for nodes without one. */
export class NodeStatuses implements NodeToStatus {
  readonly statuses = new Map<string, Status>();
  absent: Status = { code: 'UnschedulableAndUnresolvable', reasons: [] };
  get(node: string): Status {
    return this.statuses.get(node) ?? this.absent;
  }
}

/**
 * FitError.Error(): "0/3 nodes are available: 1 Insufficient cpu, 2 node(s)
 * had untolerated taint {dedicated: gpu}. preemption: ..." — the PreFilter
 * message, or reasons counted over nodes (those without a verdict count
 * under the absent status) and sorted as strings; then the PostFilter
 * message.
 */
export function fitErrorMessage(numAllNodes: number, preFilterMsg: string, m: NodeToStatus | ReadonlyMap<string, Status>, postFilterMsg: string): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (preFilterMsg) msg += ` ${preFilterMsg}.`;
  else {
    const statuses = 'statuses' in m && !(m instanceof Map) ? (m as NodeToStatus).statuses : (m as ReadonlyMap<string, Status>);
    const absent = 'absent' in m && !(m instanceof Map) ? (m as NodeToStatus).absent : undefined;
    const counts = countReasons(statuses.values());
    if (absent && statuses.size < numAllNodes) for (const r of absent.reasons) counts.set(r, (counts.get(r) ?? 0) + numAllNodes - statuses.size);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (postFilterMsg) msg += ` ${postFilterMsg}`;
  return msg;
}

/**
 * How many statuses give each reason. Statuses of many nodes often share one
 * list of reasons (plugins hand out the same status for the same verdict), so
 * lists are counted first and their reasons then.
 */
export function countReasons(statuses: Iterable<Status>): Map<string, number> {
  const lists = new Map<readonly string[], number>();
  for (const st of statuses) lists.set(st.reasons, (lists.get(st.reasons) ?? 0) + 1);
  const counts = new Map<string, number>();
  for (const [reasons, n] of lists) for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + n);
  return counts;
}

/** truncateMessage: events carry at most 1024 characters (validation.NoteLengthLimit). */
export function truncateMessage(message: string): string {
  const max = 1024;
  if (message.length <= max) return message;
  const suffix = ' ...';
  return message.slice(0, max - suffix.length) + suffix;
}

/** A one-line explanation of why a decision came out as it did. */
export function explainDecision(d: SchedulingDecision): string {
  if (!d.node) return d.message ?? 'the scheduler has not decided yet';
  const parts: string[] = [];
  const rejected = [...d.filter].filter(([, st]) => st);
  for (const [node, st] of rejected) parts.push(`node "${node}" was filtered out by ${st!.plugin}: ${st!.reasons.join(', ')}`);
  if (d.scores.size) {
    const ranked = [...d.scores].sort((a, b) => b[1].total - a[1].total);
    for (const [node, s] of ranked) {
      const by = [...s.byPlugin].filter(([, v]) => v !== 0).map(([p, v]) => `${p} ${v}`).join(', ');
      parts.push(`node "${node}" scored ${s.total}${by ? ` (${by})` : ''}`);
    }
  } else {
    const feasible = [...d.filter].filter(([, st]) => !st).map(([n]) => n);
    if (feasible.length === 1) parts.push(`node "${feasible[0]}" was the only node that fit`);
  }
  return parts.join('; ');
}
