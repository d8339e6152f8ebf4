/**
 * LimitRanger (plugin/pkg/admission/limitranger): containers of a new pod
 * get the default requests and limits of their namespace's LimitRanges
 * (noted in the kubernetes.io/limit-ranger annotation), then pods and
 * claims are refused when a container, the pod as a whole or a claim is
 * below a min, above a max, or past maxLimitRequestRatio.
 */
import { R, groupResource } from '../../api/kinds.ts';
import type { Container, LimitRange, PersistentVolumeClaim, Pod, Stored } from '../../api/types.ts';
import { forbiddenRequest } from '../../api/errors.ts';
import { milliValue } from '../../api/quantity.ts';
import type { AdmissionPlugin } from './types.ts';

type List = Record<string, string>;
type Item = NonNullable<LimitRange['spec']['limits']>[number];

function minConstraint(kind: string, res: string, enforced: string, req: List, lim: List): string | undefined {
  if (!(res in req)) return `minimum ${res} usage per ${kind} is ${enforced}.  No request is specified`;
  if (milliValue(req[res]) < milliValue(enforced)) return `minimum ${res} usage per ${kind} is ${enforced}, but request is ${req[res]}`;
  if (res in lim && milliValue(lim[res]) < milliValue(enforced)) return `minimum ${res} usage per ${kind} is ${enforced}, but limit is ${lim[res]}`;
  return undefined;
}

function maxConstraint(kind: string, res: string, enforced: string, req: List, lim: List): string | undefined {
  if (!(res in lim)) return `maximum ${res} usage per ${kind} is ${enforced}.  No limit is specified`;
  if (milliValue(lim[res]) > milliValue(enforced)) return `maximum ${res} usage per ${kind} is ${enforced}, but limit is ${lim[res]}`;
  if (res in req && milliValue(req[res]) > milliValue(enforced)) return `maximum ${res} usage per ${kind} is ${enforced}, but request is ${req[res]}`;
  return undefined;
}

function ratioConstraint(kind: string, res: string, enforced: string, req: List, lim: List): string | undefined {
  const r = res in req ? milliValue(req[res]) : 0;
  const l = res in lim ? milliValue(lim[res]) : 0;
  if (!r) return `${res} max limit to request ratio per ${kind} is ${enforced}, but no request is specified or request is 0`;
  if (!l) return `${res} max limit to request ratio per ${kind} is ${enforced}, but no limit is specified or limit is 0`;
  const ratio = l / r;
  if (ratio * 1000 > milliValue(enforced)) return `${res} max limit to request ratio per ${kind} is ${enforced}, but provided ratio is ${ratio.toFixed(6)}`;
  return undefined;
}

function check(kind: string, item: Item, req: List, lim: List, errors: string[]): void {
  const push = (e: string | undefined) => e && errors.push(e);
  for (const [res, v] of Object.entries((item.min ?? {}) as List)) push(minConstraint(kind, res, v, req, lim));
  for (const [res, v] of Object.entries((item.max ?? {}) as List)) push(maxConstraint(kind, res, v, req, lim));
  for (const [res, v] of Object.entries((item.maxLimitRequestRatio ?? {}) as List)) push(ratioConstraint(kind, res, v, req, lim));
}

const resources = (c: Container, field: 'requests' | 'limits'): List => ({ ...((c.resources?.[field] ?? {}) as List) });

/** Pod-level totals: the containers' sum, or the largest init container when larger. */
function podTotal(pod: Pod, field: 'requests' | 'limits'): List {
  const sum = new Map<string, number>();
  for (const c of pod.spec.containers ?? []) for (const [k, v] of Object.entries(resources(c, field))) sum.set(k, (sum.get(k) ?? 0) + milliValue(v));
  for (const c of pod.spec.initContainers ?? []) for (const [k, v] of Object.entries(resources(c, field))) if (milliValue(v) > (sum.get(k) ?? 0)) sum.set(k, milliValue(v));
  return Object.fromEntries([...sum].map(([k, m]) => [k, m % 1000 === 0 ? String(m / 1000) : `${m}m`]));
}

export function limitRanger(): AdmissionPlugin {
  const ranges = (ns: string, list: (t: typeof R.limitRanges, ns?: string) => readonly Stored[]) =>
    (list(R.limitRanges, ns) as Stored<LimitRange>[]).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  return {
    name: 'LimitRanger',
    admit(a, ctx) {
      if (a.type !== R.pods || a.operation !== 'CREATE' || a.subresource || !a.namespace) return;
      const pod = a.object as Pod;
      if (!pod.spec) return;
      const notes: string[] = [];
      for (const lr of ranges(a.namespace, (t, ns) => ctx.list(t, ns))) {
        const defLimits: List = {};
        const defRequests: List = {};
        for (const item of lr.spec.limits ?? []) {
          if (item.type !== 'Container') continue;
          Object.assign(defRequests, item.defaultRequest ?? {});
          Object.assign(defLimits, item.default ?? {});
        }
        const merge = (c: Container, prefix: string) => {
          const limits = resources(c, 'limits');
          const requests = resources(c, 'requests');
          const setLimits = Object.keys(defLimits).filter((k) => !(k in limits));
          const setRequests = Object.keys(defRequests).filter((k) => !(k in requests));
          for (const k of setLimits) limits[k] = defLimits[k];
          for (const k of setRequests) requests[k] = defRequests[k];
          if (!setLimits.length && !setRequests.length) return;
          c.resources = { ...(c.resources ?? {}), limits, requests };
          if (setRequests.length) notes.push(`${setRequests.sort().join(', ')} request for ${prefix} ${c.name}`);
          if (setLimits.length) notes.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${c.name}`);
        };
        for (const c of pod.spec.initContainers ?? []) merge(c, 'init container');
        for (const c of pod.spec.containers ?? []) merge(c, 'container');
      }
      if (notes.length) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), 'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join('; ')}` };
    },
    validate(a, ctx) {
      if (a.operation !== 'CREATE' || a.subresource || !a.namespace) return;
      if (a.type !== R.pods && a.type !== R.persistentVolumeClaims) return;
      const errors: string[] = [];
      for (const lr of ranges(a.namespace, (t, ns) => ctx.list(t, ns))) {
        for (const item of lr.spec.limits ?? []) {
          if (a.type === R.pods) {
            const pod = a.object as Pod;
            if (item.type === 'Container') {
              for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) check('Container', item, resources(c, 'requests'), resources(c, 'limits'), errors);
            } else if (item.type === 'Pod') check('Pod', item, podTotal(pod, 'requests'), podTotal(pod, 'limits'), errors);
          } else if (item.type === 'PersistentVolumeClaim') {
            const pvc = a.object as PersistentVolumeClaim;
            const req = { ...((pvc.spec?.resources?.requests ?? {}) as List) };
            const errs: string[] = [];
            for (const [res, v] of Object.entries((item.min ?? {}) as List)) {
              if (!(res in req)) errs.push(`minimum ${res} usage per PersistentVolumeClaim is ${v}.  No request is specified`);
              else if (milliValue(req[res]) < milliValue(v)) errs.push(`minimum ${res} usage per PersistentVolumeClaim is ${v}, but request is ${req[res]}`);
            }
            for (const [res, v] of Object.entries((item.max ?? {}) as List)) {
              if (res in req && milliValue(req[res]) > milliValue(v)) errs.push(`maximum ${res} usage per PersistentVolumeClaim is ${v}, but request is ${req[res]}`);
            }
            errors.push(...errs);
          }
        }
      }
      if (!errors.length) return;
      const target = { groupResource: groupResource(a.type), group: a.type.group, kind: a.type.kind };
      throw forbiddenRequest(target, a.name, errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
    },
  };
}
