/**
 * The checks of the step vocabulary, as functions of a cluster state (a
 * View). Each says what it expected and what it found, and explains a
 * failure in kubectl's words. The same check runs on the live state, on
 * every instant of a "within" or "for", or on every past state of an
 * "at all times".
 */
import {
  R,
  getCondition,
  podMatchesNodeSelectorAndAffinity,
  taintTolerated,
  type Node,
  type Pod,
  type Stored,
} from '../engine/index.ts';
import type { View } from './view.ts';
import type { Ref, WorkloadKind } from './params.ts';
import { getWorkload, isReady, isRunning, podsOf, workloadType } from './workloads.ts';
import { indent, latestEvent, podsReport, table, eventsAbout, eventsTable } from './report.ts';
import { describeReport } from './describe.ts';

export interface Outcome {
  ok: boolean;
  /** What held or did not, in one line: "3 pods of deployment "web" are running". */
  expected: string;
  /** What was found, in one line. */
  found: string;
  /** Evidence for a failure, computed only when needed. */
  details?: () => string;
}

export type Check = (view: View) => Outcome;

export type PodPhaseWord = 'pending' | 'running' | 'succeeded' | 'failed';

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** A pod, or (when missing) is a failed check (it may appear later), not a mistake. */
function podOrMissing(view: View, ref: Ref, expected: string): Stored<Pod> | Outcome {
  const pod = view.get<Pod>(R.pods, ref.namespace, ref.name);
  if (pod) return pod;
  return { ok: false, expected, found: `there is no pod "${ref.name}" in namespace "${ref.namespace}"${otherPods(view, ref.namespace)}` };
}

function otherPods(view: View, ns: string): string {
  const names = view.list(R.pods, ns).map((p) => p.metadata.name);
  return names.length ? ` (its pods: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''})` : ' (it has no pods)';
}

const describeWorkload = (kind: WorkloadKind, ref: Ref) => `${kind} "${ref.name}"`;

export function podsRunning(kind: WorkloadKind, ref: Ref, n: number): Check {
  return (view) => {
    const pods = podsOf(view, kind, ref);
    const running = pods.filter(isRunning);
    return {
      ok: running.length === n,
      expected: `${n} pod${n === 1 ? '' : 's'} of ${describeWorkload(kind, ref)} ${n === 1 ? 'is' : 'are'} running`,
      found: `${running.length} running (of ${pods.length} live pod${pods.length === 1 ? '' : 's'})`,
      details: () => podsReport(view, podsOf(view, kind, ref, false)),
    };
  };
}

/** "at least/at most N pods of X were ready/running/existed", for history checks. */
export function podsCount(kind: WorkloadKind, ref: Ref, bound: 'at least' | 'at most' | 'exactly', n: number, what: 'ready' | 'running' | 'existing'): Check {
  return (view) => {
    // Looking back, the workload may not exist yet: then it has no pods.
    const exists = view.get(workloadType(kind), ref.namespace, ref.name) !== undefined;
    const all = exists ? podsOf(view, kind, ref, what !== 'existing') : [];
    const counted = what === 'ready' ? all.filter(isReady) : what === 'running' ? all.filter(isRunning) : all;
    const c = counted.length;
    const ok = bound === 'at least' ? c >= n : bound === 'at most' ? c <= n : c === n;
    return {
      ok,
      expected: `${bound} ${n} pods of ${describeWorkload(kind, ref)} ${what === 'existing' ? 'exist' : `are ${what}`}`,
      found: `${c} ${what === 'existing' ? 'existed' : what}`,
      details: () => (exists ? podsReport(view, podsOf(view, kind, ref, false)) : `there was no ${kind} "${ref.name}" yet`),
    };
  };
}

export function readyReplicas(kind: WorkloadKind, ref: Ref, n: number): Check {
  return (view) => {
    const w = getWorkload(view, kind, ref) as Stored & { status?: Record<string, number>; spec?: { replicas?: number } };
    const ready = kind === 'daemonset' ? (w.status?.numberReady ?? 0) : (w.status?.readyReplicas ?? 0);
    return {
      ok: ready === n,
      expected: `the ${describeWorkload(kind, ref)} has ${n} ready replica${n === 1 ? '' : 's'}`,
      found: `status.${kind === 'daemonset' ? 'numberReady' : 'readyReplicas'} is ${ready}`,
      details: () => [`${cap(kind)}:`, indent(table(w.kind, [w], view.now)), podsReport(view, podsOf(view, kind, ref, false))].join('\n'),
    };
  };
}

export function podPhase(ref: Ref, phase: PodPhaseWord): Check {
  const expected = `pod "${ref.name}" is ${phase}`;
  return (view) => {
    const pod = podOrMissing(view, ref, expected);
    if (!('metadata' in pod)) return pod;
    const actual = pod.status?.phase ?? 'Pending';
    return {
      ok: actual.toLowerCase() === phase && !(phase === 'running' && pod.metadata.deletionTimestamp),
      expected,
      found: `its phase is ${actual}${pod.metadata.deletionTimestamp ? ' and it is being deleted' : ''}`,
      details: () => describeReport(view, pod),
    };
  };
}

export function podOnNode(ref: Ref, node: string): Check {
  const expected = `pod "${ref.name}" runs on node "${node}"`;
  return (view) => {
    const pod = podOrMissing(view, ref, expected);
    if (!('metadata' in pod)) return pod;
    return {
      ok: pod.spec.nodeName === node,
      expected,
      found: pod.spec.nodeName ? `it runs on node "${pod.spec.nodeName}"` : 'it is not scheduled',
      details: () => describeReport(view, pod),
    };
  };
}

export function noPodOnNode(namespace: string, node: string): Check {
  return (view) => {
    const pods = view.list<Pod>(R.pods, namespace).filter((p) => p.spec.nodeName === node && !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase ?? ''));
    return {
      ok: pods.length === 0,
      expected: `no pod runs on node "${node}"`,
      found: `${pods.length} pod${pods.length === 1 ? '' : 's'} on it: ${pods.map((p) => p.metadata.name).join(', ')}`,
      details: () => podsReport(view, pods),
    };
  };
}

export function podsOnLabeledNodes(kind: WorkloadKind, ref: Ref, label: string): Check {
  const [key, value] = splitLabel(label);
  return (view) => {
    const pods = podsOf(view, kind, ref);
    const wrong = pods.filter((p) => {
      if (!p.spec.nodeName) return true;
      const node = view.get<Node>(R.nodes, undefined, p.spec.nodeName);
      const v = node?.metadata.labels?.[key];
      return value === undefined ? v === undefined : v !== value;
    });
    return {
      ok: pods.length > 0 && wrong.length === 0,
      expected: `all pods of ${describeWorkload(kind, ref)} run on nodes with the label "${label}"`,
      found: pods.length === 0 ? 'it has no pods' : `${wrong.length} of ${pods.length} do not: ${wrong.map((p) => `${p.metadata.name} (${p.spec.nodeName ? `on ${p.spec.nodeName}` : 'unscheduled'})`).join(', ')}`,
      details: () => [podsReport(view, pods), 'Nodes:', indent(table('Node', view.list(R.nodes), view.now))].join('\n'),
    };
  };
}

export function spreadOver(kind: WorkloadKind, ref: Ref, n: number): Check {
  return (view) => {
    const pods = podsOf(view, kind, ref);
    const nodes = new Set(pods.map((p) => p.spec.nodeName).filter(Boolean));
    return {
      ok: nodes.size === n,
      expected: `the pods of ${describeWorkload(kind, ref)} are spread over ${n} nodes`,
      found: `they are on ${nodes.size} node${nodes.size === 1 ? '' : 's'} (${[...nodes].join(', ') || 'none'})`,
      details: () => podsReport(view, pods),
    };
  };
}

export function staysPending(ref: Ref, because: string): Check {
  const expected = `pod "${ref.name}" stays pending because "${because}"`;
  return (view) => {
    const pod = podOrMissing(view, ref, expected);
    if (!('metadata' in pod)) return pod;
    const msg = latestEvent(view, pod, 'FailedScheduling')?.message ?? pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message ?? '';
    const ok = !pod.spec.nodeName && msg.includes(because);
    return {
      ok,
      expected,
      found: pod.spec.nodeName ? `it was scheduled to node "${pod.spec.nodeName}"` : msg ? `the scheduler says: ${msg}` : 'the scheduler has said nothing about it yet',
      details: () => describeReport(view, pod),
    };
  };
}

export function nodeNotReady(node: string): Check {
  return (view) => {
    const n = view.get<Node>(R.nodes, undefined, node);
    if (!n) return { ok: false, expected: `node "${node}" is not ready`, found: `there is no node "${node}"` };
    const ready = getCondition(n.status?.conditions, 'Ready');
    return {
      ok: ready?.status === 'False' || ready?.status === 'Unknown',
      expected: `node "${node}" is not ready`,
      found: `its Ready condition is ${ready?.status ?? 'missing'}${ready?.reason ? ` (${ready.reason})` : ''}`,
      details: () => `Nodes:\n${indent(table('Node', view.list(R.nodes), view.now))}`,
    };
  };
}

export function nodeReady(node: string): Check {
  return (view) => {
    const n = view.get<Node>(R.nodes, undefined, node);
    if (!n) return { ok: false, expected: `node "${node}" is ready`, found: `there is no node "${node}"` };
    const ready = getCondition(n.status?.conditions, 'Ready');
    return {
      ok: ready?.status === 'True',
      expected: `node "${node}" is ready`,
      found: `its Ready condition is ${ready?.status ?? 'missing'}${ready?.reason ? ` (${ready.reason})` : ''}`,
      details: () => `Nodes:\n${indent(table('Node', view.list(R.nodes), view.now))}`,
    };
  };
}

export function inCrashLoop(ref: Ref): Check {
  const expected = `pod "${ref.name}" is in CrashLoopBackOff`;
  return (view) => {
    const pod = podOrMissing(view, ref, expected);
    if (!('metadata' in pod)) return pod;
    const waiting = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].map((s) => s.state?.waiting?.reason).filter(Boolean);
    return {
      ok: waiting.includes('CrashLoopBackOff'),
      expected,
      found: waiting.length ? `its containers are waiting: ${waiting.join(', ')}` : `its phase is ${pod.status?.phase}, no container is waiting`,
      details: () => describeReport(view, pod),
    };
  };
}

export function restartedTimes(ref: Ref, n: number): Check {
  const expected = `the containers of pod "${ref.name}" have restarted ${n} times`;
  return (view) => {
    const pod = podOrMissing(view, ref, expected);
    if (!('metadata' in pod)) return pod;
    const counts = (pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0);
    const total = counts.reduce((a, b) => a + b, 0);
    return {
      ok: total === n,
      expected,
      found: `they have restarted ${total} times`,
      details: () => describeReport(view, pod),
    };
  };
}

export function jobFinished(ref: Ref, outcome: 'succeeded' | 'failed'): Check {
  return (view) => {
    const job = getWorkload(view, 'job', ref) as Stored & { status?: { conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } };
    const type = outcome === 'succeeded' ? 'Complete' : 'Failed';
    const c = job.status?.conditions?.find((x) => x.type === type && x.status === 'True');
    const done = job.status?.conditions?.filter((x) => x.status === 'True').map((x) => `${x.type}${x.reason ? ` (${x.reason})` : ''}`);
    return {
      ok: !!c,
      expected: `the job "${ref.name}" has ${outcome}`,
      found: done?.length ? `its conditions: ${done.join(', ')}` : 'it has not finished',
      details: () => podsReport(view, podsOf(view, 'job', ref, false)),
    };
  };
}

export function podsRunImage(kind: WorkloadKind, ref: Ref, image: string): Check {
  return (view) => {
    const pods = podsOf(view, kind, ref);
    const wrong = pods.filter((p) => p.spec.containers.some((c) => c.image !== image));
    return {
      ok: pods.length > 0 && wrong.length === 0,
      expected: `all pods of ${describeWorkload(kind, ref)} run the image "${image}"`,
      found: pods.length === 0 ? 'it has no pods' : `${wrong.length} of ${pods.length} do not: ${wrong.map((p) => `${p.metadata.name} runs ${p.spec.containers.map((c) => c.image).join(', ')}`).join('; ')}`,
      details: () => podsReport(view, podsOf(view, kind, ref, false)),
    };
  };
}

/** "the event X was recorded for pod Y" (or for a pod of a workload): any time so far. */
export function eventRecorded(reason: string, target: { pod: Ref } | { workload: WorkloadKind; ref: Ref }): Check {
  return (view) => {
    const ns = 'pod' in target ? target.pod.namespace : target.ref.namespace;
    let subjects: Stored[];
    let what: string;
    if ('pod' in target) {
      const pod = view.get<Pod>(R.pods, ns, target.pod.name);
      subjects = pod ? [pod] : [];
      what = `pod "${target.pod.name}"`;
      if (!pod) {
        // The pod may be gone; events still name it.
        const named = view.list(R.events, ns).filter((e) => (e as { involvedObject?: { kind?: string; name?: string } }).involvedObject?.name === target.pod.name);
        const hit = named.some((e) => (e as { reason?: string }).reason === reason);
        return { ok: hit, expected: `the event "${reason}" was recorded for ${what}`, found: hit ? 'it was' : 'no such event' };
      }
    } else {
      getWorkload(view, target.workload, target.ref);
      subjects = podsOf(view, target.workload, target.ref, false);
      what = `a pod of ${target.workload} "${target.ref.name}"`;
    }
    const events = eventsAbout(view, ns, subjects, Number.MAX_SAFE_INTEGER);
    const hit = events.filter((e) => e.reason === reason);
    return {
      ok: hit.length > 0,
      expected: `the event "${reason}" was recorded for ${what}`,
      found: hit.length ? `${hit.length} recorded` : `no "${reason}" event among ${events.length}`,
      details: () => `Events:\n${indent(eventsTable(view, events.slice(-20)))}`,
    };
  };
}

function splitLabel(label: string): [string, string | undefined] {
  const i = label.indexOf('=');
  return i < 0 ? [label, undefined] : [label.slice(0, i), label.slice(i + 1)];
}

/** Whether a bound pod's node satisfies its selector, affinity and taints (used by the invariants too). */
export function placementProblems(pod: Stored<Pod>, node: Stored<Node> | undefined): string[] {
  if (!node) return [`is bound to node "${pod.spec.nodeName}", which does not exist`];
  const out: string[] = [];
  if (!podMatchesNodeSelectorAndAffinity(pod, node)) out.push(`does not match the node selector or required affinity of node "${node.metadata.name}"`);
  for (const t of node.spec?.taints ?? []) {
    if (t.effect !== 'NoSchedule') continue;
    // NoSchedule taints added after binding (cordon, conditions) do not make a placement wrong.
    if (t.timeAdded && pod.metadata.creationTimestamp && t.timeAdded > pod.metadata.creationTimestamp) continue;
    if (t.key.startsWith('node.kubernetes.io/')) continue;
    if (!taintTolerated(t, pod.spec.tolerations)) out.push(`does not tolerate the taint ${t.key}${t.value ? `=${t.value}` : ''}:${t.effect} of node "${node.metadata.name}"`);
  }
  return out;
}

