/**
 * How Go's %#v prints the values that upstream validation passes as "bad
 * values" when they are structs, nil maps or IntOrStrings, so that messages
 * read as a real API server writes them:
 *
 *   spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable
 *
 * WARNING: Go prints non-nil pointer fields inside structs as addresses, which
 * no two API servers agree on; those print as `(*T)(0xc000000000)` here.
 */
import { arr, num, rec, str } from './util.ts';

/** A Go string literal as %q / %#v print it. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** []string: `[]string(nil)` or `[]string{"a", "b"}`. */
export function goStringSlice(v: unknown): string {
  if (!Array.isArray(v)) return '[]string(nil)';
  return `[]string{${v.map((x) => goQuote(str(x))).join(', ')}}`;
}

/** map[string]string with Go's sorted keys; absent is `map[string]string(nil)`. */
export function goStringMap(v: unknown): string {
  const r = rec(v);
  if (!r) return 'map[string]string(nil)';
  const keys = Object.keys(r).sort();
  return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(str(r[k]))}`).join(', ')}}`;
}

/** A struct literal from already-rendered fields. */
export function goStruct(type: string, fields: [string, string][]): string {
  return `${type}{${fields.map(([k, x]) => `${k}:${x}`).join(', ')}}`;
}

/** A pointer field: `(*T)(nil)` when absent, an address placeholder otherwise. */
export function goPtr(type: string, v: unknown): string {
  return v === undefined || v === null ? `(*${type})(nil)` : `(*${type})(0xc000000000)`;
}

/** intstr.IntOrString as %#v prints it: Type 0 for ints, 1 for strings. */
export function goIntOrString(v: unknown): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${num(v)}, StrVal:""}`;
}

function goLabelSelectorRequirement(v: unknown): string {
  const r = rec(v) ?? {};
  return goStruct('v1.LabelSelectorRequirement', [
    ['Key', goQuote(str(r.key))],
    ['Operator', goQuote(str(r.operator))],
    ['Values', goStringSlice(r.values)],
  ]);
}

/** metav1.LabelSelector (the pointee of a *LabelSelector). */
export function goLabelSelector(v: unknown): string {
  const r = rec(v) ?? {};
  const exprs = Array.isArray(r.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${arr(r.matchExpressions).map(goLabelSelectorRequirement).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return goStruct('v1.LabelSelector', [
    ['MatchLabels', goStringMap(r.matchLabels)],
    ['MatchExpressions', exprs],
  ]);
}

/**
 * A generic %#v-like rendering of a JSON value under a Go type name, used
 * for large structs (pod templates) whose exact Go form cannot matter to a
 * reader: fields in PascalCase, nested objects without type names.
 */
export function goGeneric(type: string, v: unknown): string {
  return `${type}${goValueLike(v)}`;
}

function goValueLike(v: unknown): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `{${v.map(goValueLike).join(', ')}}`;
  const r = v as Record<string, unknown>;
  return `{${Object.keys(r)
    .map((k) => `${k.charAt(0).toUpperCase()}${k.slice(1)}:${goValueLike(r[k])}`)
    .join(', ')}}`;
}
