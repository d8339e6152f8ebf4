/**
 * `kubectl logs`: a container's log from the LogProvider, with `-c`,
 * `--previous`, `--tail`, `--since`, `--timestamps`, `--prefix`,
 * `--all-containers`, `-l`, and workload arguments (`deploy/web` reads one
 * of its pods). Container states without a log answer as the kubelet does.
 */
import { R, Selector, StatusError, isStatusError } from '../../engine/index.ts';
import type { api, Pod, Stored } from '../../engine/index.ts';
import type { Command, Invocation } from '../command.ts';
import { SELECTOR_FLAG } from '../command.ts';
import { KubectlError, usageError } from '../errors.ts';
import { parseResourceArgs } from '../resources.ts';
import type { LogLine } from '../context.ts';

function badRequest(message: string): StatusError {
  return new StatusError({ reason: 'BadRequest', code: 400, message });
}

function allContainerNames(pod: Pod): string {
  return [
    ...(pod.spec.containers ?? []).map((c) => c.name),
    ...((pod.spec.ephemeralContainers ?? []) as api.Container[]).map((c) => `${c.name} (ephem)`),
    ...(pod.spec.initContainers ?? []).map((c) => `${c.name} (init)`),
  ].join(', ');
}

/** The kubelet's answer when a container has no log to give (validateContainerLogStatus). */
function checkLogStatus(pod: Pod, container: string, previous: boolean): void {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  const s = statuses.find((x) => x.name === container);
  const name = pod.metadata.name;
  if (!pod.spec.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  if (!s) throw badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is not available`);
  const last = s.lastState?.terminated;
  if (previous) {
    if (!last) throw badRequest(`previous terminated container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} not found`);
    return;
  }
  if (s.state?.running) return;
  if (s.state?.terminated) return;
  if (last) return;
  const reason = s.state?.waiting?.reason;
  if (s.state?.waiting) {
    if (reason === 'ErrImagePull') throw badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is waiting to start: image can't be pulled`);
    if (reason === 'ImagePullBackOff') throw badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is waiting to start: trying and failing to pull image`);
    throw badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is waiting to start: ${reason ?? ''}`);
  }
  throw badRequest(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is waiting to start - no logs yet`);
}

function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** The pod a workload argument reads logs from (AttachablePodForObject): the first of its pods. */
function podForObject(inv: Invocation, arg: string): Stored<Pod> {
  const sel = parseResourceArgs([arg], 'logs');
  const { type, name } = sel.named[0];
  const obj = inv.client.get(type, type.namespaced ? inv.namespace : undefined, name);
  if (type.kind === 'Pod') return obj as Stored<Pod>;
  const spec = obj.spec as { selector?: unknown } | undefined;
  const selector = type.kind === 'Service' || type.kind === 'ReplicationController' ? Selector.fromSet(spec?.selector as Record<string, string>) : Selector.fromLabelSelector(spec?.selector as never);
  const pods = inv.client
    .list<Pod>(R.pods, { namespace: inv.namespace, labelSelector: selector })
    .items.filter((p) => !p.metadata.deletionTimestamp)
    .sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : a.metadata.creationTimestamp > b.metadata.creationTimestamp ? 1 : a.metadata.name < b.metadata.name ? -1 : 1));
  if (pods.length === 0) throw new KubectlError(`timed out waiting for the condition`);
  if (pods.length > 1) inv.out.err(`Found ${pods.length} pods, using pod/${pods[0].metadata.name}\n`);
  return pods[0];
}

function runLogs(inv: Invocation): void {
  const { flags, ctx } = inv;
  if (!ctx.logs) throw new KubectlError('container logs are not available in this environment');
  const selector = flags.string('selector');
  let args = [...inv.args];
  if (args.length === 0 && !selector) throw usageError(inv.commandPath, 'expected POD, TYPE/NAME, or --selector');
  let containerArg = flags.string('container');
  if (args.length === 2 && !containerArg) {
    containerArg = args[1];
    args = args.slice(0, 1);
  }
  if (args.length > 2) throw usageError(inv.commandPath, `expected POD, TYPE/NAME, or --selector`);
  let pods: Array<Stored<Pod>>;
  if (selector) pods = inv.client.list<Pod>(R.pods, { namespace: inv.namespace, labelSelector: selector }).items;
  else if (args[0].includes('/')) pods = [podForObject(inv, args[0])];
  else {
    try {
      pods = [inv.client.get<Pod>(R.pods, inv.namespace, args[0])];
    } catch (e) {
      if (isStatusError(e, 'NotFound')) throw new KubectlError(`error from server (NotFound): ${e.status.message} in namespace ${JSON.stringify(inv.namespace)}`);
      throw e;
    }
  }
  if (selector && pods.length === 0) {
    inv.out.err(`No resources found in ${inv.namespace} namespace.\n`);
    return;
  }
  const previous = flags.bool('previous');
  const tail = flags.int('tail', selector ? 10 : -1);
  const since = flags.int('since', 0);
  const now = ctx.now();
  for (const pod of pods) {
    let containers: string[];
    if (flags.bool('all-containers')) containers = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])].map((c) => c.name);
    else if (containerArg) {
      const all = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? []), ...((pod.spec.ephemeralContainers ?? []) as api.Container[])];
      if (!all.some((c) => c.name === containerArg)) throw new KubectlError(`container ${containerArg} is not valid for pod ${pod.metadata.name}`);
      containers = [containerArg];
    } else {
      const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
      const chosen = annotated && pod.spec.containers.some((c) => c.name === annotated) ? annotated : pod.spec.containers[0]?.name;
      if (chosen === undefined) throw new KubectlError(`pod ${pod.metadata.namespace}/${pod.metadata.name} does not have any containers`);
      if (!annotated && (pod.spec.containers.length > 1 || (pod.spec.initContainers ?? []).length > 0 || (pod.spec.ephemeralContainers ?? []).length > 0))
        inv.out.err(`Defaulted container ${JSON.stringify(chosen)} out of: ${allContainerNames(pod)}\n`);
      containers = [chosen];
    }
    for (const container of containers) {
      let lines: LogLine[];
      try {
        checkLogStatus(pod, container, previous);
        lines = ctx.logs.containerLog({ namespace: pod.metadata.namespace ?? inv.namespace, pod: pod.metadata.name, container, previous });
      } catch (e) {
        if (e instanceof StatusError) throw e;
        throw new KubectlError((e as Error).message);
      }
      if (since > 0) lines = lines.filter((l) => l.time >= now - since);
      if (tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail);
      const prefix = flags.bool('prefix') ? `[pod/${pod.metadata.name}/${container}] ` : '';
      for (const l of lines) inv.out.out(`${prefix}${flags.bool('timestamps') ? `${rfc3339Nano(l.time)} ` : ''}${l.text}\n`);
    }
  }
}

export const logsCommand: Command = {
  path: ['logs'],
  usage: 'kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]',
  flags: [
    { name: 'container', short: 'c', kind: 'string' },
    { name: 'previous', short: 'p', kind: 'bool' },
    { name: 'follow', short: 'f', kind: 'bool' },
    { name: 'tail', kind: 'int' },
    { name: 'since', kind: 'duration' },
    { name: 'since-time', kind: 'string' },
    { name: 'timestamps', kind: 'bool' },
    { name: 'prefix', kind: 'bool' },
    { name: 'all-containers', kind: 'bool' },
    { name: 'all-pods', kind: 'bool' },
    { name: 'limit-bytes', kind: 'int' },
    { name: 'max-log-requests', kind: 'int' },
    { name: 'pod-running-timeout', kind: 'duration' },
    { name: 'ignore-errors', kind: 'bool' },
    { name: 'insecure-skip-tls-verify-backend', kind: 'bool' },
    SELECTOR_FLAG,
  ],
  run: runLogs,
};
