/**
 * `kubectl apply` (client-side): creates objects that do not exist, with the
 * last-applied-configuration annotation; patches existing ones with the
 * three-way strategic merge patch between the last applied manifest, the new
 * manifest and the live object; reports `created`, `configured` or
 * `unchanged` per object.
 */
import { StatusError, isStatusError } from '../../engine/index.ts';
import type { Client, KubeObject, ResourceType, Stored } from '../../engine/index.ts';
import { createThreeWayMergePatch, getLastApplied, withLastApplied, LAST_APPLIED_ANNOTATION } from '../patch-functions.ts';
import type { Command, DryRun, Invocation } from '../command.ts';
import { MUTATION_FLAGS, SELECTOR_FLAG, dryRunOf, operation } from '../command.ts';
import { KubectlError, throwAll, withSource } from '../errors.ts';
import { readManifests } from '../manifests.ts';
import { namespaceFor } from '../builder.ts';
import { objectName } from '../resources.ts';
import { goJsonCompact } from '../printers/serialize.ts';
import { printMutated } from './print-result.ts';

export type ApplyOperation = 'created' | 'configured' | 'unchanged';

/** What applying one object did. */
export interface ApplyOutcome {
  type: ResourceType;
  /** The object as the server returned it (or as it would be sent, for a client dry run). */
  object: Stored | KubeObject;
  operation: ApplyOperation;
  /** Warnings kubectl writes to stderr (missing annotation, object being deleted). */
  warnings: string[];
}

export interface ApplyOptions {
  /** Namespace for namespaced objects without one. */
  namespace: string;
  dryRun?: DryRun;
  /** The manifest file, for error messages. */
  source?: string;
  /** On a refused patch, delete and re-create the object (`--force`). */
  force?: boolean;
}

function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pruneNulls);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, pruneNulls(x)]));
  return v;
}

/** Info.String() of kubectl's resource builder, used in patch error messages. */
function infoString(type: ResourceType, name: string, namespace: string | undefined): string {
  return `Resource: "${type.group}/${type.version}, Resource=${type.resource}", GroupVersionKind: "${type.group}/${type.version}, Kind=${type.kind}"\nName: ${JSON.stringify(name)}, Namespace: ${JSON.stringify(namespace ?? '')}`;
}

/** Applies one object as `kubectl apply` does. Throws the server's refusal, naming the source file. */
export function applyObject(client: Client, type: ResourceType, manifest: KubeObject, opts: ApplyOptions): ApplyOutcome {
  const dryRun = opts.dryRun ?? 'none';
  const namespace = type.namespaced ? (manifest.metadata?.namespace ?? opts.namespace) : undefined;
  const obj: KubeObject = { ...manifest, metadata: { ...manifest.metadata, ...(namespace !== undefined ? { namespace } : {}) } };
  const name = obj.metadata.name ?? '';
  const modified = withLastApplied(obj);
  const warnings: string[] = [];
  let live: Stored;
  try {
    live = client.get(type, namespace, name);
  } catch (e) {
    if (!isStatusError(e, 'NotFound')) throw withSource(`retrieving current configuration of:\n${infoString(type, name, namespace)}\nfrom server for:`, opts.source, e);
    const toCreate = pruneNulls(modified) as KubeObject;
    if (dryRun === 'client') return { type, object: toCreate, operation: 'created', warnings };
    try {
      return { type, object: client.create(type, toCreate, { dryRun: dryRun === 'server' }), operation: 'created', warnings };
    } catch (err) {
      throw withSource('creating', opts.source, err);
    }
  }
  if (dryRun === 'client') return { type, object: modified, operation: 'configured', warnings };
  if (!(LAST_APPLIED_ANNOTATION in (live.metadata.annotations ?? {})))
    warnings.push(
      `Warning: resource ${type.resource}/${name} is missing the ${LAST_APPLIED_ANNOTATION} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n`,
    );
  let patch: Record<string, unknown>;
  try {
    patch = createThreeWayMergePatch(getLastApplied(live), modified, live, type.kind);
  } catch (e) {
    throw withSource(`creating patch with:\noriginal:\n${goJsonCompact(getLastApplied(live) ?? {})}\nmodified:\n${goJsonCompact(modified)}\ncurrent:\n${goJsonCompact(live)}\nfor:`, opts.source, e);
  }
  const deletingWarning = (o: KubeObject) => {
    if (o.metadata.deletionTimestamp) warnings.push(`Warning: Detected changes to resource ${name} which is currently being deleted.\n`);
  };
  if (Object.keys(patch).length === 0) {
    deletingWarning(live);
    return { type, object: live, operation: 'unchanged', warnings };
  }
  try {
    const patched = client.patch(type, namespace, name, patch, 'strategic', { dryRun: dryRun === 'server' });
    deletingWarning(patched);
    return { type, object: patched, operation: 'configured', warnings };
  } catch (e) {
    if (opts.force && e instanceof StatusError && (e.reason === 'Invalid' || e.reason === 'Conflict')) {
      client.delete(type, namespace, name, { dryRun: dryRun === 'server', gracePeriodSeconds: 0 });
      const created = client.create(type, pruneNulls(modified) as KubeObject, { dryRun: dryRun === 'server' });
      return { type, object: created, operation: 'configured', warnings };
    }
    const inner = withSource('patching', opts.source, e);
    throw withSource(`applying patch:\n${goJsonCompact(patch)}\nto:\n${infoString(type, name, namespace)}\nfor:`, opts.source, inner);
  }
}

function runApply(inv: Invocation): void {
  const { flags } = inv;
  if (flags.bool('server-side')) throw new KubectlError('server-side apply is not supported by kubecuke; use client-side apply');
  if (flags.bool('prune')) throw new KubectlError('--prune is not supported by kubecuke');
  const dryRun = dryRunOf(inv);
  if (dryRun === 'server' && flags.bool('force')) throw new KubectlError('--dry-run=server cannot be used with --force');
  const files = flags.strings('filename');
  if (files.length === 0) throw new KubectlError('must specify one of -f and -k');
  if (inv.args.length > 0) throw new KubectlError(`Unexpected args: [${inv.args.join(' ')}]\nSee '${inv.commandPath} -h' for help and examples`);
  const manifests = readManifests(inv.ctx, files, flags.bool('recursive'));
  if (manifests.length === 0) throw new KubectlError('no objects passed to apply');
  const errors: unknown[] = [];
  let printed = 0;
  for (const m of manifests) {
    try {
      const ns = namespaceFor(inv, m.type, m.object) ?? inv.namespace;
      const outcome = applyObject(inv.client, m.type, m.object, { namespace: ns, dryRun, source: m.source, force: flags.bool('force') });
      for (const w of outcome.warnings) inv.out.err(w);
      printMutated(inv, outcome.object, objectName(m.type, m.object.metadata?.name ?? ''), operation(outcome.operation, dryRun), printed++);
    } catch (e) {
      errors.push(e);
    }
  }
  throwAll(errors);
}

export const applyCommand: Command = {
  path: ['apply'],
  usage: 'kubectl apply (-f FILENAME | -k DIRECTORY) [options]',
  flags: [
    ...MUTATION_FLAGS,
    SELECTOR_FLAG,
    { name: 'server-side', kind: 'bool' },
    { name: 'force-conflicts', kind: 'bool' },
    { name: 'field-manager', kind: 'string' },
    { name: 'overwrite', kind: 'bool' },
    { name: 'prune', kind: 'bool' },
    { name: 'all', kind: 'bool' },
    { name: 'prune-allowlist', kind: 'stringArray' },
    { name: 'validate', kind: 'string', noOptDefault: 'strict' },
    { name: 'force', kind: 'bool' },
    { name: 'grace-period', kind: 'int' },
    { name: 'timeout', kind: 'duration' },
    { name: 'wait', kind: 'bool' },
    { name: 'cascade', kind: 'string', noOptDefault: 'background' },
    { name: 'openapi-patch', kind: 'bool' },
    { name: 'allow-missing-template-keys', kind: 'bool' },
    { name: 'record', kind: 'bool' },
  ],
  run: runApply,
};

