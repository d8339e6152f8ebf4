/**
 * A fuzzing campaign: many histories, in chunks of fast-check runs, each
 * chunk with its own seed derived from the campaign's, until the runs are
 * done, the time budget is spent (the wall clock decides only when to stop
 * generating; nothing inside a history reads it) or an invariant breaks.
 * A failure is shrunk by fast-check, replayable from its token, and written
 * as a feature file.
 */
import fc from 'fast-check';
import { type FuzzOptions, type Scenario, runScenario, scenarioArb } from './runner.ts';
import { HistoryFailure, crashText } from './history.ts';
import type { Violation } from './invariants/types.ts';
import type { ScenarioStep } from './steps.ts';
import { type ReplayToken, formatReplay } from './replay.ts';

export interface CampaignOptions extends FuzzOptions {
  /** Histories to generate; default 300. */
  runs?: number;
  /** Seed of the campaign; default 1. */
  seed?: number;
  /** Stop generating after this much wall-clock time, ms. */
  timeBudgetMs?: number;
  /** Histories per fast-check run (one seed each); default 20. */
  chunk?: number;
  /** Called after every history. */
  onProgress?(p: Progress): void;
  /** Reads the wall clock, for the time budget only (default performance.now). */
  now?(): number;
}

export interface Progress {
  histories: number;
  steps: number;
  changes: number;
  distinctStates: number;
  simulatedMs: number;
  wallMs: number;
}

export interface Failure {
  violations: Violation[];
  steps: ScenarioStep[];
  replay: ReplayToken;
  /** The limits of the chunk that found it, which replaying needs too. */
  limits: ChunkLimits;
  /** Shrinking steps fast-check took. */
  shrinks: number;
  /** Histories run before the first failure. */
  foundAfter: number;
  /** What the shrunk history was, in fast-check's words. */
  counterexample: string;
}

export interface CampaignResult extends Progress {
  failure?: Failure;
  /** Why generation stopped: all runs done, time budget spent, or a failure. */
  stopped: 'runs' | 'time' | 'failure';
}

/** What a chunk's histories may grow to. */
export interface ChunkLimits {
  maxNodes: number;
  maxPods: number;
  maxCommands: number;
}

/**
 * Histories start small and grow, as QuickCheck sizes them: the first
 * chunks have few nodes, pods and events, so that a fault a small history
 * shows is found (and shrunk) small; later chunks use the full limits.
 */
export function chunkLimits(o: FuzzOptions, index: number): ChunkLimits {
  const full = { maxNodes: o.maxNodes ?? 8, maxPods: o.maxPods ?? 40, maxCommands: o.maxCommands ?? 12 };
  const scale = o.startSmall === false ? 1 : index === 0 ? 0.25 : index === 1 ? 0.5 : 1;
  if (scale === 1) return full;
  const at = (n: number, least: number) => Math.max(Math.min(n, least), Math.ceil(n * scale));
  // Never fewer nodes than every history must have.
  return { maxNodes: Math.max(at(full.maxNodes, 2), Math.min(o.minNodes ?? 1, full.maxNodes)), maxPods: at(full.maxPods, 4), maxCommands: at(full.maxCommands, 2) };
}

/** The seed of chunk `i` of a campaign seeded `seed`. */
export function chunkSeed(seed: number, i: number): number {
  let x = (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca77)) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0;
  return (x ^ (x >>> 12)) & 0x7fffffff;
}

/** Counts what histories explored. */
export class Tally {
  readonly progress: Progress = { histories: 0, steps: 0, changes: 0, distinctStates: 0, simulatedMs: 0, wallMs: 0 };
  private readonly set = new Set<string>();
  constructor(private readonly started: number, private readonly now: () => number) {}
  /** The distinct states seen, for merging tallies. */
  states(): string[] {
    return [...this.set];
  }
  add(r: { steps: number; changes: number; simulatedMs: number; states: string[] }): void {
    const p = this.progress;
    p.histories++;
    p.steps += r.steps;
    p.changes += r.changes;
    p.simulatedMs += r.simulatedMs;
    for (const s of r.states) this.set.add(s);
    p.distinctStates = this.set.size;
    p.wallMs = this.now() - this.started;
  }
}

function property(o: FuzzOptions, tally: Tally, onProgress: ((p: Progress) => void) | undefined, replayPath?: string) {
  return fc.property(scenarioArb(o, replayPath), (s: Scenario) => {
    let steps = 0;
    try {
      const r = runScenario(s, o);
      steps = r.steps;
      tally.add(r);
    } catch (e) {
      if (e instanceof HistoryFailure) tally.add({ steps: e.steps.length, changes: 0, simulatedMs: 0, states: [] });
      throw e;
    } finally {
      void steps;
      onProgress?.(tally.progress);
    }
  });
}

function failureOf(details: fc.RunDetails<[Scenario]>, seed: number, foundAfter: number, limits: ChunkLimits): Failure {
  // An error outside any step is a bug of the fuzzer itself; it is reported like any other finding.
  const err = details.errorInstance instanceof HistoryFailure ? details.errorInstance : new HistoryFailure([{ invariant: 'crash', message: crashText(details.errorInstance) }], []);
  const cmds = String(details.counterexample?.[0]?.commands ?? '');
  const m = /replayPath=("(?:[^"\\]|\\.)*")/.exec(cmds);
  const commands = m ? (JSON.parse(m[1]) as string) : undefined;
  return {
    violations: err.violations,
    steps: err.steps,
    replay: { seed, path: details.counterexamplePath ?? '0', ...(commands ? { commands } : {}) },
    limits,
    shrinks: details.numShrinks,
    foundAfter,
    counterexample: cmds.replace(/\s*\/\*replayPath=.*\*\//, ''),
  };
}

/**
 * Runs chunk `index` of a campaign (its own seed, `numRuns` histories) into
 * `tally`; returns its failure, shrunk, if one broke an invariant.
 */
export function runChunk(o: FuzzOptions, seed: number, index: number, numRuns: number, tally: Tally, onProgress?: (p: Progress) => void): Failure | undefined {
  const s = chunkSeed(seed, index);
  const before = tally.progress.histories;
  const limits = chunkLimits(o, index);
  const details = fc.check(property({ ...o, ...limits }, tally, onProgress), { seed: s, numRuns });
  return details.failed ? failureOf(details, s, before + (details.numRuns ?? 0), limits) : undefined;
}

export function runCampaign(o: CampaignOptions): CampaignResult {
  const now = o.now ?? (() => performance.now());
  const started = now();
  const tally = new Tally(started, now);
  const runs = o.runs ?? 300;
  const chunk = Math.max(1, o.chunk ?? 20);
  const seed = o.seed ?? 1;
  for (let i = 0, done = 0; done < runs; i++) {
    if (o.timeBudgetMs !== undefined && now() - started >= o.timeBudgetMs) return { ...tally.progress, wallMs: now() - started, stopped: 'time' };
    const n = Math.min(chunk, runs - done);
    const failure = runChunk(o, seed, i, n, tally, o.onProgress);
    done += n;
    if (failure) return { ...tally.progress, wallMs: now() - started, stopped: 'failure', failure };
  }
  return { ...tally.progress, wallMs: now() - started, stopped: 'runs' };
}

/** Runs the one history a replay token names. Returns its failure, or undefined when it now passes. */
export function replay(o: FuzzOptions, token: ReplayToken): Failure | undefined {
  const tally = new Tally(0, () => 0);
  const details = fc.check(property(o, tally, undefined, token.commands), { seed: token.seed, path: token.path, endOnFailure: true });
  return details.failed ? failureOf(details, token.seed, 1, { maxNodes: o.maxNodes ?? 8, maxPods: o.maxPods ?? 40, maxCommands: o.maxCommands ?? 12 }) : undefined;
}

export { formatReplay };
