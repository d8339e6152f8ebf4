/**
 * `Then the invariant "NAME" holds` and its time-qualified forms, for
 * features (counterexamples among them) and fuzzed histories alike.
 *
 * - A safety invariant is checked over the history since the action under
 *   test began (the first When step of the latest run of them), change by
 *   change, as "at all times" looks back.
 * - An eventual invariant is checked on the current state; "within D" lets
 *   time pass until it holds, "for D" requires it at every change for D.
 */
import { formatOffset } from '../engine/index.ts';
import type { KubeWorld } from '../harness/world.ts';
import { CheckFailed, UserError } from '../harness/errors.ts';
import { humanDuration } from '../harness/params.ts';
import { liveView } from '../harness/view.ts';
import { HistoryChecker, startOf } from './invariants/checker.ts';
import { INVARIANTS, UnknownInvariant, resolveInvariants } from './invariants/registry.ts';
import type { Invariant } from './invariants/types.ts';
import { judgement } from './arbitraries/perturbation.ts';
import type { ScenarioStep } from './steps.ts';

function invariantNamed(name: string): Invariant {
  try {
    return resolveInvariants([name])[0];
  } catch (e) {
    if (e instanceof UnknownInvariant) throw new UserError(e.message);
    throw e;
  }
}

function list(problems: readonly string[]): string {
  const shown = problems.slice(0, 12).map((p) => `  - ${p}`);
  if (problems.length > 12) shown.push(`  - ... and ${problems.length - 12} more`);
  return shown.join('\n');
}


/** `Then the invariant "NAME" holds`. */
export function checkInvariant(world: KubeWorld, name: string): void {
  const inv = invariantNamed(name);
  const cluster = world.cluster;
  if (inv.kind === 'meta') throw new UserError(`the invariant "${name}" is about whole histories (run the same one twice): it cannot be checked inside a scenario`);
  if (inv.kind === 'eventual') {
    const problems = inv.unsettled!(liveView(cluster));
    if (problems.length) throw new CheckFailed(`the invariant "${name}" does not hold at ${formatOffset(cluster.clock.now())}: ${inv.summary}\n${list(problems)}`);
    return;
  }
  const start = world.marker ?? startOf(cluster);
  const checker = new HistoryChecker(cluster, [inv], start, judgement(world.clusterOptions.perturbation));
  try {
    // A watch the checker starts from the past is delivered at this instant.
    cluster.settle();
    const v = checker.advance();
    if (v.length) {
      throw new CheckFailed(
        `the invariant "${name}" was broken since ${formatOffset(start.at)}: ${inv.summary}\n${list(v.map((x) => (x.at !== undefined ? `at ${formatOffset(x.at)}: ${x.message}` : x.message)))}`,
      );
    }
  } finally {
    checker.dispose();
  }
}

function eventualNamed(names: readonly string[]): Invariant[] {
  return names.map((name) => {
    const inv = invariantNamed(name);
    if (inv.kind !== 'eventual') {
      throw new UserError(
        `"within ... holds for ..." applies to invariants that must come to hold (${[...INVARIANTS.values()].filter((i) => i.kind === 'eventual').map((i) => i.name).join(', ')}); ` +
          `"${name}" is checked over the whole history: write Then the invariant "${name}" holds`,
      );
    }
    return inv;
  });
}

/** Names from `"a, b"`. */
export function invariantNames(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * `Then within D the invariants "A, B" hold for S`: some time within D from
 * now, every one of them holds and keeps holding, with nothing they watch
 * changing, for S. Evaluated at every change of the store (they judge
 * states, and the state is all they read).
 */
export function checkSettles(world: KubeWorld, names: readonly string[], withinMs: number, forMs: number): void {
  const invs = eventualNamed(names);
  const cluster = world.cluster;
  const deadline = cluster.clock.now() + withinMs;
  let revision = -1;
  let problems: string[] = [];
  let print = '';
  let since: number | undefined;
  for (;;) {
    if (cluster.store.revision !== revision) {
      revision = cluster.store.revision;
      const view = liveView(cluster);
      problems = invs.flatMap((inv) => inv.unsettled!(view).map((p) => `[${inv.name}] ${p}`));
      const next = invs.map((inv) => inv.fingerprint?.(view) ?? '').join('\n');
      if (problems.length || next !== print) since = undefined;
      print = next;
      if (!problems.length && since === undefined) since = cluster.clock.now();
    }
    if (since !== undefined && cluster.clock.now() - since >= forMs) return;
    // Holding must begin within the deadline: what keeps changing past it never comes to hold.
    const late = since !== undefined && since > deadline;
    const limit = since !== undefined ? since + forMs : deadline;
    if (late || !cluster.clock.step(limit)) {
      if (!late) cluster.clock.advanceTo(limit);
      if (since !== undefined && !late) continue;
      const which = names.length === 1 ? `the invariant "${names[0]}" did` : `the invariants ${names.map((n) => `"${n}"`).join(', ')} did`;
      throw new CheckFailed(
        `${which} not come to hold for ${humanDuration(forMs)} within ${humanDuration(withinMs)} (at ${formatOffset(cluster.clock.now())}): ${invs.map((i) => i.summary).join('; ')}\n` +
          (problems.length ? list(problems) : '  - what they watch kept changing'),
      );
    }
  }
}

export const invariantSteps = {
  holds: (name: string): ScenarioStep => ({ keyword: 'Then', text: `the invariant "${name}" holds`, run: (w) => checkInvariant(w, name) }),
  settles: (names: readonly string[], withinMs: number, forMs: number, words: (ms: number) => string): ScenarioStep => ({
    keyword: 'Then',
    text: names.length === 1 ? `within ${words(withinMs)} the invariant "${names[0]}" holds for ${words(forMs)}` : `within ${words(withinMs)} the invariants "${names.join(', ')}" hold for ${words(forMs)}`,
    run: (w) => checkSettles(w, names, withinMs, forMs),
  }),
};
