/**
 * `kubectl scale`: sets spec.replicas of deployments, replica sets, stateful
 * sets and replication controllers (the scale subresource), with
 * `--current-replicas` and `--resource-version` preconditions and an
 * optional wait (`--timeout`) for the new size to be reached.
 */
import { StatusError } from '../../engine/index.ts';
import type { Client, ResourceType, Stored } from '../../engine/index.ts';
import type { Command, Invocation } from '../command.ts';
import { MUTATION_FLAGS, SELECTOR_FLAG, dryRunOf, operation } from '../command.ts';
import { AggregateError, KubectlError } from '../errors.ts';
import { resolveInfos } from '../builder.ts';
import { objectName } from '../resources.ts';
import { printMutated } from './print-result.ts';

const SCALABLE = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'ReplicationController']);

/** The scale subresource is served only for scalable kinds; others answer 404 as the API server does. */
function requireScalable(type: ResourceType): void {
  if (!SCALABLE.has(type.kind)) throw new StatusError({ reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
}

export interface ScalePreconditions {
  currentReplicas?: number;
  resourceVersion?: string;
}

/** Scales one object; throws kubectl's precondition error or the server's refusal. */
export function scaleObject(client: Client, type: ResourceType, namespace: string | undefined, name: string, replicas: number, pre: ScalePreconditions = {}, dryRun = false): Stored {
  requireScalable(type);
  if (pre.currentReplicas !== undefined || pre.resourceVersion) {
    const cur = client.get<Stored>(type, namespace, name);
    const size = ((cur as { spec?: { replicas?: number } }).spec?.replicas ?? 1) as number;
    if (pre.currentReplicas !== undefined && pre.currentReplicas !== -1 && size !== pre.currentReplicas)
      throw new KubectlError(`Expected replicas to be ${pre.currentReplicas}, was ${size}`);
    if (pre.resourceVersion && cur.metadata.resourceVersion !== pre.resourceVersion)
      throw new KubectlError(`Expected resource version to be ${pre.resourceVersion}, was ${cur.metadata.resourceVersion}`);
  }
  return client.patch(type, namespace, name, { spec: { replicas } }, 'merge', { dryRun });
}

function synced(client: Client, type: ResourceType, namespace: string | undefined, name: string): boolean {
  const o = client.get(type, namespace, name) as Stored & { spec?: { replicas?: number }; status?: { replicas?: number; observedGeneration?: number } };
  return (o.status?.replicas ?? 0) === (o.spec?.replicas ?? 1) && (o.status?.observedGeneration ?? 0) >= (o.metadata.generation ?? 0);
}

function runScale(inv: Invocation): void {
  const { flags } = inv;
  const replicas = flags.int('replicas', -1);
  if (replicas < 0) throw new KubectlError('The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  const current = flags.int('current-replicas', -1);
  if (current < -1) throw new KubectlError('The --current-replicas must specify an integer of -1 or greater');
  const dryRun = dryRunOf(inv);
  const res = resolveInfos(inv, inv.args, { filenames: true, all: flags.bool('all'), selector: flags.string('selector') });
  if (flags.string('resource-version') && res.infos.length > 1) throw new KubectlError('cannot use --resource-version with multiple resources');
  if (res.infos.length === 0) {
    if (res.errors.length > 0) throw new KubectlError(`no objects passed to scale ${res.errors.map((e) => formatInline(e)).join(', ')}`);
    throw new KubectlError('no objects passed to scale');
  }
  let n = 0;
  for (const info of res.infos) {
    const name = objectName(info.type, info.name);
    if (dryRun === 'client') {
      printMutated(inv, info.object, name, operation('scaled', dryRun), n++);
      continue;
    }
    const scaled = scaleObject(inv.client, info.type, info.namespace, info.name, replicas, { currentReplicas: current, resourceVersion: flags.string('resource-version') }, dryRun === 'server');
    const timeout = flags.int('timeout', 0);
    if (timeout > 0 && dryRun === 'none' && inv.ctx.waitFor) {
      if (!inv.ctx.waitFor(() => synced(inv.client, info.type, info.namespace, info.name), timeout)) throw new KubectlError(`timed out waiting for ${JSON.stringify(info.name)} to be synced`);
    }
    printMutated(inv, scaled, name, operation('scaled', dryRun), n++);
  }
  if (res.errors.length > 0) throw new AggregateError(res.errors);
}

function formatInline(e: unknown): string {
  return e instanceof StatusError ? e.status.message : (e as Error).message;
}

export const scaleCommand: Command = {
  path: ['scale'],
  usage: 'kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)',
  flags: [
    { name: 'replicas', kind: 'int' },
    { name: 'current-replicas', kind: 'int' },
    { name: 'resource-version', kind: 'string' },
    { name: 'all', kind: 'bool' },
    { name: 'timeout', kind: 'duration' },
    SELECTOR_FLAG,
    ...MUTATION_FLAGS,
  ],
  run: runScale,
};
