/**
 * The text machinery of `kubectl describe`: a prefix writer (two spaces per
 * level) whose output is aligned by a tab writer (padding 2), and the
 * shared sections: labels, annotations, taints, tolerations, events.
 */
import { tabwrite } from '../table.ts';
import { parseTime, humanDuration } from '../duration.ts';
import { type Json, list, str, num, at, has } from '../fields.ts';
import { LAST_APPLIED_ANNOTATION } from '../../patch-functions.ts';

export class PrefixWriter {
  private text = '';
  /** Writes at an indentation level (two spaces each). */
  write(level: number, s: string): void {
    this.text += '  '.repeat(level) + s;
  }
  /** The aligned result (tabbedString). */
  toString(): string {
    const body = this.text.endsWith('\n') ? this.text.slice(0, -1) : this.text;
    const lines = body.split('\n').map((l) => l.split('\t'));
    const out = tabwrite(lines, 0, 2);
    return this.text.endsWith('\n') ? out : out.slice(0, -1);
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** time.RFC1123Z in UTC: `Wed, 01 Jan 2025 00:00:00 +0000`; Go's zero time when absent. */
export function rfc1123z(ts: unknown): string {
  const t = parseTime(ts);
  if (t === undefined) return 'Mon, 01 Jan 0001 00:00:00 +0000';
  const d = new Date(t);
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** printLabelsMultilineWithIndent. */
export function labelsMultiline(w: PrefixWriter, title: string, labels: unknown, initialIndent = '', innerIndent = '\t'): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const m = (labels && typeof labels === 'object' ? labels : {}) as Record<string, string>;
  const keys = Object.keys(m).sort();
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, `${initialIndent}${innerIndent}`);
    w.write(0, `${k}=${m[k]}\n`);
  });
}

const MAX_ANNOTATION = 140;

/** printAnnotationsMultiline: long or multi-line values on their own lines, the last-applied annotation hidden. */
export function annotationsMultiline(w: PrefixWriter, title: string, annotations: unknown): void {
  w.write(0, `${title}:\t`);
  const m = (annotations && typeof annotations === 'object' ? annotations : {}) as Record<string, string>;
  const keys = Object.keys(m)
    .filter((k) => k !== LAST_APPLIED_ANNOTATION)
    .sort();
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = String(m[k]).replace(/\n$/, '');
    if (value.length + k.length + 2 > MAX_ANNOTATION || value.includes('\n')) {
      w.write(0, `${k}:\n`);
      for (const s of value.split('\n')) w.write(0, `\t  ${s.length > MAX_ANNOTATION - 2 ? `${s.slice(0, MAX_ANNOTATION - 2)}...` : s}\n`);
    } else w.write(0, `${k}: ${value}\n`);
  });
}

/** taint.ToString(). */
function taintText(t: Json): string {
  const key = str(t, 'key');
  const value = str(t, 'value');
  const effect = str(t, 'effect');
  if (!effect) return value ? `${key}=${value}:` : key;
  return value ? `${key}=${value}:${effect}` : `${key}:${effect}`;
}

/** printTaintsMultilineWithIndent: sorted by effect then key. */
export function taintsMultiline(w: PrefixWriter, title: string, taints: unknown, initialIndent = '', innerIndent = '\t'): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const ts = (Array.isArray(taints) ? [...taints] : []) as Json[];
  if (ts.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  const key = (t: Json) => `${str(t, 'effect')},${str(t, 'key')}`;
  ts.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  ts.forEach((t, i) => {
    if (i !== 0) w.write(0, `${initialIndent}${innerIndent}`);
    w.write(0, `${taintText(t)}\n`);
  });
}

/** printTolerationsMultilineWithIndent: sorted by key. */
export function tolerationsMultiline(w: PrefixWriter, title: string, tolerations: unknown, initialIndent = '', innerIndent = '\t'): void {
  w.write(0, `${initialIndent}${title}:${innerIndent}`);
  const ts = (Array.isArray(tolerations) ? [...tolerations] : []) as Json[];
  if (ts.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  ts.sort((a, b) => (str(a, 'key') < str(b, 'key') ? -1 : str(a, 'key') > str(b, 'key') ? 1 : 0));
  ts.forEach((t, i) => {
    if (i !== 0) w.write(0, `${initialIndent}${innerIndent}`);
    let s = str(t, 'key');
    if (str(t, 'value')) s += `=${str(t, 'value')}`;
    if (str(t, 'effect')) s += `:${str(t, 'effect')}`;
    if (str(t, 'operator') === 'Exists' && !str(t, 'value')) s += str(t, 'key') || str(t, 'effect') ? ' op=Exists' : 'op=Exists';
    if (typeof t.tolerationSeconds === 'number') s += ` for ${t.tolerationSeconds}s`;
    w.write(0, `${s}\n`);
  });
}

/**
 * DescribeEvents: the Events table, oldest last-seen first, with
 * `(x4 over 2m)` for repeated events.
 */
export function describeEvents(w: PrefixWriter, events: readonly Json[] | undefined, now: number): void {
  if (!events) return;
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  const sorted = events
    .map((e, i) => ({ e, i, t: parseTime(at(e, 'lastTimestamp')) ?? -Infinity }))
    .sort((a, b) => a.t - b.t || a.i - b.i)
    .map((x) => x.e);
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  const ago = (ts: unknown) => {
    const t = parseTime(ts);
    return t === undefined ? '<unknown>' : humanDuration(now - t);
  };
  for (const e of sorted) {
    const first = has(e, 'eventTime') ? ago(at(e, 'eventTime')) : ago(at(e, 'firstTimestamp'));
    let interval: string;
    if (has(e, 'series')) interval = `${ago(at(e, 'series', 'lastObservedTime'))} (x${num(e, ['series', 'count'])} over ${first})`;
    else if (num(e, ['count']) > 1) interval = `${ago(at(e, 'lastTimestamp'))} (x${num(e, ['count'])} over ${first})`;
    else interval = first;
    const source = str(e, 'source', 'component') || str(e, 'reportingComponent');
    w.write(1, `${str(e, 'type')}\t${str(e, 'reason')}\t${interval}\t${source}\t${str(e, 'message').trim()}\n`);
  }
}

/** The events about an object (searchEvents): same namespace, name, uid and, when given, kind. */
export function eventsFor(events: readonly Json[], ref: { namespace?: string; name: string; uid?: string; kind?: string }): Json[] {
  return events.filter((e) => {
    const io = (e.involvedObject ?? {}) as Json;
    if (str(io, 'name') !== ref.name) return false;
    if ((str(io, 'namespace') || undefined) !== (ref.namespace || undefined)) return false;
    if (ref.kind && str(io, 'kind') !== ref.kind) return false;
    if (ref.uid && str(io, 'uid') !== ref.uid) return false;
    return true;
  });
}

/** printController: `ReplicaSet/web-5d8f`. */
export function controllerText(obj: Json): string {
  const ref = list(obj, 'metadata', 'ownerReferences').find((r) => r.controller === true);
  return ref ? `${str(ref, 'kind')}/${str(ref, 'name')}` : '';
}
