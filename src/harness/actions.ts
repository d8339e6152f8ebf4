/**
 * Actions of the step vocabulary that two or more steps share: running
 * kubectl verbs (so steps and `kubectl` mean the same thing), picking a pod
 * of a workload, crashing containers, deleting objects, suspending and
 * triggering batch workloads.
 */
import { R, type LabelSelector, type Pod, type Stored } from '../engine/index.ts';
import { UserError } from './errors.ts';
import type { KubeWorld } from './world.ts';
import type { Ref, WorkloadParam } from './params.ts';
import { parseKind } from './params.ts';
import { getWorkload, podsOf } from './workloads.ts';

/** Runs a kubectl verb; a non-zero exit fails the step with what kubectl printed. */
export function runOrFail(world: KubeWorld, argv: string[]): string {
  const res = world.kubectl(['kubectl', ...argv].join(' ') === '' ? '' : quote(['kubectl', ...argv]));
  if (res.exitCode !== 0) throw new UserError(`kubectl ${argv.join(' ')} failed:\n${(res.stderr || res.stdout).trimEnd()}`);
  return res.stdout;
}

function quote(words: string[]): string {
  return words.map((w) => (/[\s"']/.test(w) ? `'${w.replace(/'/g, `'\\''`)}'` : w)).join(' ');
}

/** The first live pod of a workload (by name), for "a pod of deployment X". */
export function somePodOf(world: KubeWorld, w: WorkloadParam): Ref {
  const ref = world.ref(w.name);
  const pods = podsOf(world.view(), w.kind, ref);
  if (!pods.length) throw new UserError(`${w.kind} "${w.name}" has no live pods to pick from`);
  return { namespace: ref.namespace, name: pods[0].metadata.name };
}

export function deleteAPodOf(world: KubeWorld, w: WorkloadParam): void {
  const pod = somePodOf(world, w);
  runOrFail(world, ['delete', 'pod', pod.name, '-n', pod.namespace, '--wait=false']);
}

export function crashPod(world: KubeWorld, ref: Ref, keep: boolean): void {
  const pod = world.view().get<Pod>(R.pods, ref.namespace, ref.name) as Stored<Pod> | undefined;
  if (!pod) throw new UserError(`there is no pod "${ref.name}" in namespace "${ref.namespace}"`);
  const n = world.cluster.crashPod(ref.namespace, ref.name, keep);
  if (n === undefined) {
    throw new UserError(`pod "${ref.name}" is not running on a live node (${pod.spec.nodeName ? `its node "${pod.spec.nodeName}" is down` : 'it is not scheduled'}), so it cannot crash`);
  }
  if (n === 0 && !keep) throw new UserError(`pod "${ref.name}" has no running container to crash (phase ${pod.status?.phase ?? 'Pending'})`);
  world.settle();
}

export function deleteObject(world: KubeWorld, kind: string, ref: Ref): void {
  const type = parseKind(kind);
  const argv = ['delete', type.singular, ref.name, '--wait=false'];
  if (type.namespaced) argv.push('-n', ref.namespace);
  runOrFail(world, argv);
}

/**
 * "the CPU usage of every pod of deployment X is Q": a standing load on the
 * workload's pods, now and later (by its selector; a CronJob's by its job
 * template's pod labels).
 */
export function setWorkloadUsage(world: KubeWorld, w: WorkloadParam, resource: 'cpu' | 'memory', quantity: string): void {
  const ref = world.ref(w.name);
  const obj = getWorkload(world.view(), w.kind, ref) as Stored & {
    spec?: { selector?: LabelSelector; jobTemplate?: { spec?: { template?: { metadata?: { labels?: Record<string, string> } } } } };
  };
  const selector: LabelSelector | undefined =
    w.kind === 'cronjob' ? { matchLabels: obj.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {} } : obj.spec?.selector;
  if (!selector || (!Object.keys(selector.matchLabels ?? {}).length && !(selector.matchExpressions ?? []).length)) {
    throw new UserError(`${w.kind} "${w.name}" has no selector to find its pods by`);
  }
  world.cluster.loads.set({ namespace: ref.namespace, selector, [resource]: quantity });
  world.settle();
}

/** `I suspend` / `I resume` a job or cronjob: `kubectl patch` of spec.suspend. */
export function setSuspend(world: KubeWorld, kind: 'cronjob' | 'job', name: string, suspend: boolean): void {
  const ref = world.ref(name);
  runOrFail(world, ['patch', kind, ref.name, '-n', ref.namespace, '--type=merge', '-p', JSON.stringify({ spec: { suspend } })]);
}

/** `I set the schedule of the cronjob`: `kubectl patch` of spec.schedule. */
export function setSchedule(world: KubeWorld, cronjob: string, schedule: string): void {
  const ref = world.ref(cronjob);
  runOrFail(world, ['patch', 'cronjob', ref.name, '-n', ref.namespace, '--type=merge', '-p', JSON.stringify({ spec: { schedule } })]);
}

/**
 * `I trigger the cronjob`: `kubectl create job <name>-manual-<n> --from=cronjob/<name>`,
 * named as a user would name a manual run; n counts the scenario's triggers.
 */
export function triggerCronJob(world: KubeWorld, cronjob: string): void {
  const ref = world.ref(cronjob);
  world.manualRuns = (world.manualRuns ?? 0) + 1;
  runOrFail(world, ['create', 'job', `${ref.name}-manual-${world.manualRuns}`, `--from=cronjob/${ref.name}`, '-n', ref.namespace]);
}
