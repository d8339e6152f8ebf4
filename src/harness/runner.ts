/**
 * Runs feature files from any folder with kubecuke's step vocabulary, through
 * Cucumber's programmatic API, one fresh seeded cluster per scenario.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfiguration, runCucumber, type IRunEnvironment } from '@cucumber/cucumber/api';
import type { KubecukeParameters } from './world.ts';
import { UserError } from './errors.ts';

/** The kubecuke package root (where steps/ lives). */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunOptions {
  /** Feature files or folders; default `features`. */
  paths?: string[];
  seed?: number;
  /** A Cucumber tag expression: `@smoke and not @slow`. */
  tags?: string;
  /** Only scenarios whose name matches one of these regular expressions. */
  names?: string[];
  /** Cucumber formats; default kubecuke's own formatter on stdout. */
  formats?: string[];
  failFast?: boolean;
  /** Extra world parameters (cluster options for tests). */
  parameters?: KubecukeParameters;
  cwd?: string;
  environment?: IRunEnvironment;
}

export const DEFAULT_FORMATTER = resolve(PACKAGE_ROOT, 'src/cli/formatter.ts');

export async function runFeatures(opts: RunOptions = {}): Promise<{ success: boolean }> {
  const cwd = opts.cwd ?? process.cwd();
  const paths = opts.paths?.length ? opts.paths : ['features'];
  for (const p of paths) {
    const bare = p.replace(/:\d+(?::\d+)*$/, '');
    if (!existsSync(resolve(cwd, bare))) throw new UserError(`no such feature file or folder: ${p}`);
  }
  const provided = {
    paths,
    import: [resolve(PACKAGE_ROOT, 'steps/*.ts')],
    format: opts.formats?.length ? opts.formats : [DEFAULT_FORMATTER],
    tags: opts.tags ?? '',
    name: opts.names ?? [],
    failFast: opts.failFast ?? false,
    worldParameters: JSON.parse(JSON.stringify({ ...(opts.parameters ?? {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}) })) as Record<string, never>,
    formatOptions: { printAttachments: false },
  };
  const environment = { cwd, ...(opts.environment ?? {}) };
  const { runConfiguration } = await loadConfiguration({ file: false, provided }, environment);
  return runCucumber(runConfiguration, environment);
}
