/**
 * The diff some Forbidden messages carry after their first line (upstream
 * appends go-cmp's cmp.Diff of the old and new spec). go-cmp's layout is
 * deliberately unstable, so this renders the same information in a fixed,
 * compact form: one `-`/`+` pair per changed leaf, in field order.
 *
 *   pod updates may not change fields other than ...
 *     core.PodSpec{
 *   - 	RestartPolicy: "Always",
 *   + 	RestartPolicy: "Never",
 *     }
 */

function goName(k: string): string {
  return k.charAt(0).toUpperCase() + k.slice(1);
}

function leaf(v: unknown): string {
  if (v === undefined || v === null) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

function walk(a: unknown, b: unknown, path: string, out: string[]): void {
  const isObj = (v: unknown) => v !== null && typeof v === 'object';
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) walk(a[i], b[i], `${path}[${i}]`, out);
    return;
  }
  if (isObj(a) && isObj(b) && !Array.isArray(a) && !Array.isArray(b)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])];
    for (const k of keys) walk(ra[k], rb[k], path ? `${path}.${goName(k)}` : goName(k), out);
    return;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (a !== undefined && a !== null) out.push(`- \t${path}: ${leaf(a)},`);
  if (b !== undefined && b !== null) out.push(`+ \t${path}: ${leaf(b)},`);
}

/** The diff of two values of the named Go type, from old to new. */
export function specDiff(typeName: string, oldVal: unknown, newVal: unknown): string {
  const lines: string[] = [];
  walk(oldVal, newVal, '', lines);
  return [`  ${typeName}{`, ...lines, '  }', ''].join('\n');
}
