/**
 * The default campaign finds a scheduler that ignores taints (planted
 * through the scheduler configuration, test-only) and shrinks it to a small
 * counterexample; the counterexample replays from its token, and as a
 * feature file it fails with the fault and passes without it.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { replay, runCampaign } from '../../src/fuzz/campaign.ts';
import { resolveInvariants } from '../../src/fuzz/invariants/registry.ts';
import { writeCounterexample } from '../../src/fuzz/counterexample.ts';
import { runCli } from '../cli/run-cli.ts';
import { BUDGET, broken, plantedCampaign, schedulerIgnoresTaints } from './planted.ts';

/** `kubecuke test <feature>`, in its own process as a user runs it. */
function kubecukeTest(path: string, parameters?: object): { success: boolean; output: string } {
  const r = runCli(['test', path, ...(parameters ? ['--world-parameters', JSON.stringify(parameters)] : [])]);
  return { success: r.status === 0, output: r.output };
}

describe('a scheduler that ignores taints', () => {
  const r = plantedCampaign(schedulerIgnoresTaints);

  it('is found within the budget, as a binding to a tainted node', () => {
    expect(r.stopped).toBe('failure');
    expect(broken(r)).toEqual(['scheduling-safety']);
    expect(r.failure!.foundAfter).toBeLessThanOrEqual(BUDGET);
    expect(r.failure!.violations[0].message).toMatch(/although the node has the taint [\w./-]+=\w*:No(Schedule|Execute), which the pod does not tolerate/);
    expect(r.failure!.steps.length).toBeLessThanOrEqual(6);
  });

  it('shrinks to a cluster, one manifest and at most two more events in a campaign without disruption budgets', () => {
    const plain = runCampaign({ invariants: resolveInvariants(undefined), runs: BUDGET, seed: 1, pdbs: false, cluster: schedulerIgnoresTaints });
    expect(plain.failure!.violations[0].message).toMatch(/although the node has the taint dedicated=\w+:No(Schedule|Execute), which the pod does not tolerate/);
    // The cluster, one manifest and at most two more events (which pod lands on the tainted node is the scheduler's
    // tie-break: sometimes only a replacement does), then the checks that end every history.
    const actions = plain.failure!.steps.filter((s) => s.keyword !== 'Then');
    expect(actions[0].keyword).toBe('Given');
    expect(actions.filter((s) => s.text === 'I apply the following manifest:')).toHaveLength(1);
    expect(actions.length).toBeLessThanOrEqual(4);
  });

  it('replays from its token alone, to the same violation', () => {
    const again = replay({ invariants: resolveInvariants(undefined), cluster: schedulerIgnoresTaints, ...r.failure!.limits }, r.failure!.replay);
    expect(again?.violations).toEqual(r.failure!.violations);
  });

  it('is a feature that fails with the fault and passes without it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubecuke-cex-'));
    const path = writeCounterexample({ violations: r.failure!.violations, steps: r.failure!.steps }, 'taints', dir);
    expect(readFileSync(path, 'utf8')).toMatch(/\n    (Then|And) the invariant "scheduling-safety" holds\n/);
    const withFault = kubecukeTest(path, { cluster: schedulerIgnoresTaints });
    expect(withFault.success).toBe(false);
    expect(withFault.output).toContain(r.failure!.violations[0].message);
    expect(kubecukeTest(path).success).toBe(true);
  });
});
