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
import { Expectations, claim, podFromTemplate } from './controller-utils.ts';
import { cleanupHistory, constructHistory, rollingUpdatePlan } from './daemonset-update-util.ts';
import {
  FAILED_DAEMON_POD,
  allowsSurge,
  byCreationAndPhase,
  daemonPodTemplate,
  isPodUpdated,
  nodeShouldRunDaemonPod,
  pinToNode,
  templateGeneration,
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
          cleanupHistory(s.ds, ctx, history.old, nodesToPods(owned(), true));
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
          if (isPodUpdated(pod, s.hash, templateGeneration(s.ds))) {
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
    const plan = rollingUpdatePlan(s.ds, s.nodes, s.hash, byNode, s.now);
    syncNodes(s, plan.remove, plan.create);
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
      if (isPodUpdated(pod, s.hash, templateGeneration(s.ds))) updated++;
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

}

