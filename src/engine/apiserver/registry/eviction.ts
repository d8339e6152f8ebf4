/**
 * The Eviction API, POST pods/{name}/eviction
 * (pkg/registry/core/pod/storage/eviction.go, Kubernetes 1.33):
 *
 * - a pod that is Pending, Succeeded, Failed or already being deleted is
 *   deleted without looking at budgets;
 * - a pod matched by more than one PodDisruptionBudget is refused (500);
 * - an unready pod is deleted without spending the budget when the budget's
 *   unhealthyPodEvictionPolicy is AlwaysAllow, or (IfHealthyBudget, the
 *   default) when the application is healthy enough (currentHealthy >=
 *   desiredHealthy > 0);
 * - otherwise the budget must allow a disruption: a status the disruption
 *   controller has not yet caught up with, or disruptionsAllowed 0, is a 429
 *   "Cannot evict pod as it would violate the pod's disruption budget." whose
 *   cause names the budget; an allowed eviction decrements
 *   disruptionsAllowed and records the pod in disruptedPods;
 * - the pod gets the DisruptionTarget condition (EvictionByEvictionAPI), then
 *   is deleted with the request's options.
 */
import type { Pod, PodCondition, PodDisruptionBudget, Stored } from '../../api/types.ts';
import { Selector } from '../../api/selectors.ts';
import { isPodReady } from '../../api/pod.ts';
import { StatusError, conflict, forbiddenRequest, tooManyRequests } from '../../api/errors.ts';
import type { DeleteOptions } from '../../client/client.ts';

/** MaxDisruptedPodSize: evictions not yet confirmed by the disruption controller that a budget may hold. */
export const MAX_DISRUPTED_POD_SIZE = 2000;

export const EVICTION_REFUSED = "Cannot evict pod as it would violate the pod's disruption budget.";

/** What the eviction handler needs from the API server. */
export interface EvictionStorage {
  getPod(namespace: string, name: string): Stored<Pod>;
  listBudgets(namespace: string): Array<Stored<PodDisruptionBudget>>;
  updateBudgetStatus(pdb: Stored<PodDisruptionBudget>): void;
  /** Adds the DisruptionTarget condition to the pod's status. */
  updatePodStatus(pod: Stored<Pod>): Stored<Pod>;
  deletePod(namespace: string, name: string, opts: DeleteOptions): void;
  nowIso(): string;
}

/** The PDBs whose selector matches the pod (an empty or invalid selector matches nothing). */
export function budgetsForPod(pod: Pick<Pod, 'metadata'>, budgets: ReadonlyArray<Stored<PodDisruptionBudget>>): Array<Stored<PodDisruptionBudget>> {
  return budgets.filter((pdb) => {
    if (pdb.metadata.namespace !== pod.metadata.namespace) return false;
    const sel = pdb.spec?.selector;
    if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) return false;
    try {
      return Selector.fromLabelSelector(sel as never).matches(pod.metadata.labels);
    } catch {
      return false;
    }
  });
}

function canIgnorePDB(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || !!pod.metadata.deletionTimestamp;
}

function budgetError(message: string, retryAfterSeconds: number): StatusError {
  const e = tooManyRequests(EVICTION_REFUSED, [{ reason: 'DisruptionBudget', message }]);
  if (retryAfterSeconds > 0) e.status.details = { ...e.status.details, retryAfterSeconds };
  return e;
}

/** checkAndDecrement: the budget must allow a disruption; then it is spent (unless dry run). */
function checkAndDecrement(s: EvictionStorage, podName: string, pdb: Stored<PodDisruptionBudget>, dryRun: boolean): void {
  const st = pdb.status ?? {};
  if ((st.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
    throw budgetError(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`, 10);
  }
  const allowed = st.disruptionsAllowed ?? 0;
  const t = { groupResource: 'poddisruptionbudget.policy', group: 'policy', kind: 'PodDisruptionBudget' };
  if (allowed < 0) throw forbiddenRequest(t, pdb.metadata.name, 'pdb disruptions allowed is negative');
  if (Object.keys(st.disruptedPods ?? {}).length > MAX_DISRUPTED_POD_SIZE) {
    throw forbiddenRequest(t, pdb.metadata.name, 'DisruptedPods map too big - too many evictions not confirmed by PDB controller');
  }
  if (allowed === 0) {
    throw budgetError(`The disruption budget ${pdb.metadata.name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`, 0);
  }
  if (dryRun) return;
  const next = { ...st, disruptionsAllowed: allowed - 1, disruptedPods: { ...(st.disruptedPods ?? {}), [podName]: s.nowIso() } };
  if (next.disruptionsAllowed === 0) {
    // UpdateDisruptionAllowedCondition.
    const conditions = (st.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
    const old = (st.conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
    conditions.push({
      type: 'DisruptionAllowed',
      status: 'False',
      reason: 'InsufficientPods',
      message: '',
      observedGeneration: st.observedGeneration,
      lastTransitionTime: old?.status === 'False' ? old.lastTransitionTime : s.nowIso(),
    });
    (next as typeof st).conditions = conditions;
  }
  s.updateBudgetStatus({ ...pdb, status: next });
}

/** Evicts a pod: throws the refusal, or returns once the pod is deleted (or marked for deletion). */
export function evictPod(s: EvictionStorage, namespace: string, name: string, opts: DeleteOptions): void {
  const dryRun = opts.dryRun === true;
  const pod = s.getPod(namespace, name);
  if (canIgnorePDB(pod)) return addConditionAndDelete(s, pod, opts, dryRun);
  const budgets = budgetsForPod(pod, s.listBudgets(namespace));
  if (budgets.length > 1) {
    throw new StatusError({ reason: 'InternalError', code: 500, message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.' });
  }
  let deleteOpts = opts;
  const pdb = budgets[0];
  if (pdb) {
    let skipBudget = false;
    if (!isPodReady(pod)) {
      const st = pdb.status ?? {};
      if (pdb.spec?.unhealthyPodEvictionPolicy === 'AlwaysAllow') skipBudget = true;
      else if ((st.currentHealthy ?? 0) >= (st.desiredHealthy ?? 0) && (st.desiredHealthy ?? 0) > 0) skipBudget = true;
    }
    if (skipBudget) {
      // The pod must not have become ready since: a changed pod makes the delete conflict, answered as a 429.
      deleteOpts = { ...opts, preconditions: { ...(opts.preconditions ?? {}), resourceVersion: opts.preconditions?.resourceVersion ?? pod.metadata.resourceVersion } };
    } else checkAndDecrement(s, name, pdb, dryRun);
  }
  addConditionAndDelete(s, pod, deleteOpts, dryRun);
}

function addConditionAndDelete(s: EvictionStorage, pod: Stored<Pod>, opts: DeleteOptions, dryRun: boolean): void {
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name;
  let options = opts;
  if (!dryRun) {
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== pod.metadata.uid) throw conflict({ groupResource: 'pods', group: '', kind: 'Pod' }, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${pod.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== pod.metadata.resourceVersion) {
      throw conflict({ groupResource: 'pods', group: '', kind: 'Pod' }, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${pod.metadata.resourceVersion}`);
    }
    const conditions = [...((pod.status?.conditions ?? []) as PodCondition[])];
    const i = conditions.findIndex((c) => c.type === 'DisruptionTarget');
    const cond = { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting', lastProbeTime: null, lastTransitionTime: s.nowIso() } as unknown as PodCondition;
    const unchanged = i >= 0 && conditions[i].status === 'True' && conditions[i].reason === cond.reason;
    if (!unchanged) {
      if (i >= 0) conditions[i] = cond;
      else conditions.push(cond);
      const updated = s.updatePodStatus({ ...pod, status: { ...pod.status, conditions } });
      // The condition bumped the resourceVersion: a precondition on it follows.
      if (pre?.resourceVersion) options = { ...opts, preconditions: { ...pre, resourceVersion: updated.metadata.resourceVersion } };
    }
  }
  s.deletePod(ns!, name, options);
}
