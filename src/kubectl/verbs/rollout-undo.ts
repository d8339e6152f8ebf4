/**
 * `kubectl rollout undo`: restores a deployment's pod template from the
 * ReplicaSet of an earlier revision (the previous one by default,
 * `--to-revision=N` otherwise), or a stateful or daemon set's from its
 * ControllerRevision; prints `deployment.apps/web rolled back`.
 */
import type { Client, KubeObject, ResourceType } from '../../engine/index.ts';
import { jsonEqual, createTwoWayMergePatch } from '../patch-functions.ts';
import { LAST_APPLIED_ANNOTATION } from '../patch-functions.ts';
import type { Command, Invocation } from '../command.ts';
import { DRY_RUN_FLAG, FILENAME_FLAG, OUTPUT_FLAG, RECURSIVE_FLAG, SELECTOR_FLAG, dryRunOf } from '../command.ts';
import { AggregateError, KubectlError } from '../errors.ts';
import { resolveInfos } from '../builder.ts';
import { objectName } from '../resources.ts';
import { REVISION_ANNOTATION, deploymentReplicaSets, revisionOf, withoutHash, controllerRevisions, revisionTemplate } from '../history.ts';
import { templateText } from './rollout-history.ts';

const SKIP = new Set([LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, 'deployment.kubernetes.io/revision-history', 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to']);

const notFound = (r: number) => new KubectlError(`unable to find specified revision ${r} in history`);

function rollbackDeployment(client: Client, type: ResourceType, d: KubeObject, toRevision: number, dryRun: 'none' | 'client' | 'server'): string {
  const name = d.metadata.name ?? '';
  const { newRS, oldRSs } = deploymentReplicaSets(client, d);
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  let target: KubeObject | undefined;
  if (toRevision === 0) {
    let latest = -1;
    let previous = -1;
    let latestRS: KubeObject | undefined;
    for (const rs of all) {
      const v = revisionOf(rs);
      if (v === undefined) continue;
      if (latest < v) {
        previous = latest;
        target = latestRS;
        latest = v;
        latestRS = rs;
      } else if (previous < v) {
        previous = v;
        target = rs;
      }
    }
    if (!target) throw new KubectlError(`no rollout history found for deployment ${JSON.stringify(name)}`);
  } else {
    target = all.find((rs) => revisionOf(rs) === toRevision);
    if (!target) throw notFound(toRevision);
  }
  const template = JSON.parse(JSON.stringify((target.spec as { template?: unknown }).template ?? {})) as { metadata?: { labels?: Record<string, string> } };
  if (dryRun === 'client') return templateText(template);
  if ((d.spec as { paused?: boolean }).paused) throw new KubectlError("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again");
  if (jsonEqual(withoutHash(template), withoutHash((d.spec as { template?: unknown }).template)))
    return `skipped rollback (current template already matches revision ${toRevision})`;
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (SKIP.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(target.metadata.annotations ?? {})) if (!SKIP.has(k)) annotations[k] = v;
  const patch = [
    { op: 'replace', path: '/spec/template', value: template },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ];
  try {
    client.patch(type, d.metadata.namespace, name, patch, 'json', { dryRun: dryRun === 'server' });
  } catch (e) {
    throw new KubectlError(`failed restoring revision ${toRevision}: ${(e as Error).message}`);
  }
  return 'rolled back';
}

function rollbackFromHistory(client: Client, type: ResourceType, obj: KubeObject, toRevision: number, dryRun: 'none' | 'client' | 'server'): string {
  const history = controllerRevisions(client, obj);
  if (toRevision === 0 && history.length <= 1) throw new KubectlError('no last revision to roll back to');
  const rev = (r: KubeObject) => (r as { revision?: number }).revision ?? 0;
  const target = toRevision === 0 ? history[history.length - 2] : history.find((r) => rev(r) === toRevision);
  if (!target) throw notFound(toRevision);
  const template = revisionTemplate(obj, target);
  if (dryRun === 'client') return templateText(template);
  if (jsonEqual(template, (obj.spec as { template?: unknown }).template)) return `skipped rollback (current template already matches revision ${toRevision})`;
  const next = JSON.parse(JSON.stringify(obj)) as KubeObject & { spec: { template?: unknown } };
  next.spec.template = template;
  try {
    client.patch(type, obj.metadata.namespace, obj.metadata.name ?? '', createTwoWayMergePatch(obj, next, type.kind), 'strategic', { dryRun: dryRun === 'server' });
  } catch (e) {
    throw new KubectlError(`failed restoring revision ${toRevision}: ${(e as Error).message}`);
  }
  return 'rolled back';
}

/** Rolls an object back; returns what kubectl prints after its name (`rolled back`, `skipped rollback (...)`). */
export function rollback(client: Client, type: ResourceType, obj: KubeObject, toRevision = 0, dryRun: 'none' | 'client' | 'server' = 'none'): string {
  if (toRevision < 0) throw notFound(toRevision);
  if (type.kind === 'Deployment') {
    return rollbackDeployment(client, type, client.get(type, obj.metadata.namespace, obj.metadata.name ?? ''), toRevision, dryRun);
  }
  if (type.kind === 'StatefulSet' || type.kind === 'DaemonSet') return rollbackFromHistory(client, type, client.get(type, obj.metadata.namespace, obj.metadata.name ?? ''), toRevision, dryRun);
  throw new KubectlError(`no rollbacker has been implemented for ${JSON.stringify(type.group ? `${type.kind}.${type.group}` : type.kind)}`);
}

function runUndo(inv: Invocation): void {
  const dryRun = dryRunOf(inv);
  const res = resolveInfos(inv, inv.args, { filenames: true, listWholeTypes: true, selector: inv.flags.string('selector') });
  const errors: unknown[] = [...res.errors];
  for (const info of res.infos) {
    try {
      const result = rollback(inv.client, info.type, info.object, inv.flags.int('to-revision', 0), dryRun);
      inv.out.out(`${objectName(info.type, info.name)} ${result}\n`);
    } catch (e) {
      errors.push(e);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors);
}

export const rolloutUndoCommand: Command = {
  path: ['rollout', 'undo'],
  usage: 'kubectl rollout undo (TYPE NAME | TYPE/NAME) [flags]',
  flags: [{ name: 'to-revision', kind: 'int' }, SELECTOR_FLAG, FILENAME_FLAG, RECURSIVE_FLAG, OUTPUT_FLAG, DRY_RUN_FLAG, { name: 'kustomize', short: 'k', kind: 'string' }],
  run: runUndo,
};
