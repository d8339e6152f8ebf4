/**
 * IntOrString fields that hold a count or a percentage (maxSurge,
 * maxUnavailable, minAvailable), as pkg/apis/apps/validation checks them.
 */
import type { FieldError } from '../errors.ts';
import { goIntOrString } from './go-repr.ts';
import { isValidPercent } from './names.ts';
import { invalidRepr, nonNegative, num } from './util.ts';

/** The percentage of a valid percent string, or undefined. */
export function percentValue(v: unknown): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length !== 0) return undefined;
  return Number(v.slice(0, -1));
}

/** getIntOrPercentValue: the percentage, or IntValue() (0 for a non-numeric string). */
export function intOrPercentValue(v: unknown): number {
  const p = percentValue(v);
  if (p !== undefined) return p;
  if (typeof v === 'string') return /^[+-]?\d+$/.test(v) ? Number(v) : 0;
  return num(v);
}

/** ValidatePositiveIntOrPercent: a non-negative integer or a valid percentage. */
export function validatePositiveIntOrPercent(v: unknown, field: string): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((m) => invalidRepr(field, v, goIntOrString(v), m));
  return nonNegative(num(v), field);
}

/** IsNotMoreThan100Percent */
export function isNotMoreThan100Percent(v: unknown, field: string): FieldError[] {
  const p = percentValue(v);
  if (p === undefined || p <= 100) return [];
  return [invalidRepr(field, v, goIntOrString(v), 'must not be greater than 100%')];
}
