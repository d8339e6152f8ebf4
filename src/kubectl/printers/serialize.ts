/**
 * Objects written as kubectl writes them: `-o json` is Go's
 * json.MarshalIndent with four spaces, sorted keys and HTML-safe escapes;
 * `-o yaml` is go-yaml v2 (sorted keys, lists flush with their key, strings
 * quoted where YAML 1.1 would read them otherwise, multi-line strings as
 * literal blocks).
 */
import { stringify } from 'yaml';

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys(o[k])]),
    );
  }
  return v;
}

const escapeHtml = (s: string) => s.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** json.Marshal: compact, sorted keys, HTML characters escaped. */
export function goJsonCompact(v: unknown): string {
  return escapeHtml(JSON.stringify(sortKeys(v)) ?? 'null');
}

/** json.MarshalIndent(v, "", "    ") followed by a newline, as `-o json` prints. */
export function goJsonIndent(v: unknown): string {
  return `${escapeHtml(JSON.stringify(sortKeys(v), null, 4) ?? 'null')}\n`;
}

/** The YAML document `-o yaml` prints for one object. */
export function goYaml(v: unknown): string {
  return stringify(sortKeys(v), {
    version: '1.1',
    indentSeq: false,
    lineWidth: 0,
    singleQuote: false,
    doubleQuotedAsJSON: true,
    blockQuote: 'literal',
    aliasDuplicateObjects: false,
  });
}

/** The List kubectl prints around several objects. */
export function listOf(items: unknown[]): Record<string, unknown> {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}
