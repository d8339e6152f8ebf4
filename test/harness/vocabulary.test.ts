import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { loadConfiguration, loadSupport } from '@cucumber/cucumber/api';
import { register } from 'tsx/esm/api';
import { PACKAGE_ROOT } from '../../src/harness/runner.ts';

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

describe('the step vocabulary', () => {
  it('matches every documented phrase with exactly one step definition', async () => {
    register();
    const silent = new Writable({ write: (_c, _e, cb) => cb() });
    const environment = { cwd: PACKAGE_ROOT, stdout: silent, stderr: silent };
    const { runConfiguration } = await loadConfiguration({ file: false, provided: { import: [resolve(PACKAGE_ROOT, 'steps/*.ts')] } }, environment);
    // The loaded library is opaque in the public types; its step definitions are what we check.
    const support = (await loadSupport(runConfiguration, environment)) as unknown as { stepDefinitions: Array<{ matchesStepName(text: string): boolean }> };
    const phrases = documentedPhrases();
    expect(phrases.length).toBeGreaterThan(60);
    const problems: string[] = [];
    for (const p of phrases) {
      const matches = support.stepDefinitions.filter((d) => d.matchesStepName(p));
      if (matches.length !== 1) problems.push(`${p}: ${matches.length} definitions match`);
    }
    expect(problems).toEqual([]);
  });
});
