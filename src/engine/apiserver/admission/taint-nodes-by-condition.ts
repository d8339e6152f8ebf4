/**
 * TaintNodesByCondition (plugin/pkg/admission/nodetaint): a new Node starts
 * with the node.kubernetes.io/not-ready:NoSchedule taint; the node lifecycle
 * controller removes it once the node reports Ready.
 */
import { R } from '../../api/kinds.ts';
import type { Node } from '../../api/types.ts';
import type { AdmissionPlugin } from './types.ts';

export function taintNodesByCondition(): AdmissionPlugin {
  return {
    name: 'TaintNodesByCondition',
    admit(a) {
      if (a.type !== R.nodes || a.operation !== 'CREATE' || a.subresource) return;
      const node = a.object as Node;
      node.spec = node.spec ?? {};
      const taints = node.spec.taints ?? [];
      if (!taints.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoSchedule')) {
        node.spec.taints = [...taints, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }];
      }
    },
  };
}
