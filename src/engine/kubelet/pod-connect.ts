/**
 * What a new TCP connection to a port of a pod finds, for the network
 * model's data plane: a container that listens there (its containerPorts and
 * its image's own port), running, listening already (readyAfterMs of its
 * behaviour) and not yet sent SIGTERM accepts; otherwise the connection is
 * refused; a hung process accepts nothing in time.
 */
import { formatDuration } from '../api/duration.ts';
import { listenPorts } from './behaviour/ports.ts';
import type { Run } from './container-run.ts';
import type { PodWorker } from './pod-worker.ts';

export type ConnectOutcome = { ok: true; container: string } | { ok: false; kind: 'refused' | 'timeout' | 'unreachable'; why: string };

export function connectToPod(w: PodWorker, port: number, protocol = 'TCP'): ConnectOutcome {
  const who = `${w.pod.metadata.namespace}/${w.pod.metadata.name}`;
  if (w.stopped || w.terminated) return { ok: false, kind: 'unreachable', why: `pod ${who} has no network any more` };
  const serving = w.runs.filter((r) => !r.init || r.sidecar);
  let listener: Run | undefined;
  const known: number[] = [];
  for (const r of serving) {
    const ports = listenPorts(r.spec, protocol);
    if (ports === 'any' || ports.includes(port)) {
      listener = r;
      if (ports !== 'any') break;
    } else known.push(...ports);
  }
  if (!listener) {
    return { ok: false, kind: 'refused', why: `nothing listens on port ${port} in pod ${who}${known.length ? ` (its containers listen on ${[...new Set(known)].join(', ')})` : ''}` };
  }
  const r = listener;
  const c = `container "${r.spec.name}" of pod ${who}`;
  if (r.state !== 'running' || !r.behaviour || r.startedAt === undefined) {
    return { ok: false, kind: 'refused', why: `${c} is not running${r.state === 'waiting' ? ` (${r.waiting.reason})` : r.terminated ? ` (it exited with code ${r.terminated.exitCode})` : ''}` };
  }
  const now = w.env.clock.now();
  const elapsed = now - r.startedAt;
  if (r.sigtermAt !== undefined) return { ok: false, kind: 'refused', why: `${c} stopped listening when it got SIGTERM ${formatDuration(now - r.sigtermAt)} ago` };
  if (r.behaviour.hangAfterMs !== undefined && elapsed >= r.behaviour.hangAfterMs) return { ok: false, kind: 'timeout', why: `${c} hangs and does not answer` };
  if (elapsed < r.behaviour.readyAfterMs) {
    return { ok: false, kind: 'refused', why: `${c} is not listening yet (it listens ${formatDuration(r.behaviour.readyAfterMs)} after it starts, ${formatDuration(r.behaviour.readyAfterMs - elapsed)} from now)` };
  }
  return { ok: true, container: r.spec.name };
}
