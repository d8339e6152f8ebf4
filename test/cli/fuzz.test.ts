/** `kubecuke fuzz` as users run it: a summary, and clear messages for bad input. */
import { describe, expect, it } from 'vitest';
import { runCli, STACK_FRAME } from './run-cli.ts';

describe('kubecuke fuzz', () => {
  it('runs a campaign and sums up what it explored', () => {
    const r = runCli(['fuzz', '--runs', '6', '--seed', '3', '--max-nodes', '3', '--invariant', 'scheduling-safety', '--invariant', 'eventual-stability', '--kind', 'deployment,job']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^6 histories, \d+ events, \d+ store changes, \d+ distinct states, [\dhms.]+ simulated, in [\d.]+s \([\d.]+ histories\/s\)$/m);
    expect(r.stdout).toContain('invariants: scheduling-safety, eventual-stability\n');
    expect(r.stdout).toContain('every invariant held');
    expect(r.stderr).toMatch(/fuzz: 6\/6 histories/);
  });

  it('names an unknown invariant and the nearest known ones, without a stack trace', () => {
    const r = runCli(['fuzz', '--invariant', 'scheduling-safty']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('kubecuke: there is no invariant "scheduling-safty"; did you mean "scheduling-safety"');
    expect(r.output).not.toMatch(STACK_FRAME);
  });

  it('names an unknown workload kind and the known ones', () => {
    const r = runCli(['fuzz', '--kind', 'deploymnet']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('kubecuke: there is no workload kind "deploymnet" to fuzz (kinds: deployment, statefulset, daemonset, job, cronjob)');
    expect(r.output).not.toMatch(STACK_FRAME);
  });

  it('explains a malformed replay token', () => {
    const r = runCli(['fuzz', '--replay', '12:x']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('kubecuke: "12:x" is not a replay token: write it as <seed>:<path>');
    expect(r.output).not.toMatch(STACK_FRAME);
  });

  it('says so when a replayed history passes', () => {
    const r = runCli(['fuzz', '--replay', '7:0', '--max-nodes', '2', '--invariant', 'resource-versions']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('the history 7:0 passes every invariant (resource-versions): nothing to replay');
  });

  it('refuses a time budget that is not a duration', () => {
    const r = runCli(['fuzz', '--time-budget', 'soon']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('"soon" is not a duration: write it as 30s, 2m or 1h30m');
    expect(r.output).not.toMatch(STACK_FRAME);
  });
});
