/**
 * The default campaign, bounded and with a fixed seed, runs in `npm test`:
 * every invariant holds over its histories (perturbed ones included), and
 * a campaign is deterministic: the same seed explores the same histories.
 */
import { describe, expect, it } from 'vitest';
import { chunkLimits, chunkSeed, runCampaign, type Progress } from '../../src/fuzz/campaign.ts';
import { INVARIANTS, resolveInvariants } from '../../src/fuzz/invariants/registry.ts';

describe('the default campaign', () => {
  const seen: Progress[] = [];
  const result = runCampaign({ invariants: resolveInvariants(undefined), runs: 150, seed: 1, onProgress: (p) => seen.push({ ...p }) });

  it('finds no history that breaks an invariant', () => {
    const f = result.failure;
    expect(f ? `${f.violations.map((v) => `[${v.invariant}] ${v.message}`).join('\n')}\n${f.steps.map((s) => `${s.keyword} ${s.text}`).join('\n')}` : '').toBe('');
    expect(result.stopped).toBe('runs');
    expect(result.histories).toBe(150);
  });

  it('explores many states over simulated hours', () => {
    expect(result.distinctStates).toBeGreaterThan(100);
    expect(result.simulatedMs).toBeGreaterThan(60 * 60_000);
    expect(result.changes).toBeGreaterThan(10_000);
  });

  it('reports progress after every history', () => {
    expect(seen.map((p) => p.histories)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
  });
});

describe('campaigns', () => {
  it('are the same for the same seed', () => {
    const run = () => runCampaign({ invariants: resolveInvariants(['scheduling-safety']), runs: 8, seed: 42, perturb: true });
    const { wallMs: _a, ...first } = run();
    const { wallMs: _b, ...second } = run();
    expect(second).toEqual(first);
  });

  it('start with small histories, never below the nodes every history must have', () => {
    expect(chunkLimits({ invariants: [] }, 0)).toEqual({ maxNodes: 2, maxPods: 10, maxCommands: 3 });
    expect(chunkLimits({ invariants: [] }, 2)).toEqual({ maxNodes: 8, maxPods: 40, maxCommands: 12 });
    expect(chunkLimits({ invariants: [], minNodes: 8, maxNodes: 8 }, 0).maxNodes).toBe(8);
    expect(chunkLimits({ invariants: [], startSmall: false }, 0)).toEqual({ maxNodes: 8, maxPods: 40, maxCommands: 12 });
  });

  it('derive a different seed for every chunk', () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => chunkSeed(1, i)));
    expect(seeds.size).toBe(1000);
    expect(chunkSeed(1, 0)).toBe(chunkSeed(1, 0));
    expect(chunkSeed(2, 0)).not.toBe(chunkSeed(1, 0));
  });

  it('stop generating when the time budget is spent', () => {
    let t = 0;
    const r = runCampaign({ invariants: [INVARIANTS.get('resource-versions')!], runs: 1000, chunk: 1, timeBudgetMs: 5, now: () => (t += 1) });
    expect(r.stopped).toBe('time');
    expect(r.histories).toBeLessThan(5);
  });
});

describe('campaigns in worker threads', () => {
  it('give the same result as in one thread', async () => {
    const { runCampaignInWorkers } = await import('../../src/fuzz/parallel.ts');
    const o = { invariants: resolveInvariants(['scheduling-safety', 'eventual-stability']), runs: 12, chunk: 4, seed: 9, maxNodes: 3 };
    const { wallMs: _a, ...one } = runCampaign(o);
    const { wallMs: _b, ...two } = await runCampaignInWorkers(o, 2);
    expect(two).toEqual(one);
  });
});
