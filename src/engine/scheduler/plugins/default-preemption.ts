/**
 * DefaultPreemption (PostFilter): when no node fits, evicts lower-priority
 * pods from the node where that costs least and nominates the pod there.
 * Victims on a node are chosen by removing every lower-priority pod, then
 * reprieving as many as still fit, highest priority first (those whose
 * eviction would break a PodDisruptionBudget before the others). PreEnqueue
 * keeps a preemptor out of the queue while its preemption calls run.
 */
import { R } from '../../api/kinds.ts';
import type { Pod, PodDisruptionBudget, Stored } from '../../api/types.ts';
import { Evaluator, filterPodsWithPDBViolation, moreImportantPod } from '../preemption.ts';
import {
  type CycleState,
  type EnqueueExtensions,
  type Handle,
  type NodeInfo,
  type PodInfo,
  type PostFilterPlugin,
  type PreEnqueuePlugin,
  SUCCESS,
  type Status,
  podPriority,
  status,
  statusMessage,
} from '../framework.ts';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';

/** DefaultPreemptionArgs */
export interface DefaultPreemptionArgs {
  /** Share of nodes to dry-run as candidates, 0..100; default 10. */
  minCandidateNodesPercentage?: number;
  /** At least this many candidates; default 100. */
  minCandidateNodesAbsolute?: number;
}

/** podTerminatingByPreemption: being deleted after a DisruptionTarget condition from preemption. */
function terminatingByPreemption(pod: Pod): boolean {
  if (!pod.metadata.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'PreemptionByScheduler');
}

export function defaultPreemption(args: DefaultPreemptionArgs, handle: Handle): PostFilterPlugin & PreEnqueuePlugin & EnqueueExtensions & { evaluator: Evaluator } {
  const pct = args.minCandidateNodesPercentage ?? 10;
  const abs = args.minCandidateNodesAbsolute ?? 100;

  /** calculateNumCandidates */
  const numCandidates = (numNodes: number) => Math.min(Math.max(Math.trunc((numNodes * pct) / 100), abs), numNodes);

  /** SelectVictimsOnNode */
  const selectVictims = (state: CycleState, pod: Stored<Pod>, node: NodeInfo, pdbs: readonly PodDisruptionBudget[]) => selectVictimsOnNode(handle, state, pod, node, pdbs);

  const evaluator = new Evaluator(handle, {
    eligible(pod, nominatedStatus) {
      if (pod.spec.preemptionPolicy === 'Never') return { ok: false, message: 'not eligible due to preemptionPolicy=Never.' };
      const nom = pod.status?.nominatedNodeName;
      if (nom) {
        // A nominated node the filters call unresolvable is worth preempting for again.
        if (nominatedStatus?.code === 'UnschedulableAndUnresolvable') return { ok: true, message: '' };
        const info = handle.node(nom);
        if (info) {
          for (const p of info.pods.values()) {
            if (podPriority(p.pod) < podPriority(pod) && terminatingByPreemption(p.pod)) {
              return { ok: false, message: 'not eligible due to a terminating pod on the nominated node.' };
            }
          }
        }
      }
      return { ok: true, message: '' };
    },
    selectVictims,
    offsetAndNumCandidates: (n) => ({ offset: handle.random.int(n), numCandidates: numCandidates(n) }),
  }, handle.lister<PodDisruptionBudget>(R.podDisruptionBudgets));

  return {
    name: DEFAULT_PREEMPTION,
    evaluator,
    postFilter(state, pod, filtered) {
      const r = evaluator.preempt(state, pod, filtered);
      const msg = statusMessage(r.status);
      const st: Status = msg ? { code: r.status.code, reasons: [`preemption: ${msg}`] } : r.status;
      return { status: st, nominatedNodeName: r.nominatedNodeName };
    },
    preEnqueue(pod) {
      if (evaluator.isPodRunningPreemption(pod.metadata.uid)) return status('UnschedulableAndUnresolvable', 'waiting for the preemption for this pod to be finished');
      return SUCCESS;
    },
    // The preemptor comes back when its victims are deleted (the other plugins' events), so nothing here.
    eventsToRegister: () => [],
  };
}

/** Takes a pod off the (copied) node, and tells the PreFilter state. */
function removeFromNode(handle: Handle, state: CycleState, pod: Stored<Pod>, node: NodeInfo, pi: PodInfo): Status {
  node.removePod(pi.pod.metadata.uid);
  return handle.runPreFilterExtensionRemovePod(state, pod, pi, node);
}

function addToNode(handle: Handle, state: CycleState, pod: Stored<Pod>, node: NodeInfo, pi: PodInfo): Status {
  node.addPod(pi);
  return handle.runPreFilterExtensionAddPod(state, pod, pi, node);
}

/** Puts a potential victim back: true when the pod still fits, false when it stays a victim (pushed to `victims`). */
function reprieve(handle: Handle, state: CycleState, pod: Stored<Pod>, node: NodeInfo, pi: PodInfo, victims: Stored<Pod>[]): boolean | Status {
  const st = addToNode(handle, state, pod, node, pi);
  if (st.code !== 'Success') return st;
  if (handle.runFilterPluginsWithNominatedPods(state, pod, node).code === 'Success') return true;
  const rs = removeFromNode(handle, state, pod, node, pi);
  if (rs.code !== 'Success') return rs;
  victims.push(pi.pod);
  return false;
}

const byImportance = (now: number) => (a: Stored<Pod>, b: Stored<Pod>) => (moreImportantPod(a, b, now) ? -1 : moreImportantPod(b, a, now) ? 1 : 0);

/**
 * SelectVictimsOnNode: every lower-priority pod off the (copied) node; if the
 * pod then fits, reprieve them highest priority first, those whose eviction
 * would violate a PodDisruptionBudget before the others.
 */
function selectVictimsOnNode(
  handle: Handle,
  state: CycleState,
  pod: Stored<Pod>,
  node: NodeInfo,
  pdbs: readonly PodDisruptionBudget[],
): { victims: Stored<Pod>[]; numPDBViolations: number; status: Status } {
  const prio = podPriority(pod);
  const potential: PodInfo[] = [];
  for (const pi of [...node.pods.values()]) {
    if (podPriority(pi.pod) >= prio) continue;
    potential.push(pi);
    const st = removeFromNode(handle, state, pod, node, pi);
    if (st.code !== 'Success') return { victims: [], numPDBViolations: 0, status: status('Error', statusMessage(st)) };
  }
  if (!potential.length) return { victims: [], numPDBViolations: 0, status: status('UnschedulableAndUnresolvable', 'No preemption victims found for incoming pod') };
  // If it does not fit with every lower-priority pod gone, the node is no candidate.
  const fits = handle.runFilterPluginsWithNominatedPods(state, pod, node);
  if (fits.code !== 'Success') return { victims: [], numPDBViolations: 0, status: fits };
  const now = handle.now();
  const order = byImportance(now);
  potential.sort((a, b) => order(a.pod, b.pod));
  const { violating, nonViolating } = filterPodsWithPDBViolation(potential, pdbs);
  const victims: Stored<Pod>[] = [];
  let numViolating = 0;
  for (const pi of violating) {
    const r = reprieve(handle, state, pod, node, pi, victims);
    if (typeof r !== 'boolean') return { victims: [], numPDBViolations: 0, status: status('Error', statusMessage(r)) };
    if (!r) numViolating++;
  }
  for (const pi of nonViolating) {
    const r = reprieve(handle, state, pod, node, pi, victims);
    if (typeof r !== 'boolean') return { victims: [], numPDBViolations: 0, status: status('Error', statusMessage(r)) };
  }
  if (violating.length && nonViolating.length) victims.sort(order);
  return { victims, numPDBViolations: numViolating, status: SUCCESS };
}
