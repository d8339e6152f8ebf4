/**
 * Sums over nodes kept from one scheduling cycle to the next. PreFilter and
 * PreScore plugins that add up something over every node (matching pods per
 * topology domain) compute the same per-node parts cycle after cycle, while
 * only the node a pod was just placed on has changed. A NodeSums remembers
 * each node's part with the node's generation and recomputes only the parts
 * of nodes that changed since (or joined, or left), so its sums are always
 * those a fresh pass over the nodes would give.
 *
 * Plugins keep NodeSums by a key naming everything the per-node parts depend
 * on besides the node (the selector, the namespace, the incoming pod's
 * labels); NodeSumsCache bounds how many such keys are kept.
 */
import type { NodeInfo } from '../../framework.ts';

/** A node's part: keys and the amount it adds to each. */
export interface NodePart {
  keys: string[];
  amounts: number[];
}

interface Remembered extends NodePart {
  node: NodeInfo;
  generation: number;
}

interface Total {
  sum: number;
  /** Nodes that add to the key (a key some node adds 0 to still exists). */
  nodes: number;
}

export class NodeSums {
  private readonly parts = new Map<NodeInfo, Remembered>();
  private readonly totals = new Map<string, Total>();
  /** The node list of the last refresh, and the parts of its nodes by position. */
  private lastNodes: readonly NodeInfo[] | undefined = undefined;
  private byPosition: Array<Remembered | undefined> = [];

  /**
   * Brings the sums up to date with `nodes` (all nodes the sum is over; nodes
   * no longer among them are taken out). `part` computes a node's part and
   * must depend only on the node and on what the NodeSums' key names.
   */
  refresh(nodes: readonly NodeInfo[], part: (node: NodeInfo, out: NodePart) => void): void {
    // The scheduler hands out the same node list until nodes join or leave: the parts are then found by position.
    if (nodes !== this.lastNodes) {
      this.lastNodes = nodes;
      this.byPosition = nodes.map((n) => this.parts.get(n));
    }
    const byPosition = this.byPosition;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      let known = byPosition[i];
      // A list changed in place: look the node's part up.
      if (known === undefined || known.node !== n) known = this.parts.get(n);
      if (known !== undefined && known.generation === n.generation) {
        byPosition[i] = known;
        continue;
      }
      if (known !== undefined) this.subtract(known);
      const fresh: Remembered = { keys: [], amounts: [], node: n, generation: n.generation };
      part(n, fresh);
      this.add(fresh);
      this.parts.set(n, fresh);
      byPosition[i] = fresh;
    }
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

  /** The sums, by key, of every key some node adds to (a new map). */
  sums(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [k, t] of this.totals) out.set(k, t.sum);
    return out;
  }

  private add(p: NodePart): void {
    for (let i = 0; i < p.keys.length; i++) {
      const t = this.totals.get(p.keys[i]);
      if (t) {
        t.sum += p.amounts[i];
        t.nodes++;
      } else this.totals.set(p.keys[i], { sum: p.amounts[i], nodes: 1 });
    }
  }

  private subtract(p: NodePart): void {
    for (let i = 0; i < p.keys.length; i++) {
      const t = this.totals.get(p.keys[i])!;
      t.sum -= p.amounts[i];
      if (--t.nodes === 0) this.totals.delete(p.keys[i]);
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
