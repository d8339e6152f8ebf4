/**
 * Quantities as Go's resource.Quantity.String() prints them: canonical
 * form in the quantity's own family (`500m`, `2`, `1536Mi`, `1500M`).
 */

const BINARY: Array<[string, bigint]> = [
  ['Ei', 1n << 60n],
  ['Pi', 1n << 50n],
  ['Ti', 1n << 40n],
  ['Gi', 1n << 30n],
  ['Mi', 1n << 20n],
  ['Ki', 1n << 10n],
];
const DECIMAL: Array<[string, bigint]> = [
  ['E', 10n ** 18n],
  ['P', 10n ** 15n],
  ['T', 10n ** 12n],
  ['G', 10n ** 9n],
  ['M', 10n ** 6n],
  ['k', 10n ** 3n],
];

/** True when a quantity is written with a binary suffix (Ki, Mi, ...). */
export function isBinary(q: string | number | undefined): boolean {
  return typeof q === 'string' && /[KMGTPE]i$/.test(q.trim());
}

/** Formats an amount in thousandths of a unit, in the binary or decimal family. */
export function formatMilli(milli: number, binary: boolean): string {
  if (milli === 0) return '0';
  const neg = milli < 0;
  const m = BigInt(Math.abs(Math.round(milli)));
  let out: string;
  if (m % 1000n !== 0n) out = `${m}m`;
  else {
    const units = m / 1000n;
    out = String(units);
    const families = binary ? BINARY : DECIMAL;
    for (const [suffix, size] of families)
      if (units % size === 0n) {
        out = `${units / size}${suffix}`;
        break;
      }
    // Binary quantities that are not whole multiples fall back to decimal suffixes of plain numbers.
  }
  return neg ? `-${out}` : out;
}

/** The canonical text of a quantity; unreadable text is returned as it was. */
export function canonicalQuantity(q: string | number | undefined): string {
  if (q === undefined) return '0';
  try {
    return formatMilli(milliValue(q), isBinary(q));
  } catch {
    return String(q);
  }
}import { milliValue } from '../../engine/index.ts';

