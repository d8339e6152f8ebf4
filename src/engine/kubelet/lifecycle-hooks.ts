/**
 * preStop hooks (pkg/kubelet/lifecycle/handlers.go) run in the simulated
 * container: `sleep` waits its seconds; `exec` runs the command in the
 * container's shell on simulated time (`sh -c "sleep 10"` takes 10 s);
 * `httpGet` answers at once unless the process hangs (then it waits until
 * the grace period ends) or is not listening yet (connection refused).
 */
import type { Container } from '../api/types.ts';
import { type ContainerBehaviour, execInContainer } from './behaviour.ts';
import { resolvePort } from './probe-outcome.ts';

export type Hook = NonNullable<NonNullable<Container['lifecycle']>['preStop']>;

export interface HookOutcome {
  /** How long the hook runs; undefined: it does not end by itself. */
  tookMs?: number;
  /** Why it failed (the kubelet logs it and records FailedPreStopHook). */
  error?: string;
}

export function runHook(hook: Hook, container: Container, b: ContainerBehaviour, elapsedMs: number, podIP: string): HookOutcome {
  if (hook.sleep) return { tookMs: Math.max(0, Number(hook.sleep.seconds ?? 0)) * 1000 };
  if (hook.exec) {
    const command = hook.exec.command ?? [];
    const r = execInContainer(b, command, elapsedMs);
    if (r.tookMs === undefined) return {};
    if (r.exitCode !== 0) return { tookMs: r.tookMs, error: `command '${command.join(' ')}' exited with ${r.exitCode}: ${r.output}` };
    return { tookMs: r.tookMs };
  }
  if (hook.httpGet) {
    const h = hook.httpGet;
    const host = h.host || podIP;
    const port = resolvePort(h.port, container);
    if (b.hangAfterMs !== undefined && elapsedMs >= b.hangAfterMs) return {};
    if (elapsedMs < b.readyAfterMs) {
      const url = `${(h.scheme ?? 'HTTP').toLowerCase()}://${host}:${port}${h.path ?? '/'}`;
      return { tookMs: 0, error: `Get ${JSON.stringify(url)}: dial tcp ${host}:${port}: connect: connection refused` };
    }
    return { tookMs: 0 };
  }
  return { tookMs: 0, error: 'invalid handler' };
}
