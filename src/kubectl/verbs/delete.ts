/**
 * `kubectl delete`: deletes named objects, objects from `-f`, or every
 * object matching `-l`/`--all`, printing `deployment.apps "web" deleted`,
 * then (with `--wait`, the default) waits on simulated time until they are
 * gone. `--grace-period`, `--force`, `--now`, `--cascade`,
 * `--ignore-not-found` and `-o name` behave as in kubectl.
 */
import { groupResource, isStatusError } from '../../engine/index.ts';
import type { Client, DeleteOptions, ResourceType, Stored } from '../../engine/index.ts';

type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';
import type { Command, Invocation } from '../command.ts';
import { ALL_NAMESPACES_FLAG, DRY_RUN_FLAG, FILENAME_FLAG, OUTPUT_FLAG, RECURSIVE_FLAG, SELECTOR_FLAG, dryRunOf } from '../command.ts';
import { KubectlError, throwAll } from '../errors.ts';
import { resolveInfos, type Info } from '../builder.ts';
import { kindPrefix } from '../resources.ts';

/** GetCascadingStrategy. */
function cascadeOf(inv: Invocation): PropagationPolicy {
  const v = inv.flags.string('cascade', 'background');
  switch (v) {
    case 'background':
      return 'Background';
    case 'foreground':
      return 'Foreground';
    case 'orphan':
      return 'Orphan';
  }
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) {
    inv.out.err(`warning: --cascade=${v} is deprecated (boolean value) and can be replaced with --cascade=background.\n`);
    return 'Background';
  }
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) {
    inv.out.err(`warning: --cascade=${v} is deprecated (boolean value) and can be replaced with --cascade=orphan.\n`);
    return 'Orphan';
  }
  throw new KubectlError(`invalid cascade value (${v}). Must be "background", "foreground", or "orphan"`);
}

/** Deletes one object as kubectl does (grace period -1 means the object's own). */
export function deleteObject(client: Client, type: ResourceType, namespace: string | undefined, name: string, opts: { gracePeriod?: number; cascade?: PropagationPolicy; dryRun?: boolean } = {}): Stored | undefined {
  const o: DeleteOptions = { propagationPolicy: opts.cascade ?? 'Background', dryRun: opts.dryRun };
  if (opts.gracePeriod !== undefined && opts.gracePeriod >= 0) o.gracePeriodSeconds = opts.gracePeriod;
  return client.delete(type, namespace, name, o);
}

function isGone(client: Client, info: Info, uid: string | undefined): boolean {
  try {
    const cur = client.get(info.type, info.namespace, info.name);
    return uid !== undefined && cur.metadata.uid !== uid;
  } catch (e) {
    if (isStatusError(e, 'NotFound')) return true;
    throw e;
  }
}

function runDelete(inv: Invocation): void {
  const { flags } = inv;
  const output = flags.string('output');
  if (output !== '' && output !== 'name') throw new KubectlError(`unexpected -o output mode: ${output}. We only support '-o name'`);
  const all = flags.bool('all');
  const selector = flags.string('selector');
  const fieldSelector = flags.string('field-selector');
  if (all && selector) throw new KubectlError('cannot set --all and --selector at the same time');
  if (all && fieldSelector) throw new KubectlError('cannot set --all and --field-selector at the same time');
  let grace = flags.int('grace-period', -1);
  const force = flags.bool('force');
  if (flags.bool('now')) {
    if (grace !== -1) throw new KubectlError('--now and --grace-period cannot be specified together');
    grace = 1;
  }
  if (grace === 0 && !force) grace = 1;
  if (force && grace < 0) grace = 0;
  if (grace === 0 && force) inv.out.err('Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n');
  else if (grace > 0 && force) throw new KubectlError('--force and --grace-period greater than 0 cannot be specified together');
  const dryRun = dryRunOf(inv);
  const cascade = cascadeOf(inv);
  const ignoreNotFound = flags.has('ignore-not-found') ? flags.bool('ignore-not-found') : all || !!selector || !!fieldSelector;
  const res = resolveInfos(inv, inv.args, {
    filenames: true,
    all,
    selector,
    fieldSelector,
    allNamespaces: flags.bool('all-namespaces'),
    ignoreNotFound,
    fetch: false,
  });
  const errors = [...res.errors];
  const deleted: Array<{ info: Info; uid?: string }> = [];
  let found = 0;
  let warnedClusterScope = !(inv.explicitNamespace && !flags.bool('all-namespaces'));
  for (const info of res.infos) {
    if (!warnedClusterScope && !info.type.namespaced) {
      inv.out.err('Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n');
      warnedClusterScope = true;
    }
    let op = grace === 0 ? 'force deleted' : 'deleted';
    if (dryRun === 'client') op += ' (dry run)';
    if (dryRun === 'server') op += ' (server dry run)';
    found++;
    const print = () => inv.out.out(output === 'name' ? `${kindPrefix(info.type)}/${info.name}\n` : `${kindPrefix(info.type)} "${info.name}" ${op}\n`);
    if (dryRun === 'client') {
      print();
      deleted.push({ info });
      continue;
    }
    try {
      const left = deleteObject(inv.client, info.type, info.namespace, info.name, { gracePeriod: grace, cascade, dryRun: dryRun === 'server' });
      print();
      deleted.push({ info, uid: left?.metadata.uid ?? (info.object.metadata.uid as string | undefined) });
    } catch (e) {
      if (ignoreNotFound && isStatusError(e, 'NotFound')) continue;
      errors.push(e);
    }
  }
  if (found === 0 && errors.length === 0) inv.out.out('No resources found\n');
  const wait = flags.has('wait') ? flags.bool('wait') : true;
  if (wait && dryRun === 'none' && deleted.length > 0 && inv.ctx.waitFor) {
    const timeout = flags.int('timeout', 0) || 168 * 3600 * 1000;
    const pending = () => deleted.filter((d) => !isGone(inv.client, d.info, d.uid));
    if (pending().length > 0 && !inv.ctx.waitFor(() => pending().length === 0, timeout)) {
      const left = pending()[0].info;
      errors.push(new KubectlError(`timed out waiting for the condition on ${groupResource(left.type)}/${left.name}`));
    }
  }
  throwAll(errors);
}

export const deleteCommand: Command = {
  path: ['delete'],
  usage: "kubectl delete ([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)])",
  flags: [
    FILENAME_FLAG,
    RECURSIVE_FLAG,
    SELECTOR_FLAG,
    ALL_NAMESPACES_FLAG,
    OUTPUT_FLAG,
    DRY_RUN_FLAG,
    { name: 'all', kind: 'bool' },
    { name: 'field-selector', kind: 'string' },
    { name: 'ignore-not-found', kind: 'bool' },
    { name: 'cascade', kind: 'string', noOptDefault: 'background' },
    { name: 'grace-period', kind: 'int' },
    { name: 'force', kind: 'bool' },
    { name: 'now', kind: 'bool' },
    { name: 'wait', kind: 'bool' },
    { name: 'timeout', kind: 'duration' },
    { name: 'interactive', short: 'i', kind: 'bool' },
    { name: 'raw', kind: 'string' },
    { name: 'kustomize', short: 'k', kind: 'string' },
  ],
  run: runDelete,
};
