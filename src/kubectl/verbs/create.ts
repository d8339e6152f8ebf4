/**
 * `kubectl create -f`: creates every object of the manifests (refusing those
 * that exist), printing `deployment.apps/web created`; `--save-config`
 * records the last-applied configuration as `apply` would.
 */
import type { Client, KubeObject, ResourceType, Stored } from '../../engine/index.ts';
import { withLastApplied } from '../patch-functions.ts';
import type { Command, DryRun, Invocation } from '../command.ts';
import { MUTATION_FLAGS, SELECTOR_FLAG, dryRunOf, operation } from '../command.ts';
import { KubectlError, throwAll, usageError, withSource } from '../errors.ts';
import { readManifests } from '../manifests.ts';
import { namespaceFor } from '../builder.ts';
import { objectName } from '../resources.ts';
import { printMutated } from './print-result.ts';

/** Creates one object; the server's refusal names the source file. */
export function createObject(client: Client, type: ResourceType, obj: KubeObject, opts: { namespace?: string; dryRun?: DryRun; saveConfig?: boolean; source?: string } = {}): Stored | KubeObject {
  let o: KubeObject = type.namespaced ? { ...obj, metadata: { ...obj.metadata, namespace: obj.metadata?.namespace ?? opts.namespace } } : obj;
  if (opts.saveConfig) o = withLastApplied(o);
  if (opts.dryRun === 'client') return o;
  try {
    return client.create(type, o, { dryRun: opts.dryRun === 'server' });
  } catch (e) {
    throw withSource('creating', opts.source, e);
  }
}

function runCreate(inv: Invocation): void {
  const { flags } = inv;
  const files = flags.strings('filename');
  if (files.length === 0) throw usageError(inv.commandPath, 'Required resource not specified.');
  if (inv.args.length > 0) throw usageError(inv.commandPath, `Unexpected args: [${inv.args.join(' ')}]`);
  const dryRun = dryRunOf(inv);
  const manifests = readManifests(inv.ctx, files, flags.bool('recursive'));
  if (manifests.length === 0) throw new KubectlError('no objects passed to create');
  const errors: unknown[] = [];
  let n = 0;
  for (const m of manifests) {
    try {
      const ns = namespaceFor(inv, m.type, m.object);
      const created = createObject(inv.client, m.type, m.object, { namespace: ns, dryRun, saveConfig: flags.bool('save-config'), source: m.source });
      printMutated(inv, created, objectName(m.type, m.object.metadata?.name ?? ''), operation('created', dryRun), n++);
    } catch (e) {
      errors.push(e);
    }
  }
  throwAll(errors);
}

export const createCommand: Command = {
  path: ['create'],
  usage: 'kubectl create -f FILENAME',
  flags: [
    ...MUTATION_FLAGS,
    SELECTOR_FLAG,
    { name: 'save-config', kind: 'bool' },
    { name: 'validate', kind: 'string', noOptDefault: 'strict' },
    { name: 'edit', kind: 'bool' },
    { name: 'windows-line-endings', kind: 'bool' },
    { name: 'raw', kind: 'string' },
    { name: 'field-manager', kind: 'string' },
  ],
  run: runCreate,
};
