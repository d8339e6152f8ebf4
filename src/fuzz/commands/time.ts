/** Time passes: the cluster runs on, with heartbeats, timeouts, backoffs and evictions. */
import fc from 'fast-check';
import { steps } from '../steps.ts';
import type { FuzzHistory } from '../history.ts';
import type { Model } from './model.ts';
import type { CommandKind, FuzzCommand } from './types.ts';

/** 10 s to 6 min 30 s: past the node grace period (50 s) and the default toleration of unreachable nodes (5 min). */
export const DURATIONS = [10_000, 30_000, 60_000, 120_000, 390_000] as const;

export class TimePasses implements FuzzCommand {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  run(_m: Model, h: FuzzHistory): void {
    h.do(steps.pass(this.ms));
    h.check();
  }
  toString(): string {
    return `TimePasses(${this.ms / 1000}s)`;
  }
}

export const TIME_COMMANDS: readonly CommandKind[] = [{ name: 'time-passes', arbitrary: () => fc.constantFrom(...DURATIONS).map((ms) => new TimePasses(ms)) }];
