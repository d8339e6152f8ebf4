/**
 * Shared pieces of InterPodAffinity: topology-pair counts, term matching and
 * merging namespaceSelectors into namespace sets.
 */
import type { Namespace, Node, Pod } from '../../../api/types.ts';
import { Selector } from '../../../api/selectors.ts';
import { type AffinityTerm, type Lister, termMatches } from '../../framework.ts';
import type { PairSums } from '../helper/node-sums.ts';

/**
 * topologyToMatchedTermCount: (topology key, value) -> count; entries that
 * reach zero are dropped. It reads sums kept across cycles until it is first
 * changed, and then works on its own copy.
 */
export class TopologyCounts {
  private own: Map<string, Map<string, number>> | undefined;
  private ownSize = 0;

  constructor(private base: PairSums | undefined = undefined) {
    if (!base) this.own = new Map();
  }

  get size(): number {
    return this.base ? this.base.size : this.ownSize;
  }

  get(key: string, value: string): number {
    return this.base ? this.base.get(key, value) : (this.own!.get(key)?.get(value) ?? 0);
  }

  /** The counts as their own copy, to be changed. */
  private writable(): Map<string, Map<string, number>> {
    if (this.base) {
      const own = new Map<string, Map<string, number>>();
      let size = 0;
      this.base.forEach((sum, key, value) => {
        // Sums of parts may be 0 for a pair some node adds 0 to; counts keep only non-zero pairs.
        if (sum === 0) return;
        let byValue = own.get(key);
        if (!byValue) own.set(key, (byValue = new Map()));
        byValue.set(value, sum);
        size++;
      });
      this.own = own;
      this.ownSize = size;
      this.base = undefined;
    }
    return this.own!;
  }

  private change(key: string, value: string, delta: number): void {
    const own = this.writable();
    let byValue = own.get(key);
    if (!byValue) own.set(key, (byValue = new Map()));
    const before = byValue.get(value);
    const v = (before ?? 0) + delta;
    if (v === 0) {
      if (before !== undefined) {
        byValue.delete(value);
        this.ownSize--;
        if (!byValue.size) own.delete(key);
      }
    } else {
      if (before === undefined) this.ownSize++;
      byValue.set(value, v);
    }
  }

  add(node: Pick<Node, 'metadata'>, key: string, delta: number): void {
    const labels = node.metadata.labels;
    if (!labels || !Object.prototype.hasOwnProperty.call(labels, key)) return;
    this.change(key, labels[key], delta);
  }

  clone(): TopologyCounts {
    if (this.base) return new TopologyCounts(this.base);
    const c = new TopologyCounts();
    for (const [k, byValue] of this.own!) c.own!.set(k, new Map(byValue));
    c.ownSize = this.ownSize;
    return c;
  }

  /** updateWithAffinityTerms: when the pod matches all terms, every term's topology pair of the node counts. */
  updateWithAffinityTerms(terms: readonly AffinityTerm[], pod: Pod, node: Pick<Node, 'metadata'>, delta: number): void {
    if (!podMatchesAllAffinityTerms(terms, pod)) return;
    for (const t of terms) this.add(node, t.topologyKey, delta);
  }

  /** updateWithAntiAffinityTerms: each term the pod matches counts its topology pair of the node. */
  updateWithAntiAffinityTerms(terms: readonly AffinityTerm[], pod: Pod, nsLabels: Record<string, string> | undefined, node: Pick<Node, 'metadata'>, delta: number): void {
    for (const t of terms) if (termMatches(t, pod, nsLabels)) this.add(node, t.topologyKey, delta);
  }
}

/** What parsed terms are, for keys of sums kept across cycles. */
export function termsKey(terms: readonly AffinityTerm[]): unknown[] {
  return terms.map((t) => [[...t.namespaces], t.selector.key(), t.topologyKey, t.namespaceSelector.key(), (t as { weight?: number }).weight ?? null]);
}

/** podMatchesAllAffinityTerms: false for no terms. */
export function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (!terms.length) return false;
  // The incoming pod's namespaceSelectors are merged into its namespaces, so no namespace labels are needed.
  for (const t of terms) if (!termMatches(t, pod, undefined)) return false;
  return true;
}

/**
 * mergeAffinityTermNamespacesIfNotEmpty: the namespaces a term's
 * namespaceSelector picks join its namespace set, and the selector then
 * matches nothing. An empty selector (every namespace) is left as it is.
 */
export function mergeNamespaces<T extends AffinityTerm>(term: T, namespaces: Lister<Namespace>): T {
  const sel = term.namespaceSelector;
  // Everything (an empty selector) stays as it is; nothing (no selector) has nothing to merge.
  if (sel.requirements.length === 0) return term;
  const merged = new Set(term.namespaces);
  for (const ns of namespaces.list()) if (sel.matches(ns.metadata.labels)) merged.add(ns.metadata.name);
  return { ...term, namespaces: merged, namespaceSelector: Selector.nothing() };
}

/** GetNamespaceLabelsSnapshot: the labels of the pod's namespace, if the lister has it. */
export function namespaceLabels(namespaces: Lister<Namespace>, name: string | undefined): Record<string, string> | undefined {
  return namespaces.get(undefined, name ?? '')?.metadata.labels ?? undefined;
}
