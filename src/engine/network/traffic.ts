/**
 * Requests as the network model sends them: where from, where to, and what
 * became of them; and steady background traffic that keeps sending at a
 * fixed rate while a scenario goes on.
 */
import type { Clock, TaskHandle } from '../clock/clock.ts';

/** Who sends: a pod, a node (its host network), or a client outside the cluster. */
export type TrafficSource = { pod: { namespace: string; name: string } } | { node: string } | { outside: true };

/** Why a request failed, in the words a user would search for. */
export type FailureKind =
  | 'nxdomain' // the name does not resolve
  | 'no-endpoints' // a Service without usable endpoints: kube-proxy rejects the connection
  | 'refused' // the address is reached but nothing listens (yet, or any more)
  | 'policy' // a NetworkPolicy drops it: the client times out
  | 'node-down' // the pod's node is dead: the client times out
  | 'timeout' // nothing answers (dropped, hung process)
  | 'unreachable' // no host has the address any more
  | 'http' // an HTTP error from an ingress controller (404, 503)
  | 'tls' // an HTTPS request the ingress cannot serve with the right certificate
  | 'source'; // the sender cannot send (pod not running, node down)

export interface RequestResult {
  /** Simulated instant, ms since the epoch. */
  at: number;
  source: string;
  target: string;
  ok: boolean;
  /** The pod that answered. */
  pod?: { namespace: string; name: string; node?: string; ip: string; container?: string };
  /** Who answered when no pod did (`kube-apiserver`). */
  answeredBy?: string;
  /** The Service the request went through, `namespace/name`. */
  service?: string;
  failure?: FailureKind;
  /** Why it failed, naming the objects concerned. */
  message?: string;
  /** The steps the request took: DNS, kube-proxy, NetworkPolicy, the pod. */
  hops: string[];
}

export interface ParsedTarget {
  scheme: string;
  host: string;
  port: number;
  path: string;
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

/** `http://web`, `http://web:8080/cart`, `web:5432`, `10.96.0.1:443`; throws with a clear message otherwise. */
export function parseTarget(target: string): ParsedTarget {
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/:?#\s]+)(?::(\d+))?([^\s]*)$/i.exec(target.trim());
  if (!m) throw new Error(`"${target}" is not a URL or host:port such as "http://web", "http://web:8080/path" or "db:5432"`);
  const scheme = (m[1] ?? '').toLowerCase();
  const port = m[3] !== undefined ? Number(m[3]) : DEFAULT_PORTS[scheme];
  if (port === undefined) throw new Error(`"${target}" names no port: write "${target}:PORT" or a URL such as "http://${m[2]}"`);
  if (!(port >= 1 && port <= 65535)) throw new Error(`"${target}": port ${port} is not between 1 and 65535`);
  let path = m[4] || '/';
  if (!path.startsWith('/')) path = `/${path.replace(/^[?#]/, '')}`;
  return { scheme: scheme || 'tcp', host: m[2].toLowerCase(), port, path: path.split(/[?#]/)[0] || '/' };
}

export function describeSource(s: TrafficSource): string {
  if ('pod' in s) return `pod ${s.pod.namespace}/${s.pod.name}`;
  if ('node' in s) return `node ${s.node}`;
  return 'outside the cluster';
}

/**
 * Steady traffic: one request every `intervalMs` from `source` to `target`
 * until stopped, every result kept in the network's request log.
 */
export class TrafficStream {
  private task?: TaskHandle;
  private stopped = false;

  constructor(
    private readonly clock: Pick<Clock, 'schedule'>,
    readonly source: TrafficSource,
    readonly target: string,
    readonly intervalMs: number,
    private readonly send: () => void,
  ) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.send();
      this.task = this.clock.schedule(this.intervalMs, `traffic ${describeSource(this.source)} -> ${this.target}`, tick);
    };
    this.task = this.clock.schedule(0, `traffic ${describeSource(this.source)} -> ${this.target}`, tick);
  }

  stop(): void {
    this.stopped = true;
    this.task?.cancel();
  }
}
