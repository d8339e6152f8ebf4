/**
 * The default campaign finds faults planted in controllers (test-only
 * cluster options: wrapController) and shrinks each to a small
 * counterexample.
 */
import { describe, expect, it } from 'vitest';
import { runCampaign } from '../../src/fuzz/campaign.ts';
import { resolveInvariants } from '../../src/fuzz/invariants/registry.ts';
import { BUDGET, broken, budgetAllowsOneTooMany, cronJobKeepsEveryJob, deploymentControllerRewritesReplicas, informerForgetsRelist, plantedCampaign, rolloutOvershootsSurge, stateLeaksBetweenClusters } from './planted.ts';

describe('planted faults in controllers', () => {
  it('finds a rollout that overshoots maxSurge, down to a few steps', () => {
    const r = plantedCampaign(rolloutOvershootsSurge);
    expect(broken(r)).toContain('rollout-bounds');
    expect(r.failure!.violations.find((v) => v.invariant === 'rollout-bounds')!.message).toMatch(/more than \d+ replicas \+ maxSurge \d+/);
    expect(r.failure!.steps.length).toBeLessThanOrEqual(6);
  });

  it('finds an informer that forgets to list again after its watch is dropped', () => {
    const r = plantedCampaign(informerForgetsRelist);
    expect(broken(r)).toEqual(['eventual-stability']);
    // Only a perturbation that drops watches can show it.
    expect(r.failure!.steps[0].text).toMatch(/^the event loop is perturbed with ".*drop=[1-9]/);
    // Four steps are the frame: perturbed, the cluster, no longer perturbed, the eventual check.
    expect(r.failure!.steps.length).toBeLessThanOrEqual(8);
  });

  it('finds a controller whose state leaks from one cluster to the next', () => {
    const r = plantedCampaign(stateLeaksBetweenClusters);
    expect(broken(r)).toEqual(['determinism']);
    expect(r.failure!.violations[0].message).toMatch(/^the same steps (gave another trace|failed the second time)/);
    // A fault that is itself not deterministic may shrink less far: fast-check re-runs candidates and the fault moves under it.
    expect(r.failure!.steps.length).toBeLessThanOrEqual(8);
  });

  it('finds a cron job controller whose job deletions do nothing', () => {
    const r = plantedCampaign(cronJobKeepsEveryJob);
    expect(broken(r)).toEqual(['eventual-stability']);
    expect(r.failure!.violations[0].message).toMatch(/cronjob "default\/\w+" keeps \d+ (completed|failed) jobs \(.*\), more than its (successful|failed)JobsHistoryLimit of \d/);
    expect(r.failure!.steps.some((s) => s.docString?.includes('kind: CronJob'))).toBe(true);
    // Besides the frame (perturbed or not, the cluster, the eventual check): the CronJob and at most one more action.
    expect(r.failure!.steps.length).toBeLessThanOrEqual(6);
  });

  it('finds a deployment controller that rewrites the replicas asked for, which settles all the same', () => {
    const r = plantedCampaign(deploymentControllerRewritesReplicas);
    expect(broken(r)).toEqual(['eventual-stability']);
    expect(r.failure!.violations[0].message).toMatch(/the cluster contains Deployment default\/\w+ as given\n\s+found:\s+Deployment default\/\w+: spec.replicas is \d+, expected \d+/);
    expect(r.failure!.steps.map((s) => s.text).slice(-1)).toEqual(['the cluster contains:']);
    expect(r.failure!.steps.length).toBeLessThanOrEqual(5);
  });

  it('finds a disruption controller that allows one eviction too many, with budgets in the campaign', () => {
    const r = runCampaign({ invariants: resolveInvariants(undefined), runs: BUDGET, seed: 1, pdbs: true, cluster: budgetAllowsOneTooMany });
    expect(broken(r)).toEqual(['pdb-respected']);
    expect(r.failure!.violations[0].message).toMatch(/was evicted although PodDisruptionBudget "\w+" then had \d+ healthy pods, fewer than the \d+ it requires/);
    expect(r.failure!.steps.map((s) => s.text)).toContain(r.failure!.steps.find((s) => s.text.startsWith('I try to drain node'))?.text);
    expect(r.failure!.steps.length).toBeLessThanOrEqual(5);
  });
});
