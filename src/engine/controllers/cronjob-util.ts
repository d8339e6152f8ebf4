/**
 * CronJob schedules (pkg/controller/cronjob/utils.go, robfig/cron v3
 * ParseStandard semantics) on simulated time: standard five-field
 * expressions and the @yearly/@monthly/@weekly/@daily/@hourly macros through
 * cron-parser, `@every <duration>` by hand, in the CronJob's timeZone (UTC
 * by default, as a kube-controller-manager in UTC has it). The unmet start
 * times since the last schedule, the job names and the requeue delays.
 */
import { type CronExpression, CronExpressionParser } from 'cron-parser';
import type { CronJob } from '../api/types.ts';
import { utcOffsetMinutes, wallClock } from '../api/time-zone.ts';

/** nextScheduleDelta: requeues land 100 ms after the scheduled time. */
export const NEXT_SCHEDULE_DELTA_MS = 100;
/** More missed start times than this records TooManyMissedTimes. */
export const MISSED_SCHEDULES_LIMIT = 100;

export interface Schedule {
  /** The first activation strictly after `t` (ms since the epoch). */
  next(t: number): number;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DURATION_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration, for `@every`. */
function parseGoDuration(s: string): number | undefined {
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * DURATION_UNITS[m[2]];
  return total;
}

/** A schedule or an error message (what cron.ParseStandard would say, roughly). */
export function parseSchedule(spec: string, timeZone: string | undefined): Schedule | string {
  let expr = spec.trim();
  let tz = timeZone || 'UTC';
  const prefix = /^(CRON_TZ|TZ)=(\S+)\s+/.exec(expr);
  if (prefix) {
    tz = prefix[2];
    expr = expr.slice(prefix[0].length);
  }
  if (expr.startsWith('@every ')) {
    const d = parseGoDuration(expr.slice(7).trim());
    if (d === undefined) return `failed to parse duration ${expr}`;
    // ConstantDelaySchedule: at least one second, whole seconds.
    const delay = Math.max(1000, d - (d % 1000));
    return { next: (t) => t - (t % 1000) + delay };
  }
  const standard = MACROS[expr] ?? expr;
  if (standard.startsWith('@')) return `unrecognized descriptor: ${expr}`;
  if (standard.split(/\s+/).length !== 5) return `expected exactly 5 fields, found ${standard.split(/\s+/).length}: ${expr}`;
  let parsed: Parsed;
  try {
    parsed = parsedExpression(standard, tz);
  } catch (e) {
    return (e as Error).message;
  }
  return {
    next(t) {
      let n = parsed.next.get(t);
      if (n !== undefined) return n;
      try {
        // One parsed expression per schedule and zone, its iterator set to `t` before each use.
        parsed.expression.reset(new Date(t));
        n = parsed.expression.next().getTime();
      } catch {
        n = Number.POSITIVE_INFINITY;
      }
      if (parsed.next.size >= 4096) parsed.next.clear();
      parsed.next.set(t, n);
      return n;
    },
  };
}

/** A parsed expression and the next times it gave (controllers ask the same ones at every sync). */
interface Parsed {
  expression: CronExpression;
  next: Map<number, number>;
}

/** Parsed expressions by schedule and zone (parsing and stepping through dates are the costly parts); bounded. */
const parsedExpressions = new Map<string, Parsed>();

function parsedExpression(standard: string, tz: string): Parsed {
  const key = `${tz} ${standard}`;
  let p = parsedExpressions.get(key);
  if (!p) {
    p = { expression: CronExpressionParser.parse(standard, { currentDate: new Date(0), tz }), next: new Map() };
    if (parsedExpressions.size >= 1024) parsedExpressions.clear();
    parsedExpressions.set(key, p);
  }
  return p;
}

/**
 * mostRecentScheduleTime: the earliest time considered (the last schedule or
 * creation, or now minus startingDeadlineSeconds), the most recent start
 * time not after now (if any), and how many were missed.
 */
export function mostRecentScheduleTime(
  cj: CronJob,
  now: number,
  schedule: Schedule,
  includeStartingDeadline: boolean,
): { earliest: number; mostRecent?: number; missed: number; error?: string } {
  let earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '');
  if (Number.isNaN(earliest)) earliest = now;
  const deadline = cj.spec.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline !== undefined && deadline !== null) {
    const schedulingDeadline = now - deadline * 1000;
    if (schedulingDeadline > earliest) earliest = schedulingDeadline;
  }
  const t1 = schedule.next(earliest);
  const t2 = schedule.next(t1);
  if (now < t1) return { earliest, missed: 0 };
  if (now < t2) return { earliest, mostRecent: t1, missed: 1 };
  const between = Math.round((t2 - t1) / 1000);
  if (!Number.isFinite(between) || between < 1) return { earliest, missed: 0, error: 'time difference between two schedules is less than 1 second' };
  const elapsed = Math.trunc((now - t1) / 1000);
  const missed = Math.floor(elapsed / between) + 1;
  let mostRecent: number | undefined;
  const potentialEarliest = t1 + (missed - 2) * between * 1000;
  for (let t = schedule.next(potentialEarliest); t <= now; t = schedule.next(t)) mostRecent = t;
  return { earliest, mostRecent, missed };
}

/** nextScheduleTimeDuration: how long until the next start after the most recent one, plus 100 ms. */
export function nextScheduleDelay(cj: CronJob, now: number, schedule: Schedule): number {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  const from = r.error ? now : (r.mostRecent ?? r.earliest);
  return schedule.next(from) + NEXT_SCHEDULE_DELTA_MS - now;
}

/** getJobName: `<cronjob>-<scheduled time in minutes since the epoch>`. */
export function jobName(cj: { metadata: { name?: string } }, scheduledMs: number): string {
  return `${cj.metadata.name}-${Math.floor(scheduledMs / 60_000)}`;
}

/** RFC 3339 in the schedule's time zone, as the cronjob-scheduled-timestamp annotation carries it. */
export function rfc3339In(ms: number, timeZone: string | undefined): string {
  const tz = timeZone || 'UTC';
  const w = wallClock(ms, tz);
  const offsetMin = utcOffsetMinutes(ms, tz);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const zone = offsetMin === 0 ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${w.year}-${w.month}-${w.day}T${w.hour}:${w.minute}:${w.second}${zone}`;
}

/** time.RFC1123Z in UTC, as the MissSchedule event prints the time. */
export function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Whether a time zone name is one the runtime knows (time.LoadLocation). */
export function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
