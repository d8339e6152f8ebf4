/**
 * NamespaceLifecycle (plugin/pkg/admission/namespace/lifecycle): nothing is
 * created in a namespace that does not exist or is being terminated, and the
 * system namespaces cannot be deleted.
 */
import { R, groupResource } from '../../api/kinds.ts';
import { forbiddenRequest, notFound } from '../../api/errors.ts';
import type { AdmissionPlugin } from './types.ts';

const IMMORTAL = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    // It runs first in the mutating chain, so a missing namespace is reported before anything else.
    admit(a, ctx) {
      const target = { groupResource: groupResource(a.type), group: a.type.group, kind: a.type.kind };
      if (a.type === R.namespaces && a.operation === 'DELETE' && IMMORTAL.has(a.name)) {
        throw forbiddenRequest(target, a.name, 'this namespace may not be deleted');
      }
      if (!a.type.namespaced || a.operation !== 'CREATE' || !a.namespace) return;
      // Events about objects in a terminating namespace are still accepted upstream.
      if (a.type.kind === 'Event') return;
      const ns = ctx.get(R.namespaces, undefined, a.namespace);
      if (!ns) {
        throw notFound({ groupResource: 'namespaces', group: '', kind: 'Namespace' }, a.namespace);
      }
      const phase = (ns as { status?: { phase?: string } }).status?.phase;
      if (phase === 'Terminating' || ns.metadata.deletionTimestamp) {
        throw forbiddenRequest(
          target,
          a.name,
          `unable to create new content in namespace ${a.namespace} because it is being terminated`,
        );
      }
    },
  };
}
