/**
 * node-name-set-once: a pod's spec.nodeName, once set, never changes. A
 * pod is bound once (POST pods/{name}/binding refuses a pod that already has
 * a node) and pod updates may not change spec.nodeName; a pod that must run
 * elsewhere is replaced by a new pod.
 */
import { R, storePrefix, type Pod, type Stored, type StoreEvent } from '../../engine/index.ts';
import type { Invariant, MonitorContext, Report } from './types.ts';

const PODS = storePrefix(R.pods);

export const nodeNameSetOnce: Invariant = {
  name: 'node-name-set-once',
  summary: 'a pod is bound at most once and its spec.nodeName never changes',
  promise: 'spec.nodeName is set once, by binding, and is immutable afterwards; pods are never moved between nodes, only replaced.',
  references: [
    'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#PodSpec (nodeName)',
    'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-lifetime',
    'kubernetes/kubernetes pkg/registry/core/pod/storage/storage.go (assignPod: "pod %v is already assigned to node %q")',
  ],
  kind: 'safety',
  monitor(ctx: MonitorContext, report: Report) {
    return {
      onEvent(e: StoreEvent) {
        if (e.type !== 'MODIFIED' || !e.key.startsWith(PODS)) return;
        const before = (e.prev as Stored<Pod>).spec.nodeName;
        const after = (e.object as Stored<Pod>).spec.nodeName;
        if (before && after !== before) {
          const w = ctx.writerOf(e.revision);
          report(
            `pod "${e.object.metadata.namespace}/${e.object.metadata.name}" moved from node "${before}" to ${after ? `"${after}"` : 'no node'}` +
              (w ? ` (${w.component} ${w.verb})` : ''),
            ctx.timeOf(e.revision),
          );
        }
      },
    };
  },
};
