/**
 * eventual-stability: once inputs and faults stop, every workload reaches
 * the state its spec asks for and stays there, its objects and pods no
 * longer changing (level-based reconciliation:
 * the end state depends on the desired state, not on the path, the timing
 * or the perturbations of the event loop). What "its state" is belongs to
 * each workload kind (fuzz/workloads).
 */
import type { ResourceType, Stored } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import { WORKLOAD_KINDS } from '../workloads/registry.ts';
import type { Invariant } from './types.ts';

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
    let print = '';
    for (const t of types) for (const o of view.list(t)) print += `${o.metadata.uid}@${o.metadata.resourceVersion};`;
    return print;
  },
};
