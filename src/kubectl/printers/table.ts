/**
 * Tables as `kubectl get` prints them: columns aligned by a tab writer with
 * minimum width 6 and padding 3, headers in capitals, wide-only columns
 * (priority 1) shown with `-o wide`, and the NAMESPACE, label and LABELS
 * columns kubectl adds around a server's table.
 */

export interface Column {
  name: string;
  /** 0: always shown; 1: only with `-o wide`. */
  priority?: number;
  /** `name` marks the column that gets a `kind/` prefix when several kinds are printed. */
  format?: 'name';
}

export type Cell = string | number | boolean | null | undefined;

export interface Row {
  cells: Cell[];
  object?: KubeObject;
}

export interface Table {
  columns: Column[];
  rows: Row[];
}

export interface TableOptions {
  wide?: boolean;
  noHeaders?: boolean;
  /** Prefix a NAMESPACE column (`-A` on namespaced kinds). */
  withNamespace?: boolean;
  /** `deployment.apps`: prefix names with the kind when several kinds are listed. */
  withKind?: string;
  showLabels?: boolean;
  /** `-L key`: one column per label key. */
  columnLabels?: string[];
}

/** labels.FormatLabels: `a=1,b=2` sorted by key, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

function cellText(c: Cell): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') {
    const i = c.search(/[\f\n\r]/);
    return i >= 0 ? `${c.slice(0, i)}...` : c;
  }
  return String(c);
}

/** The rows of a table as lines of cells, decorated and filtered as kubectl does. */
export function tableLines(table: Table, opts: TableOptions = {}): string[][] {
  const lines: string[][] = [];
  if (table.rows.length === 0) return lines;
  const visible = table.columns.map((c) => opts.wide || !c.priority);
  const labelCols = opts.columnLabels ?? [];
  if (!opts.noHeaders) {
    const head: string[] = [];
    if (opts.withNamespace) head.push('NAMESPACE');
    table.columns.forEach((c, i) => visible[i] && head.push(c.name.toUpperCase()));
    for (const l of labelCols) head.push(l.split('/').pop()!.toUpperCase());
    if (opts.showLabels) head.push('LABELS');
    lines.push(head);
  }
  const nameIndex = opts.withKind ? table.columns.findIndex((c) => c.format === 'name') : -1;
  for (const row of table.rows) {
    const line: string[] = [];
    if (opts.withNamespace) line.push(row.object?.metadata.namespace ?? '');
    row.cells.forEach((c, i) => {
      if (i >= table.columns.length || !visible[i]) return;
      line.push(i === nameIndex ? `${opts.withKind}/${cellText(c)}` : cellText(c));
    });
    const labels = (row.object?.metadata.labels ?? {}) as Record<string, string>;
    for (const l of labelCols) line.push(labels[l] ?? '');
    if (opts.showLabels) line.push(formatLabels(labels));
    lines.push(line);
  }
  return lines;
}

const width = (s: string): number => [...s].length;

/**
 * Aligns lines of cells as Go's text/tabwriter does with kubectl's settings:
 * every cell but the last of a line is padded to its column's width plus 3,
 * and to at least 6 characters.
 */
export function tabwrite(lines: string[][], minWidth = 6, padding = 3): string {
  let out = '';
  // A column's width holds over a run of consecutive lines that have a cell
  // beyond it, as text/tabwriter's column blocks do.
  const widths: number[][] = lines.map(() => []);
  const maxCols = Math.max(0, ...lines.map((l) => l.length - 1));
  for (let col = 0; col < maxCols; col++) {
    let start = 0;
    while (start < lines.length) {
      if (lines[start].length - 1 <= col) {
        start++;
        continue;
      }
      let end = start;
      let w = 0;
      while (end < lines.length && lines[end].length - 1 > col) {
        w = Math.max(w, width(lines[end][col]));
        end++;
      }
      w = Math.max(minWidth, w + padding);
      for (let i = start; i < end; i++) widths[i][col] = w;
      start = end;
    }
  }
  lines.forEach((line, i) => {
    let s = '';
    line.forEach((cell, col) => {
      s += col < line.length - 1 ? cell + ' '.repeat(widths[i][col] - width(cell)) : cell;
    });
    out += `${s}\n`;
  });
  return out;
}

/** A table as kubectl prints it. */
export function renderTable(table: Table, opts: TableOptions = {}): string {
  return tabwrite(tableLines(table, opts));
}import type { KubeObject } from '../../engine/index.ts';

