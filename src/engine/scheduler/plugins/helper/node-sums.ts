/**
 * Sums over nodes kept from one scheduling cycle to the next. PreFilter and
 * PreScore plugins that add up something over every node (matching pods per
 * topology domain) compute the same per-node parts cycle after cycle, while
 * only the node a pod was just placed on has changed. A NodeSums remembers
 * each node's part with the node's generation and recomputes only the parts
 * of nodes that changed since (or joined, or left), so its sums are always
 * those a fresh pass over the nodes would give.
 *
 * Sums are by a pair of keys (a topology key and a value). Plugins keep
 * NodeSums by a key naming everything the per-node parts depend on besides
 * the node (the selector, the namespace, the incoming pod's labels);
 * NodeSumsCache bounds how many such keys are kept.
 *
 * The sums are live: they change at the next refresh. A cycle's state may
 * read them during the cycle and must copy them before changing anything.
 */
import { type Handle, type NodeInfo, currentGeneration } from '../../framework.ts';

/** A node's part: for each entry, the pair of keys and the amount the node adds to it. */
export interface NodePart {
  keys: string[];
  values: string[];
  amounts: number[];
}

interface Remembered extends NodePart {
  node: NodeInfo;
  generation: number;
}

interface Total {
  sum: number;
  /** Entries of node parts that add to the pair (a pair some node adds 0 to still exists). */
  parts: number;
}

/** Read access to sums by pairs of keys. */
export interface PairSums {
  /** The number of pairs. */
  readonly size: number;
  /** The sum of a pair, 0 when no node adds to it. */
  get(key: string, value: string): number;
  /** Whether some node adds to the pair. */
  has(key: string, value: string): boolean;
  forEach(fn: (sum: number, key: string, value: string) => void): void;
}

export class NodeSums implements PairSums {
  private readonly parts = new Map<NodeInfo, Remembered>();
  private readonly totals = new Map<string, Map<string, Total>>();
  private pairs = 0;
  /** The node list of the last refresh, and the parts of its nodes by position. */
  private lastNodes: readonly NodeInfo[] | undefined = undefined;
  private byPosition: Array<Remembered | undefined> = [];
  /** Set when parts changed outside a pass by position (byPosition may hold old parts). */
  private positionsStale = false;
  /** currentGeneration() at the last refresh. */
  private seenGeneration = 0;

  /**
   * Brings the sums up to date with `nodes` (all nodes the sum is over; nodes
   * no longer among them are taken out). `part` computes a node's part and
   * must depend only on the node and on what the NodeSums' key names. With
   * `changes` (the scheduler's Handle) and the Handle's whole node list, a
   * refresh looks only at the nodes that changed since the last one.
   */
  refresh(nodes: readonly NodeInfo[], part: (node: NodeInfo, out: NodePart) => void, changes?: Pick<Handle, 'nodes' | 'nodesChangedSince'>): void {
    // The scheduler's whole node list, the same as last time (no node joined or left): only the nodes that changed since need a look.
    if (nodes === this.lastNodes && changes?.nodesChangedSince && nodes === changes.nodes()) {
      const changed = changes.nodesChangedSince(this.seenGeneration);
      if (changed) {
        this.seenGeneration = currentGeneration();
        for (const n of changed) this.update(n, this.parts.get(n), part);
        if (changed.length) this.positionsStale = true;
        return;
      }
    }
    this.seenGeneration = currentGeneration();
    // The scheduler hands out the same node list until nodes join or leave: the parts are then found by position.
    if (nodes !== this.lastNodes || this.positionsStale) {
      this.lastNodes = nodes;
      this.byPosition = [];
      this.positionsStale = false;
    }
    const byPosition = this.byPosition;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      let known = byPosition[i];
      // A new position, or a list changed in place: look the node's part up.
      if (known === undefined || known.node !== n) known = this.parts.get(n);
      byPosition[i] = this.update(n, known, part);
    }
    byPosition.length = nodes.length;
    // Every node of `nodes` has a part now; more parts means some nodes left.
    if (this.parts.size > nodes.length) {
      const present = new Set(nodes);
      for (const [n, p] of this.parts) {
        if (present.has(n)) continue;
        this.subtract(p);
        this.parts.delete(n);
      }
    }
  }

  /** The node's part, computed again if the node changed since `known` was. */
  private update(n: NodeInfo, known: Remembered | undefined, part: (node: NodeInfo, out: NodePart) => void): Remembered {
    if (known !== undefined && known.generation === n.generation) return known;
    if (known !== undefined) this.subtract(known);
    const fresh: Remembered = { keys: [], values: [], amounts: [], node: n, generation: n.generation };
    part(n, fresh);
    this.add(fresh);
    this.parts.set(n, fresh);
    return fresh;
  }

  get size(): number {
    return this.pairs;
  }

  get(key: string, value: string): number {
    return this.totals.get(key)?.get(value)?.sum ?? 0;
  }

  has(key: string, value: string): boolean {
    return this.totals.get(key)?.has(value) ?? false;
  }

  forEach(fn: (sum: number, key: string, value: string) => void): void {
    for (const [key, byValue] of this.totals) for (const [value, t] of byValue) fn(t.sum, key, value);
  }

  /** The sums of the pairs with this key, by value (a new map). */
  sumsOf(key: string): Map<string, number> {
    const out = new Map<string, number>();
    for (const [v, t] of this.totals.get(key) ?? []) out.set(v, t.sum);
    return out;
  }

  private add(p: NodePart): void {
    for (let i = 0; i < p.keys.length; i++) {
      let byValue = this.totals.get(p.keys[i]);
      if (!byValue) this.totals.set(p.keys[i], (byValue = new Map()));
      const t = byValue.get(p.values[i]);
      if (t) {
        t.sum += p.amounts[i];
        t.parts++;
      } else {
        byValue.set(p.values[i], { sum: p.amounts[i], parts: 1 });
        this.pairs++;
      }
    }
  }

  private subtract(p: NodePart): void {
    for (let i = 0; i < p.keys.length; i++) {
      const byValue = this.totals.get(p.keys[i])!;
      const t = byValue.get(p.values[i])!;
      t.sum -= p.amounts[i];
      if (--t.parts > 0) continue;
      byValue.delete(p.values[i]);
      this.pairs--;
      if (!byValue.size) this.totals.delete(p.keys[i]);
    }
  }
}

/** NodeSums by key, the most recently used `limit` of them. */
export class NodeSumsCache {
  private readonly entries = new Map<string, NodeSums>();

  constructor(private readonly limit = 16) {}

  get(key: string): NodeSums {
    let s = this.entries.get(key);
    if (s) this.entries.delete(key);
    else {
      s = new NodeSums();
      if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, s);
    return s;
  }
}
