/**
 * JSON values and the small helpers the patch modules share: type tests,
 * copies, equality, and Go's %v renderings used in sorting and messages.
 */

export type Json = null | boolean | number | string | Json[] | JsonMap;
export type JsonMap = { [key: string]: Json };

export const DIRECTIVE = '$patch';
export const RETAIN_KEYS = '$retainKeys';
export const DELETE_PRIMITIVE = '$deleteFromPrimitiveList';
export const SET_ORDER = '$setElementOrder';

export const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
export const kindOf = (v: unknown): string => (v === null || v === undefined ? 'null' : Array.isArray(v) ? 'array' : typeof v);
/** A deep copy, as a JSON round trip makes it. */
export { clone } from './meta.ts';

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Go's %v of a scalar, which strategic merge uses to sort and compare list items. */
export const str = (v: unknown): string => (v === null || v === undefined ? '<nil>' : String(v));
export const byStr = (a: unknown, b: unknown): number => (str(a) < str(b) ? -1 : str(a) > str(b) ? 1 : 0);

/** Go's %v of a map, for error messages: `map[name:web]`. */
export function goMap(v: unknown): string {
  if (isMap(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goMap(v[k])}`).join(' ')}]`;
  if (Array.isArray(v)) return `[${v.map(goMap).join(' ')}]`;
  return str(v);
}
