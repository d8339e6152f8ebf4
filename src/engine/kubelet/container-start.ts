/**
 * Starting one container (kuberuntime_container.go startContainer): ensure
 * the image (pull, back-off, policy), build the configuration (environment
 * from ConfigMaps and Secrets), create and start it, with the kubelet's
 * events and waiting reasons for each failure; then watch its memory
 * against its limit (over it, the kernel kills it: OOMKilled, 137).
 */
import { resourceAmount } from '../api/quantity.ts';
import { containerBehaviour } from './behaviour.ts';
import { containerEnv } from './container-config.ts';
import { type Run, clearTimers, containerPath } from './container-run.ts';
import type { PullOutcome } from './image-manager.ts';
import type { PodWorker } from './pod-worker.ts';

type Outcome = 'started' | 'waiting' | 'blocked';

/** genericPlegRelistPeriod: how soon the kubelet notices a change in its containers. */
const PLEG_RELIST_MS = 1_000;

function event(w: PodWorker, r: Run, type: 'Normal' | 'Warning', reason: string, message: string): void {
  w.env.recorder.event(w.pod, type, reason, message, containerPath(r));
}

function waitWith(r: Run, reason: string, message: string): void {
  if (r.terminated) r.lastTerminated = r.terminated;
  r.state = 'waiting';
  r.waiting = { reason, message };
}

/** The image is there or the pull failed; what follows the pull. */
function afterPull(w: PodWorker, r: Run, o: PullOutcome): Outcome {
  const image = r.spec.image ?? '';
  event(w, r, o.event.type, o.event.reason, o.event.message);
  if (o.ok) return createAndStart(w, r);
  event(w, r, 'Warning', 'Failed', 'Error: ErrImagePull');
  waitWith(r, 'ErrImagePull', o.message || `Failed to pull image ${JSON.stringify(image)}`);
  w.flush();
  // The next sync (the PLEG's relist, 1 s) finds the pull in back-off.
  w.requestSync(PLEG_RELIST_MS);
  return 'waiting';
}

export function startContainer(w: PodWorker, r: Run): Outcome {
  const image = r.spec.image ?? '';
  const policy = r.spec.imagePullPolicy ?? 'IfNotPresent';
  const res = w.env.images.ensure(w.uid, image, policy, (o) => {
    r.pulling = false;
    if (w.stopped || w.termination) return;
    afterPull(w, r, o);
    w.requestSync(0);
  });
  switch (res.kind) {
    case 'present':
      event(w, r, 'Normal', res.event.reason, res.event.message);
      return createAndStart(w, r);
    case 'error':
      event(w, r, res.event.type, res.event.reason, res.event.message);
      event(w, r, 'Warning', 'Failed', `Error: ${res.reason}`);
      waitWith(r, res.reason, res.message);
      w.flush();
      // A pull in back-off is tried again when the back-off ends; other errors on the pod worker's retry.
      if (res.reason === 'ImagePullBackOff') w.requestSync(Math.max(0, (w.env.images.backoffEnds(w.uid, image) ?? 0) - w.env.clock.now()));
      else w.requeueAfterError();
      return 'waiting';
    case 'pulled':
      event(w, r, 'Normal', 'Pulling', `Pulling image ${JSON.stringify(image)}`);
      return afterPull(w, r, res.outcome);
    case 'pulling':
      event(w, r, 'Normal', 'Pulling', `Pulling image ${JSON.stringify(image)}`);
      r.pulling = true;
      w.flush();
      return 'blocked';
  }
}

/** Bytes of a quantity, or undefined for an absent or unreadable one. */
function bytes(q: unknown): number | undefined {
  if (q === undefined || q === null || q === '') return undefined;
  try {
    return resourceAmount('memory', q as string);
  } catch {
    return undefined;
  }
}

function createAndStart(w: PodWorker, r: Run): Outcome {
  const { env, pod } = w;
  const now = env.clock.now();
  const facts = { podIP: w.podIP, hostIP: env.hostIP, nodeName: env.nodeName, allocatable: env.allocatable() };
  const config = containerEnv(pod, r.spec, env.config, facts, (resource, divisor) => resourceFieldValue(r, resource, divisor, facts.allocatable));
  if ('error' in config) {
    event(w, r, 'Warning', 'Failed', `Error: ${config.error}`);
    waitWith(r, 'CreateContainerConfigError', config.error);
    w.flush();
    w.requeueAfterError();
    return 'waiting';
  }
  let b = containerBehaviour(pod, r.spec.name, { startedAt: now, env: config.env });
  if (w.crashing && !b.startError) b = { ...b, exitAfterMs: 0, exitCode: 1 };
  for (const p of b.problems) env.recorder.event(pod, 'Warning', 'InvalidBehaviour', p, containerPath(r));
  if (r.terminated) {
    const t = r.terminated;
    r.prev = r.behaviour && r.startedAt !== undefined ? { behaviour: r.behaviour, startedAt: r.startedAt, finishedAt: t.finishedAt } : r.prev;
    r.lastTerminated = t;
    r.restartCount++;
  }
  r.containerID = `containerd://${env.random.hex(64)}`;
  event(w, r, 'Normal', 'Created', `Created container: ${r.spec.name}`);
  r.behaviour = b;
  r.terminated = undefined;
  r.sigtermAt = undefined;
  r.startedAt = now;
  if (b.startError) {
    event(w, r, 'Warning', 'Failed', `Error: ${b.startError}`);
    r.state = 'running';
    w.exited(r, 128, 'StartError', b.startError);
    return 'started';
  }
  event(w, r, 'Normal', 'Started', `Started container ${r.spec.name}`);
  r.state = 'running';
  r.ready = false;
  r.started = false;
  w.prober.instanceStarted(r);
  if (b.exitAfterMs !== undefined) {
    r.timers.push(env.clock.schedule(b.exitAfterMs, w.label('exit', r), () => w.exited(r, b.exitCode, b.exitCode === 0 ? 'Completed' : 'Error')));
  }
  checkMemory(w, r);
  w.flush();
  return 'started';
}

/** The kernel's OOM killer: a container whose memory use exceeds its limit dies with 137. */
export function checkMemory(w: PodWorker, r: Run): void {
  if (r.state !== 'running') return;
  const limit = bytes(r.spec.resources?.limits?.memory);
  const used = bytes(w.usageOf(r).memory);
  if (limit === undefined || used === undefined || used <= limit) return;
  clearTimers(r);
  r.timers.push(w.env.clock.schedule(0, w.label('oom-kill', r), () => w.exited(r, 137, 'OOMKilled')));
}

/** resourceFieldRef: the container's limit (or the node's allocatable without one), in whole divisors, rounded up. */
function resourceFieldValue(r: Run, resource: string, divisor: string | undefined, allocatable: Record<string, string>): string {
  const [kind, name] = resource.split('.');
  const list = (kind === 'limits' ? r.spec.resources?.limits : r.spec.resources?.requests) as Record<string, string> | undefined;
  const q = list?.[name] ?? (kind === 'limits' ? allocatable[name] : undefined) ?? '0';
  try {
    const amount = resourceAmount(name, q);
    const per = divisor ? resourceAmount(name, divisor) : name === 'cpu' ? 1000 : 1;
    return String(Math.ceil(amount / (per || 1)));
  } catch {
    return '0';
  }
}
