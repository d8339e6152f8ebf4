/**
 * `kubectl describe`: one description per object, separated by two blank
 * lines; `describe TYPE PREFIX` describes every object whose name starts
 * with PREFIX when none is named exactly that.
 */
import { isStatusError } from '../../engine/index.ts';
import type { Command, Invocation } from '../command.ts';
import { ALL_NAMESPACES_FLAG, FILENAME_FLAG, RECURSIVE_FLAG, SELECTOR_FLAG } from '../command.ts';
import { AggregateError } from '../errors.ts';
import { resolveInfos } from '../builder.ts';
import { resolveType } from '../resources.ts';
import { describeObject, namesWithPrefix } from '../printers/describe/index.ts';

function runDescribe(inv: Invocation): void {
  const { flags, client, ctx } = inv;
  const showEvents = flags.has('show-events') ? flags.bool('show-events') : true;
  const allNamespaces = flags.bool('all-namespaces');
  const res = resolveInfos(inv, inv.args, { filenames: true, listWholeTypes: true, selector: flags.string('selector'), allNamespaces });
  const opts = { now: ctx.now(), showEvents };
  if (res.infos.length === 0 && res.errors.length === 1 && isStatusError(res.errors[0], 'NotFound') && inv.args.length === 2 && !inv.args[0].includes('/')) {
    const type = resolveType(inv.args[0]);
    const matches = namesWithPrefix(client, type, type.namespaced ? inv.namespace : undefined, inv.args[1]);
    if (matches.length === 0) throw res.errors[0];
    for (const m of matches) inv.out.out(`${describeObject(client, type, m, opts)}\n`);
    return;
  }
  let first = true;
  for (const info of res.infos) {
    const text = describeObject(client, info.type, info.object, opts);
    inv.out.out(first ? text : `\n\n${text}`);
    first = false;
  }
  if (res.infos.length === 0 && res.errors.length === 0) inv.out.err(allNamespaces ? 'No resources found\n' : `No resources found in ${inv.namespace} namespace.\n`);
  if (res.errors.length > 0) throw new AggregateError(res.errors);
}

export const describeCommand: Command = {
  path: ['describe'],
  usage: 'kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)',
  flags: [SELECTOR_FLAG, ALL_NAMESPACES_FLAG, FILENAME_FLAG, RECURSIVE_FLAG, { name: 'show-events', kind: 'bool' }, { name: 'chunk-size', kind: 'int' }, { name: 'kustomize', short: 'k', kind: 'string' }],
  run: runDescribe,
};
