/**
 * How an Ingress controller picks a backend for a request (networking.k8s.io/v1
 * semantics, as ingress-nginx applies them):
 * - host: an exact rule host beats a wildcard (`*.example.com` covers one
 *   label: `shop.example.com`, not `example.com` nor `a.b.example.com`),
 *   which beats a rule without host;
 * - paths: Exact matches the path itself; Prefix matches whole path elements
 *   (`/cart` matches `/cart` and `/cart/items`, not `/carts`); a trailing
 *   slash is ignored; ImplementationSpecific is nginx's plain prefix
 *   `location` (`/cart` also matches `/carts`);
 * - the longest matching path wins, Exact before Prefix at equal length;
 * - no rule: the Ingress's defaultBackend, else the controller's own 404.
 */
import type { KubeObject } from '../api/types.ts';

type Rec = Record<string, unknown>;
export type Ingress = KubeObject & { spec?: Rec };

export interface IngressBackend {
  service?: { name: string; port: { number?: number; name?: string } };
  resource?: Rec;
}

export interface IngressMatch {
  ingress: Ingress;
  backend: IngressBackend;
  /** The rule path that matched, or undefined for a default backend. */
  path?: string;
  pathType?: string;
  host?: string;
}

export function hostMatches(ruleHost: string | undefined, host: string): 'exact' | 'wildcard' | 'any' | undefined {
  if (!ruleHost) return 'any';
  const h = host.toLowerCase();
  const r = ruleHost.toLowerCase();
  if (r === h) return 'exact';
  if (r.startsWith('*.')) {
    const suffix = r.slice(1);
    if (h.endsWith(suffix) && !h.slice(0, -suffix.length).includes('.') && h.length > suffix.length) return 'wildcard';
  }
  return undefined;
}

export function pathMatches(pathType: string, rulePath: string, path: string): boolean {
  if (pathType === 'Exact') return path === rulePath;
  if (pathType === 'Prefix') {
    const r = rulePath.replace(/\/+$/, '');
    if (r === '') return true;
    const p = path.replace(/\/+$/, '');
    return p === r || p.startsWith(`${r}/`);
  }
  return path.startsWith(rulePath);
}

/** The backend `ingresses` send `host` + `path` to, or undefined (the controller's 404). */
export function routeIngress(ingresses: readonly Ingress[], host: string, path: string): IngressMatch | undefined {
  const rank = { exact: 3, wildcard: 2, any: 1 } as const;
  let best: { m: IngressMatch; hostRank: number; len: number; exact: boolean } | undefined;
  for (const ing of ingresses) {
    for (const rule of (ing.spec?.rules as Rec[] | undefined) ?? []) {
      const hm = hostMatches(rule.host as string | undefined, host);
      if (!hm) continue;
      for (const p of (((rule.http as Rec | undefined)?.paths as Rec[] | undefined) ?? [])) {
        const type = String(p.pathType ?? 'ImplementationSpecific');
        const rp = String(p.path ?? '/');
        if (!pathMatches(type, rp, path)) continue;
        const cand = { m: { ingress: ing, backend: p.backend as IngressBackend, path: rp, pathType: type, host: rule.host as string | undefined }, hostRank: rank[hm], len: rp.length, exact: type === 'Exact' };
        if (!best || cand.hostRank > best.hostRank || (cand.hostRank === best.hostRank && (cand.len > best.len || (cand.len === best.len && cand.exact && !best.exact)))) best = cand;
      }
    }
  }
  if (best) return best.m;
  const withDefault = ingresses.find((i) => i.spec?.defaultBackend);
  return withDefault ? { ingress: withDefault, backend: withDefault.spec!.defaultBackend as IngressBackend } : undefined;
}
