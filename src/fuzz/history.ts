/**
 * One fuzzed history: a fresh world (as a scenario has), the steps run so
 * far (they become the counterexample feature), and the checker that holds
 * every safety invariant against every change since the first action.
 */
import { LivelockError, type ClusterOptions } from '../engine/index.ts';
import { KubeWorld, type KubecukeParameters } from '../harness/world.ts';
import { UserError } from '../harness/errors.ts';
import type { ScenarioStep } from './steps.ts';
import { HistoryChecker, startOf } from './invariants/checker.ts';
import type { Invariant, Violation } from './invariants/types.ts';
import { SeededPerturbation, judgement } from './arbitraries/perturbation.ts';

/** A history broke an invariant (or a step failed): the property fails with this. */
export class HistoryFailure extends Error {
  constructor(
    readonly violations: Violation[],
    /** The steps that led to it, ending with the check that failed. */
    readonly steps: ScenarioStep[],
  ) {
    super(violations.map((v) => `[${v.invariant}] ${v.message}`).join('\n'));
    this.name = 'HistoryFailure';
  }
}

export interface HistoryOptions {
  /** Seed of the cluster (one seed, one history). */
  seed: number;
  invariants: readonly Invariant[];
  /** Cluster options of the run (planted faults in tests). */
  cluster?: Partial<ClusterOptions>;
}

const noop = () => {};

/** An unexpected error, with where it was thrown. */
export function crashText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 4).map((l) => l.trim());
  return `${e.name}: ${e.message}${frames.length ? ` (${frames.join(' < ')})` : ''}`;
}

/** A world outside Cucumber: the same class, with nowhere to attach reports. */
export function detachedWorld(parameters: KubecukeParameters): KubeWorld {
  return new KubeWorld({ attach: noop as never, log: noop, link: noop, parameters });
}

export class FuzzHistory {
  readonly world: KubeWorld;
  readonly steps: ScenarioStep[] = [];
  private checker?: HistoryChecker;
  readonly safety: readonly Invariant[];
  readonly eventual: readonly Invariant[];

  constructor(readonly options: HistoryOptions) {
    // Components' writes are not schema-checked while fuzzing (ClusterOptions.checkComponentWrites).
    this.world = detachedWorld({ seed: options.seed, cluster: { checkComponentWrites: false, ...options.cluster } });
    this.safety = options.invariants.filter((i) => i.kind === 'safety');
    this.eventual = options.invariants.filter((i) => i.kind === 'eventual');
  }

  get perturbation(): SeededPerturbation | undefined {
    const p = this.world.clusterOptions.perturbation;
    return p instanceof SeededPerturbation ? p : undefined;
  }

  /** Store changes checked so far. */
  get changes(): number {
    return this.checker?.changes ?? 0;
  }

  /** Runs a step as its step definition would; the first action starts the checked history. */
  do(step: ScenarioStep): void {
    this.steps.push(step);
    if (step.keyword === 'When' && !this.checker) {
      this.world.markHistory();
      this.checker = new HistoryChecker(this.world.cluster, this.safety, startOf(this.world.cluster), judgement(this.perturbation));
    }
    try {
      step.run(this.world);
    } catch (e) {
      throw this.failure(e, step);
    }
  }

  /** Runs a check step; its failure is a violation of the invariant `blame` names. */
  expect(step: ScenarioStep, blame: () => string): void {
    this.steps.push(step);
    try {
      step.run(this.world);
    } catch (e) {
      if (e instanceof UserError) throw new HistoryFailure([{ invariant: blame(), message: e.message, at: this.world.cluster.clock.now() }], [...this.steps]);
      throw this.failure(e, step);
    }
  }

  /** Checks the safety invariants against everything that happened since the last check. */
  check(): void {
    if (!this.checker) return;
    const v = this.checker.advance();
    if (v.length) throw new HistoryFailure(v, [...this.steps]);
  }

  private failure(e: unknown, step: ScenarioStep): Error {
    if (e instanceof HistoryFailure) return e;
    const at = this.world.hasCluster ? this.world.cluster.clock.now() : undefined;
    if (e instanceof LivelockError) return new HistoryFailure([{ invariant: 'livelock', message: e.message, at }], [...this.steps]);
    if (e instanceof UserError) return new HistoryFailure([{ invariant: 'step-failed', message: `${step.keyword} ${step.text}: ${e.message}`, at }], [...this.steps]);
    // Anything else thrown while a step ran is a crash of the engine (or the harness): a finding too.
    return new HistoryFailure([{ invariant: 'crash', message: `${step.keyword} ${step.text}: ${crashText(e)}`, at }], [...this.steps]);
  }

  dispose(): void {
    this.checker?.dispose();
    this.world.dispose();
  }
}
