/**
 * no-orphans: once inputs stop, no object outlives what it depends on: every
 * owner reference names an object that exists with that uid (the garbage
 * collector deletes dependents of deleted owners, in the background by
 * default), and no pod stays bound to a node that no longer exists (the
 * pod garbage collector deletes such orphaned pods). A dependent whose
 * deletion is under way is given its grace period (and DELETION_SLACK_MS
 * for its node agent to finish): a CronJob that replaces its job every
 * minute always has a pod of the last one terminating; past that, a
 * dependent held back (by a finalizer nobody removes) is an orphan.
 */
import { R, resourceFor, type KubeObject, type Node, type Pod, type ResourceType, type Stored } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import type { Invariant } from './types.ts';
import { OBSERVED } from './observer.ts';

/** How long past its deletionTimestamp a dependent being deleted may take to go. */
export const DELETION_SLACK_MS = 30_000;

export const noOrphans: Invariant = {
  name: 'no-orphans',
  summary: 'no dependent outlives its owner, no pod outlives its node',
  promise:
    'When an owner is deleted with background or foreground propagation, the garbage collector deletes its dependents; pods bound to deleted nodes are deleted by the pod garbage collector.',
  references: [
    'https://kubernetes.io/docs/concepts/architecture/garbage-collection/#cascading-deletion',
    'https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/',
    'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-garbage-collection',
  ],
  kind: 'eventual',
  unsettled(view: View) {
    const out: string[] = [];
    const types = new Map<string, ResourceType | undefined>();
    for (const type of OBSERVED) {
      for (const obj of view.list<KubeObject>(type)) {
        const going = obj.metadata.deletionTimestamp;
        if (going && view.now <= Date.parse(going) + DELETION_SLACK_MS) continue;
        for (const ref of obj.metadata.ownerReferences ?? []) {
          const k = `${ref.apiVersion}/${ref.kind}`;
          if (!types.has(k)) types.set(k, resourceFor(ref.apiVersion, ref.kind));
          const ownerType = types.get(k);
          if (!ownerType) continue;
          const owner = view.get(ownerType, ownerType.namespaced ? obj.metadata.namespace : undefined, ref.name);
          if (!owner || owner.metadata.uid !== ref.uid) {
            out.push(`${type.singular} "${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}" is owned by ${ref.kind} "${ref.name}" (uid ${ref.uid}), which no longer exists`);
          }
        }
      }
    }
    const nodes = new Set(view.list<Node>(R.nodes).map((n) => n.metadata.name));
    for (const p of view.list<Pod>(R.pods) as Stored<Pod>[]) {
      if (p.spec.nodeName && !nodes.has(p.spec.nodeName)) out.push(`pod "${p.metadata.namespace}/${p.metadata.name}" is bound to node "${p.spec.nodeName}", which no longer exists`);
    }
    return out;
  },
};
