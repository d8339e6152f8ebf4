/**
 * The import boundaries of DESIGN.md, checked on the sources:
 * - engine/api imports nothing of ours outside engine/api;
 * - store imports only api; apiserver only store, api and the Client interface;
 * - scheduler, controllers, kubelet, network and cloud import api, clock and
 *   client, never store or each other (controllers running in cloud or
 *   network may use the controller manager's types);
 * - only cluster.ts wires concrete parts together;
 * - everything outside src/engine imports src/engine/index.ts only.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

function walk(dir: string): string[] {
  const full = resolve(ROOT, dir);
  let out: string[] = [];
  for (const e of readdirSync(full)) {
    const p = join(full, e);
    if (statSync(p).isDirectory()) out = out.concat(walk(relative(ROOT, p)));
    else if (p.endsWith('.ts')) out.push(relative(ROOT, p).split(sep).join('/'));
  }
  return out;
}

/** Repository-relative paths of the modules a file imports (ours only). */
function imports(file: string): string[] {
  const src = readFileSync(resolve(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/g)) {
    const spec = m[1] ?? m[2];
    out.push(relative(ROOT, resolve(dirname(resolve(ROOT, file)), spec)).split(sep).join('/'));
  }
  return out;
}

const area = (p: string): string => {
  const m = /^src\/engine\/([^/]+)/.exec(p);
  return m ? m[1] : '';
};

const COMPONENTS = new Set(['scheduler', 'controllers', 'kubelet', 'network', 'cloud', 'metrics', 'storage']);
const ALLOWED: Record<string, Set<string>> = {
  api: new Set(['api']),
  store: new Set(['store', 'api']),
  clock: new Set(['clock']),
  client: new Set(['client', 'api', 'clock']),
  apiserver: new Set(['apiserver', 'store', 'api', 'client']),
};

describe('import boundaries', () => {
  it('keeps each part of the engine to the parts it may use', () => {
    const problems: string[] = [];
    for (const file of walk('src/engine')) {
      const from = area(file);
      if (!from) continue; // cluster.ts, index.ts, trace.ts: the composition root and the public surface
      for (const target of imports(file)) {
        const to = area(target);
        if (!to) {
          problems.push(`${file} imports ${target}: only cluster.ts wires concrete parts together`);
          continue;
        }
        if (to === from) continue;
        if (COMPONENTS.has(from)) {
          // Controllers run elsewhere (cloud, ingress) may use the manager's types, as any controller does.
          if (target === 'src/engine/controllers/manager.ts') continue;
          if (!['api', 'clock', 'client'].includes(to)) problems.push(`${file} imports ${target}: a component may use only api, clock, the Client and the controller manager's types`);
        } else if (ALLOWED[from] && !ALLOWED[from].has(to)) {
          problems.push(`${file} imports ${target}: ${from} may not use ${to}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('lets everything outside src/engine see the engine only through src/engine/index.ts', () => {
    const problems: string[] = [];
    for (const dir of ['src/kubectl', 'src/harness', 'src/cli', 'steps', 'src/fuzz', 'src/grading', 'src/report', 'src/server', 'bench']) {
      let files: string[] = [];
      try {
        files = walk(dir);
      } catch {
        continue;
      }
      for (const file of files) {
        for (const target of imports(file)) {
          if (target.startsWith('src/engine/') && target !== 'src/engine/index.ts') problems.push(`${file} imports ${target}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
