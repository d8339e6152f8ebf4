/**
 * `kubectl set image TYPE/NAME CONTAINER=IMAGE ...`: updates container
 * images in a pod or pod template (`*` for every container) with a
 * strategic merge patch, printing `deployment.apps/web image updated`;
 * objects whose images already match are left alone and not printed.
 */
import { clone } from '../../engine/index.ts';
import type { Client, KubeObject, ResourceType, Stored } from '../../engine/index.ts';
import { createTwoWayMergePatch } from '../patch-functions.ts';
import type { Command, Invocation } from '../command.ts';
import { MUTATION_FLAGS, SELECTOR_FLAG, dryRunOf, operation } from '../command.ts';
import { KubectlError, throwAll } from '../errors.ts';
import { resolveInfos } from '../builder.ts';
import { objectName } from '../resources.ts';
import { resourcesAndPairs, parsePairs } from '../pairs.ts';
import { printMutated } from './print-result.ts';

type PodSpecLike = { containers?: Array<{ name: string; image?: string }>; initContainers?: Array<{ name: string; image?: string }>; ephemeralContainers?: Array<{ name: string; image?: string }> };

/** The pod spec inside an object (UpdatePodSpecForObject), or an Error naming its Go type. */
export function podSpecOf(obj: KubeObject): PodSpecLike {
  const o = obj as { kind: string; apiVersion: string; spec?: Record<string, unknown> };
  switch (o.kind) {
    case 'Pod':
      return (o.spec ?? {}) as PodSpecLike;
    case 'ReplicationController':
    case 'Deployment':
    case 'DaemonSet':
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'Job':
      return ((o.spec?.template as { spec?: PodSpecLike })?.spec ?? {}) as PodSpecLike;
    case 'CronJob':
      return (((o.spec?.jobTemplate as { spec?: { template?: { spec?: PodSpecLike } } })?.spec?.template?.spec ?? {}) as PodSpecLike);
    default: {
      const version = o.apiVersion.includes('/') ? o.apiVersion.split('/')[1] : o.apiVersion;
      throw new KubectlError(`the object is not a pod or does not have a pod template: *${version}.${o.kind}`);
    }
  }
}

/** Returns a copy of `obj` with images set; throws `unable to find container named "x"`. */
export function withImages(obj: KubeObject, images: ReadonlyArray<[string, string]>): KubeObject {
  const copy = clone(obj);
  const spec = podSpecOf(copy);
  const errors: KubectlError[] = [];
  for (const [name, image] of images) {
    let found = false;
    for (const list of [spec.containers, spec.initContainers, spec.ephemeralContainers])
      for (const c of list ?? [])
        if (c.name === name || name === '*') {
          found = true;
          c.image = image;
        }
    if (!found) errors.push(new KubectlError(`unable to find container named ${JSON.stringify(name)}`));
  }
  throwAll(errors);
  return copy;
}

/** Sets images on one object; returns the patched object, or undefined when nothing changed. */
export function setImage(client: Client, type: ResourceType, namespace: string | undefined, name: string, images: ReadonlyArray<[string, string]>, dryRun = false): Stored | undefined {
  const live = client.get(type, namespace, name);
  const patch = createTwoWayMergePatch(live, withImages(live, images), type.kind);
  if (Object.keys(patch).length === 0) return undefined;
  return client.patch(type, namespace, name, patch, 'strategic', { dryRun });
}

function runSetImage(inv: Invocation): void {
  const { flags } = inv;
  const { resources, pairs } = resourcesAndPairs(inv.args, 'image');
  const images = parsePairs(pairs, 'image', false).set;
  const problems: KubectlError[] = [];
  if (flags.bool('all') && flags.string('selector')) problems.push(new KubectlError('cannot set --all and --selector at the same time'));
  if (resources.length < 1 && flags.strings('filename').length === 0) problems.push(new KubectlError('one or more resources must be specified as <resource> <name> or <resource>/<name>'));
  if (images.length < 1) problems.push(new KubectlError('at least one image update is required'));
  else if (images.length > 1 && images.some(([k]) => k === '*')) problems.push(new KubectlError('all containers are already specified by *, but saw more than one container_name=container_image pairs'));
  throwAll(problems);
  const dryRun = dryRunOf(inv);
  const res = resolveInfos(inv, resources, { filenames: true, all: flags.bool('all'), selector: flags.string('selector') });
  const errors: unknown[] = [...res.errors];
  let n = 0;
  for (const info of res.infos) {
    const name = objectName(info.type, info.name);
    let updated: KubeObject;
    try {
      updated = withImages(info.object, images);
    } catch (e) {
      errors.push(new KubectlError(`error: ${info.type.resource}/${info.name} ${(e as Error).message}\n`));
      continue;
    }
    const patch = createTwoWayMergePatch(info.object, updated, info.type.kind);
    if (Object.keys(patch).length === 0) continue;
    if (dryRun === 'client') {
      printMutated(inv, updated, name, operation('image updated', dryRun), n++);
      continue;
    }
    try {
      const actual = inv.client.patch(info.type, info.namespace, info.name, patch, 'strategic', { dryRun: dryRun === 'server' });
      printMutated(inv, actual, name, operation('image updated', dryRun), n++);
    } catch (e) {
      errors.push(new KubectlError(`failed to patch image update to pod template: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
  throwAll(errors);
}

export const setImageCommand: Command = {
  path: ['set', 'image'],
  usage: 'kubectl set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N',
  flags: [
    { name: 'all', kind: 'bool' },
    { name: 'local', kind: 'bool' },
    { name: 'record', kind: 'bool' },
    { name: 'field-manager', kind: 'string' },
    SELECTOR_FLAG,
    ...MUTATION_FLAGS,
  ],
  run: runSetImage,
};
