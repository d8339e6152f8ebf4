/**
 * kubectl's JSONPath templates (`-o jsonpath='{.items[*].metadata.name}'`,
 * `{range .items[*]}{.metadata.name}{"\n"}{end}`): text, path actions,
 * quoted literals and range blocks. Paths are evaluated by jsonpath-plus
 * after translation from kubectl's dialect (leading `.`, `\.` in keys).
 * Several results of one action are joined with a space; maps and lists
 * print as compact JSON, as kubectl prints them.
 */
import { JSONPath } from 'jsonpath-plus';
import { goJsonCompact } from './serialize.ts';

type Node = { text: string } | { path: string } | { range: string; body: Node[] };

/** A malformed template, with kubectl's wording. */
export class JsonPathError extends Error {}

function splitActions(tpl: string): Array<{ text: string } | { action: string }> {
  const out: Array<{ text: string } | { action: string }> = [];
  let i = 0;
  let text = '';
  while (i < tpl.length) {
    if (tpl[i] !== '{') {
      text += tpl[i++];
      continue;
    }
    if (text) out.push({ text });
    text = '';
    let j = i + 1;
    let quote: string | undefined;
    let depth = 0;
    for (; j < tpl.length; j++) {
      const c = tpl[j];
      if (quote) {
        if (c === '\\') j++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '[' || c === '(') depth++;
      else if (c === ']' || c === ')') depth--;
      else if (c === '}' && depth <= 0) break;
    }
    if (j >= tpl.length) throw new JsonPathError(`unclosed action`);
    out.push({ action: tpl.slice(i + 1, j).trim() });
    i = j + 1;
  }
  if (text) out.push({ text });
  return out;
}

function unquote(s: string): string {
  const body = s.slice(1, -1);
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c as 'n'] ?? c);
}

/** Parses a kubectl JSONPath template; throws JsonPathError when it is malformed. */
export function parseTemplate(tpl: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  for (const part of splitActions(tpl)) {
    const top = stack[stack.length - 1];
    if ('text' in part) top.push({ text: part.text });
    else if (part.action === 'end') {
      if (stack.length === 1) throw new JsonPathError('not in range, nothing to end');
      stack.pop();
    } else if (part.action.startsWith('range ')) {
      const node = { range: part.action.slice(6).trim(), body: [] as Node[] };
      top.push(node);
      stack.push(node.body);
    } else if (/^(".*"|'.*')$/s.test(part.action)) top.push({ text: unquote(part.action) });
    else top.push({ path: part.action });
  }
  if (stack.length > 1) throw new JsonPathError('unclosed range');
  return root;
}

/** Translates a kubectl path (`.a.b`, `@.a`, `$.a`, `a\.b`) to jsonpath-plus syntax. */
export function toJsonPathPlus(path: string): string {
  let p = path.trim();
  if (p === '' || p === '@' || p === '$') return '$';
  if (p.startsWith('$') || p.startsWith('@')) p = p.slice(1);
  if (!p.startsWith('.') && !p.startsWith('[')) p = `.${p}`;
  // Field names: runs after a dot up to the next unescaped dot or bracket.
  let out = '$';
  let i = 0;
  while (i < p.length) {
    if (p[i] === '[') {
      let depth = 0;
      let j = i;
      for (; j < p.length; j++) {
        if (p[j] === '[') depth++;
        else if (p[j] === ']' && --depth === 0) break;
      }
      out += p.slice(i, j + 1);
      i = j + 1;
    } else if (p.startsWith('..', i)) {
      out += '..';
      i += 2;
      i = readName(p, i, (n) => (out += n === '*' ? '*' : bracket(n)));
    } else if (p[i] === '.') {
      i = readName(p, i + 1, (n) => (out += n === '*' ? '.*' : /^[A-Za-z_$][\w$]*$/.test(n) ? `.${n}` : bracket(n)));
    } else {
      i = readName(p, i, (n) => (out += `.${n}`));
    }
  }
  return out;
}

function bracket(name: string): string {
  return `['${name.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

function readName(p: string, i: number, emit: (name: string) => void): number {
  let name = '';
  while (i < p.length && p[i] !== '.' && p[i] !== '[') {
    if (p[i] === '\\' && i + 1 < p.length) {
      name += p[i + 1];
      i += 2;
    } else name += p[i++];
  }
  if (name) emit(name);
  return i;
}

/** The values a kubectl path selects in `data`. */
export function findResults(path: string, data: unknown): unknown[] {
  const translated = toJsonPathPlus(path);
  try {
    return JSONPath({ path: translated, json: data as object, wrap: true, ignoreEvalErrors: true }) as unknown[];
  } catch (e) {
    throw new JsonPathError((e as Error).message);
  }
}

/** Go's fmt.Print of a JSON value, for text output. */
export function goText(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'object') return goJsonCompact(v);
  return String(v);
}

/** Runs a parsed template over `data`. */
export function executeTemplate(nodes: Node[], data: unknown): string {
  let out = '';
  for (const n of nodes) {
    if ('text' in n) out += n.text;
    else if ('path' in n) out += findResults(n.path, data).map(goText).join(' ');
    else for (const item of findResults(n.range, data)) out += executeTemplate(n.body, item);
  }
  return out;
}
