import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfiguration, loadSupport } from '@cucumber/cucumber/api';
import { register } from 'tsx/esm/api';
import { PACKAGE_ROOT } from '../../src/harness/runner.ts';
import { durationWords, steps } from '../../src/fuzz/steps.ts';
import { invariantSteps } from '../../src/fuzz/invariant-steps.ts';
import { parsePerturbation } from '../../src/fuzz/arbitraries/perturbation.ts';
import { DURATIONS } from '../../src/fuzz/commands/time.ts';

/** Phrases of the code blocks of docs/steps.md, keyword removed. */
function documentedPhrases(): string[] {
  const md = readFileSync(resolve(PACKAGE_ROOT, 'docs/steps.md'), 'utf8');
  const out: string[] = [];
  for (const block of md.matchAll(/```gherkin\n([\s\S]*?)```/g)) {
    for (const line of block[1].split('\n')) {
      const m = /^(?:Given|When|Then|And|But) (.+?)\s*$/.exec(line.trim());
      if (m) out.push(m[1]);
    }
  }
  return out;
}

type StepDefinitions = Array<{ matchesStepName(text: string): boolean }>;
let loaded: Promise<StepDefinitions> | undefined;

/** The step definitions of steps/, as `kubecuke test` loads them (once: the step files register on import). */
function stepDefinitions(): Promise<StepDefinitions> {
  return (loaded ??= load());
}

async function load(): Promise<StepDefinitions> {
  register();
  const silent = new Writable({ write: (_c, _e, cb) => cb() });
  const environment = { cwd: PACKAGE_ROOT, stdout: silent, stderr: silent };
  const { runConfiguration } = await loadConfiguration({ file: false, provided: { import: [resolve(PACKAGE_ROOT, 'steps/*.ts')] } }, environment);
  // The loaded library is opaque in the public types; its step definitions are what we check.
  const support = (await loadSupport(runConfiguration, environment)) as unknown as { stepDefinitions: StepDefinitions };
  return support.stepDefinitions;
}

function unmatched(definitions: StepDefinitions, phrases: readonly string[]): string[] {
  const problems: string[] = [];
  for (const p of phrases) {
    const matches = definitions.filter((d) => d.matchesStepName(p));
    if (matches.length !== 1) problems.push(`${p}: ${matches.length} definitions match`);
  }
  return problems;
}

describe('the step vocabulary', () => {
  it('matches every documented phrase with exactly one step definition', async () => {
    const phrases = documentedPhrases();
    expect(phrases.length).toBeGreaterThan(60);
    expect(unmatched(await stepDefinitions(), phrases)).toEqual([]);
  });

  it('matches every step a fuzzed history writes into its counterexample with exactly one step definition', async () => {
    const written = [
      steps.perturbed(parsePerturbation('seed=7 delay=20% max-delay=3s coalesce=10% drop=2% crash=1% down=5s')),
      steps.cluster([]),
      steps.apply(() => []),
      steps.scale('deployment', 'web', 1),
      steps.scale('statefulset', 'web', 3),
      steps.setImage('daemonset', 'web', 'nginx:1.25'),
      steps.rollBack('deployment', 'web'),
      steps.delete('cronjob', 'web'),
      steps.suspend('job', 'web', true),
      steps.suspend('cronjob', 'web', false),
      steps.trigger('web'),
      steps.reschedule('web', '*/2 * * * *'),
      steps.deletePod('web-0'),
      steps.nodeDies('node-1'),
      steps.nodeComesBack('node-1'),
      steps.nodeRemoved('node-1'),
      steps.nodeJoins('node-9', 4000, 8192),
      steps.drain('node-1'),
      steps.tryDrain('node-1'),
      steps.uncordon('node-1'),
      steps.podCrashes('web-0'),
      steps.uses('web-0', 'app', 'cpu', '500m'),
      steps.uses('web-0', 'app', 'memory', '100Mi'),
      ...[1000, 60_000, ...DURATIONS].map((ms) => steps.pass(ms)),
      steps.contains(() => []),
      steps.stopPerturbing(),
      invariantSteps.holds('scheduling-safety'),
      invariantSteps.settles(['eventual-stability'], 15 * 60_000, 60_000, durationWords),
      invariantSteps.settles(['eventual-stability', 'no-orphans'], 15 * 60_000, 60_000, durationWords),
    ].map((s) => s.text);
    expect(unmatched(await stepDefinitions(), written)).toEqual([]);
  });
});
