/**
 * `KEY=VALUE` and `KEY-` arguments after resources (label, annotate,
 * set image, set env): cmdutil.GetResourcesAndPairs and ParsePairs.
 */
import { KubectlError } from './errors.ts';

/** Splits arguments into resources and the pairs after them. */
export function resourcesAndPairs(args: readonly string[], pairType: string): { resources: string[]; pairs: string[] } {
  const resources: string[] = [];
  const pairs: string[] = [];
  let found = false;
  for (const s of args) {
    const isPair = (s.includes('=') && s[0] !== '=') || (s.endsWith('-') && s !== '-');
    if (isPair) {
      found = true;
      pairs.push(s);
    } else if (!found) resources.push(s);
    else throw new KubectlError(`all resources must be specified before ${pairType} changes: ${s}`);
  }
  return { resources, pairs };
}

/** Parses `KEY=VALUE` (to set, in order) and `KEY-` (to remove). */
export function parsePairs(pairs: readonly string[], pairType: string, supportRemove: boolean): { set: Array<[string, string]>; remove: string[] } {
  const set: Array<[string, string]> = [];
  const remove: string[] = [];
  const invalid: string[] = [];
  for (const p of pairs) {
    if (p.includes('=') && p[0] !== '=') {
      const i = p.indexOf('=');
      const key = p.slice(0, i);
      const existing = set.findIndex(([k]) => k === key);
      if (existing >= 0) set.splice(existing, 1);
      set.push([key, p.slice(i + 1)]);
    } else if (supportRemove && p.endsWith('-') && p !== '-') remove.push(p.slice(0, -1));
    else invalid.push(p);
  }
  if (invalid.length > 0) throw new KubectlError(`invalid ${pairType} format: ${invalid.join(', ')}`);
  return { set, remove };
}
