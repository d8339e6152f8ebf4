/**
 * `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`: sends
 * the patch (JSON or YAML) and prints `deployment.apps/web patched`, or
 * `patched (no change)` when the object came back unchanged.
 */
import type { PatchType } from '../../engine/index.ts';
import { parse as parseYaml } from 'yaml';
import { jsonEqual } from '../patch-functions.ts';
import type { Command, Invocation } from '../command.ts';
import { MUTATION_FLAGS, dryRunOf, operation } from '../command.ts';
import { AggregateError, KubectlError } from '../errors.ts';
import { resolveInfos } from '../builder.ts';
import { objectName } from '../resources.ts';
import { printMutated } from './print-result.ts';

function runPatch(inv: Invocation): void {
  const { flags } = inv;
  let text = flags.string('patch');
  if (text && flags.string('patch-file')) throw new KubectlError('cannot specify --patch and --patch-file together');
  if (!text && !flags.string('patch-file')) throw new KubectlError('must specify --patch or --patch-file containing the contents of the patch');
  const type = flags.string('type', 'strategic');
  if (!['json', 'merge', 'strategic'].includes(type)) throw new KubectlError(`--type must be one of [json merge strategic], not ${JSON.stringify(type)}`);
  if (flags.string('patch-file')) {
    try {
      text = inv.ctx.readFile(flags.string('patch-file'));
    } catch (e) {
      throw new KubectlError(`unable to read patch file: ${(e as Error).message}`);
    }
  }
  let patch: unknown;
  try {
    patch = parseYaml(text, { version: '1.1' });
  } catch (e) {
    const line = (e as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line ?? 1;
    const msg = (e as Error).message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new KubectlError(`unable to parse ${JSON.stringify(text)}: yaml: line ${line}: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}`);
  }
  const dryRun = dryRunOf(inv);
  const res = resolveInfos(inv, inv.args, { filenames: true });
  if (res.infos.length === 0 && res.errors.length === 0) throw new KubectlError('no objects passed to patch');
  let n = 0;
  for (const info of res.infos) {
    const name = objectName(info.type, info.name);
    if (dryRun === 'client') {
      printMutated(inv, info.object, name, operation('patched', dryRun), n++);
      continue;
    }
    const patched = inv.client.patch(info.type, info.namespace, info.name, patch, type as PatchType, { dryRun: dryRun === 'server', subresource: flags.string('subresource') === 'status' ? 'status' : undefined });
    const changed = !jsonEqual(info.object, patched);
    printMutated(inv, patched, name, operation(changed ? 'patched' : 'patched (no change)', dryRun), n++);
  }
  if (res.errors.length > 0) throw new AggregateError(res.errors);
}

export const patchCommand: Command = {
  path: ['patch'],
  usage: "kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE]",
  flags: [
    { name: 'patch', short: 'p', kind: 'string' },
    { name: 'patch-file', kind: 'string' },
    { name: 'type', kind: 'string' },
    { name: 'local', kind: 'bool' },
    { name: 'subresource', kind: 'string' },
    { name: 'field-manager', kind: 'string' },
    { name: 'record', kind: 'bool' },
    ...MUTATION_FLAGS,
  ],
  run: runPatch,
};
