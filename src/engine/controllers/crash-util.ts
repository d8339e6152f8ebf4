/**
 * A controller manager process that crashes mid-reconcile: the Client its
 * controllers hold lets a set number of writes through, then the process is
 * gone and every later write fails before reaching the API server. Used
 * only when a cluster runs with a Perturbation (api/perturbation.ts).
 */
import type { Client } from '../client/client.ts';

/** Shared by the clients of one process: how many writes may still go out, and whether it crashed. */
export interface CrashSwitch {
  writesLeft: number;
  crashed: boolean;
}

/** Thrown at the write the process did not live to make. */
export class ProcessCrashed extends Error {
  constructor() {
    super('the controller manager crashed');
    this.name = 'ProcessCrashed';
  }
}

export function crashingClient(inner: Client, sw: CrashSwitch): Client {
  const write = <R>(fn: () => R): R => {
    if (sw.crashed || sw.writesLeft <= 0) {
      sw.crashed = true;
      throw new ProcessCrashed();
    }
    sw.writesLeft--;
    return fn();
  };
  return {
    identity: inner.identity,
    get: (type, ns, name) => inner.get(type, ns, name),
    list: (type, opts) => inner.list(type, opts),
    watch: (type, opts, handler) => inner.watch(type, opts, handler),
    create: (type, obj, opts) => write(() => inner.create(type, obj, opts)),
    update: (type, obj, opts) => write(() => inner.update(type, obj, opts)),
    updateStatus: (type, obj, opts) => write(() => inner.updateStatus(type, obj, opts)),
    patch: (type, ns, name, patch, patchType, opts) => write(() => inner.patch(type, ns, name, patch, patchType, opts)),
    delete: (type, ns, name, opts) => write(() => inner.delete(type, ns, name, opts)),
    bind: (ns, pod, node, uid) => write(() => inner.bind(ns, pod, node, uid)),
    evict: (ns, pod, opts) => write(() => inner.evict(ns, pod, opts)),
  };
}
