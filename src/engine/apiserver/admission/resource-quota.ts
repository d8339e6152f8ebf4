/**
 * ResourceQuota (plugin/pkg/admission/resourcequota), the last plugin of
 * the chain: an object is refused when, added to what the namespace already
 * uses, it would exceed a quota's hard limit ("exceeded quota: <quota>,
 * requested: ..., used: ..., limited: ..."), and a pod that leaves out a
 * compute request or limit a quota constrains is refused ("failed quota:
 * <quota>: must specify ..."). Upstream keeps the usage in the quota's
 * status, updated by this plugin on every admission; here the usage is
 * counted from the stored objects at each admission, which is the same
 * number without the bookkeeping.
 */
import { RESOURCE_TYPES, R, groupResource } from '../../api/kinds.ts';
import type { Container, KubeObject, Pod, ResourceQuota, Stored } from '../../api/types.ts';
import { forbiddenRequest } from '../../api/errors.ts';
import { type ResourceList, matchesScopes, prettyPrint, quotaAmount, totalUsage, typesCounted, usageOf } from '../../api/quota.ts';
import type { AdmissionPlugin, AdmissionContext } from './types.ts';

/** Resources whose quota requires every container to state them (validationSet). */
const MUST_SPECIFY = ['requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'cpu', 'memory'];

function missingCompute(pod: Pod, required: string[]): string | undefined {
  const missing = new Map<string, Set<string>>();
  const check = (c: Container) => {
    for (const r of required) {
      const [field, res] = r.includes('.') ? (r.split('.') as ['requests' | 'limits', string]) : (['requests', r] as const);
      const list = (c.resources?.[field] ?? {}) as Record<string, string>;
      if (!(res in list)) {
        if (!missing.has(r)) missing.set(r, new Set());
        missing.get(r)!.add(c.name);
      }
    }
  };
  for (const c of pod.spec.containers ?? []) check(c);
  for (const c of pod.spec.initContainers ?? []) check(c);
  if (!missing.size) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

function currentUsage(q: Stored<ResourceQuota>, ctx: AdmissionContext, exclude?: Stored): ResourceList {
  const hard = Object.keys(q.spec?.hard ?? {});
  const items = typesCounted(hard, RESOURCE_TYPES).flatMap((type) =>
    ctx
      .list(type, q.metadata.namespace)
      .filter((o) => o.metadata.uid !== exclude?.metadata.uid)
      .map((obj) => ({ type, obj })),
  );
  return totalUsage(hard, items, q.spec?.scopes, ctx.now());
}

export function resourceQuota(): AdmissionPlugin {
  return {
    name: 'ResourceQuota',
    validate(a, ctx) {
      if (!a.type.namespaced || !a.namespace) return;
      if (a.operation !== 'CREATE' && !(a.operation === 'UPDATE' && a.type === R.persistentVolumeClaims && !a.subresource)) return;
      if (a.subresource) return;
      const quotas = ctx.list(R.resourceQuotas, a.namespace) as Stored<ResourceQuota>[];
      if (!quotas.length) return;
      const target = { groupResource: groupResource(a.type), group: a.type.group, kind: a.type.kind };
      const obj = a.object as KubeObject;
      const delta = usageOf(a.type, obj, ctx.now());
      if (a.oldObject) for (const [k, v] of usageOf(a.type, a.oldObject, ctx.now())) delta.set(k, (delta.get(k) ?? 0) - v);
      for (const q of [...quotas].sort((x, y) => (x.metadata.name < y.metadata.name ? -1 : 1))) {
        if (!matchesScopes(q.spec?.scopes, a.type, obj)) continue;
        const hardEntries = Object.entries((q.spec?.hard ?? {}) as Record<string, string>);
        const constrained = hardEntries.filter(([k]) => delta.has(k) || (a.type === R.pods && MUST_SPECIFY.includes(k)));
        if (!constrained.length) continue;
        if (a.type === R.pods) {
          const required = constrained.map(([k]) => k).filter((k) => MUST_SPECIFY.includes(k));
          const why = missingCompute(obj as Pod, required);
          if (why) throw forbiddenRequest(target, a.name, `failed quota: ${q.metadata.name}: ${why}`);
        }
        const used = currentUsage(q, ctx, a.oldObject);
        const requested: ResourceList = new Map();
        const usedExceeded: ResourceList = new Map();
        const limited: ResourceList = new Map();
        for (const [k, h] of hardEntries) {
          const d = delta.get(k);
          if (d === undefined || d <= 0) continue;
          const hard = quotaAmount(k, h);
          if ((used.get(k) ?? 0) + d > hard) {
            requested.set(k, d);
            usedExceeded.set(k, used.get(k) ?? 0);
            limited.set(k, hard);
          }
        }
        if (requested.size) {
          throw forbiddenRequest(
            target,
            a.name,
            `exceeded quota: ${q.metadata.name}, requested: ${prettyPrint(requested)}, used: ${prettyPrint(usedExceeded)}, limited: ${prettyPrint(limited)}`,
          );
        }
      }
    },
  };
}
