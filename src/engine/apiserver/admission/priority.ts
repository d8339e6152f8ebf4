/**
 * Priority (plugin/pkg/admission/priority): resolves a pod's
 * priorityClassName to spec.priority and spec.preemptionPolicy, applying the
 * globalDefault class when the pod names none, and refusing unknown classes.
 */
import { R, groupResource } from '../../api/kinds.ts';
import { forbiddenRequest } from '../../api/errors.ts';
import type { Pod } from '../../api/types.ts';
import type { AdmissionPlugin } from './types.ts';

interface PriorityClass {
  metadata: { name: string; creationTimestamp?: string };
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

export function priority(): AdmissionPlugin {
  return {
    name: 'Priority',
    admit(a, ctx) {
      if (a.type !== R.pods || a.operation !== 'CREATE' || a.subresource) return;
      const pod = a.object as Pod;
      const spec = pod.spec;
      const target = { groupResource: groupResource(a.type), group: '', kind: 'Pod' };
      let value = 0;
      let policy: string | undefined;
      if (spec.priorityClassName) {
        const pc = ctx.get(R.priorityClasses, undefined, spec.priorityClassName) as unknown as PriorityClass | undefined;
        if (!pc) throw forbiddenRequest(target, a.name, `no PriorityClass with name ${spec.priorityClassName} was found`);
        value = pc.value;
        policy = pc.preemptionPolicy;
      } else {
        // The oldest global default wins when several exist, as upstream picks it.
        const defaults = (ctx.list(R.priorityClasses) as unknown as PriorityClass[])
          .filter((pc) => pc.globalDefault)
          .sort((x, y) => (x.metadata.creationTimestamp ?? '').localeCompare(y.metadata.creationTimestamp ?? '') || x.value - y.value);
        if (defaults.length) {
          spec.priorityClassName = defaults[0].metadata.name;
          value = defaults[0].value;
          policy = defaults[0].preemptionPolicy;
        }
      }
      if (spec.priority !== undefined && spec.priority !== null && spec.priority !== value) {
        throw forbiddenRequest(
          target,
          a.name,
          `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${value} from the given PriorityClass name`,
        );
      }
      spec.priority = value;
      if (!spec.preemptionPolicy) spec.preemptionPolicy = (policy ?? 'PreemptLowerPriority') as 'Never' | 'PreemptLowerPriority';
    },
  };
}
