/**
 * DefaultTolerationSeconds (plugin/pkg/admission/defaulttolerationseconds):
 * a pod that does not already tolerate them gets tolerations of the
 * not-ready and unreachable NoExecute taints for 300 seconds, so its pods
 * stay on a failed node for five minutes before they are evicted.
 */
import { R } from '../../api/kinds.ts';
import type { Pod, Toleration } from '../../api/types.ts';
import type { AdmissionPlugin } from './types.ts';

export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds. */
export const DEFAULT_TOLERATION_SECONDS = 300;

function tolerates(tolerations: Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
}

export function defaultTolerationSeconds(seconds = DEFAULT_TOLERATION_SECONDS): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    admit(a) {
      if (a.type !== R.pods || a.operation !== 'CREATE' || a.subresource) return;
      const spec = (a.object as Pod).spec;
      const tolerations = spec.tolerations ?? [];
      const added: Toleration[] = [];
      if (!tolerates(tolerations, TAINT_NODE_NOT_READY))
        added.push({ key: TAINT_NODE_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
      if (!tolerates(tolerations, TAINT_NODE_UNREACHABLE))
        added.push({ key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
      if (added.length) spec.tolerations = [...tolerations, ...added];
    },
  };
}
