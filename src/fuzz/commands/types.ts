/**
 * Commands: the events of a fuzzed history (fast-check model-based
 * testing). Each checks its precondition on the model, runs as steps of the
 * vocabulary on the cluster, updates the model, and then has the history
 * check every safety invariant on what happened.
 */
import type fc from 'fast-check';
import type { Model } from './model.ts';
import type { FuzzHistory } from '../history.ts';

export type FuzzCommand = fc.Command<Model, FuzzHistory>;

/** What command arbitraries may depend on. */
export interface CommandContext {
  /** Most pods one workload may ask for. */
  maxReplicas: number;
  /** Workload kinds that may be created (registry names). */
  kinds: readonly string[];
  /** Whether workloads come with PodDisruptionBudgets. */
  pdbs: boolean;
}

/** A kind of command, as the registry holds them. */
export interface CommandKind {
  readonly name: string;
  /** How often histories draw it, relative to the other kinds (default 1). */
  readonly weight?: number;
  arbitrary(ctx: CommandContext): fc.Arbitrary<FuzzCommand>;
}

/** `list[i mod n]`, so that shrinking an index keeps it meaningful. */
export function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length];
}

/** A command on one of the things of the model that can take it (a node, a workload); the index picks among those. */
export abstract class OnOne<T> implements FuzzCommand {
  constructor(readonly index: number) {}
  protected abstract candidates(m: Readonly<Model>): T[];
  protected abstract act(target: T, h: FuzzHistory): void;
  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }
  run(m: Model, h: FuzzHistory): void {
    this.act(pick(this.candidates(m), this.index), h);
    h.check();
  }
  toString(): string {
    return `${this.constructor.name}(#${this.index})`;
  }
}
