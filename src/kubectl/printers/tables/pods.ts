/**
 * The pod table (printPod in pkg/printers/internalversion): READY counts
 * ready containers, STATUS is the most telling reason among the phase, the
 * init containers (`Init:0/1`, `Init:CrashLoopBackOff`) and the containers
 * (`ContainerCreating`, `CrashLoopBackOff`, `Completed`, `Error`), with
 * `Terminating` and `Unknown` for pods being deleted.
 */
import type { Column, Row } from '../table.ts';
import { since, parseTime, humanDuration } from '../duration.ts';
import { type Json, list, map, str, num, at, condition } from '../fields.ts';

export const POD_COLUMNS: Column[] = [
  { name: 'Name', format: 'name' },
  { name: 'Ready' },
  { name: 'Status' },
  { name: 'Restarts' },
  { name: 'Age' },
  { name: 'IP', priority: 1 },
  { name: 'Node', priority: 1 },
  { name: 'Nominated Node', priority: 1 },
  { name: 'Readiness Gates', priority: 1 },
];

const isRestartable = (c: Json | undefined): boolean => str(c, 'restartPolicy') === 'Always';

/** The STATUS column of a pod, as `kubectl get pods` shows it. */
export function podStatusReason(pod: Json): string {
  return podSummary(pod).reason;
}

interface PodSummary {
  reason: string;
  ready: number;
  total: number;
  restarts: number;
  lastRestart: number | undefined;
}

function podSummary(pod: Json): PodSummary {
  const spec = map(pod, 'spec');
  const status = map(pod, 'status');
  const phase = str(status, 'phase');
  let reason = str(status, 'reason') || phase;
  for (const c of list(status, 'conditions'))
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';

  let restarts = 0;
  let sidecarRestarts = 0;
  let total = list(spec, 'containers').length;
  let ready = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  const later = (a: number | undefined, b: number | undefined) => (b !== undefined && (a === undefined || b > a) ? b : a);

  const initSpecs = new Map(list(spec, 'initContainers').map((c) => [str(c, 'name'), c]));
  for (const c of initSpecs.values()) if (isRestartable(c)) total++;

  let initializing = false;
  const initStatuses = list(status, 'initContainerStatuses');
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    const finished = parseTime(at(cs, 'lastState', 'terminated', 'finishedAt'));
    restarts += num(cs, ['restartCount']);
    lastRestart = later(lastRestart, finished);
    const sidecar = isRestartable(initSpecs.get(str(cs, 'name')));
    if (sidecar) {
      sidecarRestarts += num(cs, ['restartCount']);
      lastSidecarRestart = later(lastSidecarRestart, finished);
    }
    const term = at(cs, 'state', 'terminated') as Json | undefined;
    const waiting = at(cs, 'state', 'waiting') as Json | undefined;
    if (term && num(term, ['exitCode']) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (term) {
      if (!str(term, 'reason')) {
        reason = num(term, ['signal']) !== 0 ? `Init:Signal:${num(term, ['signal'])}` : `Init:ExitCode:${num(term, ['exitCode'])}`;
      } else reason = `Init:${str(term, 'reason')}`;
    } else if (waiting && str(waiting, 'reason') && str(waiting, 'reason') !== 'PodInitializing') {
      reason = `Init:${str(waiting, 'reason')}`;
    } else {
      reason = `Init:${i}/${initSpecs.size}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || condition(pod, 'Initialized')?.status === 'True') {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = list(status, 'containerStatuses');
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      restarts += num(cs, ['restartCount']);
      lastRestart = later(lastRestart, parseTime(at(cs, 'lastState', 'terminated', 'finishedAt')));
      const waiting = at(cs, 'state', 'waiting') as Json | undefined;
      const term = at(cs, 'state', 'terminated') as Json | undefined;
      if (waiting && str(waiting, 'reason')) reason = str(waiting, 'reason');
      else if (term && str(term, 'reason')) reason = str(term, 'reason');
      else if (term) reason = num(term, ['signal']) !== 0 ? `Signal:${num(term, ['signal'])}` : `ExitCode:${num(term, ['exitCode'])}`;
      else if (cs.ready === true && at(cs, 'state', 'running') !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = condition(pod, 'Ready')?.status === 'True' ? 'Running' : 'NotReady';
  }

  const deleting = at(pod, 'metadata', 'deletionTimestamp') !== undefined && at(pod, 'metadata', 'deletionTimestamp') !== null;
  if (deleting && str(status, 'reason') === 'NodeLost') reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  return { reason, ready, total, restarts, lastRestart };
}

/** One row of `kubectl get pods`. */
export function podRow(pod: Json, now: number): Row {
  const s = podSummary(pod);
  const restarts = s.restarts !== 0 && s.lastRestart !== undefined ? `${s.restarts} (${humanDuration(now - s.lastRestart)} ago)` : String(s.restarts);
  const status = map(pod, 'status');
  const podIP = str(list(status, 'podIPs')[0], 'ip') || '<none>';
  const gates = list(pod, 'spec', 'readinessGates');
  let readiness = '<none>';
  if (gates.length > 0) {
    const trueOnes = gates.filter((g) => condition(pod, str(g, 'conditionType'))?.status === 'True').length;
    readiness = `${trueOnes}/${gates.length}`;
  }
  return {
    object: pod as never,
    cells: [
      str(pod, 'metadata', 'name'),
      `${s.ready}/${s.total}`,
      s.reason,
      restarts,
      since(at(pod, 'metadata', 'creationTimestamp'), now),
      podIP,
      str(pod, 'spec', 'nodeName') || '<none>',
      str(status, 'nominatedNodeName') || '<none>',
      readiness,
    ],
  };
}
