/**
 * SyncPod (kuberuntime_manager.go computePodActions and SyncPod) for one
 * pod: mount its volumes, create its sandbox and IP, then start what should
 * run, in order: init containers one after another, sidecars before the
 * app containers, restarts per restartPolicy after doBackOff; and decide
 * when a pod that does not restart is done.
 */
import { type Run, containerPath, goSeconds, podFullName } from './container-run.ts';
import { unmountableVolume } from './container-config.ts';
import { startContainer } from './container-start.ts';
import { type StopPlan, killContainer, terminationGrace } from './container-stop.ts';
import { buildPodStatus } from './pod-status-report.ts';
import type { PodWorker } from './pod-worker.ts';

/** The volume manager's first retry of a failed mount, doubling up to 2m2s (nestedpendingoperations). */
const MOUNT_RETRY_INITIAL_MS = 500;
const MOUNT_RETRY_MAX_MS = 122_000;

/** SyncPod: mount, sandbox, then start what should run, in order. */
export function syncPod(w: PodWorker): void {
  if (w.stopped || w.termination || w.terminalPhase) return;
  // A pod whose status is already terminal is not set up again (SyncPod: "if the pod is terminal, we don't need to continue to
  // setup the pod"): after a reboot, a restartPolicy Never pod whose containers ended with the machine has Failed.
  const phase = buildPodStatus(w, w.lastStatus).phase;
  if (phase === 'Succeeded' || phase === 'Failed') return finishIfDone(w);
  if (!w.sandboxReady && !createSandbox(w)) return w.flush();
  const policy = w.pod.spec.restartPolicy ?? 'Always';
  for (const r of w.runs.filter((x) => x.init)) {
    if (r.pulling) return w.flush();
    if (r.sidecar) {
      if (r.state !== 'running' && startOrBackoff(w, r) === 'blocked') return w.flush();
      if (r.state !== 'running' || !r.started) return w.flush();
      continue;
    }
    if (r.state === 'terminated' && r.terminated?.exitCode === 0) continue;
    if (r.state === 'terminated' && policy === 'Never') return finishIfDone(w);
    if (r.state !== 'running') startOrBackoff(w, r);
    return w.flush();
  }
  for (const r of w.runs.filter((x) => !x.init)) {
    if (r.pulling) break;
    if (r.state === 'running') continue;
    if (r.state === 'terminated' && !shouldRestart(w, r)) continue;
    if (startOrBackoff(w, r) === 'blocked') break;
  }
  finishIfDone(w);
}

/** Volumes must mount before the sandbox is made; then the sandbox gets its IP. */
function createSandbox(w: PodWorker): boolean {
  const problem = unmountableVolume(w.pod, w.env.config);
  if (problem) {
    w.env.recorder.event(w.pod, 'Warning', 'FailedMount', problem.message);
    w.mountRetryMs = w.mountRetryMs ? Math.min(w.mountRetryMs * 2, MOUNT_RETRY_MAX_MS) : MOUNT_RETRY_INITIAL_MS;
    w.requestSync(w.mountRetryMs);
    return false;
  }
  // A hostNetwork pod shares the node's network namespace and address.
  const ip = w.podIP ?? (w.pod.spec.hostNetwork ? w.env.hostIP : w.env.allocateIP());
  if (!ip) {
    w.requeueAfterError();
    return false;
  }
  w.podIP = ip;
  w.env.images.ensureSandboxImage();
  w.sandboxReady = true;
  return true;
}

export function shouldRestart(w: PodWorker, r: Run): boolean {
  if (r.sidecar) return true;
  const policy = w.pod.spec.restartPolicy ?? 'Always';
  const code = r.terminated?.exitCode ?? 0;
  if (r.init) return code !== 0 && policy !== 'Never';
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return code !== 0;
  return false;
}

/**
 * doBackOff, then start. A container killed by a probe is checked against
 * the instance before it (the kubelet's status predates the kill), so the
 * first such restart is immediate.
 */
function startOrBackoff(w: PodWorker, r: Run): 'started' | 'waiting' | 'blocked' {
  const now = w.env.clock.now();
  const key = r.spec.name;
  if (r.terminated) {
    const stale = r.staleFinish;
    r.staleFinish = undefined;
    const ts = stale === undefined ? r.terminated.finishedAt : stale;
    if (ts !== null && w.backoff.isInBackOffSince(key, ts)) {
      if (stale !== undefined) return startOrBackoff(w, r);
      const end = w.backoff.endSince(key, ts)!;
      const message = `back-off ${goSeconds(end - ts)} restarting failed container=${r.spec.name} pod=${podFullName(w.pod)}`;
      if (r.waiting.reason !== 'CrashLoopBackOff' || r.state !== 'waiting') {
        w.env.recorder.event(w.pod, 'Warning', 'BackOff', `Back-off restarting failed container ${r.spec.name} in pod ${podFullName(w.pod)}`, containerPath(r));
      }
      r.waiting = { reason: 'CrashLoopBackOff', message };
      r.lastTerminated = r.terminated;
      r.state = 'waiting';
      w.requestSync(end - now);
      return 'waiting';
    }
    if (ts !== null) w.backoff.next(key, ts);
  }
  return startContainer(w, r);
}

/** With restartPolicy Never or OnFailure, a pod whose containers are all done is terminal. */
export function finishIfDone(w: PodWorker): void {
  const phase = buildPodStatus(w, w.lastStatus).phase;
  if (phase === 'Succeeded' || phase === 'Failed') {
    w.terminalPhase = phase;
    w.prober.stop();
    // Sidecars are stopped once the regular containers are done.
    const plan: StopPlan = { graceSeconds: terminationGrace(w.pod), reason: 'termination' };
    for (const r of w.runs) if (r.state === 'running') killContainer(w, r, plan);
  }
  w.flush();
}