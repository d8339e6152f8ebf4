/**
 * What a probe finds in a simulated container, with the output the real
 * probers print (pkg/probe/http, tcp, grpc, exec), so that the Unhealthy
 * events read as on a real node:
 *
 * - a process that hangs (kubecuke.io/hang-after) answers nothing: every
 *   probe times out after timeoutSeconds;
 * - before kubecuke.io/ready-after has passed, nothing listens yet:
 *   readiness and startup probes are refused (liveness probes are not
 *   held back by it);
 * - an injected fault ("the liveness probe of pod x starts failing") makes
 *   the server answer badly: HTTP 500, a refused connection, NOT_SERVING,
 *   or a failing command;
 * - exec probes run in the container's simulated shell (behaviour.execProbe).
 */
import type { Container } from '../api/types.ts';
import { type ContainerBehaviour, execProbe } from './behaviour.ts';
import type { Probe, ProbeKind, ProbeOutcome } from './prober.ts';
import { probeTimings } from './prober.ts';

export interface ProbeContext {
  podIP: string;
  /** Milliseconds since the container started. */
  elapsedMs: number;
  /** An injected fault makes the probe fail. */
  failing: boolean;
}

/** A port given by name resolves to the container's port of that name (findPortByName). */
export function resolvePort(port: unknown, container: Container): string {
  if (typeof port === 'number') return String(port);
  const named = (container.ports ?? []).find((p) => p.name === port);
  return named ? String(named.containerPort) : String(port ?? '');
}

/** net.JoinHostPort. */
function hostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function probeOutcome(kind: ProbeKind, probe: Probe, container: Container, b: ContainerBehaviour, ctx: ProbeContext): ProbeOutcome {
  const { timeoutMs } = probeTimings(probe);
  const timeoutText = `${timeoutMs / 1000}s`;
  const hung = b.hangAfterMs !== undefined && ctx.elapsedMs >= b.hangAfterMs;
  const listening = kind === 'liveness' || ctx.elapsedMs >= b.readyAfterMs;
  const ok: ProbeOutcome = { ok: true, output: '', tookMs: 0 };
  const fail = (output: string, tookMs = 0): ProbeOutcome => ({ ok: false, output, tookMs });

  if (probe.exec) {
    const command = probe.exec.command ?? [];
    if (hung) return fail(`command ${JSON.stringify(command.join(' '))} timed out`, timeoutMs);
    if (ctx.failing) return fail('');
    const res = execProbe(b, command, ctx.elapsedMs);
    if (!res.success && res.exitCode === -1) return fail(`command ${JSON.stringify(command.join(' '))} timed out`, timeoutMs);
    return res.success ? ok : fail(res.output);
  }
  if (probe.httpGet) {
    const h = probe.httpGet;
    const host = h.host || ctx.podIP;
    const port = resolvePort(h.port, container);
    const url = `${(h.scheme ?? 'HTTP').toLowerCase()}://${hostPort(host, port)}${h.path ?? '/'}`;
    if (hung) return fail(`Get ${JSON.stringify(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, timeoutMs);
    if (!listening) return fail(`Get ${JSON.stringify(url)}: dial tcp ${hostPort(host, port)}: connect: connection refused`);
    if (ctx.failing) return fail('HTTP probe failed with statuscode: 500');
    return ok;
  }
  if (probe.grpc) {
    const addr = hostPort(ctx.podIP, String(probe.grpc.port));
    if (hung) return fail(`timeout: health rpc did not complete within ${timeoutText}`, timeoutMs);
    if (!listening) return fail(`timeout: failed to connect service ${JSON.stringify(addr)} within ${timeoutText}: context deadline exceeded`, timeoutMs);
    if (ctx.failing) return fail('service unhealthy (responded with "NOT_SERVING")');
    return ok;
  }
  const t = probe.tcpSocket;
  const addr = hostPort(t?.host || ctx.podIP, resolvePort(t?.port, container));
  if (hung) return fail(`dial tcp ${addr}: i/o timeout`, timeoutMs);
  if (!listening || ctx.failing) return fail(`dial tcp ${addr}: connect: connection refused`);
  return ok;
}
