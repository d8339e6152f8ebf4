/**
 * kubectl's resource builder: turns `-f` files, `TYPE NAME` / `TYPE/NAME`
 * arguments, `-l` selectors and `--all` into the objects a verb acts on,
 * fetching them from the server. Missing objects become errors kept
 * alongside the found ones (ContinueOnError), as kubectl reports them after
 * acting on the rest.
 */
import { isStatusError } from '../engine/index.ts';
import type { KubeObject, ResourceType, Stored } from '../engine/index.ts';
import type { Invocation } from './command.ts';
import { KubectlError, usageError } from './errors.ts';
import { readManifests } from './manifests.ts';
import { parseResourceArgs } from './resources.ts';

/** One object a verb acts on. */
export interface Info {
  type: ResourceType;
  namespace?: string;
  name: string;
  /** The object as the server has it (or, for `fetch: false`, as read from the file). */
  object: Stored | KubeObject;
  /** The manifest file it was named in. */
  source?: string;
}

export interface BuilderOptions {
  /** Read `-f` and `-R`. */
  filenames?: boolean;
  /** A bare TYPE lists every object of it (get, describe); otherwise names, `-l` or `--all` are required. */
  listWholeTypes?: boolean;
  /** `--all` selects every object of the types. */
  all?: boolean;
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  /** Drop NotFound errors (`--ignore-not-found`). */
  ignoreNotFound?: boolean;
  /** Fetch the objects named in files or arguments from the server (default true); delete does not (RequireObject(false)). */
  fetch?: boolean;
}

export interface BuilderResult {
  infos: Info[];
  errors: unknown[];
  /** One object was named, so printers show it bare rather than in a List. */
  singleItem: boolean;
}

const MISSING = `You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`;

/** The namespace an object from a file goes to; refuses a different one than an explicit `-n`. */
export function namespaceFor(inv: Invocation, type: ResourceType, obj: KubeObject): string | undefined {
  if (!type.namespaced) return undefined;
  const ns = obj.metadata?.namespace;
  if (!ns) return inv.namespace;
  if (inv.explicitNamespace && ns !== inv.namespace)
    throw new KubectlError(
      `the namespace from the provided object ${JSON.stringify(ns)} does not match the namespace ${JSON.stringify(inv.namespace)}. You must pass '--namespace=${ns}' to perform this operation.`,
    );
  return ns;
}

/** Resolves what a verb acts on. Throws for malformed requests; per-object failures land in `errors`. */
export function resolveInfos(inv: Invocation, args: readonly string[], opts: BuilderOptions): BuilderResult {
  const { client } = inv;
  const infos: Info[] = [];
  const errors: unknown[] = [];
  const files = opts.filenames ? inv.flags.strings('filename') : [];
  const keep = (e: unknown) => {
    if (!(opts.ignoreNotFound && isStatusError(e, 'NotFound'))) errors.push(e);
  };
  if (files.length > 0) {
    if (args.length > 0) throw new KubectlError('when paths, URLs, or stdin is provided as input, you may not specify a resource by arguments as well');
    const objs = readManifests(inv.ctx, files, inv.flags.bool('recursive'));
    for (const m of objs) {
      const ns = namespaceFor(inv, m.type, m.object);
      const name = m.object.metadata?.name ?? '';
      if (opts.fetch === false) {
        infos.push({ type: m.type, namespace: ns, name, object: m.object, source: m.source });
        continue;
      }
      try {
        infos.push({ type: m.type, namespace: ns, name, object: client.get(m.type, ns, name), source: m.source });
      } catch (e) {
        keep(e);
      }
    }
    return { infos, errors, singleItem: objs.length === 1 };
  }
  const sel = parseResourceArgs(args, inv.commandPath.split(' ')[1] ?? 'get');
  const selector = opts.selector ?? '';
  const fieldSelector = opts.fieldSelector ?? '';
  if (sel.named.length === 0 && sel.types.length === 0) {
    if (selector || opts.all) throw new KubectlError('at least one resource must be specified to use a selector');
    throw usageError(inv.commandPath, MISSING);
  }
  if (sel.named.length > 0) {
    if (args.some((a) => a.includes('/')) && (selector || opts.all)) throw new KubectlError('selectors and the all flag cannot be used when passing resource/name arguments');
    if (selector) throw new KubectlError('name cannot be provided when a selector is specified');
    for (const { type, name } of sel.named) {
      const ns = type.namespaced ? inv.namespace : undefined;
      if (opts.fetch === false) {
        const object = { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, metadata: { name, ...(ns ? { namespace: ns } : {}) } };
        infos.push({ type, namespace: ns, name, object });
        continue;
      }
      try {
        infos.push({ type, namespace: ns, name, object: client.get(type, ns, name) });
      } catch (e) {
        keep(e);
      }
    }
    return { infos, errors, singleItem: sel.singleItem };
  }
  if (!opts.listWholeTypes && !selector && !fieldSelector && !opts.all) throw new KubectlError('resource(s) were provided, but no name was specified');
  for (const type of sel.types) {
    const ns = type.namespaced && !opts.allNamespaces ? inv.namespace : undefined;
    const list = client.list(type, { namespace: ns, labelSelector: selector || undefined, fieldSelector: fieldSelector || undefined });
    for (const o of list.items) infos.push({ type, namespace: o.metadata.namespace, name: o.metadata.name, object: o });
  }
  return { infos, errors, singleItem: false };
}
