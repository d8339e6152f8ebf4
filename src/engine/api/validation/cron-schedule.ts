/**
 * The syntax check of a CronJob schedule, with the error texts of
 * github.com/robfig/cron/v3 ParseStandard (five fields or a descriptor such
 * as `@hourly` or `@every 5m`). Only validity is decided here; computing run
 * times is the CronJob controller's business.
 */

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = {
  min: 1,
  max: 12,
  names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
};
const DOW: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** strconv.Atoi, with Go's error text. */
function atoi(s: string): number | string {
  if (/^[+-]?[0-9]+$/.test(s)) return Number(s);
  return `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
}

function mustParseInt(expr: string): number {
  const n = atoi(expr);
  if (typeof n === 'string') throw new Error(`failed to parse int from ${expr}: ${n}`);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  if (names && expr.toLowerCase() in names) return names[expr.toLowerCase()];
  return mustParseInt(expr);
}

function checkRange(expr: string, r: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
  } else {
    start = parseIntOrName(lowAndHigh[0], r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], r.names);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    // A single number with a step means "from N to the end".
    if (single && lowAndHigh[0] !== '*' && lowAndHigh[0] !== '?') end = r.max;
  } else if (rangeAndStep.length > 2) throw new Error(`too many slashes: ${expr}`);
  if (start < r.min) throw new Error(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new Error(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
}

/** time.ParseDuration's validity and error text, enough for `@every`. */
function durationError(s: string): string | undefined {
  const quoted = JSON.stringify(s);
  if (s === '0') return undefined;
  let rest = s.replace(/^[-+]/, '');
  if (rest === '') return `time: invalid duration ${quoted}`;
  while (rest !== '') {
    const num = /^([0-9]*(\.[0-9]*)?)/.exec(rest)![1];
    if (num === '' || num === '.') return `time: invalid duration ${quoted}`;
    rest = rest.slice(num.length);
    const unit = /^([^0-9.]*)/.exec(rest)![1];
    if (unit === '') return `time: missing unit in duration ${quoted}`;
    if (!['ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h'].includes(unit)) return `time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`;
    rest = rest.slice(unit.length);
  }
  return undefined;
}

/** The parse error of a schedule, or undefined when robfig/cron accepts it. */
export function cronScheduleError(spec: string): string | undefined {
  if (spec.length === 0) return 'empty spec string';
  let s = spec;
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) {
    const i = s.indexOf(' ');
    const eq = s.indexOf('=');
    const zone = i < 0 ? s.slice(eq + 1) : s.slice(eq + 1, i);
    if (!isKnownTimeZone(zone)) return `provided bad location ${zone}: unknown time zone ${zone}`;
    s = i < 0 ? '' : s.slice(i).trim();
  }
  if (s.startsWith('@')) {
    if (s.startsWith('@every ')) {
      const e = durationError(s.slice('@every '.length));
      return e ? `failed to parse duration ${s}: ${e}` : undefined;
    }
    return DESCRIPTORS.has(s) ? undefined : `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  const bounds = [MINUTES, HOURS, DOM, MONTHS, DOW];
  try {
    fields.forEach((f, i) => {
      for (const expr of f.split(',').filter((x) => x !== '')) checkRange(expr, bounds[i]);
    });
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

/** Whether an IANA time zone name is known (time.LoadLocation succeeds). */
export function isKnownTimeZone(zone: string): boolean {
  if (zone === 'UTC' || zone === 'Local' || zone === '') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
