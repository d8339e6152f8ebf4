/**
 * Resource arguments as kubectl's resource builder reads them: `pods`,
 * `deploy web api`, `deployment/web`, `pods,services`, `all`; and the
 * names kubectl prints for objects (`deployment.apps/web`).
 */
import { RESOURCE_TYPES, resourceByName } from '../engine/index.ts';
import type { ResourceType } from '../engine/index.ts';
import { KubectlError, NoResourceMatchError } from './errors.ts';

/** The resources of the `all` category, in discovery order. */
const ALL = ['pods', 'replicationcontrollers', 'services', 'daemonsets.apps', 'deployments.apps', 'replicasets.apps', 'statefulsets.apps', 'horizontalpodautoscalers.autoscaling', 'cronjobs.batch', 'jobs.batch'];

/** Resolves a resource name (`deploy`, `deployments.apps`, `Deployment`); throws NoResourceMatchError. */
export function resolveType(name: string): ResourceType {
  let t = resourceByName(name);
  if (!t) {
    // resource.version.group, as in `deployments.v1.apps`
    const m = /^([^.]+)\.(v[0-9][a-z0-9]*)\.(.+)$/i.exec(name);
    if (m) {
      const cand = resourceByName(`${m[1]}.${m[3]}`);
      if (cand && cand.version === m[2].toLowerCase()) t = cand;
    }
    if (!t) {
      const core = /^([^.]+)\.(v[0-9][a-z0-9]*)$/i.exec(name);
      const cand = core ? resourceByName(core[1]) : undefined;
      if (cand && cand.group === '' && cand.version === core![2].toLowerCase()) t = cand;
    }
  }
  if (!t || t.resource === 'bindings' || t.resource === 'evictions') throw new NoResourceMatchError(name.toLowerCase());
  return t;
}

/** `deployment.apps`: the lower-case group-qualified kind kubectl prints before a name. */
export function kindPrefix(t: Pick<ResourceType, 'kind' | 'group'>): string {
  return t.group ? `${t.kind.toLowerCase()}.${t.group}` : t.kind.toLowerCase();
}

/** `deployment.apps/web`. */
export function objectName(t: Pick<ResourceType, 'kind' | 'group'>, name: string): string {
  return `${kindPrefix(t)}/${name}`;
}

/** What a command's positional arguments select. */
export interface ResourceSelection {
  /** Named objects, in the order given. */
  named: Array<{ type: ResourceType; name: string }>;
  /** Whole types to list. */
  types: ResourceType[];
  /** True when exactly one object was named (so `-o yaml` prints it bare, not in a List). */
  singleItem: boolean;
}

function splitTypes(arg: string): ResourceType[] {
  const out: ResourceType[] = [];
  for (const part of arg.split(',').filter((s) => s !== '')) {
    if (part.toLowerCase() === 'all') {
      for (const a of ALL) out.push(resolveType(a));
    } else out.push(resolveType(part));
  }
  return out;
}

/**
 * Reads `TYPE[,TYPE] [NAME...]` or `TYPE/NAME...` (ResourceTypeOrNameArgs).
 * Throws kubectl's errors for mixed or malformed forms and unknown types.
 */
export function parseResourceArgs(args: readonly string[], verb = 'get'): ResourceSelection {
  const slashed = args.filter((a) => a.includes('/')).length;
  if (slashed > 0 && slashed !== args.length)
    throw new KubectlError(
      `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl ${verb} resource/<resource_name>' instead of 'kubectl ${verb} resource resource/<resource_name>'`,
    );
  if (slashed > 0) {
    const named = args.map((a) => {
      const seg = a.split('/');
      if (seg.length !== 2) throw new KubectlError('arguments in resource/name form may not have more than one slash');
      const [res, name] = seg;
      if (!res || !name || res.split(',').filter((s) => s).length !== 1) throw new KubectlError('arguments in resource/name form must have a single resource and name');
      return { type: resolveType(res), name };
    });
    return { named, types: [], singleItem: named.length === 1 };
  }
  if (args.length === 0) return { named: [], types: [], singleItem: false };
  const types = splitTypes(args[0]);
  if (args.length === 1) return { named: [], types, singleItem: false };
  const named = types.flatMap((type) => args.slice(1).map((name) => ({ type, name })));
  return { named, types: [], singleItem: named.length === 1 && args[0].split(',').length === 1 };
}

/** Every type kubectl can name, for `api-resources`. */
export function servedTypes(): readonly ResourceType[] {
  return RESOURCE_TYPES.filter((t) => t.resource !== 'bindings' && t.resource !== 'evictions');
}
