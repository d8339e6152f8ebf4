/**
 * The namespace controller (pkg/controller/namespace): a namespace being
 * deleted stays Terminating while the controller deletes everything in it
 * (every namespaced resource, in the background), reporting progress in the
 * namespace's deletion conditions; once nothing is left it removes the
 * `kubernetes` finalizer from spec.finalizers (the finalize subresource,
 * here a plain update) and the API server removes the namespace. While pods
 * are still terminating it looks again after half their grace period plus
 * a second, as upstream estimates it.
 */
import { RESOURCE_TYPES, R, type ResourceType } from '../api/kinds.ts';
import type { KubeObject, Namespace, Pod, Stored } from '../api/types.ts';
import { clone, deepEqual, getCondition, setCondition, type Condition } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller, ControllerContext, Result } from './manager.ts';

const FINALIZER = 'kubernetes';
/** --namespace-sync-period. */
const NAMESPACE_SYNC_PERIOD_MS = 5 * 60_000;
/** Resources that are not stored (subresources and virtual kinds). */
const NOT_STORED = new Set(['Binding', 'Eviction']);
const CONTENT: readonly ResourceType[] = RESOURCE_TYPES.filter((t) => t.namespaced && !NOT_STORED.has(t.kind));

type Cond = Condition & { lastTransitionTime?: string };

export function namespaceController(): Controller {
  let namespaces: Informer<Namespace>;

  return {
    name: 'namespace-controller',

    setup(ctx) {
      namespaces = ctx.informers.informer<Namespace>(R.namespaces);
      const enqueue = (ns: Stored<Namespace>) => {
        if (ns.metadata.deletionTimestamp) ctx.enqueue(ns.metadata.name);
      };
      namespaces.on({ add: enqueue, update: (_o, ns) => enqueue(ns) });
    },

    reconcile(key, ctx): Result | void {
      const ns = namespaces.get(undefined, key);
      if (!ns || !ns.metadata.deletionTimestamp) return;
      if (!(ns.spec?.finalizers ?? []).includes(FINALIZER)) return;
      const { remaining, finalizers, estimate, failures } = deleteAllContent(key, ctx);
      updateConditions(ns, ctx, remaining, finalizers, failures);
      if (failures.length) throw new Error(failures.join('; '));
      if (remaining.size) return { requeueAfterMs: Math.min(NAMESPACE_SYNC_PERIOD_MS, (Math.floor(estimate / 2) + 1) * 1000) };
      finalize(ns, ctx);
    },
  };
}

/** deleteAllContent: deletes what is in the namespace; returns what remains, the finalizers holding it, and a grace estimate (s). */
function deleteAllContent(
  namespace: string,
  ctx: ControllerContext,
): { remaining: Map<string, number>; finalizers: Map<string, number>; estimate: number; failures: string[] } {
  const remaining = new Map<string, number>();
  const finalizers = new Map<string, number>();
  const failures: string[] = [];
  let estimate = 0;
  for (const type of CONTENT) {
    let items: Stored<KubeObject>[];
    try {
      items = ctx.client.list(type, { namespace }).items;
    } catch (e) {
      failures.push(`${type.resource}: ${(e as Error).message}`);
      continue;
    }
    for (const obj of items) {
      if (!obj.metadata.deletionTimestamp) {
        try {
          ctx.client.delete(type, namespace, obj.metadata.name, { propagationPolicy: 'Background' });
        } catch (e) {
          if (!isStatusError(e, 'NotFound')) failures.push(`${type.resource} "${obj.metadata.name}": ${(e as Error).message}`);
        }
      }
    }
    // What is still there after the deletes (graceful pods, finalizers).
    const left = ctx.client.list(type, { namespace }).items;
    if (!left.length) continue;
    remaining.set(type.group ? `${type.resource}.${type.group}` : type.resource, left.length);
    for (const o of left) for (const f of o.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (type === R.pods) {
      for (const p of left as Stored<Pod>[]) {
        if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
        estimate = Math.max(estimate, p.spec.terminationGracePeriodSeconds ?? 30);
      }
    }
  }
  return { remaining, finalizers, estimate, failures };
}

/** The NamespaceDeletion* conditions and NamespaceContentRemaining / NamespaceFinalizersRemaining. */
function updateConditions(ns: Stored<Namespace>, ctx: ControllerContext, remaining: Map<string, number>, finalizers: Map<string, number>, failures: string[]): void {
  const iso = ctx.clock.iso().replace(/\.\d+Z$/, 'Z');
  let conditions = (ns.status?.conditions ?? []) as Cond[];
  const set = (type: string, status: string, reason: string, message: string) => {
    const prev = getCondition(conditions, type);
    if (prev && prev.status === status && prev.reason === reason && prev.message === message) return;
    conditions = setCondition(conditions, { type, status, reason, message, lastTransitionTime: iso });
  };
  set('NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered');
  set('NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed');
  if (failures.length) set('NamespaceDeletionContentFailure', 'True', 'ContentDeletionFailed', `Failed to delete all resource types, ${failures.length} remaining: ${failures.join(', ')}`);
  else set('NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization');
  if (remaining.size) {
    const parts = [...remaining].sort(([a], [b]) => (a < b ? -1 : 1)).map(([r, n]) => `${r} has ${n} resource instances`);
    set('NamespaceContentRemaining', 'True', 'SomeResourcesRemain', `Some resources are remaining: ${parts.join(', ')}`);
  } else set('NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed');
  if (finalizers.size) {
    const parts = [...finalizers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([f, n]) => `${f} in ${n} resource instances`);
    set('NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${parts.join(', ')}`);
  } else set('NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished');
  const status = { ...clone(ns.status ?? {}), phase: 'Terminating', conditions } as Namespace['status'];
  if (deepEqual(status, ns.status ?? {})) return;
  try {
    ctx.client.updateStatus(R.namespaces, { ...ns, status });
  } catch (e) {
    if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
  }
}

/** finalizeNamespace: removes this controller's finalizer; the API server then deletes the namespace. */
function finalize(ns: Stored<Namespace>, ctx: ControllerContext): void {
  let fresh: Stored<Namespace>;
  try {
    fresh = ctx.client.get<Namespace>(R.namespaces, undefined, ns.metadata.name);
  } catch (e) {
    if (isStatusError(e, 'NotFound')) return;
    throw e;
  }
  const finalizers = (fresh.spec?.finalizers ?? []).filter((f) => f !== FINALIZER);
  try {
    ctx.client.update(R.namespaces, { ...fresh, spec: { ...(fresh.spec ?? {}), finalizers } });
  } catch (e) {
    if (!isStatusError(e, 'NotFound')) throw e;
  }
}
