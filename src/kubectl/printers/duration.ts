/**
 * Ages as kubectl prints them (k8s.io/apimachinery/pkg/util/duration):
 * HumanDuration for AGE columns (`5s`, `2m30s`, `5h`, `3d4h`) and
 * ShortHumanDuration for describe's event ages (`5s`, `2m`, `3d`).
 */

const S = 1000;
const M = 60 * S;
const H = 60 * M;

/** HumanDuration: about two or three significant figures. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / S);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / M);
  if (minutes < 10) {
    const s = Math.trunc(ms / S) % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / H);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** ShortHumanDuration: one unit only. */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / S);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(ms / M);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(ms / H);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp, or undefined when absent or unreadable. */
export function parseTime(ts: unknown): number | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}

/** translateTimestampSince: the age of a timestamp at `now`, `<unknown>` when there is none. */
export function since(ts: unknown, now: number): string {
  const t = parseTime(ts);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}
