/**
 * eventual-stability: once inputs and faults stop, every workload reaches
 * the state its spec asks for and stays there, its objects and pods no
 * longer changing (level-based reconciliation:
 * the end state depends on the desired state, not on the path, the timing
 * or the perturbations of the event loop). What "its state" is belongs to
 * each workload kind (fuzz/workloads).
 */
import { R, controllerRef, resourceFor, type Pod, type ResourceType, type Stored } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import { WORKLOAD_KINDS } from '../workloads/registry.ts';
import type { Invariant } from './types.ts';

/** UIDs of the objects of recurring kinds (CronJobs) and of what they made, down their chain of controllers. */
function recurringObjects(view: View): Set<string> {
  const uids = new Set<string>();
  for (const kind of WORKLOAD_KINDS.values()) {
    if (!kind.recurring) continue;
    for (const o of view.list(kind.type)) uids.add(o.metadata.uid);
    for (const t of kind.recurring) for (const o of view.list(t)) if (uids.has(controllerRef(o)?.uid ?? '')) uids.add(o.metadata.uid);
  }
  return uids;
}

/** Whether `o` is being deleted after its owner went: the garbage collector's business (no-orphans), not its workload's. */
function collected(view: View, o: Stored): boolean {
  const ref = o.metadata.deletionTimestamp ? controllerRef(o) : undefined;
  const type = ref && resourceFor(ref.apiVersion, ref.kind);
  return !!type && view.get(type, type.namespaced ? o.metadata.namespace : undefined, ref!.name)?.metadata.uid !== ref!.uid;
}

export const eventualStability: Invariant = {
  name: 'eventual-stability',
  summary: 'once inputs and faults stop, every workload reaches its desired state and stays there',
  promise:
    'Controllers are level-based: each drives the current state toward the desired state, so once nothing changes the desired state, the cluster converges to it whatever happened on the way.',
  references: [
    'https://kubernetes.io/docs/concepts/architecture/controller/#desired-versus-current-state',
    'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#complete-deployment',
  ],
  kind: 'eventual',
  unsettled(view: View) {
    const out: string[] = [];
    for (const kind of WORKLOAD_KINDS.values()) for (const obj of view.list(kind.type)) out.push(...kind.unsettled(view, obj as Stored));
    return out;
  },
  fingerprint(view: View) {
    const types = new Set<ResourceType>();
    for (const kind of WORKLOAD_KINDS.values()) for (const t of kind.writes) types.add(t);
    const restless = recurringObjects(view);
    let print = '';
    for (const t of types) {
      for (const o of view.list(t)) {
        if (restless.has(o.metadata.uid) || collected(view, o)) continue;
        // A pod no node takes is the scheduler's business: its retries rewrite its status (why it does not fit, which
        // changes with the rest of the cluster, a CronJob's coming and going pods among it) without any controller acting.
        const waiting = t === R.pods && !(o as Stored<Pod>).spec.nodeName && !o.metadata.deletionTimestamp;
        print += waiting ? `${o.metadata.uid}@pending;` : `${o.metadata.uid}@${o.metadata.resourceVersion};`;
      }
    }
    return print;
  },
};
