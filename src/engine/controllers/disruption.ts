/**
 * The disruption controller (pkg/controller/disruption): keeps each
 * PodDisruptionBudget's status, which the Eviction API spends.
 *
 * - expectedPods: the pods selected (an integer minAvailable), or the sum of
 *   the scales of their controllers (maxUnavailable or a percentage
 *   minAvailable: Deployments through their ReplicaSets, ReplicaSets,
 *   StatefulSets; anything else fails the sync);
 * - desiredHealthy: minAvailable, or expectedPods - maxUnavailable
 *   (percentages rounded up), at least 0;
 * - currentHealthy: selected pods that are Ready, not being deleted and not
 *   recently evicted (disruptedPods entries younger than 2 minutes);
 * - disruptionsAllowed: currentHealthy - desiredHealthy, at least 0, and 0
 *   while no pod is expected;
 * - the DisruptionAllowed condition (SufficientPods, InsufficientPods, or
 *   SyncFailed when the sync failed, with disruptionsAllowed forced to 0).
 *
 * It also clears DisruptionTarget conditions that the Eviction API left on
 * pods that were never deleted (after 2 minutes).
 */
import { R } from '../api/kinds.ts';
import type { Deployment, KubeObject, Pod, PodCondition, PodDisruptionBudget, ReplicaSet, StatefulSet, Stored } from '../api/types.ts';
import { controllerRef, deepEqual, namespacedName, splitKey } from '../api/meta.ts';
import { Selector } from '../api/selectors.ts';
import { isPodReady, isPodTerminal } from '../api/pod.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import { byNamespace } from '../client/informer.ts';
import type { Controller, ControllerContext, Result } from './manager.ts';

/** DeletionTimeout: how long an eviction the API approved counts before the pod must be seen deleted. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;
/** stalePodDisruptionTimeout. */
export const STALE_POD_DISRUPTION_TIMEOUT_MS = 2 * 60_000;

/** GetScaledValueFromIntOrPercent, rounding up. */
export function scaledValueUp(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  return Math.ceil((Number(m[1]) * total) / 100);
}

/** The pods a budget selects: an empty or invalid selector selects none. */
function selectorOf(pdb: PodDisruptionBudget): Selector | undefined {
  const sel = pdb.spec?.selector;
  if (!sel) return undefined;
  try {
    return Selector.fromLabelSelector(sel as never);
  } catch {
    return undefined;
  }
}

export function disruptionController(): Controller {
  let budgets: Informer<PodDisruptionBudget>;
  let pods: Informer<Pod>;
  let replicaSets: Informer<ReplicaSet>;
  let deployments: Informer<Deployment>;
  let statefulSets: Informer<StatefulSet>;
  let ctx!: ControllerContext;

  const podsFor = (pdb: Stored<PodDisruptionBudget>): Stored<Pod>[] => {
    const sel = selectorOf(pdb);
    if (!sel) return [];
    return pods.byIndex('namespace', pdb.metadata.namespace ?? '').filter((p) => sel.matches(p.metadata.labels));
  };

  const budgetsFor = (pod: Stored<Pod>): Stored<PodDisruptionBudget>[] =>
    budgets.byIndex('namespace', pod.metadata.namespace ?? '').filter((b) => {
      const sel = selectorOf(b);
      return !!sel && !sel.isEverything() && sel.matches(pod.metadata.labels);
    });

  /** The scale of the controller of a pod (getPodDeployment, getPodReplicaSet, getPodStatefulSet). */
  const scaleOf = (pod: Stored<Pod>): { uid: string; scale: number } | undefined => {
    const ref = controllerRef(pod)!;
    const ns = pod.metadata.namespace;
    if (ref.kind === 'ReplicaSet') {
      const rs = replicaSets.get(ns, ref.name);
      if (!rs || rs.metadata.uid !== ref.uid) return undefined;
      const owner = controllerRef(rs);
      if (owner?.kind === 'Deployment') {
        const d = deployments.get(ns, owner.name);
        return d && d.metadata.uid === owner.uid ? { uid: d.metadata.uid, scale: d.spec.replicas ?? 1 } : undefined;
      }
      return { uid: rs.metadata.uid, scale: rs.spec.replicas ?? 1 };
    }
    if (ref.kind === 'StatefulSet') {
      const ss = statefulSets.get(ns, ref.name);
      return ss && ss.metadata.uid === ref.uid ? { uid: ss.metadata.uid, scale: ss.spec.replicas ?? 1 } : undefined;
    }
    return undefined;
  };

  /** getExpectedScale: the sum of the scales of the pods' controllers. */
  const expectedScale = (selected: Stored<Pod>[]): { expected: number; unmanaged: string[] } => {
    const scales = new Map<string, number>();
    const unmanaged: string[] = [];
    for (const p of selected) {
      const ref = controllerRef(p);
      if (!ref) {
        unmanaged.push(p.metadata.name);
        continue;
      }
      if (scales.has(ref.uid)) continue;
      const found = scaleOf(p);
      if (!found) {
        const kind = ref.kind === 'DaemonSet' ? 'daemonsets.apps' : `${ref.kind.toLowerCase()}s`;
        throw new Error(ref.kind === 'ReplicaSet' || ref.kind === 'StatefulSet' ? `found no controllers for pod ${JSON.stringify(p.metadata.name)}` : `${kind} does not implement the scale subresource`);
      }
      scales.set(found.uid, found.scale);
    }
    return { expected: [...scales.values()].reduce((a, b) => a + b, 0), unmanaged };
  };

  const writeStatus = (pdb: Stored<PodDisruptionBudget>, status: NonNullable<PodDisruptionBudget['status']>): void => {
    try {
      ctx.client.updateStatus(R.podDisruptionBudgets, { ...pdb, status });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  };

  /** UpdateDisruptionAllowedCondition (or SyncFailed), keeping lastTransitionTime while the status holds. */
  const withCondition = (pdb: Stored<PodDisruptionBudget>, status: NonNullable<PodDisruptionBudget['status']>, failed?: string): NonNullable<PodDisruptionBudget['status']> => {
    const old = (pdb.status?.conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
    const allowed = (status.disruptionsAllowed ?? 0) > 0 && !failed;
    const st = allowed ? 'True' : 'False';
    const cond = {
      type: 'DisruptionAllowed',
      status: st,
      reason: failed ? 'SyncFailed' : allowed ? 'SufficientPods' : 'InsufficientPods',
      message: failed ?? '',
      observedGeneration: status.observedGeneration,
      lastTransitionTime: old && old.status === st ? old.lastTransitionTime : ctx.clock.iso(),
    };
    return { ...status, conditions: [...(pdb.status?.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed'), cond] };
  };

  const sync = (pdb: Stored<PodDisruptionBudget>): Result | void => {
    const selected = podsFor(pdb);
    if (!selected.length) ctx.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    let expected: number;
    let desired = 0;
    try {
      const spec = pdb.spec ?? {};
      if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
        const s = expectedScale(selected);
        expected = s.expected;
        if (s.unmanaged.length) unmanagedEvent(pdb);
        desired = Math.max(0, expected - scaledValueUp(spec.maxUnavailable, expected));
      } else if (typeof spec.minAvailable === 'string') {
        const s = expectedScale(selected);
        expected = s.expected;
        if (s.unmanaged.length) unmanagedEvent(pdb);
        desired = scaledValueUp(spec.minAvailable, expected);
      } else {
        desired = spec.minAvailable ?? 0;
        expected = selected.length;
      }
    } catch (e) {
      const message = (e as Error).message;
      ctx.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${message}`);
      // failSafe: no disruption allowed while the budget cannot be computed.
      writeStatus(pdb, withCondition(pdb, { ...(pdb.status ?? {}), disruptionsAllowed: 0 }, message));
      return { requeueAfterMs: 1000 };
    }
    const now = ctx.clock.now();
    // buildDisruptedPodMap: evictions approved but not yet seen as deletions, for at most DeletionTimeout.
    const disrupted: Record<string, string> = {};
    let recheck: number | undefined;
    for (const p of selected) {
      if (p.metadata.deletionTimestamp) continue;
      const at = pdb.status?.disruptedPods?.[p.metadata.name];
      if (at === undefined) continue;
      const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
      if (expires < now) {
        ctx.recorder.event(p, 'Warning', 'NotDeleted', `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.namespace} to be deleted but it wasn't`);
        continue;
      }
      disrupted[p.metadata.name] = at;
      recheck = recheck === undefined ? expires : Math.min(recheck, expires);
    }
    let healthy = 0;
    for (const p of selected) {
      if (p.metadata.deletionTimestamp) continue;
      if (disrupted[p.metadata.name] !== undefined) continue;
      if (isPodReady(p)) healthy++;
    }
    const allowed = expected <= 0 || healthy - desired <= 0 ? 0 : healthy - desired;
    const status = {
      ...(pdb.status ?? {}),
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      disruptionsAllowed: allowed,
      disruptedPods: disrupted,
      observedGeneration: pdb.metadata.generation ?? 0,
    };
    if (!Object.keys(disrupted).length) delete (status as { disruptedPods?: unknown }).disruptedPods;
    const next = withCondition(pdb, status);
    if (!deepEqual(next, pdb.status)) writeStatus(pdb, next);
    if (recheck !== undefined) return { requeueAfterMs: Math.max(1, recheck - now) };
  };

  const unmanagedEvent = (pdb: Stored<PodDisruptionBudget>) => {
    const sel = pdb.spec?.selector;
    ctx.recorder.event(
      pdb,
      'Warning',
      'UnmanagedPods',
      `Pods selected by this PodDisruptionBudget (selector: ${selectorText(sel)}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.`,
    );
  };

  /** A DisruptionTarget condition whose pod was never deleted: how long until it is stale (0: now), or undefined. */
  const staleIn = (pod: Stored<Pod>): number | undefined => {
    if (pod.metadata.deletionTimestamp || isPodTerminal(pod)) return undefined;
    const c = (pod.status?.conditions ?? []).find((x) => x.type === 'DisruptionTarget');
    if (!c || c.status !== 'True' || c.reason === 'TerminationByKubelet') return undefined;
    const since = c.lastTransitionTime ? Date.parse(c.lastTransitionTime) : ctx.clock.now();
    return Math.max(0, STALE_POD_DISRUPTION_TIMEOUT_MS - (ctx.clock.now() - since));
  };

  const clearStale = (key: string): Result | void => {
    const { namespace, name } = splitKey(key);
    const pod = pods.get(namespace, name);
    if (!pod) return;
    const wait = staleIn(pod);
    if (wait === undefined) return;
    if (wait > 0) return { requeueAfterMs: wait };
    const conditions = (pod.status?.conditions ?? []).map((c) => (c.type === 'DisruptionTarget' ? ({ ...c, status: 'False', lastTransitionTime: ctx.clock.iso() } as PodCondition) : c));
    try {
      ctx.client.updateStatus(R.pods, { ...pod, status: { ...pod.status, conditions } });
    } catch (e) {
      if (!isStatusError(e, 'NotFound')) throw e;
    }
  };

  return {
    name: 'disruption-controller',
    eventSource: 'controllermanager',
    setup(c) {
      ctx = c;
      budgets = ctx.informers.informer<PodDisruptionBudget>(R.podDisruptionBudgets).addIndex('namespace', byNamespace);
      pods = ctx.informers.informer<Pod>(R.pods).addIndex('namespace', byNamespace);
      replicaSets = ctx.informers.informer<ReplicaSet>(R.replicaSets);
      deployments = ctx.informers.informer<Deployment>(R.deployments);
      statefulSets = ctx.informers.informer<StatefulSet>(R.statefulSets);
      budgets.on({ add: (b) => ctx.enqueue(namespacedName(b)), update: (_o, b) => ctx.enqueue(namespacedName(b)), delete: (b) => ctx.enqueue(namespacedName(b)) });
      const onPod = (p: Stored<Pod>) => {
        const matching = budgetsFor(p);
        if (matching.length > 1) {
          ctx.recorder.event(p, 'Warning', 'MultiplePodDisruptionBudgets', `Pod ${JSON.stringify(p.metadata.namespace)}/${JSON.stringify(p.metadata.name)} matches multiple PodDisruptionBudgets.  Chose ${JSON.stringify(matching[0].metadata.name)} arbitrarily.`);
        }
        if (matching[0]) ctx.enqueue(namespacedName(matching[0]));
        const wait = staleIn(p);
        if (wait !== undefined) ctx.enqueue(`stale:${namespacedName(p)}`, wait);
      };
      pods.on({ add: onPod, update: (_o, p) => onPod(p), delete: (p) => budgetsFor(p)[0] && ctx.enqueue(namespacedName(budgetsFor(p)[0])) });
      // A controller's scale changes the expected count of percentage budgets.
      const byScale = (o: Stored) => {
        for (const b of budgets.byIndex('namespace', o.metadata.namespace ?? '')) ctx.enqueue(namespacedName(b));
      };
      for (const inf of [replicaSets, deployments, statefulSets] as unknown as Array<Informer<KubeObject>>) inf.on({ add: byScale, update: (_o, x) => byScale(x) });
    },
    reconcile(key) {
      if (key.startsWith('stale:')) return clearStale(key.slice(6));
      const { namespace, name } = splitKey(key);
      const pdb = budgets.get(namespace, name);
      if (!pdb) return;
      return sync(pdb);
    },
  };
}

function selectorText(sel: NonNullable<PodDisruptionBudget['spec']>['selector']): string {
  if (!sel) return '&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}';
  const labels = Object.entries(sel.matchLabels ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${v},`).join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{},}`;
}
