/**
 * `@property`, `@property(runs=200)`, `@property(runs=50, seed=7)`,
 * `@property(seed=7, path=3:0:1)`: a scenario that quantifies over "any"
 * steps and runs through fast-check.
 */
import { UserError } from '../../harness/errors.ts';

export interface PropertyTag {
  runs: number;
  seed?: number;
  path?: string;
}

/** The property settings of a scenario's tags, or undefined when it is not a property. */
export function propertyTag(tags: readonly string[], where: string): PropertyTag | undefined {
  const tag = tags.find((t) => t === '@property' || t.startsWith('@property('));
  if (!tag) return undefined;
  const out: PropertyTag = { runs: 100 };
  if (tag === '@property') return out;
  const m = /^@property\((.*)\)$/.exec(tag);
  if (!m) throw new UserError(`${where}: "${tag}" is not a property tag: write @property or @property(runs=200)`);
  for (const part of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v] = part.split('=').map((s) => s.trim());
    if (k === 'runs' && /^\d+$/.test(v ?? '') && Number(v) > 0) out.runs = Number(v);
    else if (k === 'seed' && /^-?\d+$/.test(v ?? '')) out.seed = Number(v);
    else if (k === 'path' && /^\d+(:\d+)*$/.test(v ?? '')) out.path = v;
    else throw new UserError(`${where}: "${part}" in ${tag} is not understood: use runs=N (N at least 1), seed=N and path=N:N:...`);
  }
  return out;
}
