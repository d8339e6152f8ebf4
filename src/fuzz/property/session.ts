/**
 * Properties in Gherkin. A scenario tagged @property does not run its steps
 * once: each step is recorded as it comes, and at the last one the whole
 * scenario runs through fast-check, `runs` times, each time on a fresh
 * world, the "any" steps drawing their values from fast-check's generator
 * (so that a failure shrinks to the smallest values that still fail). The
 * failure message gives the smallest counterexample as plain steps, and it
 * is written as a feature file into reports/counterexamples/.
 */
import fc from 'fast-check';
import { basename, relative } from 'node:path';
import type { KubeWorld } from '../../harness/world.ts';
import { CheckFailed, UserError } from '../../harness/errors.ts';
import { detachedWorld } from '../history.ts';
import type { ScenarioStep } from '../steps.ts';
import { renderSteps, writeCounterexample } from '../counterexample.ts';
import type { NodeSpec } from '../arbitraries/nodes.ts';
import type { PropertyTag } from './tags.ts';

/** A step as the scenario wrote it. */
export interface WrittenStep {
  keyword: string;
  /** Cucumber's step type: Context (Given), Action (When), Outcome (Then). */
  type: string;
  text: string;
  docString?: string;
  table?: string[][];
  docStringLine?: number;
}

interface Recorded {
  step: WrittenStep;
  fn: (...args: unknown[]) => unknown;
  args: unknown[];
}

/** What one run of a property knows: its generator and the concrete steps it stands for. */
export interface PropertyRun {
  draw: fc.GeneratorValue;
  /** The steps as they would be written without "any": the counterexample. */
  concrete: ScenarioStep[];
  nodes?: NodeSpec[];
  deployment?: string;
}

const sessions = new WeakMap<KubeWorld, PropertySession>();
const runs = new WeakMap<KubeWorld, PropertyRun>();

/** The run a world is part of, when it runs inside a property. */
export function propertyRun(world: KubeWorld): PropertyRun | undefined {
  return runs.get(world);
}

/** The recording session of a scenario world, while it records. */
export function recording(world: unknown): PropertySession | undefined {
  return sessions.get(world as KubeWorld);
}

export function startProperty(world: KubeWorld, tag: PropertyTag, steps: number, where: string): void {
  sessions.set(world, new PropertySession(world, tag, steps, where));
}

const KEYWORD: Record<string, ScenarioStep['keyword']> = { Context: 'Given', Action: 'When', Outcome: 'Then' };

function writtenAsScenarioStep(s: WrittenStep): ScenarioStep {
  return { keyword: KEYWORD[s.type] ?? 'Given', text: s.text, docString: s.docString, table: s.table, run: () => {} };
}

export class PropertySession {
  private readonly recorded: Recorded[] = [];
  private current?: WrittenStep;

  constructor(
    private readonly world: KubeWorld,
    private readonly tag: PropertyTag,
    private readonly total: number,
    private readonly where: string,
  ) {}

  /** The step about to run (from BeforeStep). */
  begin(step: WrittenStep): void {
    this.current = step;
  }

  /** Records a step instead of running it; at the last step, runs the property. */
  record(fn: (...args: unknown[]) => unknown, args: unknown[]): void {
    if (!this.current) throw new Error('a property step ran outside a step');
    this.recorded.push({ fn, args, step: this.current });
    if (this.recorded.length === this.total) {
      sessions.delete(this.world);
      this.run();
    }
  }

  private runOnce(draw: fc.GeneratorValue): { run: PropertyRun; error?: unknown } {
    const sub = detachedWorld(this.world.parameters);
    sub.featureUri = this.world.featureUri;
    const run: PropertyRun = { draw, concrete: [] };
    runs.set(sub, run);
    let previous = '';
    try {
      for (const r of this.recorded) {
        if (r.step.type === 'Action' && previous !== 'Action') sub.markHistory();
        previous = r.step.type;
        sub.docStringLine = r.step.docStringLine;
        const before = run.concrete.length;
        if (sub.hasCluster) sub.cluster.trace.record({ kind: 'step', at: sub.cluster.clock.now(), text: r.step.text });
        r.fn.apply(sub, r.args);
        // Steps that drew nothing stand for themselves.
        if (run.concrete.length === before) run.concrete.push(writtenAsScenarioStep(r.step));
      }
      return { run };
    } catch (error) {
      if (run.concrete.length < this.recorded.length) run.concrete.push(writtenAsScenarioStep(this.recorded[run.concrete.length]?.step ?? this.recorded[this.recorded.length - 1].step));
      return { run, error };
    } finally {
      sub.dispose();
    }
  }

  private run(): void {
    let lastFailure: { run: PropertyRun; error: unknown } | undefined;
    const seed = this.tag.seed ?? this.world.seed;
    const details = fc.check(
      fc.property(fc.gen(), (g) => {
        const r = this.runOnce(g);
        if (r.error !== undefined) {
          lastFailure = { run: r.run, error: r.error };
          throw r.error;
        }
      }),
      { numRuns: this.tag.runs, seed, ...(this.tag.path ? { path: this.tag.path, endOnFailure: true } : {}) },
    );
    if (!details.failed) return;
    if (!lastFailure) throw details.errorInstance instanceof Error ? details.errorInstance : new Error(String(details.errorInstance));
    const err = lastFailure.error;
    if (!(err instanceof UserError)) throw err;
    const steps = lastFailure.run.concrete;
    const file = writeCounterexample(
      { violations: [{ invariant: 'property', message: err.message }], steps, origin: `the property at ${this.where}`, title: `smallest counterexample to ${this.where}` },
      `${basename(this.where.replace(/:\d+$/, ''), '.feature')}-${this.where.replace(/^.*:/, '')}`,
    );
    const text = renderSteps(steps, '    ').join('\n');
    throw new CheckFailed(
      `the property failed after ${details.numRuns} of ${this.tag.runs} runs (seed ${seed}, path ${details.counterexamplePath}), shrunk ${details.numShrinks} times.\n` +
        `Smallest counterexample:\n${text}\n\n${err.message}\n\n` +
        `It is written to ${relative(process.cwd(), file)}; to replay this run, tag the scenario @property(seed=${seed}, path=${details.counterexamplePath}).`,
    );
  }
}

/** Draws a value in a property run; outside one, says how to use "any" steps. */
export function draw<T, A extends unknown[]>(world: KubeWorld, step: string, arb: (...args: A) => fc.Arbitrary<T>, ...args: A): T {
  const run = runs.get(world);
  if (!run) throw new UserError(`"${step}" chooses at random: it works in scenarios tagged @property (or @property(runs=200))`);
  return run.draw(arb, ...args);
}
