/**
 * The `-o` formats: yaml, json, name, jsonpath (and -file, -as-json),
 * custom-columns (and -file); wide and the default table are `get`'s own.
 */
import type { KubeObject } from '../../engine/index.ts';
import type { KubectlContext } from '../context.ts';
import { KubectlError } from '../errors.ts';
import { goJsonIndent, goYaml, listOf } from './serialize.ts';
import { parseTemplate, executeTemplate, findResults, JsonPathError, goText } from './jsonpath.ts';
import { tabwrite } from './table.ts';

export type OutputKind = 'default' | 'wide' | 'yaml' | 'json' | 'name' | 'jsonpath' | 'jsonpath-as-json' | 'custom-columns';

export interface OutputFormat {
  kind: OutputKind;
  /** The template or column spec. */
  arg?: string;
}

const ALLOWED = 'custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';

/** Reads an `-o` value; file variants are read through the context. */
export function parseOutputFormat(raw: string, ctx: KubectlContext): OutputFormat {
  if (raw === '') return { kind: 'default' };
  const eq = raw.indexOf('=');
  const name = eq >= 0 ? raw.slice(0, eq) : raw;
  const arg = eq >= 0 ? raw.slice(eq + 1) : undefined;
  const file = (what: string): string => {
    if (!arg) throw new KubectlError(`${what} format specified but no template file given`);
    try {
      return ctx.readFile(arg);
    } catch {
      throw new KubectlError(`error reading --template ${arg}, no such file or directory`);
    }
  };
  switch (name) {
    case 'wide':
    case 'yaml':
    case 'json':
    case 'name':
      return { kind: name };
    case 'jsonpath':
    case 'jsonpath-as-json':
      if (!arg) throw new KubectlError('template format specified but no template given');
      return { kind: name, arg };
    case 'jsonpath-file':
      return { kind: 'jsonpath', arg: file('jsonpath-file') };
    case 'custom-columns':
      if (!arg) throw new KubectlError('custom-columns format specified but no custom columns given');
      return { kind: 'custom-columns', arg };
    case 'custom-columns-file':
      return { kind: 'custom-columns', arg: file('custom-columns-file').split('\n').map((l) => l.trim()).filter((l) => l).join('\n') };
    case 'go-template':
    case 'go-template-file':
    case 'template':
    case 'templatefile':
      throw new KubectlError(`the ${name} output format is not supported by kubecuke; use jsonpath or custom-columns`);
    default:
      throw new KubectlError(`unable to match a printer suitable for the output format ${JSON.stringify(raw)}, allowed formats are: ${ALLOWED}`);
  }
}

/** The data a generic printer sees: the object itself, or a List of them. */
export function printedData(objects: readonly KubeObject[], singleItem: boolean): unknown {
  return singleItem && objects.length === 1 ? objects[0] : listOf([...objects]);
}

function jsonpathText(tpl: string, data: unknown, asJson: boolean): string {
  try {
    const nodes = parseTemplate(tpl);
    if (asJson) {
      const only = nodes.filter((n) => 'path' in n) as Array<{ path: string }>;
      const values = only.flatMap((n) => findResults(n.path, data));
      return goJsonIndent(values);
    }
    return executeTemplate(nodes, data);
  } catch (e) {
    if (e instanceof JsonPathError) throw new KubectlError(`error parsing jsonpath ${tpl}, ${e.message}`);
    throw e;
  }
}

/** custom-columns: `HEADER:.path,...` (or one `HEADER .path` spec per line, from a file). */
export function customColumns(spec: string, objects: readonly KubeObject[], noHeaders: boolean): string {
  const parts = spec.includes('\n') ? fileColumns(spec) : spec.split(',').map((p) => p.split(/:(.*)/s).slice(0, 2));
  const columns = parts.map((p, i) => {
    if (p.length !== 2 || p[1] === undefined) throw new KubectlError(`unexpected custom-columns spec: ${spec.split(',')[i]}, expected <header>:<json-path-expr>`);
    return { header: p[0], path: relaxedPath(p[1]) };
  });
  const lines: string[][] = [];
  if (!noHeaders) lines.push(columns.map((c) => c.header));
  for (const o of objects) {
    lines.push(
      columns.map((c) => {
        const values = c.path === '' ? [] : findResults(c.path, o);
        return values.length === 0 ? '<none>' : values.map(goPrint).join(',');
      }),
    );
  }
  return tabwrite(lines);
}

function fileColumns(text: string): string[][] {
  const lines = text.split('\n');
  const headers = lines[0].split(/\s+/).filter((s) => s);
  const paths = (lines[1] ?? '').split(/\s+/).filter((s) => s);
  if (headers.length !== paths.length) throw new KubectlError(`number of columns in template (${paths.length}) and headers (${headers.length}) do not match`);
  return headers.map((h, i) => [h, paths[i]]);
}

/** RelaxedJSONPathExpression: `.a.b`, `a.b`, `{.a.b}` all mean `.a.b`. */
function relaxedPath(p: string): string {
  if (p === '') return '';
  const m = /^\{?\.?([^{}]+)\}?$/.exec(p);
  if (!m) throw new KubectlError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'");
  return `.${m[1]}`;
}

/** Go's fmt.Sprint of a decoded JSON value: `map[a:1]`, `[a b]`. */
export function goPrint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${goPrint(o[k])}`).join(' ')}]`;
  }
  return String(v);
}

/**
 * Prints objects in a generic format (everything but the tables).
 * `names` gives each object's `kind/name` for `-o name`.
 */
export function printGeneric(format: OutputFormat, objects: readonly KubeObject[], names: readonly string[], singleItem: boolean, noHeaders = false): string {
  switch (format.kind) {
    case 'yaml':
      return goYaml(printedData(objects, singleItem));
    case 'json':
      return goJsonIndent(printedData(objects, singleItem));
    case 'name':
      return names.map((n) => `${n}\n`).join('');
    case 'jsonpath':
    case 'jsonpath-as-json':
      return jsonpathText(format.arg ?? '', printedData(objects, singleItem), format.kind === 'jsonpath-as-json');
    case 'custom-columns':
      return customColumns(format.arg ?? '', objects, noHeaders);
    default:
      return objects.map((o) => goText(o)).join('\n');
  }
}
