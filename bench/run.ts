/**
 * Benchmark runner: `npm run bench` runs every workload, `npm run bench -- <name>...`
 * runs the named ones. Each workload is a module bench/<name>.ts exporting
 * `run(args)`; it prints its figures and a final `RESULT <name> ...` line.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .map((f) => basename(f, '.ts'))
  .sort();

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = asked.filter((a) => !available.includes(a));
if (unknown.length) {
  console.error(`unknown workload${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
for (const name of asked.length ? asked : available) {
  const mod = (await import(pathToFileURL(resolve(here, `${name}.ts`)).href)) as { run(args: string[]): Promise<void> };
  console.log(`== ${name}`);
  await mod.run(process.argv.slice(2).filter((a) => a.startsWith('-')));
}
