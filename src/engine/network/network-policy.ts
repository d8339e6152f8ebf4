/**
 * NetworkPolicy as a CNI that enforces it (Calico, Cilium) decides a new
 * connection (networking.k8s.io/v1 semantics):
 * - a pod selected by no policy of a type (Ingress, Egress) is open in that
 *   direction; once selected by one, only what some rule of some selecting
 *   policy allows gets through (policies add up, none subtracts);
 * - peers: podSelector (the policy's namespace), namespaceSelector, both
 *   (pods matching in matching namespaces), ipBlock with except (applied to
 *   any address, pod IPs included, as Calico and Cilium do);
 * - ports: number or named port (looked up on the destination pod), endPort
 *   ranges, protocol TCP unless said; no ports means every port;
 * - replies of an allowed connection are allowed (the CNI is stateful);
 * - hostNetwork pods are not subject to policy.
 * Denied packets are dropped: the client sees a timeout.
 */
import type { KubeObject, Pod, Stored } from '../api/types.ts';
import { Selector } from '../api/selectors.ts';
import { cidrContains } from '../api/ip.ts';

type Rec = Record<string, unknown>;
export type NetworkPolicy = KubeObject & { spec?: Rec };

/** One end of a connection: an address, and the pod behind it if any. */
export interface Peer {
  ip: string;
  pod?: Stored<Pod>;
}

export interface PolicyContext {
  policies(namespace: string): readonly NetworkPolicy[];
  namespaceLabels(namespace: string): Record<string, string> | undefined;
}

export interface Verdict {
  allowed: boolean;
  /** The policies that select the pod in that direction (none: the pod is open). */
  selectedBy: string[];
  /** The policy whose rule let the connection through. */
  allowedBy?: string;
}

const selects = (sel: unknown, labels: Record<string, string> | undefined) => Selector.fromLabelSelector((sel ?? {}) as never).matches(labels ?? {});

function policyTypes(p: NetworkPolicy): string[] {
  const t = p.spec?.policyTypes;
  if (Array.isArray(t) && t.length) return t as string[];
  return p.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

function peerMatches(peer: Rec, other: Peer, policyNs: string, ctx: PolicyContext): boolean {
  if (peer.ipBlock) {
    const b = peer.ipBlock as Rec;
    return cidrContains(String(b.cidr ?? ''), other.ip) && !((b.except as string[] | undefined) ?? []).some((x) => cidrContains(x, other.ip));
  }
  const pod = other.pod;
  if (!pod || pod.spec.hostNetwork) return false;
  const ns = pod.metadata.namespace ?? 'default';
  if (peer.namespaceSelector) {
    if (!selects(peer.namespaceSelector, ctx.namespaceLabels(ns))) return false;
  } else if (ns !== policyNs) return false;
  return peer.podSelector ? selects(peer.podSelector, pod.metadata.labels) : true;
}

function namedPort(pod: Stored<Pod> | undefined, name: string, protocol: string): number | undefined {
  for (const c of pod?.spec.containers ?? []) for (const p of c.ports ?? []) if (p.name === name && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  return undefined;
}

function portMatches(ports: unknown, port: number, protocol: string, dst: Peer): boolean {
  if (!Array.isArray(ports) || ports.length === 0) return true;
  return (ports as Rec[]).some((p) => {
    if (String(p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined || p.port === null) return true;
    const n = typeof p.port === 'number' ? p.port : namedPort(dst.pod, String(p.port), protocol);
    if (n === undefined) return false;
    const end = typeof p.endPort === 'number' ? p.endPort : n;
    return port >= n && port <= end;
  });
}

function evaluate(direction: 'Ingress' | 'Egress', subject: Stored<Pod>, other: Peer, dst: Peer, port: number, protocol: string, ctx: PolicyContext): Verdict {
  const ns = subject.metadata.namespace ?? 'default';
  const selecting = ctx.policies(ns).filter((p) => policyTypes(p).includes(direction) && selects(p.spec?.podSelector, subject.metadata.labels));
  const selectedBy = selecting.map((p) => `${ns}/${p.metadata.name}`);
  if (!selecting.length) return { allowed: true, selectedBy };
  for (const p of selecting) {
    const rules = (direction === 'Ingress' ? p.spec?.ingress : p.spec?.egress) as Rec[] | undefined;
    for (const r of rules ?? []) {
      const peers = (direction === 'Ingress' ? r.from : r.to) as Rec[] | undefined;
      const peerOk = !peers || peers.length === 0 || peers.some((x) => peerMatches(x, other, ns, ctx));
      if (peerOk && portMatches(r.ports, port, protocol, dst)) return { allowed: true, selectedBy, allowedBy: `${ns}/${p.metadata.name}` };
    }
  }
  return { allowed: false, selectedBy };
}

/** Whether a new connection from `src` to `dst` on port/protocol gets through: egress of the source, then ingress of the destination. */
export function connectionAllowed(src: Peer, dst: Peer, port: number, protocol: string, ctx: PolicyContext): { allowed: boolean; egress?: Verdict; ingress?: Verdict } {
  const egress = src.pod && !src.pod.spec.hostNetwork ? evaluate('Egress', src.pod, dst, dst, port, protocol, ctx) : undefined;
  if (egress && !egress.allowed) return { allowed: false, egress };
  const ingress = dst.pod && !dst.pod.spec.hostNetwork ? evaluate('Ingress', dst.pod, src, dst, port, protocol, ctx) : undefined;
  return { allowed: !ingress || ingress.allowed, egress, ingress };
}
