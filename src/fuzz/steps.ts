/**
 * The steps a fuzzed history is made of: each is a line of the step
 * vocabulary and the very thing its step definition does, so a history
 * replays as a feature file, request for request. Step definitions that
 * exist for the fuzzer (steps/fuzz.steps.ts) call these same functions.
 */
import { stringify } from 'yaml';
import type { KubeWorld } from '../harness/world.ts';
import type { ManifestObject } from '../kubectl/manifests.ts';
import { nodeComesBack, nodeDies, nodeJoins, nodeRemoved, nodesFromTable, requireNode } from '../harness/nodes.ts';
import { crashPod, deleteObject, runOrFail, setSchedule, setSuspend, triggerCronJob } from '../harness/actions.ts';
import { drainOnce, useResource } from '../harness/failures.ts';
import { UserError } from '../harness/errors.ts';
import { checkNow } from '../harness/time.ts';
import { clusterContains } from '../harness/contains.ts';
import { type PerturbationSpec, SeededPerturbation, parsePerturbation, perturbationText } from './arbitraries/perturbation.ts';
import { type NodeSpec, nodeTable } from './arbitraries/nodes.ts';
import { cpuText, memoryText } from './arbitraries/quantities.ts';

export type Keyword = 'Given' | 'When' | 'Then';

/** One step of a history: its Gherkin and what it does. */
export interface ScenarioStep {
  keyword: Keyword;
  text: string;
  docString?: string;
  table?: string[][];
  run(world: KubeWorld): void;
}

/** `Given the event loop is perturbed with "..."`: must come before the cluster exists. */
export function perturbEventLoop(world: KubeWorld, text: string): SeededPerturbation {
  if (world.hasCluster) throw new UserError('the event loop must be perturbed before the cluster is created: put this step before "Given a cluster ..."');
  let spec: PerturbationSpec;
  try {
    spec = parsePerturbation(text);
  } catch (e) {
    throw new UserError(`"${text}" is not a perturbation: ${(e as Error).message}`);
  }
  const p = new SeededPerturbation(spec);
  (world.clusterOptions as { perturbation?: SeededPerturbation }).perturbation = p;
  return p;
}

/** `When the event loop is no longer perturbed`. */
export function stopPerturbing(world: KubeWorld): void {
  const p = world.clusterOptions.perturbation;
  if (!(p instanceof SeededPerturbation)) throw new UserError('the event loop is not perturbed: there is no "Given the event loop is perturbed with ..." step before');
  p.stop();
}

/**
 * A step with a manifest doc string: `run` gets the objects `manifest` makes
 * (fresh ones at each call) as they are; the doc string, their YAML, is
 * written only when it is read (a counterexample's feature), and reads back
 * as the same objects (test/fuzz/steps.test.ts).
 */
function withManifest(keyword: Keyword, text: string, manifest: () => object[], run: (w: KubeWorld, objects: ManifestObject[]) => void): ScenarioStep {
  let yaml: string | undefined;
  return {
    keyword,
    text,
    get docString() {
      return (yaml ??= manifestText(manifest()));
    },
    run: (w) => run(w, w.inlineObjects(manifest())),
  };
}

export const steps = {
  perturbed: (spec: PerturbationSpec): ScenarioStep => {
    const text = perturbationText(spec);
    return { keyword: 'Given', text: `the event loop is perturbed with "${text}"`, run: (w) => void perturbEventLoop(w, text) };
  },
  cluster: (nodes: readonly NodeSpec[]): ScenarioStep => {
    const table = nodeTable(nodes);
    return {
      keyword: 'Given',
      text: 'a cluster with the following nodes:',
      table,
      run: (w) => {
        w.createCluster(nodesFromTable(table));
        w.useNamespace(w.namespace);
      },
    };
  },
  /** `When I apply the following manifest:` with the objects `manifest` makes. */
  apply: (manifest: () => object[]): ScenarioStep => withManifest('When', 'I apply the following manifest:', manifest, (w, objects) => void w.apply(objects)),
  scale: (kind: string, name: string, n: number): ScenarioStep => ({
    keyword: 'When',
    text: `I scale the ${kind} "${name}" to ${n} replica${n === 1 ? '' : 's'}`,
    run: (w) => void runOrFail(w, ['scale', kind, w.ref(name).name, `--replicas=${n}`, '-n', w.ref(name).namespace]),
  }),
  setImage: (kind: string, name: string, image: string): ScenarioStep => ({
    keyword: 'When',
    text: `I set the image of ${kind} "${name}" to "${image}"`,
    run: (w) => void runOrFail(w, ['set', 'image', `${kind}/${w.ref(name).name}`, `*=${image}`, '-n', w.ref(name).namespace]),
  }),
  rollBack: (kind: string, name: string): ScenarioStep => ({
    keyword: 'When',
    text: `I roll back the ${kind} "${name}"`,
    run: (w) => void runOrFail(w, ['rollout', 'undo', `${kind}/${w.ref(name).name}`, '-n', w.ref(name).namespace]),
  }),
  delete: (kind: string, name: string): ScenarioStep => ({ keyword: 'When', text: `I delete the ${kind} "${name}"`, run: (w) => deleteObject(w, kind, w.ref(name)) }),
  suspend: (kind: 'job' | 'cronjob', name: string, suspend: boolean): ScenarioStep => ({
    keyword: 'When',
    text: `I ${suspend ? 'suspend' : 'resume'} the ${kind} "${name}"`,
    run: (w) => setSuspend(w, kind, name, suspend),
  }),
  trigger: (cronjob: string): ScenarioStep => ({ keyword: 'When', text: `I trigger the cronjob "${cronjob}"`, run: (w) => triggerCronJob(w, cronjob) }),
  reschedule: (cronjob: string, schedule: string): ScenarioStep => ({
    keyword: 'When',
    text: `I set the schedule of the cronjob "${cronjob}" to "${schedule}"`,
    run: (w) => setSchedule(w, cronjob, schedule),
  }),
  deletePod: (name: string): ScenarioStep => ({
    keyword: 'When',
    text: `I delete pod "${name}"`,
    run: (w) => void runOrFail(w, ['delete', 'pod', w.ref(name).name, '-n', w.ref(name).namespace, '--wait=false']),
  }),
  nodeDies: (node: string): ScenarioStep => ({ keyword: 'When', text: `node "${node}" dies`, run: (w) => nodeDies(w, node) }),
  nodeComesBack: (node: string): ScenarioStep => ({ keyword: 'When', text: `node "${node}" comes back`, run: (w) => nodeComesBack(w, node) }),
  nodeRemoved: (node: string): ScenarioStep => ({ keyword: 'When', text: `node "${node}" is removed`, run: (w) => nodeRemoved(w, node) }),
  nodeJoins: (node: string, cpu: number, memory: number): ScenarioStep => ({
    keyword: 'When',
    text: `a node "${node}" with ${cpuText(cpu)} CPU and ${memoryText(memory)} memory joins the cluster`,
    run: (w) => nodeJoins(w, node, { cpu: cpuText(cpu), memory: memoryText(memory) }),
  }),
  drain: (node: string): ScenarioStep => ({
    keyword: 'When',
    text: `I drain node "${node}"`,
    run: (w) => {
      requireNode(w, node);
      runOrFail(w, ['drain', node, '--ignore-daemonsets']);
    },
  }),
  tryDrain: (node: string): ScenarioStep => ({ keyword: 'When', text: `I try to drain node "${node}"`, run: (w) => void drainOnce(w, node) }),
  uncordon: (node: string): ScenarioStep => ({
    keyword: 'When',
    text: `I uncordon node "${node}"`,
    run: (w) => {
      requireNode(w, node);
      runOrFail(w, ['uncordon', node]);
    },
  }),
  podCrashes: (pod: string): ScenarioStep => ({ keyword: 'When', text: `pod "${pod}" crashes`, run: (w) => crashPod(w, w.ref(pod), false) }),
  uses: (pod: string, container: string, resource: 'cpu' | 'memory', quantity: string): ScenarioStep => ({
    keyword: 'When',
    text: `container "${container}" of pod "${pod}" uses ${quantity} ${resource === 'cpu' ? 'CPU' : 'memory'}`,
    run: (w) => useResource(w, w.ref(pod), container, resource, quantity),
  }),
  pass: (ms: number): ScenarioStep => ({ keyword: 'When', text: `${durationWords(ms)} pass${ms === 60_000 || ms === 1000 ? 'es' : ''}`, run: (w) => w.cluster.advance(ms) }),
  /** `Then the cluster contains:` the partial objects `objects` makes. */
  contains: (objects: () => object[]): ScenarioStep =>
    withManifest('Then', 'the cluster contains:', objects, (w, parsed) => checkNow(w.cluster, clusterContains(parsed, w.namespace))),
  stopPerturbing: (): ScenarioStep => ({ keyword: 'When', text: 'the event loop is no longer perturbed', run: (w) => stopPerturbing(w) }),
};

/** Objects as a doc string shows them: YAML documents separated by `---`. */
export function manifestText(objects: readonly object[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** `5 minutes`, `1 minute`, `30 seconds`, `90 seconds`: as people write durations in steps. */
export function durationWords(ms: number): string {
  if (ms % 3_600_000 === 0) return ms === 3_600_000 ? '1 hour' : `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return ms === 60_000 ? '1 minute' : `${ms / 60_000} minutes`;
  if (ms % 1000 === 0) return ms === 1000 ? '1 second' : `${ms / 1000} seconds`;
  return `${ms}ms`;
}
