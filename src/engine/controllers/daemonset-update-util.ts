/**
 * DaemonSet updates (pkg/controller/daemon/update.go): the rolling update
 * plan, the pods of a node at the current and earlier revisions, and the
 * ControllerRevisions (history) of a DaemonSet.
 */
import { R } from '../api/kinds.ts';
import type { ControllerRevision, DaemonSet, Node, Pod, Stored } from '../api/types.ts';
import { deepEqual, newControllerRef } from '../api/meta.ts';
import { isPodAvailable } from '../api/pod.ts';
import { isStatusError } from '../api/errors.ts';
import type { ControllerContext } from './manager.ts';
import { claim, computeHash } from './controller-utils.ts';
import { POD_REVISION_LABEL, deleteRevisions, sortRevisions, templatePatch } from './history-util.ts';
import { isPodUpdated, nodeShouldRunDaemonPod, surgeAndUnavailable, templateGeneration } from './daemonset-util.ts';

/**
 * rollingUpdate (pkg/controller/daemon/update.go), as a plan: without surge,
 * delete just enough old pods to stay within maxUnavailable (unavailable old
 * pods first) and let the manage loop create their replacements; with surge,
 * start new pods beside old ones (up to maxSurge for available old pods, at
 * once for unavailable ones) and delete each old pod once its replacement is
 * available.
 */
export function rollingUpdatePlan(
ds: Stored<DaemonSet>,
nodes: Stored<Node>[],
hash: string,
byNode: Map<string, Stored<Pod>[]>,
now: number,
): { remove: Stored<Pod>[]; create: string[] } {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!byNode.has(node.metadata.name)) byNode.set(node.metadata.name, []);
  }
  const { maxSurge, maxUnavailable } = surgeAndUnavailable(ds, desired);
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (p: Pod) => isPodAvailable(p, minReady, now);
  const entries = [...byNode].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const nodeByName = new Map(nodes.map((n) => [n.metadata.name, n]));
  if (maxSurge === 0) {
    let unavailable = 0;
    const replacements: Stored<Pod>[] = [];
    const candidates: Stored<Pod>[] = [];
    for (const [, list] of entries) {
      const found = updatedOnNode(list, hash, templateGeneration(ds));
      if (!found) {
        unavailable++;
        continue;
      }
      const { newPod, oldPod } = found;
      if ((!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
      else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (oldPod && !available(oldPod)) {
        replacements.push(oldPod);
        unavailable++;
      } else if (oldPod && unavailable < maxUnavailable) candidates.push(oldPod);
    }
    const remaining = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    return { remove: [...replacements, ...candidates.slice(0, remaining)], create: [] };
  }
  const remove: Stored<Pod>[] = [];
  const shouldNotRun: Stored<Pod>[] = [];
  const candidates: string[] = [];
  const allowed: string[] = [];
  let surge = 0;
  let numAvailable = 0;
  for (const [nodeName, list] of entries) {
    const found = updatedOnNode(list, hash, templateGeneration(ds));
    if (!found) {
      surge++;
      continue;
    }
    const { newPod, oldPod } = found;
    if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) numAvailable++;
    if (!oldPod) continue;
    const node = nodeByName.get(nodeName);
    const shouldRun = node ? nodeShouldRunDaemonPod(node, ds).shouldRun : false;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun) remove.push(oldPod);
        else allowed.push(nodeName);
      } else if (!shouldRun) shouldNotRun.push(oldPod);
      else if (surge < maxSurge) candidates.push(nodeName);
      continue;
    }
    if (!available(newPod)) surge++;
    else remove.push(oldPod);
  }
  const deletable = Math.min(numAvailable - desired, shouldNotRun.length);
  if (deletable > 0) remove.push(...shouldNotRun.slice(0, deletable));
  const remaining = Math.min(Math.max(0, maxSurge - surge), candidates.length);
  return { remove, create: [...allowed, ...candidates.slice(0, remaining)] };
}

/** findUpdatedPodsOnNode: at most one new and one old live pod, or undefined when there are more. */
function updatedOnNode(list: Stored<Pod>[], hash: string, generation: string | undefined): { newPod?: Stored<Pod>; oldPod?: Stored<Pod> } | undefined {
  let newPod: Stored<Pod> | undefined;
  let oldPod: Stored<Pod> | undefined;
  for (const pod of list) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return undefined;
      newPod = pod;
    } else {
      if (oldPod) return undefined;
      oldPod = pod;
    }
  }
  return { newPod, oldPod };
}

/**
 * constructHistory: the revision matching the current template (created by
 * snapshot when missing, renumbered to be the newest) and the old ones.
 */
export function constructHistory(ds: Stored<DaemonSet>, ctx: ControllerContext, nsRevs: Stored<ControllerRevision>[]): { hash: string; old: Stored<ControllerRevision>[] } {
  const controlled = claim(ctx.client, R.controllerRevisions, ds, newControllerRef(ds, R.daemonSets), ds.spec.selector, nsRevs) as Stored<ControllerRevision>[];
  const patch = templatePatch(ds.spec.template);
  const current: Stored<ControllerRevision>[] = [];
  const old: Stored<ControllerRevision>[] = [];
  for (const r of controlled) (deepEqual(r.data, patch) ? current : old).push(r);
  const next = old.reduce((m, r) => Math.max(m, r.revision), 0) + 1;
  if (current.length) {
    const cur = sortRevisions(current)[current.length - 1];
    // dedupCurHistories: extra equal revisions are removed.
    deleteRevisions(ctx.client, current.filter((r) => r !== cur));
    if (cur.revision < next) ctx.client.update(R.controllerRevisions, { ...cur, revision: next });
    return { hash: cur.metadata.labels?.[POD_REVISION_LABEL] ?? cur.metadata.name, old };
  }
  const hash = computeHash(ds.spec.template ?? {}, ds.status?.collisionCount);
  const rev: ControllerRevision = {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${ds.metadata.name}-${hash}`,
      namespace: ds.metadata.namespace,
      labels: { ...(ds.spec.template?.metadata?.labels ?? {}), [POD_REVISION_LABEL]: hash },
      ownerReferences: [newControllerRef(ds, R.daemonSets)],
    },
    data: patch,
    revision: next,
  };
  if (ds.metadata.annotations) rev.metadata.annotations = { ...ds.metadata.annotations };
  try {
    ctx.client.create(R.controllerRevisions, rev);
  } catch (e) {
    if (!isStatusError(e, 'AlreadyExists')) throw e;
    const existing = ctx.client.get<ControllerRevision>(R.controllerRevisions, ds.metadata.namespace, rev.metadata.name!);
    if (!deepEqual(existing.data, patch)) {
      ctx.client.updateStatus(R.daemonSets, { ...ds, status: { ...(ds.status ?? {}), collisionCount: (ds.status?.collisionCount ?? 0) + 1 } });
      throw e;
    }
  }
  return { hash, old };
}

/** cleanupHistory: the oldest unused revisions beyond revisionHistoryLimit are deleted. */
export function cleanupHistory(ds: Stored<DaemonSet>, ctx: ControllerContext, old: Stored<ControllerRevision>[], byNode: Map<string, Stored<Pod>[]>): void {
  const limit = ds.spec.revisionHistoryLimit ?? 10;
  let toKill = old.length - limit;
  if (toKill <= 0) return;
  const live = new Set<string>();
  for (const list of byNode.values()) for (const p of list) if (p.metadata.labels?.[POD_REVISION_LABEL]) live.add(p.metadata.labels[POD_REVISION_LABEL]);
  const victims: Stored<ControllerRevision>[] = [];
  for (const r of sortRevisions([...old])) {
    if (toKill <= 0) break;
    if (live.has(r.metadata.labels?.[POD_REVISION_LABEL] ?? '')) continue;
    victims.push(r);
    toKill--;
  }
  deleteRevisions(ctx.client, victims);
}
