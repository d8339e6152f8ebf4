/**
 * Priority (plugin/pkg/admission/priority): resolves a pod's
 * priorityClassName to spec.priority and spec.preemptionPolicy, applying the
 * globalDefault class when the pod names none, and refusing unknown classes;
 * refuses a second globalDefault PriorityClass.
 */
import { R, groupResource } from '../../api/kinds.ts';
import { forbiddenRequest } from '../../api/errors.ts';
import type { Pod } from '../../api/types.ts';
import type { AdmissionContext, AdmissionPlugin } from './types.ts';

interface PriorityClass {
  metadata: { name: string; creationTimestamp?: string };
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: string;
}

/** getDefaultPriorityClass: the globalDefault class; with several (a race), the one of lowest value. */
function defaultClass(ctx: AdmissionContext): PriorityClass | undefined {
  let best: PriorityClass | undefined;
  for (const pc of ctx.list(R.priorityClasses) as unknown as PriorityClass[]) {
    if (pc.globalDefault && (!best || best.value > pc.value)) best = pc;
  }
  return best;
}

export function priority(): AdmissionPlugin {
  return {
    name: 'Priority',
    validate(a, ctx) {
      // validatePriorityClass: only one class may be the global default.
      if (a.type !== R.priorityClasses || a.subresource || (a.operation !== 'CREATE' && a.operation !== 'UPDATE')) return;
      const pc = a.object as unknown as PriorityClass;
      if (!pc.globalDefault) return;
      const d = defaultClass(ctx);
      if (!d) return;
      if (a.operation === 'CREATE' || d.metadata.name !== pc.metadata.name) {
        throw forbiddenRequest({ groupResource: groupResource(a.type), group: 'scheduling.k8s.io', kind: 'PriorityClass' }, a.name, `PriorityClass ${d.metadata.name} is marked as default. Only one default can exist`);
      }
    },
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
        const d = defaultClass(ctx);
        if (d) {
          spec.priorityClassName = d.metadata.name;
          value = d.value;
          policy = d.preemptionPolicy;
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
      // With no class at all the policy is PreemptLowerPriority; a class's policy may not be contradicted.
      const computed = (policy ?? 'PreemptLowerPriority') as 'Never' | 'PreemptLowerPriority';
      if (spec.preemptionPolicy && spec.preemptionPolicy !== computed) {
        throw forbiddenRequest(
          target,
          a.name,
          `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${computed} from the given PriorityClass name`,
        );
      }
      spec.preemptionPolicy = computed;
    },
  };
}
