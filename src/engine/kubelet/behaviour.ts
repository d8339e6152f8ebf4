/**
 * The simulated container behaviour model: what the process in a
 * container does over simulated time, read from the pod the way a user
 * would expect (see "How simulated containers behave" in STEPS.md).
 *
 * - No command: the image's default process. Server images (nginx, redis,
 *   postgres with a password, pause, ...) and unknown images run until
 *   stopped; shell images (busybox, alpine, ubuntu, ...) and interpreters
 *   (python, node, ...) exit 0 at once, as they do without a terminal;
 *   postgres, mysql and mariadb without their password variables exit 1
 *   with the message their entrypoint prints.
 * - A command (`command` replaces ENTRYPOINT, `args` replaces CMD, `$(VAR)`
 *   expanded as the kubelet does) is run by a small shell reader on
 *   simulated time: `sleep`, `echo`, `exit`, `;`/`&&`/`||`, `sh -c`,
 *   loops, `trap`, `exec`, `tail -f`, ... A command it cannot read runs until
 *   stopped, and `notes` says why.
 * - `kubecuke.io/*` pod annotations override the result.
 *
 * Everything here is a pure function of its inputs: no clock, no randomness.
 */
import type { Container, PodSpec, ObjectMeta } from '../api/types.ts';
import { readOverrides } from './behaviour/annotations.ts';
import { ContainerEnv } from './behaviour/env.ts';
import { imageProfile, isDeclaredMissing, parseImageRef } from './behaviour/images.ts';
import { runContainerProcess } from './behaviour/process.ts';
import type { Cycle, FileEvent, Interval, LogLine, TermDisposition } from './behaviour/shell-state.ts';

export type { Cycle, FileEvent, Interval, LogLine, TermDisposition } from './behaviour/shell-state.ts';
export { logsUntil, sigtermOutcome, filesAt, execProbe, execInContainer, type SigtermOutcome, type ProbeResult, type ExecResult } from './behaviour/timeline.ts';

/** The part of a pod the model reads. */
export interface PodLike {
  metadata: Pick<ObjectMeta, 'name' | 'namespace' | 'annotations'>;
  spec: Pick<PodSpec, 'containers' | 'initContainers' | 'hostname' | 'shareProcessNamespace'> & { ephemeralContainers?: Array<Pick<Container, 'name'>> };
}

export interface BehaviourOptions {
  /** Images declared missing (`Given the image "nginx:9.9" does not exist`); untagged entries cover every tag. */
  missingImages?: ReadonlySet<string>;
  /**
   * The container's complete environment as the kubelet resolved it
   * (env, envFrom, valueFrom, service links). Without it, only literal `env`
   * values are known and variables from other sources count as set.
   */
  env?: Readonly<Record<string, string>>;
  /** Epoch milliseconds on the simulated clock when the container starts: what `date` prints. Default 0. */
  startedAt?: number;
  /** Most log lines one run generates before an endless, non-repeating loop is cut short. Default 10,000. */
  maxLogLines?: number;
  /** Most shell commands one run executes before it is cut short. Default 100,000. */
  maxSteps?: number;
}

/**
 * What a container's process does once started; times are milliseconds
 * after the start. Compute it afresh for every start (it is cheap): it is
 * the same each time, so a restarted container repeats its behaviour.
 */
export interface ContainerBehaviour {
  /** What the model was read from: the container's command, a known image's default, or an unknown image (a server). */
  source: 'command' | 'image' | 'unknown-image';
  /** Set when the image cannot be pulled: the kubelet reports ErrImagePull, then ImagePullBackOff. Nothing else applies. */
  pullError?: { reason: 'ErrImagePull'; message: string };
  /**
   * Set when the runtime cannot start the process (a program the image does
   * not have): terminated with reason StartError and exit code 128, this message.
   */
  startError?: string;
  /** When the process exits by itself; undefined: it runs until stopped. */
  exitAfterMs?: number;
  /** Its exit code when it exits by itself. */
  exitCode: number;
  /** When a readiness probe starts passing (0: at once). */
  readyAfterMs: number;
  /** From then on the process stops responding: every probe fails; it does not exit. */
  hangAfterMs?: number;
  /** Lines printed before `cycle` begins (or all of them when there is no cycle). Read them with logsUntil. */
  logs: LogLine[];
  /** For endless loops: what repeats, and how often. */
  cycle?: Cycle;
  /** Files the process writes or removes, for exec probes (filesAt, execProbe). */
  files: FileEvent[];
  /** Spans in which a shell waits on a foreground command, delaying its traps (sigtermOutcome). */
  blocking: Interval[];
  /** What the process does on SIGTERM; read it at a given moment with sigtermOutcome. */
  sigterm: TermDisposition;
  /** `kubecuke.io/cpu-usage` and `memory-usage`, as written. */
  cpuUsage?: string;
  memoryUsage?: string;
  /** An endless loop that never sleeps: the process uses a whole CPU. */
  busy: boolean;
  /** Why the model reads the container as it does, for describe and the trace. */
  notes: string[];
  /**
   * Bad `kubecuke.io/*` annotations, each naming the annotation, the pod and
   * what is wrong (the kubelet records them as Warning events). Never thrown.
   */
  problems: string[];
  /** What exec probes need to run in this container. */
  probeContext: ProbeContext;
}

/** The container's surroundings, kept for exec probes. */
export interface ProbeContext {
  image: string;
  vars: Record<string, string>;
  hostname: string;
  mounts: string[];
  startedAt: number;
  pid1: boolean;
}

/** A programming error: the container is not in the pod. User mistakes never throw; they become `problems`. */
export class BehaviourError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BehaviourError';
  }
}

/**
 * What the container `containerName` of `pod` does when started.
 * Throws BehaviourError only when the pod has no such container.
 *
 * @example
 * const b = containerBehaviour(pod, 'app', { startedAt: clock.now() });
 * if (b.startError) { ... } else if (b.exitAfterMs !== undefined) clock.at(start + b.exitAfterMs, () => exit(b.exitCode));
 * const lines = logsUntil(b, clock.now() - start);
 */
export function containerBehaviour(pod: PodLike, containerName: string, options: BehaviourOptions = {}): ContainerBehaviour {
  const spec = pod.spec;
  const all: Container[] = [...(spec.initContainers ?? []), ...spec.containers, ...((spec.ephemeralContainers ?? []) as Container[])];
  const container = all.find((c) => c.name === containerName);
  const podName = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
  if (!container) throw new BehaviourError(`pod ${podName} has no container named "${containerName}"`);

  const { overrides, problems } = readOverrides(pod.metadata.annotations, podName, containerName, all.map((c) => c.name));
  const image = container.image ?? '';
  const hostname = spec.hostname ?? pod.metadata.name ?? '';
  const startedAt = options.startedAt ?? 0;
  const pid1 = spec.shareProcessNamespace !== true;
  const mounts = (container.volumeMounts ?? []).map((m) => m.mountPath);
  const env = ContainerEnv.of(container, options.env);
  const empty = { logs: [], files: [], blocking: [], busy: false, readyAfterMs: 0, notes: [] as string[], problems };
  const probeContext: ProbeContext = { image, vars: Object.fromEntries(env.values), hostname, mounts, startedAt, pid1 };

  const profile = imageProfile(image);
  if (options.missingImages && isDeclaredMissing(image, options.missingImages)) {
    const ref = parseImageRef(image);
    const message = `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${ref.canonical}": failed to resolve reference "${ref.canonical}": ${ref.canonical}: not found`;
    const source = container.command?.length || container.args?.length ? 'command' : profile ? 'image' : 'unknown-image';
    return { ...empty, source, pullError: { reason: 'ErrImagePull', message }, exitCode: 0, sigterm: { kind: 'ignore' }, probeContext };
  }

  const run = runContainerProcess(container, env, profile, {
    image: profile,
    defaultFlavour: 'ash',
    stdinOpen: container.stdin === true,
    pid1,
    mounts,
    hostname,
    startedAt,
    maxLogLines: options.maxLogLines ?? 10_000,
    maxSteps: options.maxSteps ?? 100_000,
  });
  const sim = run.sim;
  const cycle = run.cycle;
  const behaviour: ContainerBehaviour = {
    source: run.source,
    startError: run.startError,
    exitAfterMs: run.startError ? undefined : run.exitAtMs,
    exitCode: run.exitCode,
    readyAfterMs: 0,
    logs: cycle ? sim.lines.slice(0, sim.lines.length - cycle.lines.length) : sim.lines,
    cycle,
    files: cycle ? sim.fileEvents.slice(0, sim.fileEvents.length - cycle.files.length) : sim.fileEvents,
    blocking: cycle ? sim.blocking.slice(0, sim.blocking.length - cycle.blocking.length) : sim.blocking,
    sigterm: run.term,
    busy: sim.busy,
    notes: [...sim.notes],
    problems,
    probeContext: { ...probeContext, vars: Object.fromEntries(run.vars) },
  };
  if (run.startError) return { ...behaviour, ...empty, source: run.source, startError: run.startError, exitCode: 128, sigterm: { kind: 'ignore' }, probeContext };
  return applyOverrides(behaviour, overrides, podName);
}

function applyOverrides(b: ContainerBehaviour, o: ReturnType<typeof readOverrides>['overrides'], podName: string): ContainerBehaviour {
  const out = { ...b };
  if (o.exitAfterMs !== undefined) {
    out.exitAfterMs = o.exitAfterMs;
    // A process that would have run on exits cleanly unless told otherwise.
    if (b.exitAfterMs === undefined || b.exitAfterMs > o.exitAfterMs) out.exitCode = 0;
    out.notes = [...out.notes, `exits after ${o.exitAfterMs} ms (${o.from['exit-after']})`];
  }
  if (o.exitCode !== undefined) {
    if (out.exitAfterMs === undefined) {
      out.problems = [...out.problems, `annotation ${o.from['exit-code']} on pod ${podName} has no effect: the container runs until stopped; add ${o.from['exit-code']!.replace(/exit-code$/, 'exit-after')} to make it exit`];
    } else out.exitCode = o.exitCode;
  }
  if (o.readyAfterMs !== undefined) out.readyAfterMs = o.readyAfterMs;
  if (o.hangAfterMs !== undefined) out.hangAfterMs = o.hangAfterMs;
  if (o.cpuUsage !== undefined) out.cpuUsage = o.cpuUsage;
  if (o.memoryUsage !== undefined) out.memoryUsage = o.memoryUsage;
  return out;
}
