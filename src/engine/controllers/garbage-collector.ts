/**
 * The garbage collector (pkg/controller/garbagecollector): follows
 * metadata.ownerReferences across every resource type.
 *
 * - Background: an object all of whose owners are gone is deleted; one with
 *   some owners left loses the references to the missing ones.
 * - Foreground: an owner deleted with propagationPolicy Foreground carries the
 *   `foregroundDeletion` finalizer; its dependents are deleted (themselves in
 *   the foreground), and the finalizer is removed once no dependent with
 *   blockOwnerDeletion remains.
 * - Orphan: an owner carrying the `orphan` finalizer has its references
 *   removed from every dependent, then the finalizer removed.
 *
 * An owner is missing only if the API server confirms it (absent, or a new
 * object with another uid under the same name).
 */
import { RESOURCE_TYPES, type ResourceType, resourceFor } from '../api/kinds.ts';
import type { KubeObject, OwnerReference, Stored } from '../api/types.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller, ControllerContext } from './manager.ts';

const IGNORED = new Set(['Binding', 'Eviction', 'Event']);
export const GC_TYPES: readonly ResourceType[] = RESOURCE_TYPES.filter((t) => !IGNORED.has(t.kind));

interface GraphNode {
  type: ResourceType;
  namespace?: string;
  name: string;
  owners: string[];
}

export function garbageCollector(): Controller {
  const informers = new Map<ResourceType, Informer<KubeObject>>();
  const graph = new Map<string, GraphNode>();
  const dependents = new Map<string, Set<string>>();
  let ctx!: ControllerContext;

  const link = (uid: string, node: GraphNode) => {
    const prev = graph.get(uid);
    for (const o of prev?.owners ?? []) dependents.get(o)?.delete(uid);
    graph.set(uid, node);
    for (const o of node.owners) {
      let set = dependents.get(o);
      if (!set) dependents.set(o, (set = new Set()));
      set.add(uid);
    }
  };
  const unlink = (uid: string) => {
    const prev = graph.get(uid);
    for (const o of prev?.owners ?? []) dependents.get(o)?.delete(uid);
    graph.delete(uid);
  };
  const enqueueDependents = (uid: string) => {
    for (const d of dependents.get(uid) ?? []) ctx.enqueue(d);
  };

  const current = (uid: string): Stored | undefined => {
    const n = graph.get(uid);
    if (!n) return undefined;
    const obj = informers.get(n.type)?.get(n.namespace, n.name);
    return obj && obj.metadata.uid === uid ? obj : undefined;
  };

  /** Whether the owner a reference names exists, is being deleted in the foreground, or is gone. */
  const ownerState = (dep: Stored, ref: OwnerReference): 'solid' | 'dangling' | 'waiting' => {
    const type = resourceFor(ref.apiVersion, ref.kind);
    // An owner of a kind the API does not serve cannot be judged: leave the reference alone.
    if (!type) return 'solid';
    const ns = type.namespaced ? dep.metadata.namespace : undefined;
    let owner: Stored | undefined = informers.get(type)?.get(ns, ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) {
      try {
        owner = ctx.client.get(type, ns, ref.name);
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) throw e;
        return 'dangling';
      }
      if (owner.metadata.uid !== ref.uid) return 'dangling';
    }
    if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes('foregroundDeletion')) return 'waiting';
    return 'solid';
  };

  const removeFinalizer = (obj: Stored, type: ResourceType, finalizer: string) => {
    const finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    ctx.client.patch(type, obj.metadata.namespace, obj.metadata.name, { metadata: { finalizers: finalizers.length ? finalizers : null, uid: obj.metadata.uid } }, 'merge');
  };

  const patchOwners = (obj: Stored, type: ResourceType, owners: OwnerReference[]) => {
    ctx.client.patch(type, obj.metadata.namespace, obj.metadata.name, { metadata: { ownerReferences: owners.length ? owners : null, uid: obj.metadata.uid } }, 'merge');
  };

  const deleteObject = (obj: Stored, type: ResourceType, policy: 'Background' | 'Foreground' | 'Orphan') => {
    ctx.client.delete(type, obj.metadata.namespace, obj.metadata.name, { propagationPolicy: policy, preconditions: { uid: obj.metadata.uid } });
  };

  const reconcileOwner = (obj: Stored, type: ResourceType): void => {
    const finalizers = obj.metadata.finalizers ?? [];
    const uid = obj.metadata.uid;
    if (finalizers.includes('orphan')) {
      for (const d of [...(dependents.get(uid) ?? [])]) {
        const dep = current(d);
        if (!dep) continue;
        patchOwners(dep, graph.get(d)!.type, (dep.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid));
      }
      removeFinalizer(obj, type, 'orphan');
      return;
    }
    if (finalizers.includes('foregroundDeletion')) {
      let blocking = 0;
      for (const d of [...(dependents.get(uid) ?? [])]) {
        const dep = current(d);
        if (!dep) continue;
        const ref = (dep.metadata.ownerReferences ?? []).find((r) => r.uid === uid);
        if (ref?.blockOwnerDeletion) blocking++;
        ctx.enqueue(d);
      }
      if (!blocking) removeFinalizer(obj, type, 'foregroundDeletion');
    }
  };

  const reconcileDependent = (obj: Stored, type: ResourceType): void => {
    const refs = obj.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const s = ownerState(obj, ref);
      (s === 'solid' ? solid : s === 'dangling' ? dangling : waiting).push(ref);
    }
    if (solid.length) {
      if (!dangling.length && !waiting.some((r) => r.blockOwnerDeletion)) return;
      // Keep the solid owners; drop the missing ones; stop blocking owners waiting on us.
      const kept = refs
        .filter((r) => !dangling.includes(r))
        .map((r) => (waiting.includes(r) && r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r));
      patchOwners(obj, type, kept);
      return;
    }
    if (obj.metadata.deletionTimestamp) return;
    if (waiting.length) {
      // Our owner waits for us: go in the foreground too if we have dependents of our own.
      deleteObject(obj, type, (dependents.get(obj.metadata.uid)?.size ?? 0) > 0 ? 'Foreground' : 'Background');
      return;
    }
    const finalizers = obj.metadata.finalizers ?? [];
    const policy = finalizers.includes('orphan') ? 'Orphan' : finalizers.includes('foregroundDeletion') ? 'Foreground' : 'Background';
    deleteObject(obj, type, policy);
  };

  return {
    name: 'garbage-collector-controller',
    setup(c) {
      ctx = c;
      for (const type of GC_TYPES) {
        const inf = ctx.informers.informer<KubeObject>(type);
        informers.set(type, inf);
        const observe = (obj: Stored) => {
          link(obj.metadata.uid, {
            type,
            namespace: obj.metadata.namespace,
            name: obj.metadata.name,
            owners: (obj.metadata.ownerReferences ?? []).map((r) => r.uid),
          });
          if (obj.metadata.ownerReferences?.length || obj.metadata.deletionTimestamp) ctx.enqueue(obj.metadata.uid);
        };
        inf.on({
          add: observe,
          update: (old, obj) => {
            observe(obj);
            if (!!old.metadata.deletionTimestamp !== !!obj.metadata.deletionTimestamp) enqueueDependents(obj.metadata.uid);
            // A dependent that went away or lost its reference may unblock a foreground owner.
            for (const r of old.metadata.ownerReferences ?? []) ctx.enqueue(r.uid);
          },
          delete: (obj) => {
            const owners = graph.get(obj.metadata.uid)?.owners ?? [];
            unlink(obj.metadata.uid);
            enqueueDependents(obj.metadata.uid);
            for (const o of owners) ctx.enqueue(o);
          },
        });
      }
    },
    reconcile(uid) {
      const node = graph.get(uid);
      if (!node) return;
      const obj = current(uid);
      if (!obj) return;
      try {
        if (obj.metadata.deletionTimestamp) reconcileOwner(obj, node.type);
        const fresh = current(uid);
        if (fresh) reconcileDependent(fresh, node.type);
      } catch (e) {
        if (isStatusError(e, 'NotFound') || isStatusError(e, 'Conflict')) {
          ctx.enqueue(uid, 1000);
          return;
        }
        throw e;
      }
    },
  };
}
