/**
 * Manifests named by `-f`: files (YAML or JSON, several documents each),
 * directories of them, or `-` for standard input; `kind: List` is
 * flattened. Errors are worded as kubectl's resource builder words them.
 */
import { resourceFor } from '../engine/index.ts';
import type { KubeObject, ResourceType } from '../engine/index.ts';
import { parseAllDocuments, type Document } from 'yaml';
import type { KubectlContext } from './context.ts';
import { KubectlError } from './errors.ts';

/** One object read from a manifest, with the file it came from. */
export interface ManifestObject {
  object: KubeObject;
  type: ResourceType;
  source: string;
}

const EXTENSIONS = ['.json', '.yaml', '.yml'];
const STOP_VALIDATE = 'if you choose to ignore these errors, turn validation off with --validate=false';

function readSource(ctx: KubectlContext, path: string): string {
  if (path === '-') {
    if (ctx.stdin === undefined) throw new KubectlError('no objects passed to apply');
    return ctx.stdin;
  }
  try {
    return ctx.readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err && err.code === 'ENOENT') throw new KubectlError(`the path ${JSON.stringify(path)} does not exist`);
    throw new KubectlError(err instanceof Error ? err.message : String(err));
  }
}

function expand(ctx: KubectlContext, path: string, recursive: boolean, top: boolean): string[] {
  if (path === '-') return [path];
  const entries = ctx.listDir?.(path);
  if (entries === undefined) return [path];
  const files: string[] = [];
  for (const e of [...entries].sort()) {
    const p = path.endsWith('/') ? `${path}${e}` : `${path}/${e}`;
    const sub = ctx.listDir?.(p);
    if (sub !== undefined) {
      if (recursive) files.push(...expand(ctx, p, recursive, false));
    } else if (EXTENSIONS.some((x) => e.endsWith(x))) files.push(p);
  }
  if (top && files.length === 0) return [];
  return files;
}

/** Drops nulls and turns YAML values into JSON ones (sigs.k8s.io/yaml converts through JSON). */
function toJson(doc: Document): unknown {
  return JSON.parse(JSON.stringify(doc.toJS({ maxAliasCount: 100 }) ?? null));
}

function yamlError(source: string, doc: Document): KubectlError {
  const e = doc.errors[0];
  const line = e.linePos?.[0]?.line ?? 0;
  const msg = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return new KubectlError(`error parsing ${source}: error converting YAML to JSON: yaml: line ${line}: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}`);
}

function objectsOf(value: unknown, source: string, out: ManifestObject[]): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'object' || Array.isArray(value)) throw new KubectlError(`error validating ${JSON.stringify(source)}: error validating data: invalid object to validate; ${STOP_VALIDATE}`);
  const obj = value as Record<string, unknown>;
  const problems: string[] = [];
  if (obj.apiVersion === undefined || obj.apiVersion === null) problems.push('apiVersion not set');
  else if (typeof obj.apiVersion !== 'string') problems.push("apiVersion isn't string type");
  if (obj.kind === undefined || obj.kind === null) problems.push('kind not set');
  else if (typeof obj.kind !== 'string') problems.push("kind isn't string type");
  if (problems.length > 0) {
    const agg = problems.length === 1 ? problems[0] : `[${problems.join(', ')}]`;
    throw new KubectlError(`error validating ${JSON.stringify(source)}: error validating data: ${agg}; ${STOP_VALIDATE}`);
  }
  const apiVersion = obj.apiVersion as string;
  const kind = obj.kind as string;
  if (kind === 'List' || kind.endsWith('List')) {
    if (Array.isArray(obj.items)) {
      for (const item of obj.items) objectsOf(item, source, out);
      return;
    }
  }
  const meta = (obj.metadata && typeof obj.metadata === 'object' ? obj.metadata : {}) as Record<string, unknown>;
  const type = resourceFor(apiVersion, kind);
  if (!type) {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const gv = group ? `${group}/${version}` : version;
    throw new KubectlError(
      `resource mapping not found for name: ${JSON.stringify(meta.name ?? '')} namespace: ${JSON.stringify(meta.namespace ?? '')} from ${JSON.stringify(source)}: no matches for kind ${JSON.stringify(kind)} in version ${JSON.stringify(gv)}\nensure CRDs are installed first`,
    );
  }
  out.push({ object: { ...obj, metadata: { ...meta } } as unknown as KubeObject, type, source });
}

/** Parses manifest text into objects. Throws KubectlError naming the source on bad YAML or objects. */
export function parseManifests(text: string, source: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  const docs = parseAllDocuments(text, {
    version: '1.1',
    customTags: (tags) => tags.filter((t) => (t as { tag?: string }).tag !== 'tag:yaml.org,2002:timestamp'),
  });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list as Document[]) {
    if (doc.errors.length > 0) throw yamlError(source, doc);
    objectsOf(toJson(doc), source, out);
  }
  return out;
}

/** Objects already parsed (from a YAML or JSON document each), checked and typed as parseManifests does. */
export function manifestObjects(values: readonly unknown[], source: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const v of values) objectsOf(v, source, out);
  return out;
}

/** Reads every object named by `-f` paths, in order. */
export function readManifests(ctx: KubectlContext, paths: readonly string[], recursive = false): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const p of paths) {
    const files = expand(ctx, p, recursive, true);
    if (files.length === 0) throw new KubectlError(`error reading [${p}]: recognized file extensions are [.json .yaml .yml]`);
    for (const f of files) out.push(...parseManifests(readSource(ctx, f), f === '-' ? 'STDIN' : f));
  }
  return out;
}
