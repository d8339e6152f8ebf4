/**
 * Checks on one pod's life as the kubelet reports it: readiness, the status
 * kubectl shows, OOM kills, evictions, conditions, QoS class, restarts of a
 * container, and its logs. Failures show `kubectl describe pod`.
 */
import { R, type KubeEvent, type Pod, type Stored } from '../engine/index.ts';
import type { Check, Outcome } from './checks.ts';
import type { Ref } from './params.ts';
import type { View } from './view.ts';
import { describeReport, podStatusText } from './describe.ts';
import { indent } from './report.ts';

type PodOrMissing = Stored<Pod> | Outcome;

function podOrMissing(view: View, ref: Ref, expected: string): PodOrMissing {
  const pod = view.get<Pod>(R.pods, ref.namespace, ref.name);
  if (pod) return pod;
  const names = view.list(R.pods, ref.namespace).map((p) => p.metadata.name);
  return { ok: false, expected, found: `there is no pod "${ref.name}" in namespace "${ref.namespace}"${names.length ? ` (its pods: ${names.slice(0, 10).join(', ')})` : ' (it has no pods)'}` };
}

/** A check on an existing pod; a missing pod fails it (it may appear later). */
function onPod(ref: Ref, expected: string, judge: (pod: Stored<Pod>, view: View) => { ok: boolean; found: string }): Check {
  return (view) => {
    const pod = podOrMissing(view, ref, expected);
    if (!('metadata' in pod)) return pod;
    const { ok, found } = judge(pod, view);
    return { ok, expected, found, details: () => describeReport(view, pod) };
  };
}

const statuses = (pod: Pod) => [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];

export function podReady(ref: Ref, ready: boolean): Check {
  return onPod(ref, `pod "${ref.name}" is ${ready ? '' : 'not '}ready`, (pod) => {
    const c = pod.status?.conditions?.find((x) => x.type === 'Ready');
    const is = c?.status === 'True';
    return { ok: is === ready, found: `its Ready condition is ${c?.status ?? 'missing'}${c?.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}` };
  });
}

/** The STATUS column of `kubectl get pods`. */
export function podShowsStatus(ref: Ref, status: string): Check {
  return onPod(ref, `the status of pod "${ref.name}" is ${status}`, (pod) => {
    const shown = podStatusText(pod);
    return { ok: shown === status, found: `kubectl get pods shows ${shown}` };
  });
}

export function podOOMKilled(ref: Ref): Check {
  return onPod(ref, `pod "${ref.name}" was OOMKilled`, (pod) => {
    const hit = statuses(pod).filter((s) => s.state?.terminated?.reason === 'OOMKilled' || s.lastState?.terminated?.reason === 'OOMKilled');
    const ends = statuses(pod).map((s) => s.state?.terminated?.reason ?? s.lastState?.terminated?.reason).filter(Boolean);
    return {
      ok: hit.length > 0,
      found: hit.length ? `container ${hit.map((s) => s.name).join(', ')} was` : ends.length ? `its containers ended with ${ends.join(', ')}` : 'no container of it has ended',
    };
  });
}

export function podEvicted(ref: Ref, because?: string): Check {
  return onPod(ref, `pod "${ref.name}" was evicted${because ? ` because "${because}"` : ''}`, (pod) => {
    const evicted = pod.status?.reason === 'Evicted';
    const message = pod.status?.message ?? '';
    return {
      ok: evicted && (!because || message.includes(because)),
      found: evicted ? `it was evicted: ${message}` : `its phase is ${pod.status?.phase ?? 'Pending'}${pod.status?.reason ? ` (${pod.status.reason})` : ''}`,
    };
  });
}

/** The condition is True (with `because`: its reason or message contains it), or not True. */
export function podHasCondition(ref: Ref, type: string, present: boolean, because?: string): Check {
  return onPod(ref, `pod "${ref.name}" ${present ? 'has' : 'does not have'} the condition ${type}${because ? ` because "${because}"` : ''}`, (pod) => {
    const c = pod.status?.conditions?.find((x) => x.type === type);
    const on = c?.status === 'True' && (!because || (c.reason ?? '').includes(because) || (c.message ?? '').includes(because));
    return { ok: on === present, found: c ? `${type} is ${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}` : `it has no ${type} condition` };
  });
}

export function podQOSClass(ref: Ref, qos: string): Check {
  return onPod(ref, `the QoS class of pod "${ref.name}" is ${qos}`, (pod) => ({ ok: pod.status?.qosClass === qos, found: `it is ${pod.status?.qosClass ?? 'not set'}` }));
}

export function containerRestarted(ref: Ref, container: string, n: number): Check {
  return onPod(ref, `container "${container}" of pod "${ref.name}" has restarted ${n} time${n === 1 ? '' : 's'}`, (pod) => {
    const s = statuses(pod).find((x) => x.name === container);
    if (!s) return { ok: false, found: `the pod has no status for container "${container}" (its containers: ${statuses(pod).map((x) => x.name).join(', ') || 'none yet'})` };
    return { ok: (s.restartCount ?? 0) === n, found: `it has restarted ${s.restartCount ?? 0} times` };
  });
}

export type LogReader = (namespace: string, pod: string, container: string | undefined, previous: boolean) => { lines?: Array<{ text: string }>; containers: string[] } | undefined;

/** "the logs of pod X contain Y": the current (or previous) logs of one container, the first by default. */
export function logsContain(read: LogReader, ref: Ref, container: string | undefined, text: string, previous: boolean, negate = false): Check {
  const which = `${previous ? 'previous ' : ''}logs of ${container ? `container "${container}" of ` : ''}pod "${ref.name}"`;
  const expected = `the ${which} ${negate ? 'do not contain' : 'contain'} "${text}"`;
  return (view) => {
    const pod = podOrMissing(view, ref, expected);
    if (!('metadata' in pod)) return pod;
    const res = read(ref.namespace, ref.name, container, previous);
    if (!res) return { ok: false, expected, found: `no kubelet can give its logs (${pod.spec.nodeName ? `its node "${pod.spec.nodeName}" is down or cut off the network` : 'it is not scheduled'})`, details: () => describeReport(view, pod) };
    if (!res.lines) {
      const why = container && !res.containers.includes(container) ? `the pod has no container "${container}" (its containers: ${res.containers.join(', ')})` : previous ? 'the container has no previous run' : 'there are no logs';
      return { ok: false, expected, found: why, details: () => describeReport(view, pod) };
    }
    const lines = res.lines.map((l) => l.text);
    const hit = lines.some((l) => l.includes(text));
    const tail = lines.slice(-20);
    return {
      ok: hit !== negate,
      expected,
      found: hit ? 'they do' : lines.length ? `they do not (${lines.length} line${lines.length === 1 ? '' : 's'})` : 'they are empty',
      details: () => `Logs${lines.length > 20 ? ' (last 20 lines)' : ''}:\n${indent(tail.join('\n') || '(none)')}\n\n${describeReport(view, pod)}`,
    };
  };
}

/** "the event X was recorded for pod Y saying Z": an event of that reason whose message contains Z. */
export function podEventSaying(ref: Ref, reason: string, text: string): Check {
  const expected = `the event "${reason}" was recorded for pod "${ref.name}" saying "${text}"`;
  return (view) => {
    const events = view.list<KubeEvent>(R.events, ref.namespace).filter((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name === ref.name);
    const same = events.filter((e) => e.reason === reason);
    const hit = same.some((e) => (e.message ?? '').includes(text));
    const pod = view.get<Pod>(R.pods, ref.namespace, ref.name);
    return {
      ok: hit,
      expected,
      found: hit ? 'it was' : same.length ? `its ${reason} events say: ${same.map((e) => JSON.stringify(e.message)).join(', ')}` : `no ${reason} event among ${events.length}`,
      details: pod ? () => describeReport(view, pod) : undefined,
    };
  };
}

/** "the event X was not recorded for pod Y". */
export function podEventAbsent(ref: Ref, reason: string): Check {
  const expected = `the event "${reason}" was not recorded for pod "${ref.name}"`;
  return (view) => {
    const hit = view.list<KubeEvent>(R.events, ref.namespace).filter((e) => e.involvedObject.kind === 'Pod' && e.involvedObject.name === ref.name && e.reason === reason);
    const pod = view.get<Pod>(R.pods, ref.namespace, ref.name);
    return {
      ok: hit.length === 0,
      expected,
      found: hit.length ? `it was: ${hit.map((e) => JSON.stringify(e.message)).join(', ')}` : 'it was not',
      details: pod ? () => describeReport(view, pod) : undefined,
    };
  };
}
