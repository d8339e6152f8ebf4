/**
 * Decides what process a container starts (Kubernetes command/args over
 * the image's ENTRYPOINT/CMD) and runs it on simulated time.
 */
import type { Container } from '../../api/types.ts';
import type { ContainerEnv } from './env.ts';
import { hasProgram, type ImageProfile } from './images.ts';
import { ShellRuntimeError } from './shell-expand.ts';
import { Shell } from './shell-run.ts';
import { isShell, runShellArgs } from './shell-invoke.ts';
import { Blocked, ExitSignal, Sim, type Cycle, type RunInput, type TermDisposition } from './shell-state.ts';
import { ShellUnsupported } from './shell-syntax.ts';
import { SHELL_ONLY } from './shell-utils.ts';

/** The outcome of running a container's process on simulated time. */
export interface ProcessRun {
  /** How the process was read: its own command, the image's default process, or an unknown image's. */
  source: 'command' | 'image' | 'unknown-image';
  /** Undefined: runs until stopped. */
  exitAtMs?: number;
  exitCode: number;
  /** Set when the runtime cannot start the process at all. */
  startError?: string;
  sim: Sim;
  cycle?: Cycle;
  term: TermDisposition;
  /** The shell's state when the run ended, for trap actions and probes. */
  vars: Map<string, string>;
}

/** containerd's and runc's words for a program that is not in the image. */
function startError(argv0: string): string {
  const inner = argv0.includes('/') ? `exec: "${argv0}": stat ${argv0}: no such file or directory` : `exec: "${argv0}": executable file not found in $PATH`;
  return `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${inner}: unknown`;
}

/** `date --rfc-3339=seconds` in UTC, as the MySQL entrypoints stamp their messages. */
function rfc3339Seconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+00:00`;
}

export function runContainerProcess(container: Container, env: ContainerEnv, image: ImageProfile | undefined, input: RunInput): ProcessRun {
  const sim = new Sim(input);
  let command = (container.command ?? []).map((c) => env.expand(c));
  let args = (container.args ?? []).map((a) => env.expand(a));
  // Naming the image's own entrypoint is the same as leaving the command out.
  if (image?.entrypoint === 'exec-args' && /(^|\/)docker-entrypoint\.sh$/.test(command[0] ?? '')) {
    args = [...command.slice(1), ...args];
    command = [];
  }
  const vars = new Map<string, string>([['HOSTNAME', input.hostname], ['HOME', '/root'], ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], ...env.values]);

  const imageDefault = (): ProcessRun => {
    const base = { sim, vars, source: image ? ('image' as const) : ('unknown-image' as const) };
    if (!image) {
      sim.notes.push(`image "${container.image}" is not one the simulation knows: taken to be a server that runs until stopped`);
      return { ...base, exitCode: 0, term: { kind: 'exit', exitCode: 0, lines: [] } };
    }
    const failure = image.check?.(env);
    if (failure) {
      const stamp = failure.stamped ? `${rfc3339Seconds(input.startedAt)} ` : '';
      failure.lines.forEach((line, n) => sim.lines.push({ atMs: 0, line: n === 0 ? stamp + line : line, stream: 'stderr' }));
      return { ...base, exitAtMs: 0, exitCode: 1, term: { kind: 'ignore' } };
    }
    if (image.role === 'program') {
      for (const line of image.output ?? []) sim.lines.push({ atMs: 0, line, stream: 'stdout' });
      return { ...base, exitAtMs: 0, exitCode: 0, term: { kind: 'ignore' } };
    }
    if (image.role === 'server') return { ...base, exitCode: 0, term: { kind: 'exit', exitCode: 0, lines: image.stopLines ?? [] } };
    // A shell or interpreter reading standard input: it ends at once when there is none.
    if (input.stdinOpen) return { ...base, exitCode: 0, term: { kind: 'ignore' } };
    return { ...base, exitAtMs: 0, exitCode: 0, term: { kind: 'ignore' } };
  };

  if (command.length === 0) {
    if (args.length === 0) return imageDefault();
    const first = args[0];
    const option = first.startsWith('-');
    if (image?.entrypoint === 'options' || (option && image?.entrypoint !== 'none')) return imageDefault();
    if (image?.entrypoint === 'exec-args') {
      if (image.serverArgs?.includes(first)) return imageDefault();
      // Entrypoints such as node's run `node "$@"` when the first arg is not a program.
      if (image.role === 'repl' && !hasProgram(image, first)) return { ...imageDefault(), ...forever(sim, `"${args.join(' ')}" is not simulated: taken to run until stopped`) };
    }
    if (!image && option) return imageDefault();
  }
  return runArgv([...command, ...args], image, sim, vars);
}

function forever(sim: Sim, note: string): Pick<ProcessRun, 'exitAtMs' | 'exitCode' | 'term'> {
  sim.notes.push(note);
  return { exitAtMs: undefined, exitCode: 0, term: { kind: 'exit', exitCode: 0, lines: [] } };
}

/** Runs argv as the container's PID 1, without a shell around it. */
function runArgv(argv: string[], image: ImageProfile | undefined, sim: Sim, vars: Map<string, string>): ProcessRun {
  const name = argv[0];
  const base = { sim, vars, source: 'command' as const };
  const missing = SHELL_ONLY.has(name) || (image !== undefined && !hasProgram(image, name) && !(name.includes('/') && sim.mounted(name)));
  if (missing) return { ...base, exitCode: 128, startError: startError(name), term: { kind: 'ignore' } };

  const flavour = image?.sh ?? sim.input.defaultFlavour;
  const shellName = name.slice(name.lastIndexOf('/') + 1);
  const shell = new Shell(sim, name, shellName === 'bash' ? 'bash' : flavour, vars);
  shell.execLast = true;
  let exitCode: number;
  try {
    exitCode = isShell(name) ? runShellArgs(shell, argv, argv.join(' ')) : shell.command(argv);
  } catch (e) {
    if (e instanceof ExitSignal) exitCode = e.code;
    else if (e instanceof ShellRuntimeError) {
      shell.error(e.message);
      exitCode = e.status;
    } else if (e instanceof Blocked) {
      if (e.note) sim.notes.push(e.note);
      sim.flush();
      return { ...base, vars: shell.vars, exitCode: 0, cycle: e.cycle, term: resolveTerm(e.term, shell) };
    } else if (e instanceof ShellUnsupported) {
      sim.notes.push(`${e.message}: the container is taken to run until stopped`);
      sim.flush();
      return { ...base, vars: shell.vars, exitCode: 0, term: { kind: 'exit', exitCode: 0, lines: [] } };
    } else throw e;
  }
  sim.flush();
  return { ...base, vars: shell.vars, exitAtMs: sim.t, exitCode, term: resolveTerm('shell', shell) };
}

/** What a shell that is PID 1 does on SIGTERM: its TERM trap, or nothing (ignored) when it has none. */
function resolveTerm(term: TermDisposition | 'shell', shell: Shell): TermDisposition {
  if (term !== 'shell') return term;
  const action = shell.traps.get('TERM');
  if (action === undefined) return shell.sim.input.pid1 ? { kind: 'ignore' } : { kind: 'exit', exitCode: 143, lines: [] };
  if (action === '') return { kind: 'ignore' };
  // The action runs on a scratch clock that starts when the signal is handled.
  const scratch = new Sim(shell.sim.input);
  for (const [path, content] of shell.sim.files) scratch.files.set(path, content);
  const trap = new Shell(scratch, shell.arg0, shell.flavour, new Map(shell.vars));
  trap.status = 143;
  let exitCode: number | undefined;
  try {
    trap.runScript(action);
  } catch (e) {
    if (e instanceof ExitSignal) exitCode = e.code;
    else if (!(e instanceof Blocked || e instanceof ShellUnsupported || e instanceof ShellRuntimeError)) throw e;
  }
  scratch.flush();
  return { kind: 'trap', lines: scratch.lines, afterMs: scratch.t, exitCode };
}
