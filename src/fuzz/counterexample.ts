/**
 * A failed history as a feature file: the plain steps that rebuild the
 * smallest cluster and event list that break the invariant, ending with the
 * check that fails. It runs with `kubecuke test`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ScenarioStep } from './steps.ts';
import type { Violation } from './invariants/types.ts';
import { invariantSteps } from './invariant-steps.ts';
import { INVARIANTS } from './invariants/registry.ts';

export interface CounterexampleInfo {
  violations: readonly Violation[];
  steps: readonly ScenarioStep[];
  /** `kubecuke fuzz ...` that replays it. */
  replay?: string;
  /** Extra arguments `kubecuke test` needs (a seed other than 1, world parameters). */
  testArgs?: string;
  /** Where it comes from, when not from `kubecuke fuzz` (a @property scenario). */
  origin?: string;
  /** The scenario's title; default the first violation. */
  title?: string;
}

function table(rows: string[][], indent: string): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `${indent}| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`);
}

/** The steps to write: those run, plus the check of each broken safety invariant when the last step is not a check already. */
export function counterexampleSteps(info: CounterexampleInfo): ScenarioStep[] {
  const out = [...info.steps];
  for (const name of new Set(info.violations.map((v) => v.invariant))) {
    if (INVARIANTS.get(name)?.kind !== 'safety') continue;
    const check = invariantSteps.holds(name);
    if (out[out.length - 1]?.text !== check.text) out.push(check);
  }
  return out;
}

/** Steps as a feature writes them: And for a repeated keyword, tables padded, doc strings fenced. */
export function renderSteps(steps: readonly ScenarioStep[], indent: string): string[] {
  const lines: string[] = [];
  let previous = '';
  for (const st of steps) {
    lines.push(`${indent}${st.keyword === previous ? 'And' : st.keyword} ${st.text}`);
    previous = st.keyword;
    if (st.table) lines.push(...table(st.table, `${indent}  `));
    if (st.docString !== undefined) {
      lines.push(`${indent}  """yaml`);
      for (const l of st.docString.replace(/\n$/, '').split('\n')) lines.push(l ? `${indent}  ${l}` : '');
      lines.push(`${indent}  """`);
    }
  }
  return lines;
}

export function featureText(info: CounterexampleInfo): string {
  const names = [...new Set(info.violations.map((v) => v.invariant))];
  const first = info.violations[0];
  const lines: string[] = [];
  if (info.origin) lines.push(`# The smallest counterexample found to ${info.origin}.`);
  else {
    lines.push('# A counterexample found by `kubecuke fuzz`: the smallest history it found that breaks');
    lines.push(`# ${names.map((n) => `"${n}"`).join(', ')}.`);
  }
  if (info.replay) lines.push(`# Replay the fuzzed history: ${info.replay}`);
  lines.push(`# Run this feature:        kubecuke test <this file>${info.testArgs ? ` ${info.testArgs}` : ''}`);
  if (names.includes('determinism')) lines.push('# Determinism: run it twice with --trace <dir> and compare the traces.');
  lines.push(`Feature: Counterexample to ${info.origin ?? names.map((n) => `"${n}"`).join(', ')}`);
  for (const inv of names) {
    const i = INVARIANTS.get(inv);
    if (i) lines.push(`  ${inv}: ${i.summary}.`);
  }
  lines.push('  What broke:');
  for (const v of info.violations.slice(0, 5)) lines.push(`    ${v.message.split('\n')[0]}`);
  lines.push('');
  lines.push(`  Scenario: ${(info.title ?? first?.message.split('\n')[0] ?? 'counterexample').replace(/\s+/g, ' ').slice(0, 160)}`);
  lines.push(...renderSteps(counterexampleSteps(info), '    '));
  return `${lines.join('\n')}\n`;
}

/** Writes the feature into `dir` (default reports/counterexamples), named after the invariant and a tag; returns its path. */
export function writeCounterexample(info: CounterexampleInfo, tag: string, dir = 'reports/counterexamples'): string {
  const name = [...new Set(info.violations.map((v) => v.invariant))].join('+') || 'counterexample';
  mkdirSync(resolve(dir), { recursive: true });
  const path = resolve(dir, `${name}-${tag.replace(/[^A-Za-z0-9_-]+/g, '_')}.feature`);
  writeFileSync(path, featureText(info));
  return path;
}
