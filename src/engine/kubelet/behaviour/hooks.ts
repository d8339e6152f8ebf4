/**
 * Lifecycle hooks read from the behaviour model: how long an exec preStop
 * hook such as `sleep 5` or `sh -c "sleep 10"` runs in the container.
 */
import type { ContainerBehaviour } from '../behaviour.ts';
import { imageProfile } from './images.ts';
import { Shell } from './shell-run.ts';
import { isShell, runShellArgs } from './shell-invoke.ts';
import { Blocked, ExitSignal, Sim } from './shell-state.ts';
import { ShellRuntimeError } from './shell-expand.ts';
import { ShellUnsupported } from './shell-syntax.ts';
import { filesAt } from './timeline.ts';

/**
 * Milliseconds the command runs when executed in the container `elapsedMs`
 * after it started; Infinity for a command that never ends (the kubelet then
 * waits out the grace period); 0 for one the simulation cannot read.
 */
export function execDuration(b: ContainerBehaviour, command: readonly string[], elapsedMs: number): number {
  const ctx = b.probeContext;
  const image = imageProfile(ctx.image);
  const sim = new Sim({
    image, defaultFlavour: 'ash', stdinOpen: false, pid1: false, mounts: ctx.mounts, hostname: ctx.hostname,
    startedAt: ctx.startedAt + elapsedMs, maxLogLines: 10_000, maxSteps: 10_000,
  });
  for (const [path, content] of filesAt(b, elapsedMs)) sim.files.set(path, content);
  const argv = [...command];
  if (!argv.length) return 0;
  const shell = new Shell(sim, argv[0], image?.sh ?? 'ash', new Map(Object.entries(ctx.vars)));
  shell.execLast = true;
  try {
    if (isShell(argv[0])) runShellArgs(shell, argv, argv.join(' '));
    else shell.command(argv);
  } catch (e) {
    if (e instanceof Blocked) return e.note ? 0 : Infinity;
    if (!(e instanceof ExitSignal || e instanceof ShellRuntimeError || e instanceof ShellUnsupported)) throw e;
  }
  return sim.t;
}
