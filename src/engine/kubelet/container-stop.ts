/**
 * Stopping one container (kuberuntime_container.go killContainer): the
 * Killing event, the preStop hook (its time comes out of the grace period),
 * SIGTERM with what is left (never less than 2 s), and SIGKILL (137) when
 * the process has not exited by then. What the process does on SIGTERM comes
 * from the behaviour model (sigtermOutcome).
 */
import type { Container, Pod } from '../api/types.ts';
import { sigtermOutcome } from './behaviour.ts';
import { type KillReason, type Run, containerPath } from './container-run.ts';
import { runHook } from './lifecycle-hooks.ts';
import type { PodWorker } from './pod-worker.ts';

/** minimumGracePeriodInSeconds: containers always get this long after SIGTERM. */
export const MINIMUM_GRACE_PERIOD_SECONDS = 2;

export interface StopPlan {
  graceSeconds: number;
  reason: KillReason;
  /** The Killing event's message; default "Stopping container <name>". */
  message?: string;
}

/**
 * setTerminationGracePeriod: the pod's deletion grace period when it is being
 * deleted, else the probe's own terminationGracePeriodSeconds for a probe
 * kill, else the pod's terminationGracePeriodSeconds (default 30).
 */
export function terminationGrace(pod: Pick<Pod, 'metadata' | 'spec'>, container?: Container, probe?: 'liveness' | 'startup'): number {
  const deletion = pod.metadata.deletionGracePeriodSeconds;
  if (deletion !== undefined && deletion !== null) return Math.max(1, deletion);
  const p = probe === 'liveness' ? container?.livenessProbe : probe === 'startup' ? container?.startupProbe : undefined;
  if (p?.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds !== null) return p.terminationGracePeriodSeconds;
  return pod.spec.terminationGracePeriodSeconds ?? 30;
}

export function killContainer(w: PodWorker, r: Run, plan: StopPlan): void {
  if (r.state !== 'running' || !r.behaviour || r.killing) return;
  const { env } = w;
  const now = env.clock.now();
  r.killing = plan.reason;
  env.recorder.event(w.pod, 'Normal', 'Killing', plan.message ?? `Stopping container ${r.spec.name}`, containerPath(r));
  const hook = r.spec.lifecycle?.preStop;
  const graceMs = Math.max(0, plan.graceSeconds) * 1000;
  if (!hook || graceMs <= 0) return sigterm(w, r, plan.graceSeconds);
  const outcome = runHook(hook, r.spec, r.behaviour, now - (r.startedAt ?? now), w.podIP ?? '');
  const finished = outcome.tookMs !== undefined && outcome.tookMs <= graceMs;
  const hookMs = finished ? outcome.tookMs! : graceMs;
  const after = () => {
    if (r.state !== 'running') return;
    if (finished && outcome.error) env.recorder.event(w.pod, 'Warning', 'FailedPreStopHook', 'PreStopHook failed', containerPath(r));
    // The hook's time, in whole seconds, comes out of the grace period.
    sigterm(w, r, plan.graceSeconds - Math.floor(hookMs / 1000));
  };
  if (hookMs === 0) after();
  else r.timers.push(env.clock.schedule(hookMs, w.label('preStop', r), after));
}

/** StopContainer(grace): SIGTERM, then SIGKILL when the grace period ends. */
function sigterm(w: PodWorker, r: Run, graceSeconds: number): void {
  const { env } = w;
  const now = env.clock.now();
  const elapsed = now - (r.startedAt ?? now);
  const graceMs = Math.max(graceSeconds, MINIMUM_GRACE_PERIOD_SECONDS) * 1000;
  r.sigtermAt = now;
  const out = sigtermOutcome(r.behaviour!, elapsed);
  if (out.exitAtMs !== undefined && out.exitAtMs - elapsed <= graceMs) {
    const code = out.exitCode ?? 143;
    r.timers.push(env.clock.schedule(Math.max(0, out.exitAtMs - elapsed), w.label('sigterm', r), () => w.exited(r, code, code === 0 ? 'Completed' : 'Error')));
  } else {
    r.timers.push(env.clock.schedule(graceMs, w.label('sigkill', r), () => w.exited(r, 137, 'Error')));
  }
}
