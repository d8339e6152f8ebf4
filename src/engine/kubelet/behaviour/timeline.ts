/**
 * Reading a behaviour at a moment: the log so far, the files present, what
 * SIGTERM does now, and whether an exec probe passes. Times are
 * milliseconds since the container started.
 */
import type { ContainerBehaviour } from '../behaviour.ts';
import { imageProfile } from './images.ts';
import { Shell } from './shell-run.ts';
import { isShell, runShellArgs } from './shell-invoke.ts';
import { Blocked, ExitSignal, Sim, type Interval, type LogLine } from './shell-state.ts';
import { ShellRuntimeError } from './shell-expand.ts';
import { ShellUnsupported } from './shell-syntax.ts';
import { SHELL_ONLY } from './shell-utils.ts';

/** The end of the process's life as far as the clock goes: its exit, or forever. */
function lifeEnd(b: ContainerBehaviour): number {
  return b.startError || b.pullError ? 0 : (b.exitAfterMs ?? Infinity);
}

/**
 * The lines printed up to `elapsedMs` (inclusive), oldest first. `limit`
 * keeps only the newest lines (default 10,000), which bounds the work for
 * endless loops. A loop iteration that takes no time is counted as 1 ms.
 */
export function logsUntil(b: ContainerBehaviour, elapsedMs: number, limit = 10_000): LogLine[] {
  const until = Math.min(elapsedMs, lifeEnd(b));
  const prefix = b.logs.filter((l) => l.atMs <= until);
  const c = b.cycle;
  if (!c || c.lines.length === 0 || until < c.fromMs) return prefix.slice(-limit);
  const period = Math.max(c.periodMs, 1);
  const cycles = Math.floor((until - c.fromMs) / period);
  const tail: LogLine[] = [];
  // Walk back from the newest cycle until `limit` lines are collected.
  for (let k = cycles; k >= 0 && tail.length < limit; k--) {
    const start = c.fromMs + k * period;
    const lines = c.lines.filter((l) => start + l.atMs <= until).map((l) => ({ ...l, atMs: start + l.atMs }));
    tail.unshift(...lines);
  }
  return [...prefix, ...tail].slice(-limit);
}

/** The blocking span (if any) that holds `atMs`. */
function blockingAt(b: ContainerBehaviour, atMs: number): Interval | undefined {
  const hit = b.blocking.find((i) => i.fromMs <= atMs && atMs < i.toMs);
  if (hit || !b.cycle || atMs < b.cycle.fromMs) return hit;
  const period = b.cycle.periodMs;
  const k = period > 0 ? Math.floor((atMs - b.cycle.fromMs) / period) : 0;
  const start = b.cycle.fromMs + k * period;
  const rel = b.cycle.blocking.find((i) => start + i.fromMs <= atMs && atMs < start + i.toMs);
  return rel && { fromMs: start + rel.fromMs, toMs: start + rel.toMs };
}

/** What SIGTERM sent at some moment leads to. */
export interface SigtermOutcome {
  /** When the process exits; undefined: it does not, and is killed (137) when the grace period ends. */
  exitAtMs?: number;
  exitCode?: number;
  /** Lines it prints in response, stamped with their times. */
  lines: LogLine[];
}

/**
 * What happens when the kubelet sends SIGTERM `elapsedMs` after the start.
 * A shell trap runs only once the foreground command (a `sleep`) ends; a
 * shell in `wait` runs it at once.
 */
export function sigtermOutcome(b: ContainerBehaviour, elapsedMs: number): SigtermOutcome {
  const t = b.sigterm;
  if (t.kind === 'ignore') return { lines: [] };
  if (t.kind === 'exit') return { exitAtMs: elapsedMs, exitCode: t.exitCode, lines: t.lines.map((line) => ({ atMs: elapsedMs, line, stream: 'stderr' })) };
  const busy = blockingAt(b, elapsedMs);
  if (busy && busy.toMs === Infinity) return { lines: [] };
  const start = busy ? busy.toMs : elapsedMs;
  const lines = t.lines.map((l) => ({ ...l, atMs: start + l.atMs }));
  return t.exitCode === undefined ? { lines } : { exitAtMs: start + t.afterMs, exitCode: t.exitCode, lines };
}

/** The files the process has made, and their contents, at `elapsedMs`. */
export function filesAt(b: ContainerBehaviour, elapsedMs: number): Map<string, string> {
  const files = new Map<string, string>();
  const apply = (path: string, content: string | undefined) => (content === undefined ? files.delete(path) : files.set(path, content));
  for (const e of b.files) if (e.atMs <= elapsedMs) apply(e.path, e.content);
  const c = b.cycle;
  if (c && elapsedMs >= c.fromMs) {
    // Every cycle starts from the same state, so the offset into the current one is all that matters.
    const offset = c.periodMs > 0 ? (elapsedMs - c.fromMs) % c.periodMs : Infinity;
    for (const e of c.files) if (e.atMs <= offset) apply(e.path, e.content);
  }
  return files;
}

/** The result of an exec probe. */
export interface ProbeResult {
  success: boolean;
  exitCode: number;
  output: string;
  /** Set when the probe command could not be simulated and was taken to succeed. */
  note?: string;
}

/**
 * Runs an exec probe's command in the container at `elapsedMs`: it sees
 * the files the process made (`touch /tmp/healthy`, `rm /tmp/healthy`).
 * A probe that would not finish fails (a timeout); one the simulation
 * cannot read is taken to succeed, with a note. A hung process
 * (hangAfterMs) fails every probe.
 */
export function execProbe(b: ContainerBehaviour, command: readonly string[], elapsedMs: number): ProbeResult {
  const r = execInContainer(b, command, elapsedMs);
  if (r.tookMs === undefined) return { success: false, exitCode: -1, output: r.output, note: r.note };
  const out: ProbeResult = { success: r.exitCode === 0, exitCode: r.exitCode, output: r.output };
  if (r.note) out.note = r.note;
  return out;
}

/** A command run in the container (exec probes, lifecycle hooks). */
export interface ExecResult {
  exitCode: number;
  output: string;
  /** How long it ran; undefined: it does not finish (or could not be simulated, see note). */
  tookMs?: number;
  note?: string;
}

/**
 * Runs `command` in the container at `elapsedMs`, on a scratch clock: what it
 * prints, its exit code and how long it takes (`sleep 5` takes 5 s). A hung
 * process (hangAfterMs) runs nothing. A command the simulation cannot read
 * is taken to succeed at once, with a note.
 */
export function execInContainer(b: ContainerBehaviour, command: readonly string[], elapsedMs: number): ExecResult {
  const ctx = b.probeContext;
  if (b.hangAfterMs !== undefined && elapsedMs >= b.hangAfterMs) return { exitCode: -1, output: '', note: 'the process hangs' };
  const image = imageProfile(ctx.image);
  const sim = new Sim({
    image, defaultFlavour: 'ash', stdinOpen: false, pid1: false, mounts: ctx.mounts, hostname: ctx.hostname,
    startedAt: ctx.startedAt + elapsedMs, maxLogLines: 10_000, maxSteps: 10_000,
  });
  for (const [path, content] of filesAt(b, elapsedMs)) sim.files.set(path, content);
  const argv = [...command];
  const shell = new Shell(sim, argv[0] ?? '', image?.sh ?? 'ash', new Map(Object.entries(ctx.vars)));
  shell.execLast = true;
  const output = () => (sim.flush(), sim.lines.map((l) => l.line).join('\n'));
  if (argv.length === 0 || SHELL_ONLY.has(argv[0])) return { exitCode: 126, output: `exec: "${argv[0] ?? ''}": executable file not found in $PATH`, tookMs: 0 };
  let exitCode: number;
  try {
    exitCode = isShell(argv[0]) ? runShellArgs(shell, argv, argv.join(' ')) : shell.command(argv);
  } catch (e) {
    if (e instanceof ExitSignal) exitCode = e.code;
    else if (e instanceof ShellRuntimeError) exitCode = e.status;
    else if (e instanceof Blocked && !e.note) return { exitCode: -1, output: output(), note: 'the probe command does not finish' };
    else if (e instanceof Blocked || e instanceof ShellUnsupported) {
      const note = e instanceof Blocked ? e.note! : `${e.message}: the probe is taken to succeed`;
      return { exitCode: 0, output: output(), note, tookMs: 0 };
    } else throw e;
  }
  return { exitCode, output: output(), tookMs: sim.t };
}
