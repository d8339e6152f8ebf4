/**
 * Runs one fuzzed history: perturbation (maybe), cluster, first workloads,
 * then the generated commands (fast-check model-based testing), then the
 * faults stop and the eventual invariants must come to hold and stay, and
 * (with eventual-stability) every workload must be as the commands left it,
 * the model's word for its desired state. Every safety invariant is checked
 * after every step.
 */
import fc from 'fast-check';
import { R, type ClusterOptions, type HorizontalPodAutoscaler } from '../engine/index.ts';
import { type ClusterConstraints, type ClusterSpec, clusterArb } from './arbitraries/cluster.ts';
import { type PerturbationSpec, maybePerturbationArb } from './arbitraries/perturbation.ts';
import { commandArbitraries } from './commands/registry.ts';
import { type Model, addWorkload, askedFor, initialModel, nodesIn } from './commands/model.ts';
import type { FuzzCommand } from './commands/types.ts';
import { applyWorkload } from './commands/workloads.ts';
import { FuzzHistory, HistoryFailure } from './history.ts';
import type { Invariant } from './invariants/types.ts';
import { invariantSteps } from './invariant-steps.ts';
import { durationWords, steps, type ScenarioStep } from './steps.ts';
import { abstractState } from './state.ts';
import { WORKLOAD_KINDS } from './workloads/registry.ts';

export interface FuzzOptions {
  invariants: readonly Invariant[];
  minNodes?: number;
  /** Most nodes at the start (joins may add two more); default 8. */
  maxNodes?: number;
  /** Most pods the workloads ask for together; default 40. */
  maxPods?: number;
  /** Most commands per history; default 12. */
  maxCommands?: number;
  /** Perturb the event loop in some histories; default true. */
  perturb?: boolean;
  /** Give some workloads PodDisruptionBudgets (and try drains, which budgets may refuse); default true. */
  pdbs?: boolean;
  /** Workload kinds to create (registry names: deployment, statefulset, daemonset, job); default all. */
  kinds?: readonly string[];
  /** Command kinds to use (registry names); default all. */
  commands?: readonly string[];
  /** Cluster options of every history (planted faults in tests). */
  cluster?: Partial<ClusterOptions>;
  /** Seed of every history's cluster; default 1, as `kubecuke test` uses. */
  clusterSeed?: number;
  /** Whether the first chunks of a campaign make smaller histories (campaign.ts chunkLimits); default true. */
  startSmall?: boolean;
  /** How long the eventual invariants may take to come to hold; default 15 minutes. */
  settleMs?: number;
  /** How long they must then keep holding; default 1 minute. */
  stayMs?: number;
}

export interface Scenario {
  cluster: ClusterSpec;
  perturbation?: PerturbationSpec;
  commands: Iterable<FuzzCommand>;
  /** Run the history twice and compare traces (the determinism invariant). */
  twice: boolean;
}

export interface HistoryStats {
  steps: number;
  changes: number;
  simulatedMs: number;
  states: string[];
}

function constraints(o: FuzzOptions): ClusterConstraints {
  return {
    minNodes: o.minNodes ?? 1,
    maxNodes: o.maxNodes ?? 8,
    maxPods: o.maxPods ?? 40,
    maxReplicas: Math.min(20, o.maxPods ?? 40),
    pdbs: o.pdbs ?? true,
    ...(o.kinds?.length ? { kinds: o.kinds } : {}),
  };
}

/** The arbitrary of whole histories. `replayPath` is fast-check's, for replaying a shrunk command list. */
export function scenarioArb(o: FuzzOptions, replayPath?: string): fc.Arbitrary<Scenario> {
  const c = constraints(o);
  const cmds = commandArbitraries({ maxReplicas: c.maxReplicas!, kinds: c.kinds ?? [...WORKLOAD_KINDS.keys()], pdbs: c.pdbs ?? true }, o.commands);
  const deterministic = o.invariants.some((i) => i.name === 'determinism');
  return fc.record({
    cluster: clusterArb(c),
    perturbation: o.perturb === false ? fc.constant(undefined) : maybePerturbationArb(),
    commands: fc.commands(cmds, { maxCommands: o.maxCommands ?? 12, size: 'max', ...(replayPath ? { replayPath } : {}) }),
    // One history in ten is run twice.
    twice: deterministic ? fc.nat({ max: 9 }).map((n) => n === 0) : fc.constant(false),
  });
}

/** Runs a history; throws HistoryFailure when an invariant breaks. */
export function runScenario(s: Scenario, o: FuzzOptions): HistoryStats {
  const h = new FuzzHistory({ seed: o.clusterSeed ?? 1, invariants: o.invariants, cluster: o.cluster });
  const states: string[] = [];
  const observe = () => states.push(abstractState(h.world));
  try {
    if (s.perturbation) h.do(steps.perturbed(s.perturbation));
    h.do(steps.cluster(s.cluster.nodes));
    const c = constraints(o);
    const model: Model = initialModel(s.cluster.nodes, c.maxPods!, (o.maxNodes ?? 8) + 2);
    for (const w of s.cluster.workloads) {
      h.do(applyWorkload(w));
      addWorkload(model, w);
      h.check();
    }
    observe();
    fc.modelRun(() => ({ model, real: h }), wrapObserving(s.commands, observe));
    settle(h, model, o);
    observe();
    const stats = { steps: h.steps.length, changes: h.changes, simulatedMs: h.world.cluster.clock.elapsed(), states };
    if (s.twice) sameTraceTwice(h, o);
    return stats;
  } finally {
    h.dispose();
  }
}

/** Faults stop, nodes come back, and the eventual invariants must come to hold and stay. */
function settle(h: FuzzHistory, model: Model, o: FuzzOptions): void {
  if (h.perturbation) h.do(steps.stopPerturbing());
  for (const n of nodesIn(model, 'down')) {
    h.do(steps.nodeComesBack(n.name));
    n.state = 'up';
  }
  h.check();
  const settleMs = o.settleMs ?? 15 * 60_000;
  const stayMs = o.stayMs ?? 60_000;
  if (h.eventual.length) {
    const names = h.eventual.map((i) => i.name);
    h.expect(invariantSteps.settles(names, settleMs, stayMs, durationWords), () => {
      // Blame the first that does not hold now; if all do, what they watch kept changing.
      const view = h.world.view();
      return h.eventual.find((i) => i.unsettled!(view).length)?.name ?? (names.includes('eventual-stability') ? 'eventual-stability' : names[0]);
    });
    // The desired state is what the commands asked for: each workload has it, whatever the cluster went through.
    if (names.includes('eventual-stability') && model.workloads.size) {
      const view = h.world.view();
      const autoscaled = new Set(view.list<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers, h.world.namespace).map((a) => a.spec.scaleTargetRef.name));
      const asked = askedFor(model, autoscaled);
      h.expect(steps.contains(() => asked), () => 'eventual-stability');
    }
  }
  h.check();
}

/** Calls `observe` after each command that ran. */
function wrapObserving(cmds: Iterable<FuzzCommand>, observe: () => void): Iterable<FuzzCommand> {
  const wrapped: FuzzCommand[] = [];
  for (const c of cmds) wrapped.push(c);
  return {
    [Symbol.iterator]: function* () {
      for (const c of wrapped) {
        yield {
          check: (m: Readonly<Model>) => c.check(m),
          run: (m: Model, r: FuzzHistory) => {
            c.run(m, r);
            observe();
          },
          toString: () => c.toString(),
        };
      }
    },
  };
}

/** The steps of `h`, run again on a fresh world, must give the same trace. */
function sameTraceTwice(h: FuzzHistory, o: FuzzOptions): void {
  const differ = (message: string) => new HistoryFailure([{ invariant: 'determinism', message }], [...h.steps]);
  let again: FuzzHistory;
  try {
    again = replaySteps(h.steps, o);
  } catch (e) {
    const why = e instanceof HistoryFailure ? e.violations.map((v) => v.message).join('; ') : (e as Error).message;
    throw differ(`the same steps failed the second time: ${why}`);
  }
  try {
    const a = h.world.cluster.trace.lines();
    const b = again.world.cluster.trace.lines();
    const n = Math.min(a.length, b.length);
    let i = 0;
    while (i < n && a[i] === b[i]) i++;
    if (i < n || a.length !== b.length) throw differ(`the same steps gave another trace: line ${i + 1} was "${a[i] ?? '(end)'}", then "${b[i] ?? '(end)'}"`);
  } finally {
    again.dispose();
  }
}

/** Runs recorded steps on a fresh history (no invariant checks): how a counterexample replays. */
export function replaySteps(list: readonly ScenarioStep[], o: FuzzOptions): FuzzHistory {
  const h = new FuzzHistory({ seed: o.clusterSeed ?? 1, invariants: [], cluster: o.cluster });
  for (const st of list) {
    if (st.keyword === 'Then') {
      try {
        st.run(h.world);
      } catch {
        // A failing check changes nothing it has not already run.
      }
      continue;
    }
    h.do(st);
  }
  return h;
}
