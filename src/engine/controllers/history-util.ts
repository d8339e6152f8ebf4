/**
 * Controller history (pkg/controller/history): the ControllerRevisions in
 * which StatefulSets and DaemonSets keep snapshots of their pod templates,
 * named `<parent>-<hash>`, numbered by `revision`, sorted, compared,
 * created with collision avoidance and truncated to revisionHistoryLimit.
 */
import { R } from '../api/kinds.ts';
import type { ControllerRevision, KubeObject, PodTemplateSpec, Stored } from '../api/types.ts';
import { clone, controllerRef, deepEqual, newControllerRef } from '../api/meta.ts';
import type { ResourceType } from '../api/kinds.ts';
import { isStatusError } from '../api/errors.ts';
import type { Client } from '../client/client.ts';
import { hashValue } from './controller-utils.ts';

/** ControllerRevisionHashLabel: the hash of a revision's data, on the revision. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller.kubernetes.io/hash';
/** apps.ControllerRevisionHashLabelKey: the revision a pod was made from, on the pod. */
export const POD_REVISION_LABEL = 'controller-revision-hash';

/** The patch a revision stores: the pod template, replacing whatever the owner has (getPatch). */
export function templatePatch(template: PodTemplateSpec | undefined): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...(clone(template ?? {}) as Record<string, unknown>), $patch: 'replace' } } };
}

/** The pod template a revision restores (ApplyRevision, for revisions made by templatePatch). */
export function revisionTemplate(rev: Pick<ControllerRevision, 'data'>): PodTemplateSpec {
  const data = rev.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const t = { ...(clone(data?.spec?.template) ?? {}) };
  delete t.$patch;
  return t as PodTemplateSpec;
}

/** ControllerRevisionName: the parent's name (at most 223 characters), a dash and the hash. */
export function revisionName(parent: string, hash: string): string {
  return `${parent.length > 223 ? parent.slice(0, 223) : parent}-${hash}`;
}

/** HashControllerRevision: a hash of the revision's data and the collision count. */
export function hashRevision(data: unknown, collisionCount?: number): string {
  return hashValue(data, collisionCount);
}

/** NewControllerRevision: the template's labels, a controller reference, the data and its hash. */
export function newControllerRevision(
  parent: Stored,
  parentType: ResourceType,
  templateLabels: Record<string, string> | undefined,
  data: unknown,
  revision: number,
  collisionCount: number,
): ControllerRevision {
  const hash = hashRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(parent.metadata.name, hash),
      namespace: parent.metadata.namespace,
      labels: { ...(templateLabels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ownerReferences: [newControllerRef(parent, parentType)],
    },
    data,
    revision,
  };
}

/** SortControllerRevisions: by revision, then creation, then name. */
export function sortRevisions<T extends Stored<ControllerRevision>>(revs: T[]): T[] {
  return revs.sort((a, b) => {
    if (a.revision !== b.revision) return a.revision - b.revision;
    const ta = a.metadata.creationTimestamp;
    const tb = b.metadata.creationTimestamp;
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
  });
}

/** EqualRevision: the same data. */
export function equalRevision(a: Pick<ControllerRevision, 'data'> | undefined, b: Pick<ControllerRevision, 'data'> | undefined): boolean {
  if (!a || !b) return a === b;
  return deepEqual(a.data, b.data);
}

/** FindEqualRevisions: the revisions with the same data as `needle`, in the order given. */
export function findEqualRevisions<T extends Stored<ControllerRevision>>(revs: T[], needle: Pick<ControllerRevision, 'data'>): T[] {
  return revs.filter((r) => equalRevision(r, needle));
}

export function nextRevision(sorted: ControllerRevision[]): number {
  return sorted.length ? sorted[sorted.length - 1].revision + 1 : 1;
}

/**
 * CreateControllerRevision: creates the revision, renaming it with a new
 * hash (and bumping the collision count) while another revision with
 * different data has its name. Returns the revision and the collision count.
 */
export function createControllerRevision(
  client: Client,
  parent: Stored,
  rev: ControllerRevision,
  collisionCount: number,
): { revision: Stored<ControllerRevision>; collisionCount: number } {
  let count = collisionCount;
  for (let attempt = 0; attempt < 100; attempt++) {
    const candidate = clone(rev);
    candidate.metadata.name = revisionName(parent.metadata.name, hashRevision(rev.data, count));
    try {
      return { revision: client.create(R.controllerRevisions, candidate), collisionCount: count };
    } catch (e) {
      if (!isStatusError(e, 'AlreadyExists')) throw e;
      const existing = client.get<ControllerRevision>(R.controllerRevisions, parent.metadata.namespace, candidate.metadata.name!);
      if (deepEqual(existing.data, candidate.data)) return { revision: existing, collisionCount: count };
      count++;
    }
  }
  throw new Error(`could not find a free name for a revision of ${parent.metadata.name}`);
}

/** The revisions `owner` controls, of those given. */
export function ownedRevisions<T extends KubeObject>(owner: Stored, revs: Stored<T>[]): Stored<T>[] {
  return revs.filter((r) => controllerRef(r)?.uid === owner.metadata.uid);
}

/** Deletes revisions, ignoring those already gone. */
export function deleteRevisions(client: Client, revs: Stored<ControllerRevision>[]): void {
  for (const r of revs) {
    try {
      client.delete(R.controllerRevisions, r.metadata.namespace, r.metadata.name);
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  }
}
