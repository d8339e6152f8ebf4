/**
 * The status the kubelet reports for a pod (generateAPIPodStatus): container
 * statuses with the prober's started and ready, the phase, the conditions
 * (its own, and those others set, such as DisruptionTarget), IPs, start time,
 * and an eviction's reason and message.
 */
import type { PodCondition, PodStatus } from '../api/types.ts';
import { parseImageRef } from './behaviour/images.ts';
import { containerStatus, imageDigest } from './container-run.ts';
import { getPhase, podConditions } from './pod-status.ts';
import type { PodWorker } from './pod-worker.ts';

const OWNED = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady'];

/** Conditions as last written by the kubelet, with the ones others added since (DisruptionTarget, not-ready marks). */
function mergeConditions(own: readonly PodCondition[], api: readonly PodCondition[]): PodCondition[] {
  const out = [...own];
  for (const c of api) {
    const i = out.findIndex((x) => x.type === c.type);
    if (i < 0) out.push(c);
    else if (!OWNED.includes(c.type)) out[i] = c;
  }
  return out;
}

export function buildPodStatus(w: PodWorker, last: PodStatus | undefined): PodStatus {
  const clock = w.env.clock;
  const iso = (ms: number) => clock.iso(ms);
  const id = (image: string) => {
    const ref = parseImageRef(image);
    return `${ref.registry}/${ref.path}@${ref.digest ?? imageDigest(ref.canonical)}`;
  };
  for (const r of w.runs) w.prober.refresh(r);
  const all = w.runs.map((r) => containerStatus(r, iso, id));
  const inits = all.slice(0, w.runs.filter((r) => r.init).length);
  const apps = all.slice(inits.length);
  const t = w.termination?.status;
  const phase = t ? 'Failed' : getPhase(w.pod.spec, all, w.isTerminated);
  const previous = mergeConditions(last?.conditions ?? [], w.pod.status?.conditions ?? []);
  const withOwn = t?.condition ? [...previous.filter((c) => c.type !== t.condition!.type), t.condition] : previous;
  const status: PodStatus = {
    phase,
    conditions: podConditions(w.pod.spec, all, phase, w.sandboxReady, withOwn, clock.iso()),
    hostIP: w.env.hostIP,
    hostIPs: [{ ip: w.env.hostIP }],
    startTime: clock.iso(w.startTime ?? clock.now()),
    containerStatuses: apps,
    qosClass: w.pod.status?.qosClass,
  };
  if (t) {
    status.reason = t.reason;
    status.message = t.message;
  }
  if (w.podIP) {
    status.podIP = w.podIP;
    status.podIPs = [{ ip: w.podIP }];
  }
  if (inits.length) status.initContainerStatuses = inits;
  return status;
}
