/**
 * Arbitraries of nodes: capacity (CPU, memory, pods), zone, labels and
 * taints, valid by construction. Names are given by position (`node-1` ...)
 * so that shrinking a cluster keeps its names readable.
 */
import fc from 'fast-check';
import { sometimes } from './chance.ts';
import type { Taint } from '../../engine/index.ts';
import { cpuText, memoryText } from './quantities.ts';

/** A node to create, in the fuzzer's integer units. */
export interface NodeSpec {
  name: string;
  /** Millicores. */
  cpu: number;
  /** MiB. */
  memory: number;
  pods: number;
  zone: string;
  labels: Record<string, string>;
  taints: Taint[];
}

/** The taints generated nodes may carry; pod templates draw matching tolerations from the same pool. */
export const TAINT_POOL: readonly Taint[] = [
  { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
  { key: 'dedicated', value: 'infra', effect: 'NoExecute' },
  { key: 'spot', value: 'true', effect: 'PreferNoSchedule' },
];

export const ZONES = ['a', 'b', 'c'] as const;
export const DISK_TYPES = ['ssd', 'hdd'] as const;

export interface NodeConstraints {
  /** Allowed CPU capacities, millicores; default 1, 2, 4 and 8 cores. */
  cpu?: readonly number[];
  /** Allowed memory capacities, MiB; default 2, 4, 8 and 16 Gi. */
  memory?: readonly number[];
  /** Allowed pod capacities; default mostly 110, sometimes 4 or 8. */
  pods?: readonly number[];
  /** Whether nodes may carry taints from TAINT_POOL; default true. */
  taints?: boolean;
}

/** One node's shape (its name is set by `nodesArb`). */
export function nodeArb(c: NodeConstraints = {}): fc.Arbitrary<Omit<NodeSpec, 'name'>> {
  return fc.record({
    cpu: fc.constantFrom(...(c.cpu ?? [4000, 2000, 1000, 8000])),
    memory: fc.constantFrom(...(c.memory ?? [8192, 4096, 2048, 16384])),
    pods: fc.constantFrom(...(c.pods ?? [110, 110, 110, 8, 4])),
    zone: fc.constantFrom(...ZONES),
    labels: fc.option(fc.constantFrom(...DISK_TYPES), { nil: undefined, freq: 2 }).map((d): Record<string, string> => (d ? { disktype: d } : {})),
    taints:
      c.taints === false
        ? fc.constant([] as Taint[])
        : sometimes(fc.constantFrom(...TAINT_POOL), 25).map((t) => (t ? [t] : [])),
  });
}

export interface NodesConstraints extends NodeConstraints {
  minNodes?: number;
  maxNodes?: number;
}

/** `min..max` nodes named node-1..node-N. */
export function nodesArb(c: NodesConstraints = {}): fc.Arbitrary<NodeSpec[]> {
  return fc
    .array(nodeArb(c), { minLength: c.minNodes ?? 1, maxLength: c.maxNodes ?? 8 })
    .map((nodes) => nodes.map((n, i) => ({ ...n, name: `node-${i + 1}` })));
}

/** The `Given a cluster with the following nodes:` table of these nodes. */
export function nodeTable(nodes: readonly NodeSpec[]): string[][] {
  const rows = [['name', 'cpu', 'memory', 'pods', 'zone', 'labels', 'taints']];
  for (const n of nodes) {
    rows.push([
      n.name,
      cpuText(n.cpu),
      memoryText(n.memory),
      String(n.pods),
      n.zone,
      Object.entries(n.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
      n.taints.map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`).join(', '),
    ]);
  }
  return rows;
}
