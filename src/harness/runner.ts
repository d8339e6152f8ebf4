/**
 * Runs feature files from any folder with kubecuke's step vocabulary, through
 * Cucumber's programmatic API, one fresh seeded cluster per scenario.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfiguration, loadSources, runCucumber, type IRunEnvironment } from '@cucumber/cucumber/api';
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
  // Feature files that are not valid Gherkin are reported by file, line and column and fail the run;
  // the valid ones still run.
  const sources = await loadSources(runConfiguration.sources, environment);
  const stderr = environment.stderr ?? process.stderr;
  for (const e of sources.errors) {
    const msg = e.message.replace(/^Parse error in "[^"]*" /, '').replace(/^\(\d+:\d+\): /, '');
    stderr.write(`${e.uri}:${e.location.line}${e.location.column ? `:${e.location.column}` : ''}: not valid Gherkin: ${msg}\n`);
  }
  if (!sources.errors.length) return runCucumber(runConfiguration, environment);
  if (!sources.plan.length) return { success: false };
  // Run exactly the scenarios that parsed, by file and line.
  const valid = sources.plan.map((p) => `${p.uri}:${p.location.line}`);
  const again = await loadConfiguration({ file: false, provided: { ...provided, paths: valid } }, environment);
  await runCucumber(again.runConfiguration, environment);
  return { success: false };
}
