import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.ts';

const FEATURE = 'features/nodes/node-failure.feature';
const SEED_SCENARIO = `${FEATURE}:27`;

describe('the node-failure feature follows the upstream timings', () => {
  it('passes with the upstream grace period (50 s) and toleration (300 s)', () => {
    const r = runCli(['test', FEATURE]);
    expect(r.output).toContain('4 scenarios (4 passed)');
    expect(r.status).toBe(0);
  });

  it('fails when the node monitor grace period is shortened to 40 s', () => {
    const r = runCli(['test', SEED_SCENARIO, '--world-parameters', JSON.stringify({ cluster: { controllers: { nodeMonitorGracePeriodMs: 40_000 } } })]);
    expect(r.status).toBe(1);
    expect(r.output).toContain('✖ Then for 50 seconds node "node-2" is ready');
  });

  it('fails when the not-ready/unreachable toleration is shortened to 290 s', () => {
    const r = runCli(['test', SEED_SCENARIO, '--world-parameters', JSON.stringify({ cluster: { admission: { defaultTolerationSeconds: 290 } } })]);
    expect(r.status).toBe(1);
    expect(r.output).toContain('✖ And for 5 minutes the pods of deployment "web" are spread over 3 nodes');
    expect(r.output).toContain('found:    they are on 2 nodes');
  });
});

describe('one seed, one history', () => {
  const traces = (seed: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecuke-trace-'));
    const r = runCli(['test', FEATURE, '--seed', String(seed), '--trace', dir]);
    expect(r.status).toBe(0);
    const files = readdirSync(dir).sort();
    return new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  };

  it('gives an identical trace for the same seed, and another for another seed', () => {
    const a = traces(1);
    const b = traces(1);
    const c = traces(2);
    expect([...a.keys()]).toEqual(['node-failure-27.trace', 'node-failure-41.trace', 'node-failure-50.trace', 'node-failure-67.trace']);
    for (const [file, text] of a) {
      expect(text.split('\n').length).toBeGreaterThan(100);
      expect(b.get(file)).toBe(text);
    }
    expect(c.get('node-failure-27.trace')).not.toBe(a.get('node-failure-27.trace'));
  });
});
