/**
 * Wall-clock time in an IANA time zone, from the platform's time zone data
 * (Intl), as Go's time.LoadLocation reads the zoneinfo database.
 */

/** The wall clock's fields in `timeZone` at `ms` (whole seconds). */
export function wallClock(ms: number, timeZone: string): { year: string; month: string; day: string; hour: string; minute: string; second: string } {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '00';
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** How far `timeZone`'s wall clock is ahead of UTC at `ms`, in minutes (Asia/Kathmandu: 345). */
export function utcOffsetMinutes(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  const local = Date.UTC(Number(w.year), Number(w.month) - 1, Number(w.day), Number(w.hour), Number(w.minute), Number(w.second));
  return Math.round((local - (ms - (ms % 1000))) / 60_000);
}

/** One formatter per zone: making one is far costlier than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    if (formatters.size >= 1024) formatters.clear();
    formatters.set(timeZone, f);
  }
  return f;
}
