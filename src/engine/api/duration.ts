/**
 * Go `time.Duration` text, as Kubernetes and its tools write it: `30s`,
 * `1m30s`, `1.5h`, `500ms`, `2h45m`.
 *
 * Parsing follows Go's `time.ParseDuration` (units ns, us, µs, ms, s, m, h;
 * an optional sign; decimal fractions; `0` alone needs no unit) and reports
 * errors in Go's words. Formatting follows `Duration.String()`: `5m0s`,
 * `1h0m0s`, `1.5s`, `250ms`, `0s`.
 *
 * Durations are numbers of milliseconds, the unit of the engine's clock.
 * Sub-millisecond parts survive as fractions and are rounded to whole
 * nanoseconds when formatted.
 */

/** A malformed duration; the message is Go's (`time: invalid duration "soon"`). */
export class DurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DurationError';
  }
}

/** Nanoseconds per unit, as in Go's unitMap. */
const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's Duration is an int64 count of nanoseconds. */
const MAX_NS = (1n << 63n) - 1n;

/** Go quotes the input with strconv.Quote; JSON string syntax agrees for printable text. */
function quote(s: string): string {
  return JSON.stringify(s);
}

/**
 * Parses a Go duration into milliseconds.
 * Throws DurationError with Go's message for anything `time.ParseDuration` refuses.
 */
export function parseDuration(text: string): number {
  return Number(parseNanoseconds(text)) / 1e6;
}

/** Like parseDuration, but undefined instead of an error. */
export function tryParseDuration(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

function parseNanoseconds(orig: string): bigint {
  const invalid = () => new DurationError(`time: invalid duration ${quote(orig)}`);
  let s = orig;
  let negative = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    // The next character must be [0-9.]
    if (!(s[0] === '.' || (s[0] >= '0' && s[0] <= '9'))) throw invalid();
    const whole = /^[0-9]*/.exec(s)![0];
    s = s.slice(whole.length);
    let fraction = '';
    if (s[0] === '.') {
      fraction = /^\.([0-9]*)/.exec(s)![1];
      s = s.slice(fraction.length + 1);
    }
    if (whole === '' && fraction === '') throw invalid(); // ".s" has no digits at all
    const unit = /^[^0-9.]*/.exec(s)![0];
    s = s.slice(unit.length);
    if (unit === '') throw new DurationError(`time: missing unit in duration ${quote(orig)}`);
    const scale = UNIT_NS[unit];
    if (scale === undefined) throw new DurationError(`time: unknown unit ${quote(unit)} in duration ${quote(orig)}`);
    let value = BigInt(whole || '0') * scale;
    if (fraction !== '') {
      // Go keeps the fraction's digits as far as they matter and truncates toward zero.
      value += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
    }
    total += value;
    if (total > MAX_NS) throw invalid();
  }
  return negative ? -total : total;
}

/**
 * Formats milliseconds the way Go's `Duration.String()` does:
 * `0s`, `250ms`, `1.5s`, `1m30s`, `5m0s`, `1h0m0s`, `-2s`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) throw new DurationError(`time: invalid duration ${String(ms)}`);
  let ns = BigInt(Math.round(ms * 1e6));
  if (ns === 0n) return '0s';
  const sign = ns < 0n ? '-' : '';
  if (ns < 0n) ns = -ns;
  if (ns < 1_000_000_000n) {
    // Below a second Go picks the largest unit that keeps an integer part.
    if (ns < 1_000n) return `${sign}${ns}ns`;
    if (ns < 1_000_000n) return `${sign}${fixed(ns, 3)}µs`;
    return `${sign}${fixed(ns, 6)}ms`;
  }
  let out = `${fixed(ns % 60_000_000_000n, 9)}s`;
  const minutes = ns / 60_000_000_000n;
  if (minutes > 0n) {
    out = `${minutes % 60n}m${out}`;
    const hours = minutes / 60n;
    if (hours > 0n) out = `${hours}h${out}`;
  }
  return sign + out;
}

/** `value / 10^digits` in decimal, trailing zeros (and a bare point) dropped, as Go's fmtFrac does. */
function fixed(value: bigint, digits: number): string {
  const scale = 10n ** BigInt(digits);
  const whole = value / scale;
  const frac = (value % scale).toString().padStart(digits, '0').replace(/0+$/, '');
  return frac === '' ? String(whole) : `${whole}.${frac}`;
}
