/**
 * "Then the cluster contains:" / "does not contain:": partial objects
 * matched against the cluster. Every field given must match; maps may have
 * more keys; a list matches when each given item matches the item at the
 * same position (the actual list may be longer); quantities compare by
 * value (`1` equals `1000m`).
 */
import { stringify } from 'yaml';
import { isQuantity, milliValue, type KubeObject } from '../engine/index.ts';
import type { ManifestObject } from '../kubectl/manifests.ts';
import type { View } from './view.ts';
import type { Check } from './checks.ts';

/** The first difference between `expected` and `actual`, as a path and a sentence; undefined when it matches. */
export function mismatch(expected: unknown, actual: unknown, path = ''): string | undefined {
  if (expected === null) return actual === null || actual === undefined ? undefined : `${path || 'value'} is ${show(actual)}, expected it to be absent`;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path} is ${show(actual)}, expected a list`;
    for (let i = 0; i < expected.length; i++) {
      if (i >= actual.length) return `${path} has ${actual.length} item${actual.length === 1 ? '' : 's'}, expected at least ${expected.length}`;
      const m = mismatch(expected[i], actual[i], `${path}[${i}]`);
      if (m) return m;
    }
    return undefined;
  }
  if (typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return `${path} is ${show(actual)}, expected an object`;
    for (const [k, v] of Object.entries(expected as Record<string, unknown>)) {
      const m = mismatch(v, (actual as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (m) return m;
    }
    return undefined;
  }
  if (actual === undefined) return `${path} is not set, expected ${show(expected)}`;
  if (scalarEqual(expected, actual)) return undefined;
  return `${path} is ${show(actual)}, expected ${show(expected)}`;
}

function scalarEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (String(a) === String(b) && typeof b !== 'object') return true;
  const qa = typeof a === 'number' ? String(a) : a;
  const qb = typeof b === 'number' ? String(b) : b;
  if (isQuantity(qa) && isQuantity(qb)) {
    try {
      return milliValue(qa) === milliValue(qb);
    } catch {
      return false;
    }
  }
  return false;
}

function show(v: unknown): string {
  if (v === undefined) return 'not set';
  return JSON.stringify(v);
}

function label(m: ManifestObject, namespace: string): string {
  const ns = m.type.namespaced ? `${m.object.metadata?.namespace ?? namespace}/` : '';
  return m.object.metadata?.name ? `${m.type.kind} ${ns}${m.object.metadata.name}` : `a ${m.type.kind}${ns ? ` in ${ns.slice(0, -1)}` : ''}`;
}

/** The objects a partial object may describe: the one it names, or every object of its kind (in its namespace). */
function candidates(view: View, m: ManifestObject, namespace: string): KubeObject[] {
  const ns = m.type.namespaced ? (m.object.metadata?.namespace ?? namespace) : undefined;
  const name = m.object.metadata?.name;
  if (!name) return view.list(m.type, ns);
  const one = view.get(m.type, ns, name);
  return one ? [one] : [];
}

function strip(m: ManifestObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, ...rest } = m.object as unknown as Record<string, unknown>;
  return rest;
}

export function clusterContains(objects: readonly ManifestObject[], namespace: string): Check {
  return (view) => {
    const problems: string[] = [];
    const evidence: string[] = [];
    for (const m of objects) {
      const found = candidates(view, m, namespace);
      if (!found.length) {
        problems.push(`${label(m, namespace)} does not exist`);
        continue;
      }
      if (found.some((o) => !mismatch(strip(m), o))) continue;
      // Report against the closest candidate: the named one, or the first of its kind.
      const actual = found[0];
      problems.push(`${label(m, namespace)}: ${mismatch(strip(m), actual)}`);
      evidence.push(`${label(m, namespace)} as it is:\n${stringify(actual).trimEnd()}`);
    }
    return {
      ok: problems.length === 0,
      expected: `the cluster contains ${objects.map((m) => label(m, namespace)).join(', ')} as given`,
      found: problems.join('; '),
      details: () => evidence.join('\n\n'),
    };
  };
}

export function clusterDoesNotContain(objects: readonly ManifestObject[], namespace: string): Check {
  return (view) => {
    const matched: string[] = [];
    for (const m of objects) {
      for (const o of candidates(view, m, namespace)) {
        if (!mismatch(strip(m), o)) matched.push(`${m.type.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
      }
    }
    return {
      ok: matched.length === 0,
      expected: `the cluster contains none of ${objects.map((m) => label(m, namespace)).join(', ')} as given`,
      found: `it contains ${matched.join(', ')}`,
    };
  };
}
