/**
 * Taints and tolerations (k8s.io/api/core/v1 toleration.go, pkg/apis/core/v1/helper).
 */
import type { Taint, Toleration } from './types.ts';

/** Toleration.ToleratesTaint: effect, key and value (or Exists) all match. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  // An empty operator means Equal, as the API accepts it.
  switch (t.operator || 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function taintTolerated(taint: Taint, tolerations: readonly Toleration[] | undefined): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** The first taint (of those `filter` keeps) that no toleration tolerates. */
export function findUntoleratedTaint(
  taints: readonly Taint[] | undefined,
  tolerations: readonly Toleration[] | undefined,
  filter: (t: Taint) => boolean,
): Taint | undefined {
  for (const taint of taints ?? []) {
    if (!filter(taint)) continue;
    if (!taintTolerated(taint, tolerations)) return taint;
  }
  return undefined;
}

/**
 * GetMatchingTolerations: whether every taint is tolerated, and for each taint
 * the toleration that tolerates it.
 */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): { all: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const t = (tolerations ?? []).find((x) => toleratesTaint(x, taint));
    if (!t) return { all: false, used: [] };
    used.push(t);
  }
  return { all: true, used };
}

/** `key=value:Effect` or `key:Effect`, as kubectl and messages print a taint. */
export function taintString(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}
