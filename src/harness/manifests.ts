/**
 * Manifests named or written in features: where they are looked up (beside
 * the feature file, then in manifests/), how they are read (YAML, several
 * documents), and how they are applied (as `kubectl apply` does). Errors
 * name the file and line, in kubectl's words.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Client } from '../engine/index.ts';
import { parseManifests, type ManifestObject } from '../kubectl/manifests.ts';
import { applyObject, type ApplyOutcome } from '../kubectl/verbs/apply.ts';
import { formatError, KubectlError } from '../kubectl/errors.ts';
import { UserError } from './errors.ts';

export interface ManifestLocation {
  /** Absolute path of the file. */
  path: string;
  /** How it is shown in messages: relative to the working directory. */
  display: string;
}

function inside(dir: string, file: string): boolean {
  const r = relative(dir, file);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

/**
 * Finds `name` beside the feature file, then in `manifestsDir`. Paths that
 * would leave those folders are refused.
 */
export function resolveManifest(name: string, featureDir: string, manifestsDir: string, cwd = process.cwd()): ManifestLocation {
  const roots = [featureDir, manifestsDir];
  const candidates = roots.map((root) => ({ root, path: resolve(root, name) }));
  if (isAbsolute(name) || candidates.every((c) => !inside(c.root, c.path))) {
    throw new UserError(
      `manifest "${name}" is outside the folders manifests are read from: use a path inside the feature's folder (${shown(featureDir, cwd)}) or ${shown(manifestsDir, cwd)}`,
    );
  }
  for (const c of candidates) {
    if (!inside(c.root, c.path)) continue;
    if (existsSync(c.path) && statSync(c.path).isFile()) return { path: c.path, display: shown(c.path, cwd) };
  }
  const looked = candidates.filter((c) => inside(c.root, c.path)).map((c) => shown(c.path, cwd));
  throw new UserError(`manifest "${name}" not found: looked for ${looked.join(' and ')}`);
}

function shown(p: string, cwd: string): string {
  const r = relative(cwd, p);
  return r && !r.startsWith('..') ? r.split(sep).join('/') : p;
}

/**
 * Parses manifest text; bad YAML or objects become a UserError naming the
 * source and line. For a doc string, `docStringLine` (the line of its opening
 * quotes) turns YAML line numbers into lines of the feature file.
 */
export function readObjects(text: string, source: string, docStringLine?: number): ManifestObject[] {
  try {
    const objects = parseManifests(text, source);
    if (!objects.length) throw new UserError(`${source} has no objects in it`);
    return objects;
  } catch (e) {
    if (e instanceof UserError) throw e;
    if (e instanceof KubectlError) {
      let msg = formatError(e).text.trimEnd();
      if (docStringLine !== undefined) msg = msg.replace(/yaml: line (\d+):/, (_m, n: string) => `yaml: line ${n} (line ${docStringLine + Number(n)} of the feature file):`);
      throw new UserError(msg);
    }
    throw e;
  }
}

export function readManifestFile(loc: ManifestLocation): ManifestObject[] {
  return readObjects(readFileSync(loc.path, 'utf8'), loc.display);
}

/** The refusal of an apply, kept for "it is rejected because". */
export class ApplyRefused extends UserError {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(message);
    this.name = 'ApplyRefused';
  }
}

/**
 * Applies the objects in order, as `kubectl apply -f` does, letting the
 * cluster run between them as requests arrive one after another. Every
 * object is attempted; the refusals are thrown together afterwards.
 */
export function applyObjects(client: Client, objects: readonly ManifestObject[], namespace: string, between: () => void): ApplyOutcome[] {
  const out: ApplyOutcome[] = [];
  const errors: string[] = [];
  let first: unknown;
  for (const m of objects) {
    try {
      out.push(applyObject(client, m.type, m.object, { namespace, source: m.source }));
    } catch (e) {
      first ??= e;
      errors.push(formatError(e).text.trimEnd());
    }
    between();
  }
  if (errors.length) throw new ApplyRefused(errors.join('\n'), first);
  return out;
}
