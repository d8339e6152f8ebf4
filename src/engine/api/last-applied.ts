/**
 * The kubectl.kubernetes.io/last-applied-configuration annotation, where
 * `kubectl apply` keeps the manifest it last applied.
 */
import { type JsonMap, clone, isMap } from './patch-json.ts';

/** The annotation where `kubectl apply` keeps the manifest it last applied. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

/** JSON as Go's encoder writes a map: keys sorted, HTML characters escaped, a final newline. */
export function goJson(v: unknown): string {
  const sortKeys = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sortKeys) : isMap(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys(x[k])])) : x;
  const s = JSON.stringify(sortKeys(v)) ?? 'null';
  return `${s.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** The configuration last applied to an object (GetOriginalConfiguration), or undefined when none or unreadable. */
export function getLastApplied(obj: unknown): Record<string, unknown> | undefined {
  const annotations = isMap(obj) && isMap(obj.metadata) ? obj.metadata.annotations : undefined;
  const text = isMap(annotations) ? annotations[LAST_APPLIED_ANNOTATION] : undefined;
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return isMap(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * GetModifiedConfiguration with annotate: a copy of `obj` whose
 * last-applied-configuration annotation holds `obj` itself (without that
 * annotation, with `annotations: {}` when it had none), as kubectl apply and
 * `create --save-config` record it.
 */
export function withLastApplied<T>(obj: T): T {
  const copy = clone(obj) as unknown as JsonMap;
  const meta = isMap(copy.metadata) ? copy.metadata : (copy.metadata = {});
  const annotations: JsonMap = isMap(meta.annotations) ? meta.annotations : {};
  delete annotations[LAST_APPLIED_ANNOTATION];
  meta.annotations = annotations;
  const text = goJson(copy);
  annotations[LAST_APPLIED_ANNOTATION] = text;
  return copy as unknown as T;
}
