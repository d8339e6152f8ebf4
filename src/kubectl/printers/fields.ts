/**
 * Loose readers for plain API objects: printers see objects as the server
 * stored them, possibly with fields missing, and must never throw.
 */

export type Json = Record<string, unknown>;

/** The map at a path, or {} when absent or not a map. */
export function map(v: unknown, ...path: string[]): Json {
  let cur: unknown = v;
  for (const p of path) cur = cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Json)[p] : undefined;
  return cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as Json) : {};
}

/** The value at a path, or undefined. */
export function at(v: unknown, ...path: string[]): unknown {
  let cur: unknown = v;
  for (const p of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Json)[p];
  }
  return cur;
}

/** The string at a path, or '' (numbers are written as Go would). */
export function str(v: unknown, ...path: string[]): string {
  const x = at(v, ...path);
  return typeof x === 'string' ? x : typeof x === 'number' || typeof x === 'boolean' ? String(x) : '';
}

/** The number at a path, or `dflt`. */
export function num(v: unknown, path: string[], dflt = 0): number {
  const x = at(v, ...path);
  return typeof x === 'number' ? x : dflt;
}

/** The list at a path, or []. */
export function list<T = Json>(v: unknown, ...path: string[]): T[] {
  const x = at(v, ...path);
  return Array.isArray(x) ? (x as T[]) : [];
}

export function has(v: unknown, ...path: string[]): boolean {
  const x = at(v, ...path);
  return x !== undefined && x !== null;
}

/** layoutContainerCells: names and images of containers, comma-separated. */
export function containerCells(containers: unknown): [string, string] {
  const cs = Array.isArray(containers) ? (containers as Json[]) : [];
  return [cs.map((c) => str(c, 'name')).join(','), cs.map((c) => str(c, 'image')).join(',')];
}

/** LabelSelectorAsSelector(...).String(): `app=web`, '' for an empty selector, `<invalid>` for a bad one. */
export function selectorString(ls: unknown): string {
  if (!ls || typeof ls !== 'object') return '<none>';
  try {
    const s = Selector.fromLabelSelector(ls as api.LabelSelector);
    return s.isEverything() ? '' : s.toString();
  } catch {
    return '<invalid>';
  }
}

/** metav1.FormatLabelSelector: like selectorString but `<none>` when empty and `<error>` when bad. */
export function formatLabelSelector(ls: unknown): string {
  const s = selectorString(ls);
  if (s === '<invalid>') return '<error>';
  return s === '' ? '<none>' : s;
}

/** The condition of a type in status.conditions. */
export function condition(obj: unknown, type: string): Json | undefined {
  return list(obj, 'status', 'conditions').find((c) => c.type === type);
}

/** IntOrString as Go prints it. */
export function intOrString(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
}import { Selector } from '../../engine/index.ts';
import type { api } from '../../engine/index.ts';

