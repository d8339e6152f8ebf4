/**
 * Shared pieces of InterPodAffinity: topology-pair counts, term matching and
 * merging namespaceSelectors into namespace sets.
 */
import type { Namespace, Node, Pod } from '../../../api/types.ts';
import { Selector } from '../../../api/selectors.ts';
import { type AffinityTerm, type Lister, termMatches } from '../../framework.ts';

/** topologyToMatchedTermCount: `key\0value` -> count; entries that reach zero are dropped. */
export class TopologyCounts {
  constructor(readonly m = new Map<string, number>()) {}

  get size(): number {
    return this.m.size;
  }

  get(key: string, value: string): number {
    return this.m.get(`${key}\0${value}`) ?? 0;
  }

  add(node: Pick<Node, 'metadata'>, key: string, delta: number): void {
    const labels = node.metadata.labels;
    if (!labels || !Object.prototype.hasOwnProperty.call(labels, key)) return;
    const k = `${key}\0${labels[key]}`;
    const v = (this.m.get(k) ?? 0) + delta;
    if (v === 0) this.m.delete(k);
    else this.m.set(k, v);
  }

  append(other: TopologyCounts): void {
    for (const [k, v] of other.m) {
      const n = (this.m.get(k) ?? 0) + v;
      if (n === 0) this.m.delete(k);
      else this.m.set(k, n);
    }
  }

  clone(): TopologyCounts {
    const c = new TopologyCounts();
    for (const [k, v] of this.m) c.m.set(k, v);
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

/** The key of a node's topology pair in TopologyCounts and score maps, or undefined when the node lacks the label. */
export function pairKey(node: Pick<Node, 'metadata'>, key: string): string | undefined {
  const labels = node.metadata.labels;
  if (!labels || !Object.prototype.hasOwnProperty.call(labels, key)) return undefined;
  return `${key}\0${labels[key]}`;
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
