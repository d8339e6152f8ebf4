/**
 * The "any" steps: each draws what it needs from the property run's
 * generator, does what the concrete step would, and records the concrete
 * step for the counterexample.
 */
import fc from 'fast-check';
import { R, type Deployment, type Pod } from '../../engine/index.ts';
import type { KubeWorld } from '../../harness/world.ts';
import { UserError } from '../../harness/errors.ts';
import type { WorkloadParam } from '../../harness/params.ts';
import { podsOf } from '../../harness/workloads.ts';
import { nodesArb } from '../arbitraries/nodes.ts';
import { fittingDeploymentArb } from '../arbitraries/fitting.ts';
import { deploymentKind } from '../workloads/deployment.ts';
import { manifestYaml } from '../commands/workloads.ts';
import { steps, type ScenarioStep } from '../steps.ts';
import { draw, propertyRun } from './session.ts';

/** Builders are module functions so that fast-check recognises them from run to run and can shrink what they drew. */
function clusterNodes(min: number, max: number) {
  return nodesArb({ minNodes: min, maxNodes: max, taints: false });
}

function deploymentOf(name: string, min: number, max: number) {
  return deploymentKind.arbitrary(name, { maxReplicas: max, minReplicas: min });
}

const oneOf = (items: string[]) => fc.constantFrom(...items);

function perform(world: KubeWorld, step: ScenarioStep): void {
  propertyRun(world)!.concrete.push(step);
  step.run(world);
}

export function anyCluster(world: KubeWorld, text: string, min: number, max: number): void {
  if (min < 1 || max < min) throw new UserError(`"${text}": write a range of at least 1 node, smallest first`);
  const nodes = draw(world, text, clusterNodes, min, max);
  propertyRun(world)!.nodes = nodes;
  perform(world, steps.cluster(nodes));
}

export function anyDeployment(world: KubeWorld, text: string, name: string, min: number, max: number, fits: boolean): void {
  if (min < 0 || max < min) throw new UserError(`"${text}": write a range of replicas, smallest first`);
  const run = propertyRun(world);
  let spec;
  if (fits) {
    if (!run?.nodes) throw new UserError(`"${text}" needs a cluster drawn first: put "Given any cluster of 2 to 6 nodes" before it`);
    spec = draw(world, text, fittingDeploymentArb, name, run.nodes, min, max);
  } else spec = draw(world, text, deploymentOf, name, min, max);
  run!.deployment = name;
  const yaml = manifestYaml(spec);
  perform(world, { keyword: 'Given', text: 'the following manifest is applied:', docString: yaml, run: (w) => void w.apply(w.readInline(yaml)) });
}

type NodeEvent = 'dies' | 'comes back' | 'is removed' | 'is drained';

export function anyNode(world: KubeWorld, text: string, event: NodeEvent): void {
  const cluster = world.cluster;
  const names = cluster.nodeNames().filter((n) => (event === 'comes back' ? !cluster.isNodeAlive(n) : event === 'is removed' || cluster.isNodeAlive(n)));
  if (!names.length) throw new UserError(`"${text}": there is no node that can ${event === 'dies' ? 'die' : event === 'comes back' ? 'come back' : event.replace('is ', 'be ')}`);
  const node = draw(world, text, oneOf, names);
  const step = event === 'dies' ? steps.nodeDies(node) : event === 'comes back' ? steps.nodeComesBack(node) : event === 'is removed' ? steps.nodeRemoved(node) : steps.drain(node);
  perform(world, step);
}

export function anyPod(world: KubeWorld, text: string, w: WorkloadParam, event: 'crashes' | 'is deleted'): void {
  const ref = world.ref(w.name);
  const pods = podsOf(world.view(), w.kind, ref).filter((p: Pod) => event === 'is deleted' || (p.spec.nodeName && world.cluster.isNodeAlive(p.spec.nodeName) && p.status?.phase === 'Running'));
  if (!pods.length) throw new UserError(`"${text}": ${w.kind} "${w.name}" has no pod that can ${event === 'crashes' ? 'crash (running on a live node)' : 'be deleted'}`);
  const pod = draw(world, text, oneOf, pods.map((p) => p.metadata.name));
  perform(world, event === 'crashes' ? steps.podCrashes(pod) : steps.deletePod(pod));
}

/** "the deployment": the one an "any" step drew, else the only one in the namespace. */
export function theDeployment(world: KubeWorld): string {
  const drawn = propertyRun(world)?.deployment;
  if (drawn) return drawn;
  const all = world.view().list<Deployment>(R.deployments, world.namespace);
  if (all.length === 1) return all[0].metadata.name;
  throw new UserError(
    `"the deployment" is ambiguous: namespace "${world.namespace}" has ${all.length ? all.map((d) => `"${d.metadata.name}"`).join(', ') : 'no deployments'}; name it, as in "the deployment "web" has 3 ready replicas"`,
  );
}
