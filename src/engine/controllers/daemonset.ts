/**
 * The DaemonSet controller (pkg/controller/daemon, Kubernetes 1.33): one pod
 * on every node that should run one (the template's node selector and
 * required affinity, its tolerations plus those every daemon pod gets),
 * pinned there by a `metadata.name` node affinity and placed by the
 * scheduler. Nodes that join get a pod; nodes that stop matching lose
 * theirs; failed pods are replaced with a 1 s doubling to 15 min backoff per
 * node. RollingUpdate replaces old pods within maxUnavailable (deleting
 * first) or maxSurge (starting the new pod first); OnDelete waits for pods to
 * be deleted. Templates are kept as ControllerRevisions.
 */
import { R } from '../api/kinds.ts';
import type { ControllerRevision, DaemonSet, DaemonSetStatus, Node, Pod, Stored } from '../api/types.ts';
import { clone, controllerRef, deepEqual, namespacedName, newControllerRef, splitKey } from '../api/meta.ts';
import { isPodAvailable, isPodReady, isPodTerminal } from '../api/pod.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller, ControllerContext, Result } from './manager.ts';
import { Expectations, claim, computeHash, podFromTemplate } from './controller-utils.ts';
import { POD_REVISION_LABEL, deleteRevisions, sortRevisions, templatePatch } from './history-util.ts';
import {
  FAILED_DAEMON_POD,
  allowsSurge,
  byCreationAndPhase,
  daemonPodTemplate,
  isPodUpdated,
  nodeShouldRunDaemonPod,
  pinToNode,
  surgeAndUnavailable,
  targetNodeName,
} from './daemonset-util.ts';

const BURST_REPLICAS = 250;
const FAILED_BACKOFF_INITIAL_MS = 1000;
const FAILED_BACKOFF_MAX_MS = 15 * 60 * 1000;

/** flowcontrol.Backoff for failed daemon pods, keyed by DaemonSet and node. */
class Backoff {
  private readonly m = new Map<string, { delay: number; last: number }>();
  inBackoff(key: string, now: number): boolean {
    const e = this.m.get(key);
    return e !== undefined && now - e.last < e.delay;
  }
  delay(key: string): number {
    return this.m.get(key)?.delay ?? 0;
  }
  next(key: string, now: number): void {
    const e = this.m.get(key);
    if (!e || now - e.last > 2 * FAILED_BACKOFF_MAX_MS) this.m.set(key, { delay: FAILED_BACKOFF_INITIAL_MS, last: now });
    else this.m.set(key, { delay: Math.min(2 * e.delay, FAILED_BACKOFF_MAX_MS), last: now });
  }
}

interface Sync {
  ds: Stored<DaemonSet>;
  ctx: ControllerContext;
  key: string;
  nodes: Stored<Node>[];
  hash: string;
  now: number;
}

export function daemonSetController(): Controller {
  let sets: Informer<DaemonSet>;
  let pods: Informer<Pod>;
  let nodes: Informer<Node>;
  let revisions: Informer<ControllerRevision>;
  let expectations: Expectations;
  const backoff = new Backoff();

  const ownerOf = (pod: Stored<Pod>): Stored<DaemonSet> | undefined => {
    const ref = controllerRef(pod);
    if (!ref || ref.kind !== 'DaemonSet') return undefined;
    const ds = sets.get(pod.metadata.namespace, ref.name);
    return ds && ds.metadata.uid === ref.uid ? ds : undefined;
  };

  /** getNodesToDaemonPods: the set's pods by the node they run on or are meant for. */
  const nodesToPods = (owned: Stored<Pod>[], includeDeletedTerminal: boolean): Map<string, Stored<Pod>[]> => {
    const m = new Map<string, Stored<Pod>[]>();
    for (const pod of owned) {
      if (!includeDeletedTerminal && isPodTerminal(pod) && pod.metadata.deletionTimestamp) continue;
      const node = targetNodeName(pod);
      if (!node) continue;
      if (!m.has(node)) m.set(node, []);
      m.get(node)!.push(pod);
    }
    return m;
  };

  return {
    name: 'daemonset-controller',

    setup(ctx) {
      expectations = new Expectations(() => ctx.clock.now());
      sets = ctx.informers.informer<DaemonSet>(R.daemonSets).addIndex('namespace', byNamespace);
      pods = ctx.informers.informer<Pod>(R.pods).addIndex('namespace', byNamespace);
      nodes = ctx.informers.informer<Node>(R.nodes);
      revisions = ctx.informers.informer<ControllerRevision>(R.controllerRevisions).addIndex('namespace', byNamespace);
      const enqueue = (ds: Stored<DaemonSet> | undefined) => ds && ctx.enqueue(namespacedName(ds));
      const all = () => {
        for (const ds of sets.list()) enqueue(ds);
      };
      sets.on({ add: enqueue, update: (_o, ds) => enqueue(ds), delete: (ds) => (expectations.delete(namespacedName(ds)), enqueue(ds)) });
      nodes.on({
        add: all,
        update: (old, n) => {
          // Only what the predicates read matters (shouldIgnoreNodeUpdate).
          if (!deepEqual(old.metadata.labels, n.metadata.labels) || !deepEqual(old.spec?.taints, n.spec?.taints) || old.spec?.unschedulable !== n.spec?.unschedulable) all();
        },
        delete: all,
      });
      pods.on({
        add: (pod) => {
          const ds = ownerOf(pod);
          if (ds) {
            expectations.creationObserved(namespacedName(ds));
            enqueue(ds);
          }
        },
        update: (old, pod) => {
          if (old.metadata.resourceVersion === pod.metadata.resourceVersion) return;
          const ds = ownerOf(pod);
          if (!ds) return;
          if (pod.metadata.deletionTimestamp && !old.metadata.deletionTimestamp) expectations.deletionObserved(namespacedName(ds));
          enqueue(ds);
          if (!isPodReady(old) && isPodReady(pod) && (ds.spec.minReadySeconds ?? 0) > 0) ctx.enqueue(namespacedName(ds), (ds.spec.minReadySeconds! + 1) * 1000);
        },
        delete: (pod) => {
          const ds = ownerOf(pod);
          if (!ds) return;
          if (!pod.metadata.deletionTimestamp) expectations.deletionObserved(namespacedName(ds));
          enqueue(ds);
        },
      });
    },

    reconcile(key, ctx): Result | void {
      const { namespace, name } = splitKey(key);
      const ds = sets.get(namespace, name);
      if (!ds) {
        expectations.delete(key);
        return;
      }
      const sel = ds.spec.selector;
      if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) {
        ctx.recorder.event(ds, 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
        return;
      }
      if (ds.metadata.deletionTimestamp) return;
      const nodeList = [...nodes.list()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
      const owned = () =>
        claim(
          ctx.client,
          R.pods,
          ds,
          newControllerRef(ds, R.daemonSets),
          ds.spec.selector,
          pods.byIndex('namespace', namespace ?? '') as Stored<Pod>[],
        );
      const history = constructHistory(ds, ctx, revisions.byIndex('namespace', namespace ?? '') as Stored<ControllerRevision>[]);
      const s: Sync = { ds, ctx, key, nodes: nodeList, hash: history.hash, now: ctx.clock.now() };
      let requeue: number | undefined;
      let failure: unknown;
      const satisfied = expectations.satisfied(key);
      if (satisfied) {
        try {
          requeue = manage(s, nodesToPods(owned(), false));
          if (expectations.satisfied(key) && (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
            rollingUpdate(s, nodesToPods(owned(), false));
          }
          cleanupHistory(s, history.old, nodesToPods(owned(), true));
        } catch (e) {
          failure = e;
        }
      }
      const status = updateStatus(s, nodesToPods(owned(), false), satisfied);
      if (failure) throw failure;
      const minReady = ds.spec.minReadySeconds ?? 0;
      if (minReady > 0 && (status.numberReady ?? 0) !== (status.numberAvailable ?? 0)) requeue = Math.min(requeue ?? Infinity, minReady * 1000);
      return requeue !== undefined ? { requeueAfterMs: requeue } : undefined;
    },
  };

  /** manage: a pod for every node that needs one, none where none belongs, failed ones replaced. Returns a requeue delay for backoff. */
  function manage(s: Sync, byNode: Map<string, Stored<Pod>[]>): number | undefined {
    const create: string[] = [];
    const remove: Stored<Pod>[] = [];
    let requeue: number | undefined;
    const surge = allowsSurge(s.ds);
    for (const node of s.nodes) {
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, s.ds);
      const daemonPods = byNode.get(node.metadata.name);
      if (shouldRun && !daemonPods) {
        create.push(node.metadata.name);
        continue;
      }
      if (shouldContinueRunning && daemonPods) {
        const running: Stored<Pod>[] = [];
        for (const pod of daemonPods) {
          if (pod.metadata.deletionTimestamp) continue;
          if (pod.status?.phase === 'Failed') {
            const bk = `${namespacedName(s.ds)}/${node.metadata.name}`;
            if (backoff.inBackoff(bk, s.now)) {
              const d = backoff.delay(bk);
              requeue = Math.min(requeue ?? d, d);
              continue;
            }
            backoff.next(bk, s.now);
            s.ctx.recorder.event(s.ds, 'Warning', FAILED_DAEMON_POD, `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${node.metadata.name}, will try to kill it`);
            remove.push(pod);
          } else if (pod.status?.phase === 'Succeeded') remove.push(pod);
          else running.push(pod);
        }
        running.sort(byCreationAndPhase);
        if (!surge) {
          remove.push(...running.slice(1));
          continue;
        }
        if (running.length <= 1) {
          if (running.length === 0 && shouldRun) create.push(node.metadata.name);
          continue;
        }
        // With surge, an old and a new pod may share a node until the new one is available.
        let oldestNew: Stored<Pod> | undefined;
        let oldestOld: Stored<Pod> | undefined;
        for (const pod of running) {
          if (isPodUpdated(pod, s.hash)) {
            if (!oldestNew) oldestNew = pod;
            else remove.push(pod);
          } else if (!oldestOld) oldestOld = pod;
          else remove.push(pod);
        }
        if (oldestNew && oldestOld && (!isPodReady(oldestOld) || isPodAvailable(oldestNew, s.ds.spec.minReadySeconds ?? 0, s.now))) remove.push(oldestOld);
        continue;
      }
      if (!shouldContinueRunning && daemonPods) for (const pod of daemonPods) if (!pod.metadata.deletionTimestamp) remove.push(pod);
    }
    // Unscheduled pods meant for nodes that no longer exist.
    const known = new Set(s.nodes.map((n) => n.metadata.name));
    for (const [node, list] of byNode) if (!known.has(node)) for (const pod of list) if (!pod.spec.nodeName && !pod.metadata.deletionTimestamp) remove.push(pod);
    syncNodes(s, remove, create);
    return requeue;
  }

  /** syncNodes: creates pods pinned to nodes in slow-start batches, deletes pods; both within the burst. */
  function syncNodes(s: Sync, remove: Stored<Pod>[], create: string[]): void {
    const creates = create.slice(0, BURST_REPLICAS);
    const deletes = remove.slice(0, BURST_REPLICAS);
    if (!creates.length && !deletes.length) return;
    expectations.expect(s.key, creates.length, deletes.length);
    const template = daemonPodTemplate(s.ds, s.hash);
    const ref = newControllerRef(s.ds, R.daemonSets);
    let firstError: unknown;
    let pos = 0;
    let batch = Math.min(creates.length, 1);
    while (batch > 0) {
      let failed = 0;
      for (let i = pos; i < pos + batch; i++) {
        const t = clone(template);
        pinToNode(t.spec as Pod['spec'], creates[i]);
        try {
          const pod = s.ctx.client.create(R.pods, podFromTemplate(t, s.ds, ref));
          s.ctx.recorder.event(s.ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (e) {
          failed++;
          firstError ??= e;
          expectations.lower(s.key, 1, 0);
          if (!(isStatusError(e, 'Forbidden') && (e as Error).message.includes('being terminated'))) {
            s.ctx.recorder.event(s.ds, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
          }
        }
      }
      pos += batch;
      if (failed) {
        expectations.lower(s.key, creates.length - pos, 0);
        break;
      }
      batch = Math.min(2 * batch, creates.length - pos);
    }
    for (const pod of deletes) {
      try {
        s.ctx.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name);
        s.ctx.recorder.event(s.ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
      } catch (e) {
        expectations.lower(s.key, 0, 1);
        if (isStatusError(e, 'NotFound')) continue;
        firstError ??= e;
        s.ctx.recorder.event(s.ds, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
      }
    }
    if (firstError) throw firstError;
  }

  /** rollingUpdate: replaces old pods within maxUnavailable, or surges within maxSurge. */
  function rollingUpdate(s: Sync, byNode: Map<string, Stored<Pod>[]>): void {
    let desired = 0;
    for (const node of s.nodes) {
      if (!nodeShouldRunDaemonPod(node, s.ds).shouldRun) continue;
      desired++;
      if (!byNode.has(node.metadata.name)) byNode.set(node.metadata.name, []);
    }
    const { maxSurge, maxUnavailable } = surgeAndUnavailable(s.ds, desired);
    const minReady = s.ds.spec.minReadySeconds ?? 0;
    const available = (p: Pod) => isPodAvailable(p, minReady, s.now);
    const entries = [...byNode].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const nodeByName = new Map(s.nodes.map((n) => [n.metadata.name, n]));
    if (maxSurge === 0) {
      let unavailable = 0;
      const replacements: Stored<Pod>[] = [];
      const candidates: Stored<Pod>[] = [];
      for (const [, list] of entries) {
        const found = updatedOnNode(list, s.hash);
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
      syncNodes(s, [...replacements, ...candidates.slice(0, remaining)], []);
      return;
    }
    const remove: Stored<Pod>[] = [];
    const shouldNotRun: Stored<Pod>[] = [];
    const candidates: string[] = [];
    const allowed: string[] = [];
    let surge = 0;
    let numAvailable = 0;
    for (const [nodeName, list] of entries) {
      const found = updatedOnNode(list, s.hash);
      if (!found) {
        surge++;
        continue;
      }
      const { newPod, oldPod } = found;
      if (oldPod ? available(oldPod) : newPod ? available(newPod) : false) numAvailable++;
      if (!oldPod) continue;
      const node = nodeByName.get(nodeName);
      const shouldRun = node ? nodeShouldRunDaemonPod(node, s.ds).shouldRun : false;
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
    syncNodes(s, remove, [...allowed, ...candidates.slice(0, remaining)]);
  }

  /** updateDaemonSetStatus: counts over the nodes that should run a pod. */
  function updateStatus(s: Sync, byNode: Map<string, Stored<Pod>[]>, observed: boolean): DaemonSetStatus {
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let updated = 0;
    let available = 0;
    for (const node of s.nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, s.ds);
      const list = byNode.get(node.metadata.name) ?? [];
      if (!shouldRun) {
        if (list.length) misscheduled++;
        continue;
      }
      desired++;
      if (!list.length) continue;
      current++;
      const pod = [...list].sort(byCreationAndPhase)[0];
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, s.ds.spec.minReadySeconds ?? 0, s.now)) available++;
      }
      if (isPodUpdated(pod, s.hash)) updated++;
    }
    const status: DaemonSetStatus = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
    };
    const observedGeneration = observed ? s.ds.metadata.generation : s.ds.status?.observedGeneration;
    if (observedGeneration !== undefined) status.observedGeneration = observedGeneration;
    if (updated) status.updatedNumberScheduled = updated;
    if (available) status.numberAvailable = available;
    if (desired - available) status.numberUnavailable = desired - available;
    if (s.ds.status?.collisionCount !== undefined) status.collisionCount = s.ds.status.collisionCount;
    if (s.ds.status?.conditions) status.conditions = s.ds.status.conditions;
    if (!deepEqual(status, s.ds.status ?? {})) {
      try {
        s.ds = s.ctx.client.updateStatus(R.daemonSets, { ...s.ds, status });
      } catch (e) {
        if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
      }
    }
    return status;
  }

  function cleanupHistory(s: Sync, old: Stored<ControllerRevision>[], byNode: Map<string, Stored<Pod>[]>): void {
    const limit = s.ds.spec.revisionHistoryLimit ?? 10;
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
    deleteRevisions(s.ctx.client, victims);
  }
}

/** findUpdatedPodsOnNode: at most one new and one old live pod, or undefined when there are more. */
function updatedOnNode(list: Stored<Pod>[], hash: string): { newPod?: Stored<Pod>; oldPod?: Stored<Pod> } | undefined {
  let newPod: Stored<Pod> | undefined;
  let oldPod: Stored<Pod> | undefined;
  for (const pod of list) {
    if (pod.metadata.deletionTimestamp) continue;
    if (isPodUpdated(pod, hash)) {
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
function constructHistory(ds: Stored<DaemonSet>, ctx: ControllerContext, nsRevs: Stored<ControllerRevision>[]): { hash: string; old: Stored<ControllerRevision>[] } {
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
