/**
 * Small helpers shared by the validators: tolerant readers for plain JSON
 * objects, field paths in the form of field.Path.String(), and error
 * constructors the errors module does not provide.
 *
 * Validation runs on objects that passed schema checks, but the readers never
 * throw: a missing or mistyped field reads as Go's zero value, so a validator
 * reports what upstream would report for that zero value.
 */
import type { FieldError } from '../errors.ts';
import { invalid } from '../errors.ts';

export type Rec = Record<string, unknown>;

/** The value as a plain object, or undefined (Go nil) for anything else. */
export function rec(v: unknown): Rec | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined;
}

/** The value as a plain object, or an empty one (a Go struct value). */
export function obj(v: unknown): Rec {
  return rec(v) ?? {};
}

/** The value as an array, or an empty one (a nil slice). */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The value as a string; absent reads as '' and other scalars as their text. */
export function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '';
}

/** The value as a string, or undefined when absent (a nil *string). */
export function optStr(v: unknown): string | undefined {
  return v === undefined || v === null ? undefined : str(v);
}

/** The value as a number; absent or non-numeric reads as 0. */
export function num(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return 0;
}

/** The value as a number, or undefined when absent (a nil *int). */
export function optNum(v: unknown): number | undefined {
  return v === undefined || v === null ? undefined : num(v);
}

/** The value as a boolean; only `true` is true. */
export function bool(v: unknown): boolean {
  return v === true;
}

/** A string map (labels, annotations, selectors), or undefined when absent. */
export function strMap(v: unknown): Record<string, string> | undefined {
  const r = rec(v);
  if (!r) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(r)) out[k] = str(x);
  return out;
}

/**
 * Keys of a map in a stable order. Go ranges over maps in random order; the
 * engine must be deterministic, so errors for map entries come in key order.
 */
export function sortedKeys(m: Record<string, unknown> | undefined): string[] {
  return m ? Object.keys(m).sort() : [];
}

/** The length in bytes of a string's UTF-8 encoding, as Go's len() counts. */
export function byteLen(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

// ---- field paths (k8s.io/apimachinery/pkg/util/validation/field.Path) ----

/** `parent.name`, or `name` at the root. */
export function child(parent: string, ...names: string[]): string {
  let p = parent;
  for (const n of names) p = p ? `${p}.${n}` : n;
  return p;
}

/** `parent[i]` */
export function index(parent: string, i: number): string {
  return `${parent}[${i}]`;
}

/** `parent[key]`: map keys are printed unquoted, as field.Path does. */
export function key(parent: string, k: string): string {
  return `${parent}[${k}]`;
}

// ---- errors beyond the constructors of errors.ts ----

/**
 * field.Invalid with a value that Go prints with %#v (structs, nil maps,
 * IntOrString). The errors module formats JS values itself, so the Go
 * rendering is carried in the detail and the value is kept for callers.
 */
export function invalidRepr(field: string, value: unknown, repr: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, value, hasValue: false, detail: detail ? `${repr}: ${detail}` : repr };
}

/** field.Invalid(path, field.OmitValueType{}, detail): no value is printed. */
export function invalidNoValue(field: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, hasValue: false, detail };
}

/** field.NotSupported with a value Go prints with %#v. */
export function notSupportedRepr(field: string, value: unknown, repr: string, supported: string[]): FieldError {
  return {
    type: 'FieldValueNotSupported',
    field,
    value,
    hasValue: false,
    detail: `${repr}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`,
  };
}

/** field.Duplicate with a value Go prints with %#v. */
export function duplicateRepr(field: string, value: unknown, repr: string, detail = ''): FieldError {
  return { type: 'FieldValueDuplicate', field, value, hasValue: false, detail: detail ? `${repr}: ${detail}` : repr };
}

/** field.NotFound with an explanation (upstream sets Detail by hand). */
export function notFoundDetail(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueNotFound', field, value, hasValue: true, detail };
}

/** field.TooLong for a value whose length limit is given. */
export function tooLongBytes(field: string, max: number): FieldError {
  return { type: 'FieldValueTooLong', field, hasValue: false, detail: `may not be more than ${max} bytes` };
}

/** `must be greater than or equal to 0` (ValidateNonnegativeField). */
export const IS_NEGATIVE = 'must be greater than or equal to 0';
export const FIELD_IMMUTABLE = 'field is immutable';

/** ValidateNonnegativeField */
export function nonNegative(value: number, field: string): FieldError[] {
  return value < 0 ? [invalid(field, value, IS_NEGATIVE)] : [];
}

/** Structural equality of two JSON values; undefined, null and absent are equal. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null) return b === undefined || b === null;
  if (b === undefined || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (typeof a === 'object') {
    if (typeof b !== 'object' || Array.isArray(b)) return false;
    const ra = a as Rec;
    const rb = b as Rec;
    const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
    for (const k of keys) if (!deepEqual(ra[k], rb[k])) return false;
    return true;
  }
  return false;
}

/**
 * Semantic equality as apiequality.Semantic.DeepEqual sees decoded objects:
 * empty and nil slices and maps are equal, and a field holding its Go zero
 * value ('' / false / 0) equals an absent one. Without type information an
 * empty object is also taken as absent, which is lenient only for pointers
 * to empty structs (`securityContext: {}`), a case defaulting makes rare.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return deepEqual(prune(a), prune(b));
}

function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(prune);
  if (v !== null && typeof v === 'object') {
    const out: Rec = {};
    for (const [k, x] of Object.entries(v as Rec)) {
      const p = prune(x);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  if (v === null || v === '' || v === false || v === 0) return undefined;
  return v;
}
