/**
 * Conventions of DESIGN.md, checked: every controller, scheduler plugin and
 * admission plugin lives in a file named after what it registers, is
 * registered, and every controller does some work in some bundled feature.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REGISTRY } from '../src/engine/scheduler/plugins/registry.ts';
import type { Handle } from '../src/engine/scheduler/framework.ts';
import { ADMISSION_PLUGINS } from '../src/engine/apiserver/admission/index.ts';
import { runCli } from './cli/run-cli.ts';

const ROOT = resolve(import.meta.dirname, '..');
const pascal = (file: string) => basename(file, '.ts').split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
const filesIn = (dir: string, skip: RegExp) =>
  readdirSync(resolve(ROOT, dir))
    .filter((f) => f.endsWith('.ts') && !skip.test(f))
    .sort();

const CONTROLLER_HELPERS = /^(manager|controller-utils|.*-util)\.ts$/;

async function controllers(): Promise<Array<{ file: string; name: string; factory: string }>> {
  const out: Array<{ file: string; name: string; factory: string }> = [];
  for (const f of filesIn('src/engine/controllers', CONTROLLER_HELPERS)) {
    const mod = (await import(pathToFileURL(resolve(ROOT, 'src/engine/controllers', f)).href)) as Record<string, unknown>;
    const factories = Object.entries(mod).filter(([, v]) => typeof v === 'function') as Array<[string, (...a: unknown[]) => { name?: string; reconcile?: unknown }]>;
    const made = factories
      .map(([k, fn]) => {
        try {
          return [k, fn('')] as const;
        } catch {
          // Not a factory: a helper that needs real arguments.
          return [k, undefined] as const;
        }
      })
      .filter(([, c]) => c && typeof c === 'object' && typeof c.reconcile === 'function') as Array<readonly [string, { name?: string }]>;
    expect(made, `${f} should export exactly one controller factory`).toHaveLength(1);
    out.push({ file: f, name: made[0][1].name!, factory: made[0][0] });
  }
  return out;
}

describe('conventions', () => {
  it('names every controller after its file, and registers it in cluster.ts', async () => {
    const cluster = readFileSync(resolve(ROOT, 'src/engine/cluster.ts'), 'utf8');
    const list = await controllers();
    expect(list.length).toBeGreaterThanOrEqual(9);
    for (const c of list) {
      const base = basename(c.file, '.ts');
      expect([base, `${base}-controller`], c.file).toContain(c.name);
      expect(cluster, `${c.factory} is not registered in cluster.ts`).toMatch(new RegExp(`\\b${c.factory}\\(`));
    }
  });

  it('names every scheduler plugin after its file, and registers each one', () => {
    const files = filesIn('src/engine/scheduler/plugins', /^registry\.ts$/).map(pascal);
    expect([...REGISTRY.keys()].sort()).toEqual(files.sort());
    for (const [name, make] of REGISTRY) {
      const lister = { get: () => undefined, list: () => [] };
      const handle = { nodes: () => [], node: () => undefined, bind: () => {}, now: () => 0, lister: () => lister } as unknown as Handle;
      const plugin = make(undefined, handle);
      expect(plugin.name).toBe(name);
    }
  });

  it('names every admission plugin after its file, and registers each one', () => {
    const files = filesIn('src/engine/apiserver/admission', /^(index|types)\.ts$/).map(pascal);
    expect(ADMISSION_PLUGINS.map(([n]) => n).sort()).toEqual(files.sort());
    for (const [name, make] of ADMISSION_PLUGINS) expect(make({}).name).toBe(name);
  });

  it('has every controller do some work in the bundled features', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecuke-conventions-'));
    const run = runCli(['test', 'features', '--trace', dir]);
    expect(run.status).toBe(0);
    const writers = new Set<string>();
    for (const f of readdirSync(dir)) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        const m = /^\+\S+ (\S+) (create|update|patch|delete|bind|evict) /.exec(line);
        if (m) writers.add(m[1]);
      }
    }
    const missing = (await controllers()).map((c) => c.name).filter((n) => !writers.has(n));
    expect(missing).toEqual([]);
  });
});
