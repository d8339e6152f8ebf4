/**
 * Failures a scenario injects, and the operations that disrupt pods:
 * probe faults, container resource use, a node's network cut, its kubelet
 * restarted or its disk filled, image pull times, forced deletion, and
 * drains (including one tried once, to see which disruption budget refuses
 * it).
 */
import { R, isStatusError, resourceAmount, type Pod, type PodDisruptionBudget, type Stored } from '../engine/index.ts';
import { runKubectl } from '../kubectl/run.ts';
import { UserError, CheckFailed } from './errors.ts';
import type { KubeWorld } from './world.ts';
import type { Ref } from './params.ts';
import { requireNode } from './nodes.ts';
import { runOrFail } from './actions.ts';
import { indent, table } from './report.ts';

export type ProbeKind = 'readiness' | 'liveness' | 'startup';

function requirePod(world: KubeWorld, ref: Ref): Stored<Pod> {
  const pod = world.view().get<Pod>(R.pods, ref.namespace, ref.name);
  if (!pod) throw new UserError(`there is no pod "${ref.name}" in namespace "${ref.namespace}"`);
  return pod;
}

function requireContainer(pod: Stored<Pod>, container: string | undefined): void {
  if (container === undefined) return;
  const names = [...(pod.spec.initContainers ?? []), ...pod.spec.containers].map((c) => c.name);
  if (!names.includes(container)) throw new UserError(`pod "${pod.metadata.name}" has no container "${container}" (its containers: ${names.join(', ')})`);
}

/** "the liveness probe of pod X starts failing" (one instance), "keeps failing" (every instance), "passes again". */
export function probeFault(world: KubeWorld, ref: Ref, container: string | undefined, kind: ProbeKind, scope: 'instance' | 'always' | undefined): void {
  const pod = requirePod(world, ref);
  requireContainer(pod, container);
  const hit = world.cluster.setProbeFault(ref.namespace, ref.name, container, kind, scope);
  if (hit === undefined) throw new UserError(`pod "${ref.name}" is not running on a live node (${pod.spec.nodeName ? `its node "${pod.spec.nodeName}" is down` : 'it is not scheduled'})`);
  if (!hit.length) throw new UserError(`${container ? `container "${container}" of pod "${ref.name}"` : `pod "${ref.name}"`} has no ${kind} probe`);
  world.settle();
}

/** "container X of pod Y uses 600Mi memory": a standing usage of that container (of every container without one). */
export function useResource(world: KubeWorld, ref: Ref, container: string | undefined, resource: 'cpu' | 'memory', quantity: string): void {
  const pod = requirePod(world, ref);
  requireContainer(pod, container);
  try {
    resourceAmount(resource, quantity);
  } catch {
    throw new UserError(`"${quantity}" is not a quantity of ${resource} such as ${resource === 'cpu' ? '"500m" or "2"' : '"512Mi" or "2Gi"'}`);
  }
  world.cluster.loads.setForPod({ namespace: ref.namespace, pod: ref.name, container, [resource]: quantity });
  world.settle();
}

export function setNetwork(world: KubeWorld, node: string, up: boolean): void {
  requireNode(world, node);
  world.cluster.setNodeNetwork(node, up);
  world.settle();
}

export function restartKubelet(world: KubeWorld, node: string): void {
  requireNode(world, node);
  if (!world.cluster.isNodeAlive(node)) throw new UserError(`node "${node}" is down: its kubelet cannot restart until the node comes back`);
  world.cluster.restartKubelet(node);
  world.settle();
}

export function setDiskFull(world: KubeWorld, node: string, full: boolean): void {
  requireNode(world, node);
  world.cluster.setNodeDiskFull(node, full);
  world.settle();
}

/** "pulling the image X takes D" (or every image, with `*`). */
export function setPullTime(world: KubeWorld, image: string, ms: number): void {
  world.imagePullTimes.set(image, ms);
  if (world.hasCluster) world.cluster.imagePullTimes.set(image, ms);
}

export function forceDelete(world: KubeWorld, ref: Ref): void {
  runOrFail(world, ['delete', 'pod', ref.name, '-n', ref.namespace, '--grace-period=0', '--force']);
}

/**
 * Runs `kubectl drain NODE --ignore-daemonsets` once through: evictions the
 * API accepts go ahead, refused ones are not retried. Returns what kubectl
 * printed and, for each pod whose eviction was refused, why (the 429's
 * causes, which name the disruption budget).
 */
export function drainOnce(world: KubeWorld, node: string): { output: string; exitCode: number; refusals: Array<{ pod: string; message: string; causes: string[] }> } {
  requireNode(world, node);
  const ctx = { ...world.kubectlContext(), waitFor: undefined };
  const res = runKubectl(world.client, `kubectl drain ${node} --ignore-daemonsets`, ctx);
  world.output = res.stdout + res.stderr;
  world.settle();
  const refusals: Array<{ pod: string; message: string; causes: string[] }> = [];
  const left = world.client.list<Pod>(R.pods, { fieldSelector: `spec.nodeName=${node}` }).items.filter((p) => !p.metadata.deletionTimestamp);
  for (const p of left) {
    if (!res.stderr.includes(`pods/${JSON.stringify(p.metadata.name)}`)) continue;
    try {
      world.client.evict(p.metadata.namespace!, p.metadata.name, { dryRun: true });
    } catch (e) {
      if (isStatusError(e, 'TooManyRequests')) refusals.push({ pod: `${p.metadata.namespace}/${p.metadata.name}`, message: e.message, causes: (e.status.details?.causes ?? []).map((c) => c.message) });
    }
  }
  return { output: world.output, exitCode: res.exitCode, refusals };
}

/** "draining node X is refused because of the disruption budget Y". */
export function drainRefusedBy(world: KubeWorld, node: string, budget: Ref): void {
  const pdb = world.view().get<PodDisruptionBudget>(R.podDisruptionBudgets, budget.namespace, budget.name);
  if (!pdb) throw new UserError(`there is no PodDisruptionBudget "${budget.name}" in namespace "${budget.namespace}"`);
  const { output, exitCode, refusals } = drainOnce(world, node);
  const named = refusals.filter((r) => r.causes.some((c) => c.startsWith(`The disruption budget ${budget.name} `)));
  if (named.length) return;
  const found =
    exitCode === 0
      ? 'the drain succeeded'
      : refusals.length
        ? `evictions were refused by other budgets: ${refusals.map((r) => `${r.pod}: ${r.causes.join('; ')}`).join(', ')}`
        : 'it failed, but no eviction was refused by a disruption budget';
  const budgets = world.view().list(R.podDisruptionBudgets, budget.namespace);
  throw new CheckFailed(
    `expected: draining node "${node}" is refused because of the disruption budget "${budget.name}"\n  found:    ${found}\n\nkubectl drain ${node} --ignore-daemonsets:\n${indent(output.trimEnd())}\n\nPodDisruptionBudgets:\n${indent(table('PodDisruptionBudget', budgets, world.view().now))}`,
  );
}
