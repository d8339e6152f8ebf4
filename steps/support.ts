/**
 * Wiring of the step vocabulary into Cucumber: the World, the parameter
 * types of STEPS.md, the hooks, and `defineCheck`, which registers a check
 * with its time-qualified forms ("within D", "for D", "at all times").
 */
import { After, AfterStep, Before, BeforeStep, Then, defineParameterType, setDefaultTimeout, setDefinitionFunctionWrapper, setWorldConstructor } from '@cucumber/cucumber';
import { KubeWorld, SCENARIO_ATTACHMENT } from '../src/harness/world.ts';
import { DURATION_PATTERN, KIND_PATTERN, QUANTITY_PATTERN, WORKLOAD_PATTERN, parseQuantityParam, parseStepDuration, type WorkloadKind, type WorkloadParam } from '../src/harness/params.ts';
import { checkAtAllTimes, checkFor, checkNow, checkWithin } from '../src/harness/time.ts';
import type { Check } from '../src/harness/checks.ts';
import { formatOffset } from '../src/engine/index.ts';
import { propertyTag } from '../src/fuzz/property/tags.ts';
import { forUser } from '../src/harness/errors.ts';
import { recording, startProperty } from '../src/fuzz/property/session.ts';

setWorldConstructor(KubeWorld);
// Scenarios run on simulated time; a wall-clock limit only guards against bugs.
setDefaultTimeout(120_000);

defineParameterType({ name: 'duration', regexp: DURATION_PATTERN, transformer: (s: string) => parseStepDuration(s) });
defineParameterType({ name: 'quantity', regexp: QUANTITY_PATTERN, transformer: (s: string) => parseQuantityParam(s) });
defineParameterType({
  name: 'workload',
  regexp: WORKLOAD_PATTERN,
  transformer: (kind: string, name: string): WorkloadParam => ({ kind: kind as WorkloadKind, name }),
});
defineParameterType({ name: 'kind', regexp: KIND_PATTERN, transformer: (s: string) => s, useForSnippets: false });
defineParameterType({ name: 'phase', regexp: /pending|running|succeeded|failed/, transformer: (s: string) => s });
defineParameterType({ name: 'claimPhase', regexp: /bound|pending|lost/, transformer: (s: string) => s, useForSnippets: false });
defineParameterType({ name: 'probe', regexp: /readiness|liveness|startup/, transformer: (s: string) => s });

const scenarioLines = new WeakMap<KubeWorld, number | undefined>();
/** Hooks, which run as they are even in property scenarios. */
const HOOKS = new WeakSet<object>();
function hook<F extends object>(fn: F): F {
  HOOKS.add(fn);
  return fn;
}

// In a scenario tagged @property, steps are recorded rather than run; the last one runs them all through fast-check.
setDefinitionFunctionWrapper((fn: (...args: unknown[]) => unknown) => {
  if (HOOKS.has(fn)) return fn;
  return function (this: KubeWorld, ...args: unknown[]) {
    const session = recording(this);
    if (session) return session.record(fn, args);
    try {
      const out = fn.apply(this, args);
      return out instanceof Promise ? out.catch((e: unknown) => Promise.reject(forUser(e))) : out;
    } catch (e) {
      throw forUser(e);
    }
  };
});
/** Line of each step's doc string, by step id, for messages about inline manifests. */
const docStringLines = new WeakMap<KubeWorld, Map<string, number>>();

Before(hook(function (this: KubeWorld, { pickle, gherkinDocument }) {
  this.featureUri = pickle.uri;
  const lines = new Map<string, number>();
  const visit = (steps: ReadonlyArray<{ id: string; docString?: { location: { line: number } } }>) => {
    for (const st of steps) if (st.docString) lines.set(st.id, st.docString.location.line);
  };
  for (const c of gherkinDocument.feature?.children ?? []) {
    if (c.background) visit(c.background.steps);
    if (c.scenario) visit(c.scenario.steps);
    for (const rc of c.rule?.children ?? []) {
      if (rc.background) visit(rc.background.steps);
      if (rc.scenario) visit(rc.scenario.steps);
    }
  }
  docStringLines.set(this, lines);
  const id = pickle.astNodeIds[0];
  const children = gherkinDocument.feature?.children ?? [];
  const scenarios = children.flatMap((c) => (c.scenario ? [c.scenario] : c.rule ? c.rule.children.flatMap((r) => (r.scenario ? [r.scenario] : [])) : []));
  const line = scenarios.find((s) => s.id === id)?.location.line;
  scenarioLines.set(this, line);
  const property = propertyTag(pickle.tags.map((t) => t.name), `${pickle.uri}:${line ?? 0}`);
  if (property) startProperty(this, property, pickle.steps.length, `${pickle.uri}:${line ?? 0}`);
}));

let previousWasAction = false;
BeforeStep(hook(function (this: KubeWorld, { pickleStep }) {
  // The first step of a run of When steps is where "at all times" looks back to.
  this.docStringLine = pickleStep.astNodeIds.map((id) => docStringLines.get(this)?.get(id)).find((l) => l !== undefined);
  const action = pickleStep.type === 'Action';
  if (action && !previousWasAction) this.markHistory();
  previousWasAction = action;
  if (this.hasCluster) this.cluster.trace.record({ kind: 'step', at: this.cluster.clock.now(), text: pickleStep.text });
  recording(this)?.begin({
    keyword: pickleStep.type === 'Action' ? 'When' : pickleStep.type === 'Outcome' ? 'Then' : 'Given',
    type: pickleStep.type ?? 'Context',
    text: pickleStep.text,
    docString: pickleStep.argument?.docString?.content,
    table: pickleStep.argument?.dataTable?.rows.map((r) => r.cells.map((c) => c.value)),
    docStringLine: this.docStringLine,
  });
}));

AfterStep(hook(function (this: KubeWorld, { result }) {
  if (result.status === 'FAILED' && this.hasCluster) {
    this.attach(`simulated time: ${formatOffset(this.cluster.clock.now())}`, 'text/plain');
  }
}));

After(hook(function (this: KubeWorld) {
  previousWasAction = false;
  const summary = this.summary();
  if (summary) this.attach(JSON.stringify(summary), SCENARIO_ATTACHMENT);
  this.writeTrace(scenarioLines.get(this));
  this.dispose();
}));

/** Step arguments, typed by each step's own parameter list. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StepArgs = any[];

/** Gives a wrapper the arity Cucumber expects of a step function with `n` parameters. */
function withArity<F extends (...args: StepArgs) => unknown>(fn: F, n: number): F {
  Object.defineProperty(fn, 'length', { value: n });
  return fn;
}

/**
 * Registers `expression` as a check, and its forms "within {duration} ...",
 * "for {duration} ..." and "at all times ...". `make` turns the step's
 * arguments into a Check.
 */
export function defineCheck(expression: string, arity: number, make: (world: KubeWorld, ...args: StepArgs) => Check): void {
  Then(
    expression,
    withArity(function (this: KubeWorld, ...args: StepArgs) {
      checkNow(this.cluster, make(this, ...args));
    }, arity),
  );
  Then(
    `within {duration} ${expression}`,
    withArity(function (this: KubeWorld, ms: number, ...args: StepArgs) {
      checkWithin(this.cluster, make(this, ...args), ms);
    }, arity + 1),
  );
  Then(
    `for {duration} ${expression}`,
    withArity(function (this: KubeWorld, ms: number, ...args: StepArgs) {
      checkFor(this.cluster, make(this, ...args), ms);
    }, arity + 1),
  );
  Then(
    `at all times ${expression}`,
    withArity(function (this: KubeWorld, ...args: StepArgs) {
      checkAtAllTimes(this.cluster, this.marker, make(this, ...args));
    }, arity),
  );
}

/** Registers a check that only makes sense over history ("at all times ... were ..."). */
export function defineHistoryCheck(expression: string, arity: number, make: (world: KubeWorld, ...args: StepArgs) => Check): void {
  Then(
    expression,
    withArity(function (this: KubeWorld, ...args: StepArgs) {
      checkAtAllTimes(this.cluster, this.marker, make(this, ...args));
    }, arity),
  );
}
