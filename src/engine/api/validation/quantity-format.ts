/**
 * resource.Quantity as the API server holds it: parsed exactly, rounded up to
 * nano units as ParseQuantity does, compared exactly, and printed in the
 * canonical form Quantity.String() gives (`1500m`, `1Gi`, `512Mi`, `1e3`).
 * The canonical form is what stored objects carry and what error messages
 * quote (`must be less than or equal to cpu limit of 1`).
 */

/** How a quantity was written, which decides how it prints. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parsed quantity: an exact count of nano units and its format. */
export interface Q {
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

const NANO = 1_000_000_000n;
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const SHAPE = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;

/**
 * Parses a quantity as resource.ParseQuantity does (JSON numbers are read as
 * their decimal text). Returns undefined for a malformed quantity.
 */
export function parseQuantity(v: unknown): Q | undefined {
  if (typeof v !== 'string') return parse(v);
  // The same few quantities are parsed on every write: remembered by their text (bounded).
  const hit = parsed.get(v);
  if (hit !== undefined) return hit ?? undefined;
  if (parsed.size >= 4096) parsed.clear();
  const q = parse(v);
  parsed.set(v, q ? Object.freeze(q) : null);
  return q;
}

const parsed = new Map<string, Q | null>();

function parse(v: unknown): Q | undefined {
  let s: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined;
    s = String(v);
  } else if (typeof v === 'string') s = v.trim();
  else return undefined;
  const m = SHAPE.exec(s);
  if (!m) return undefined;
  const [, sign, whole, frac = '', suffix] = m;
  if (whole.length === 0 && frac.length === 0) return undefined;
  let format: QuantityFormat;
  let num = BigInt(`${whole}${frac}` || '0');
  let den = 10n ** BigInt(frac.length);
  if (suffix in BINARY) {
    format = 'BinarySI';
    num *= 2n ** BigInt(BINARY[suffix]);
  } else if (suffix in DECIMAL) {
    format = 'DecimalSI';
    const e = DECIMAL[suffix];
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  } else if (/^[eE][+-]?[0-9]+$/.test(suffix)) {
    format = 'DecimalExponent';
    const e = Number(suffix.slice(1));
    if (Math.abs(e) > 400) return undefined;
    if (e >= 0) num *= 10n ** BigInt(e);
    else den *= 10n ** BigInt(-e);
  } else {
    return undefined;
  }
  // Non-zero values are rounded up (away from zero) to the nearest nano unit.
  const scaled = num * NANO;
  let nanos = scaled / den;
  if (scaled % den !== 0n) nanos += 1n;
  if (sign === '-') nanos = -nanos;
  // A binary quantity below one is printed as a decimal one.
  if (format === 'BinarySI' && nanos > 0n && nanos < NANO) format = 'DecimalSI';
  return { nanos, format };
}

/** True when the value parses as a quantity. */
export function isValidQuantity(v: unknown): boolean {
  return parseQuantity(v) !== undefined;
}

function stripFactors(n: bigint, f: bigint): [bigint, number] {
  let times = 0;
  if (n === 0n) return [n, 0];
  while (n % f === 0n) {
    n /= f;
    times++;
  }
  return [n, times];
}

const DECIMAL_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Quantity.String(): the canonical text of a quantity. */
export function formatQuantity(q: Q): string {
  if (q.nanos === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    // Small or fractional binary values print as decimal to avoid rounding.
    if (q.nanos > -1024n * NANO && q.nanos < 1024n * NANO) format = 'DecimalSI';
    else if (q.nanos % NANO !== 0n) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let v = q.nanos / NANO;
    let exp = 0;
    while (exp < 6 && v % 1024n === 0n) {
      v /= 1024n;
      exp++;
    }
    return `${v}${BINARY_SUFFIX[exp]}`;
  }
  let [amount, times] = stripFactors(q.nanos, 10n);
  let exponent = -9 + times;
  // The exponent is brought down to a multiple of three.
  while (exponent % 3 !== 0) {
    amount *= 10n;
    exponent--;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  const suffix = DECIMAL_SUFFIX[exponent];
  if (suffix !== undefined) return `${amount}${suffix}`;
  return `${amount}e${exponent}`;
}

/** The canonical text of a quantity value, or undefined when malformed. */
export function canonicalQuantity(v: unknown): string | undefined {
  const q = parseQuantity(v);
  return q ? formatQuantity(q) : undefined;
}

/** Quantity.RoundUp(-3): rounds away from zero to whole milli units. */
export function roundUpMilli(q: Q): Q {
  const unit = 1_000_000n;
  const r = q.nanos % unit;
  if (r === 0n) return q;
  return { nanos: q.nanos > 0n ? q.nanos - r + unit : q.nanos - r - unit, format: q.format };
}

/** Quantity.Cmp */
export function cmpQuantity(a: Q, b: Q): number {
  return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
}

/** Quantity.Sign */
export function signQuantity(q: Q): number {
  return q.nanos < 0n ? -1 : q.nanos > 0n ? 1 : 0;
}

/** Quantity.MilliValue: thousandths, rounded up. */
export function milliOf(q: Q): bigint {
  const unit = 1_000_000n;
  const v = q.nanos / unit;
  return q.nanos % unit !== 0n && q.nanos > 0n ? v + 1n : v;
}

/** Quantity.Value: whole units, rounded up. */
export function valueOf(q: Q): bigint {
  const v = q.nanos / NANO;
  return q.nanos % NANO !== 0n && q.nanos > 0n ? v + 1n : v;
}

/**
 * How Go prints a Quantity with %#v (field.Invalid with a Quantity value):
 * the int64 amount and scale of its canonical decimal form.
 */
export function quantityGoRepr(q: Q): string {
  let [amount, times] = stripFactors(q.nanos, 10n);
  let scale = -9 + times;
  if (amount === 0n) scale = 0;
  while (scale < 0 && scale % 3 !== 0) {
    amount *= 10n;
    scale--;
  }
  const s = formatQuantity(q);
  return `resource.Quantity{i:resource.int64Amount{value:${amount}, scale:${scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${JSON.stringify(s)}, Format:${JSON.stringify(q.format)}}`;
}
