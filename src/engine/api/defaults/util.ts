/**
 * Helpers for the defaulting functions: reading and creating nested plain
 * objects, and resource lists in the canonical form decoding leaves them in.
 */
import { formatQuantity, parseQuantity, roundUpMilli } from '../validation/quantity-format.ts';

export type Rec = Record<string, unknown>;

/** The value as a plain object, or undefined. */
export function rec(v: unknown): Rec | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
}

/** The plain objects of an array field, skipping anything else. */
export function recs(v: unknown): Rec[] {
  return Array.isArray(v) ? (v.filter((x) => rec(x) !== undefined) as Rec[]) : [];
}

/**
 * The object at `o[k]`, created (as `{}`) when absent. A field of another
 * type is left for schema validation to report: defaults then go to a
 * detached object and change nothing.
 */
export function ensure(o: Rec, k: string): Rec {
  const cur = rec(o[k]);
  if (cur) return cur;
  const fresh: Rec = {};
  if (o[k] === undefined || o[k] === null) o[k] = fresh;
  return fresh;
}

/** Sets `o[k]` when it is absent (undefined or null), as a defaulter sets a nil pointer. */
export function setIfAbsent(o: Rec, k: string, v: unknown): void {
  if (o[k] === undefined || o[k] === null) o[k] = v;
}

/** Sets `o[k]` when it is absent or the empty string, as a defaulter sets an empty string field. */
export function setIfEmpty(o: Rec, k: string, v: string): void {
  if (o[k] === undefined || o[k] === null || o[k] === '') o[k] = v;
}

/**
 * SetDefaults_ResourceList: every quantity rounded up to milli units and
 * written back in canonical form (`0.5` → `500m`, `1024Mi` → `1Gi`), as a
 * decoded and re-encoded object carries it. Malformed values are left for
 * validation to report.
 */
export function defaultResourceList(list: unknown): void {
  const r = rec(list);
  if (!r) return;
  for (const k of Object.keys(r)) {
    const q = parseQuantity(r[k]);
    if (q) r[k] = formatQuantity(roundUpMilli(q));
  }
}

/** Quantity fields outside resource lists are only canonicalized. */
export function canonicalizeQuantity(o: Rec, k: string): void {
  const q = parseQuantity(o[k]);
  if (q) o[k] = formatQuantity(q);
}
