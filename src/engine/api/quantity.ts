/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource):
 * `500m`, `2`, `1.5`, `4Gi`, `512Mi`, `1e3`, `100k`.
 *
 * Values are computed exactly (with bigints) and rounded up, as
 * Quantity.Value() and Quantity.MilliValue() round up.
 */

/** The regular expression the API server quotes when a quantity is malformed. */
export const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const SHAPE = /^([+-]?)([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

interface Rational {
  num: bigint;
  den: bigint;
}

function parseRational(s: string): Rational | undefined {
  if (typeof s !== 'string') return undefined;
  const m = SHAPE.exec(s.trim());
  if (!m) return undefined;
  const [, sign, digits, suffix = ''] = m;
  const dot = digits.indexOf('.');
  const frac = dot >= 0 ? digits.length - dot - 1 : 0;
  let num = BigInt(digits.replace('.', '') || '0');
  let den = 10n ** BigInt(frac);
  if (sign === '-') num = -num;
  if (suffix in BINARY) {
    num *= 2n ** BigInt(BINARY[suffix]);
  } else {
    const exp = suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1));
    if (exp >= 0) num *= 10n ** BigInt(exp);
    else den *= 10n ** BigInt(-exp);
  }
  return { num, den };
}

function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n ? q + 1n : q;
}

/** True when `s` is a well-formed quantity. */
export function isQuantity(s: unknown): s is string {
  return typeof s === 'string' && parseRational(s) !== undefined;
}

/**
 * Parsed amounts by quantity string: the same few quantities (`100m`,
 * `500Mi`) are read on every write and every scheduling cycle. Bounded; a
 * full cache starts over.
 */
const CACHE_LIMIT = 4096;
const milliCache = new Map<string, number>();
const valueCache = new Map<string, number>();

function remember(cache: Map<string, number>, s: string, v: number): number {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(s, v);
  return v;
}

/** The quantity in thousandths of its unit, rounded up (MilliValue). Throws on a malformed quantity. */
export function milliValue(s: string | number): number {
  if (typeof s === 'number') return Math.ceil(s * 1000);
  const hit = milliCache.get(s);
  if (hit !== undefined) return hit;
  const r = parseRational(s);
  if (!r) throw new Error(`quantities must match the regular expression '${QUANTITY_PATTERN}'`);
  return remember(milliCache, s, Number(ceilDiv(r.num * 1000n, r.den)));
}

/** The quantity in whole units, rounded up (Value). Throws on a malformed quantity. */
export function value(s: string | number): number {
  if (typeof s === 'number') return Math.ceil(s);
  const hit = valueCache.get(s);
  if (hit !== undefined) return hit;
  const r = parseRational(s);
  if (!r) throw new Error(`quantities must match the regular expression '${QUANTITY_PATTERN}'`);
  return remember(valueCache, s, Number(ceilDiv(r.num, r.den)));
}

/**
 * The amount of a named resource in the engine's canonical unit: millicores
 * for `cpu`, whole units (bytes, counts) for everything else.
 */
export function resourceAmount(resource: string, q: string | number): number {
  return resource === 'cpu' ? milliValue(q) : value(q);
}

/** Formats a canonical amount of a resource back to a quantity: `250m`, `2`, `512Mi`. */
export function formatAmount(resource: string, amount: number): string {
  if (resource === 'cpu') return amount % 1000 === 0 ? String(amount / 1000) : `${amount}m`;
  for (const [suffix, shift] of [['Ei', 60], ['Pi', 50], ['Ti', 40], ['Gi', 30], ['Mi', 20], ['Ki', 10]] as const) {
    const unit = 2 ** shift;
    if (amount !== 0 && amount % unit === 0) return `${amount / unit}${suffix}`;
  }
  return String(amount);
}
