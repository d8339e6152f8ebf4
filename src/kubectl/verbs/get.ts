/**
 * `kubectl get`: tables per kind (one table per kind, separated by a blank
 * line, names prefixed with the kind when several kinds are shown), `-o
 * wide|yaml|json|name|jsonpath|custom-columns`, `-l`, `--field-selector`,
 * `-A`, `--show-labels`, `-L`, `--sort-by`, `--no-headers`,
 * `--ignore-not-found`, and "No resources found in <ns> namespace.".
 */
import { isQuantity, quantityValue } from '../../engine/index.ts';
import type { KubeObject } from '../../engine/index.ts';
import type { Command, Invocation } from '../command.ts';
import { OUTPUT_FLAG, FILENAME_FLAG, RECURSIVE_FLAG, SELECTOR_FLAG, ALL_NAMESPACES_FLAG } from '../command.ts';
import { AggregateError, KubectlError, usageError } from '../errors.ts';
import { resolveInfos, type Info } from '../builder.ts';
import { kindPrefix, objectName } from '../resources.ts';
import { parseOutputFormat, printGeneric } from '../printers/output.ts';
import { tableFor } from '../printers/tables/index.ts';
import { tableLines, tabwrite } from '../printers/table.ts';
import { findResults } from '../printers/jsonpath.ts';

/** Removes what `kubectl get -o yaml` hides by default (managed fields). */
export function forDisplay(o: KubeObject): KubeObject {
  if (!o.metadata || !('managedFields' in o.metadata)) return o;
  const { managedFields: _omit, ...metadata } = o.metadata as Record<string, unknown>;
  return { ...o, metadata } as KubeObject;
}

function sortInfos(infos: Info[], sortBy: string): Info[] {
  const key = (i: Info) => findResults(sortBy.startsWith('{') ? sortBy.slice(1, -1) : sortBy, i.object)[0];
  const cmp = (a: unknown, b: unknown): number => {
    if (a === undefined || b === undefined) return a === undefined ? (b === undefined ? 0 : -1) : 1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    if (isQuantity(a) && isQuantity(b) && /\d/.test(String(a)[0])) return quantityValue(a) - quantityValue(b);
    const sa = typeof a === 'string' ? a : JSON.stringify(a);
    const sb = typeof b === 'string' ? b : JSON.stringify(b);
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  };
  return infos
    .map((i, n) => ({ i, n, k: key(i) }))
    .sort((x, y) => cmp(x.k, y.k) || x.n - y.n)
    .map((x) => x.i);
}

function runGet(inv: Invocation): void {
  const { flags, ctx } = inv;
  if (flags.bool('watch') || flags.bool('watch-only')) throw new KubectlError('--watch is not supported on a simulated cluster; use a "within" check instead');
  const format = parseOutputFormat(flags.string('output'), ctx);
  if (inv.args.length === 0 && flags.strings('filename').length === 0) {
    inv.out.err('You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\n');
    throw usageError(inv.commandPath, 'Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).');
  }
  const allNamespaces = flags.bool('all-namespaces');
  const res = resolveInfos(inv, inv.args, {
    filenames: true,
    listWholeTypes: true,
    allNamespaces,
    selector: flags.string('selector'),
    fieldSelector: flags.string('field-selector'),
    ignoreNotFound: flags.bool('ignore-not-found'),
  });
  let infos = res.infos;
  if (flags.string('sort-by')) infos = sortInfos(infos, flags.string('sort-by'));

  if (format.kind !== 'default' && format.kind !== 'wide') {
    if (res.singleItem && res.errors.length > 0) throw new AggregateError(res.errors);
    if (infos.length === 0 && flags.bool('ignore-not-found')) return;
    const objects = infos.map((i) => forDisplay(i.object));
    inv.out.out(printGeneric(format, objects, infos.map((i) => objectName(i.type, i.name)), res.singleItem, flags.bool('no-headers')));
    if (res.errors.length > 0) throw new AggregateError(res.errors);
    return;
  }

  const kinds = new Set(infos.map((i) => `${i.type.group}/${i.type.kind}`));
  const withKind = kinds.size > 1 || flags.bool('show-kind');
  let written = false;
  let allNamespaced = !allNamespaces;
  let text = '';
  for (let start = 0; start < infos.length; ) {
    let end = start;
    while (end < infos.length && infos[end].type === infos[start].type) end++;
    const type = infos[start].type;
    allNamespaced = allNamespaced && type.namespaced;
    const table = tableFor(type.kind, infos.slice(start, end).map((i) => i.object), { now: ctx.now(), wide: format.kind === 'wide' });
    const lines = tableLines(table, {
      wide: format.kind === 'wide',
      noHeaders: flags.bool('no-headers'),
      withNamespace: allNamespaces && type.namespaced,
      withKind: withKind ? kindPrefix(type) : undefined,
      showLabels: flags.bool('show-labels'),
      columnLabels: flags.strings('label-columns'),
    });
    if (lines.length > 0) {
      if (written && !flags.bool('no-headers')) text += '\n';
      text += tabwrite(lines);
      written = true;
    }
    start = end;
  }
  inv.out.out(text);
  if (!written && !flags.bool('ignore-not-found') && res.errors.length === 0) {
    inv.out.err(allNamespaced ? `No resources found in ${inv.namespace} namespace.\n` : 'No resources found\n');
  }
  if (res.errors.length > 0) throw new AggregateError(res.errors);
}

export const getCommand: Command = {
  path: ['get'],
  usage: 'kubectl get [(-o|--output=)json|yaml|name|wide|custom-columns=...|jsonpath=...] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]',
  flags: [
    OUTPUT_FLAG,
    FILENAME_FLAG,
    RECURSIVE_FLAG,
    SELECTOR_FLAG,
    ALL_NAMESPACES_FLAG,
    { name: 'field-selector', kind: 'string' },
    { name: 'show-labels', kind: 'bool' },
    { name: 'label-columns', short: 'L', kind: 'stringSlice' },
    { name: 'no-headers', kind: 'bool' },
    { name: 'ignore-not-found', kind: 'bool' },
    { name: 'sort-by', kind: 'string' },
    { name: 'show-kind', kind: 'bool' },
    { name: 'watch', short: 'w', kind: 'bool' },
    { name: 'watch-only', kind: 'bool' },
    { name: 'output-watch-events', kind: 'bool' },
    { name: 'chunk-size', kind: 'int' },
    { name: 'server-print', kind: 'bool' },
    { name: 'show-managed-fields', kind: 'bool' },
    { name: 'allow-missing-template-keys', kind: 'bool' },
    { name: 'template', kind: 'string' },
    { name: 'subresource', kind: 'string' },
    { name: 'kustomize', short: 'k', kind: 'string' },
  ],
  run: runGet,
};
