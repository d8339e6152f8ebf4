/**
 * `kubectl rollout pause`, `resume` and `restart`: set spec.paused or the
 * pod template's `kubectl.kubernetes.io/restartedAt` annotation with a
 * strategic merge patch.
 */
import { clone } from '../../engine/index.ts';
import type { KubeObject } from '../../engine/index.ts';
import { createTwoWayMergePatch } from '../patch-functions.ts';
import type { Command, Invocation } from '../command.ts';
import { FILENAME_FLAG, OUTPUT_FLAG, RECURSIVE_FLAG, SELECTOR_FLAG } from '../command.ts';
import { AggregateError, KubectlError } from '../errors.ts';
import { resolveInfos } from '../builder.ts';
import { objectName } from '../resources.ts';

type Mutation = (o: KubeObject, now: number) => KubeObject;

function pause(o: KubeObject): KubeObject {
  if (o.kind !== 'Deployment') throw new Error('pausing is not supported');
  if ((o.spec as { paused?: boolean }).paused) throw new Error('is already paused');
  const c = clone(o);
  (c.spec as { paused?: boolean }).paused = true;
  return c;
}

function resume(o: KubeObject): KubeObject {
  if (o.kind !== 'Deployment') throw new Error('resuming is not supported');
  if (!(o.spec as { paused?: boolean }).paused) throw new Error('is not paused');
  const c = clone(o);
  delete (c.spec as { paused?: boolean }).paused;
  return c;
}

/** RFC 3339 at second precision, in UTC. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function restart(o: KubeObject, now: number): KubeObject {
  if (!['Deployment', 'DaemonSet', 'StatefulSet'].includes(o.kind)) throw new Error('restarting is not supported');
  if (o.kind === 'Deployment' && (o.spec as { paused?: boolean }).paused) throw new Error("can't restart paused deployment (run rollout resume first)");
  const c = clone(o);
  const t = (c.spec as { template: { metadata?: { annotations?: Record<string, string> } } }).template;
  t.metadata = { ...(t.metadata ?? {}), annotations: { ...(t.metadata?.annotations ?? {}), 'kubectl.kubernetes.io/restartedAt': rfc3339(now) } };
  return c;
}

function run(inv: Invocation, mutate: Mutation, done: string, already: string, emptyPatch?: (name: string) => string): void {
  const res = resolveInfos(inv, inv.args, { filenames: true, listWholeTypes: true, selector: inv.flags.string('selector') });
  const errors: unknown[] = [...res.errors];
  for (const info of res.infos) {
    let next: KubeObject;
    try {
      next = mutate(info.object, inv.ctx.now());
    } catch (e) {
      const res = info.type.group ? `${info.type.resource}.${info.type.group}` : info.type.resource;
      errors.push(new KubectlError(`error: ${res} ${JSON.stringify(info.name)} ${(e as Error).message}`));
      continue;
    }
    const patch = createTwoWayMergePatch(info.object, next, info.type.kind);
    if (Object.keys(patch).length === 0) {
      if (emptyPatch) errors.push(new KubectlError(emptyPatch(info.name)));
      else inv.out.out(`${objectName(info.type, info.name)} ${already}\n`);
      continue;
    }
    try {
      inv.client.patch(info.type, info.namespace, info.name, patch, 'strategic');
    } catch (e) {
      errors.push(new KubectlError(`failed to patch: ${(e as Error).message}`));
      continue;
    }
    inv.out.out(`${objectName(info.type, info.name)} ${done}\n`);
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors);
}

const flags = [SELECTOR_FLAG, FILENAME_FLAG, RECURSIVE_FLAG, OUTPUT_FLAG, { name: 'field-manager', kind: 'string' as const }, { name: 'kustomize', short: 'k', kind: 'string' as const }];

export const rolloutPauseCommand: Command = {
  path: ['rollout', 'pause'],
  usage: 'kubectl rollout pause RESOURCE',
  flags,
  run: (inv) => run(inv, pause, 'paused', 'already paused'),
};

export const rolloutResumeCommand: Command = {
  path: ['rollout', 'resume'],
  usage: 'kubectl rollout resume RESOURCE',
  flags,
  run: (inv) => run(inv, resume, 'resumed', 'already resumed'),
};

export const rolloutRestartCommand: Command = {
  path: ['rollout', 'restart'],
  usage: 'kubectl rollout restart RESOURCE',
  flags,
  run: (inv) =>
    run(inv, restart, 'restarted', 'restarted', (name) => `failed to create patch for ${name}: if restart has already been triggered within the past second, please wait before attempting to trigger another`),
};
