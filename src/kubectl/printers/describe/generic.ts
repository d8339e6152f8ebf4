/**
 * The generic describer (for kinds without their own): name, namespace,
 * labels, annotations, then every other field with "smart" labels
 * (`creationTimestamp` -> `Creation Timestamp`), sorted, nested by level.
 */
import { type Json, str, at } from '../fields.ts';
import { PrefixWriter, annotationsMultiline, describeEvents, labelsMultiline } from './writer.ts';

const ACRONYMS = ['API', 'URL', 'UID', 'OSB', 'GUID'];

/** camelcase.Split as the describer uses it: case changes and digit runs split words. */
function splitCamel(s: string): string[] {
  const parts: string[] = [];
  const cls = (c: string) => (/[a-z]/.test(c) ? 1 : /[A-Z]/.test(c) ? 2 : /[0-9]/.test(c) ? 3 : 4);
  let runs: string[] = [];
  let last = 0;
  for (const c of s) {
    const k = cls(c);
    if (k === last) runs[runs.length - 1] += c;
    else runs.push(c);
    last = k;
  }
  // An upper-case run followed by a lower-case run gives its last letter to it (HTTPServer -> HTTP Server).
  for (let i = 0; i < runs.length - 1; i++) {
    if (runs[i].length > 0 && cls(runs[i][0]) === 2 && cls(runs[i + 1][0]) === 1) {
      runs[i + 1] = runs[i].slice(-1) + runs[i + 1];
      runs[i] = runs[i].slice(0, -1);
    }
  }
  runs = runs.filter((r) => r.length > 0);
  for (const r of runs) parts.push(r);
  return parts;
}

/** smartLabelFor. */
export function smartLabel(field: string): string {
  if ([...field].some((c) => !/\p{L}/u.test(c) && c !== '-')) return field;
  return splitCamel(field)
    .filter((p) => p !== '_')
    .map((p) => (ACRONYMS.includes(p.toUpperCase()) ? p.toUpperCase() : p.charAt(0).toUpperCase() + p.slice(1)))
    .join(' ');
}

const goValue = (v: unknown): string => (v === null || v === undefined ? '<nil>' : String(v));

function printContent(w: PrefixWriter, level: number, content: Json, prefix: string, skip: readonly string[]): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (skip.includes(path)) continue;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      printContent(w, level + 1, value as Json, path, skip);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      for (const child of value) {
        if (child && typeof child === 'object' && !Array.isArray(child)) printContent(w, level + 1, child as Json, path, skip);
        else w.write(level + 1, `${goValue(child)}\n`);
      }
    } else w.write(level, `${smartLabel(field)}:\t${goValue(value)}\n`);
  }
}

/** genericDescriber.Describe. */
export function describeGeneric(obj: Json, events: Json[] | undefined, now: number): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${str(obj, 'metadata', 'name')}\n`);
  w.write(0, `Namespace:\t${str(obj, 'metadata', 'namespace')}\n`);
  labelsMultiline(w, 'Labels', at(obj, 'metadata', 'labels'));
  annotationsMultiline(w, 'Annotations', at(obj, 'metadata', 'annotations'));
  printContent(w, 0, obj, '', ['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);
  describeEvents(w, events, now);
  return w.toString();
}
