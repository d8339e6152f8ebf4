/**
 * The pod garbage collector (pkg/controller/podgc), every 20 s:
 * - terminated pods beyond --terminated-pod-gc-threshold are deleted, oldest first;
 * - pods bound to a node that no longer exists (still missing after a 40 s
 *   quarantine) are marked Failed with DisruptionTarget (DeletionByPodGC) and
 *   force-deleted;
 * - terminating pods on a node tainted node.kubernetes.io/out-of-service that
 *   is not ready are force-deleted;
 * - terminating pods that were never scheduled are force-deleted.
 */
import { R } from '../api/kinds.ts';
import type { Node, Pod, Stored } from '../api/types.ts';
import { clone, getCondition } from '../api/meta.ts';
import { isPodTerminal } from '../api/pod.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller, ControllerContext } from './manager.ts';

/** gcCheckPeriod. */
export const POD_GC_PERIOD_MS = 20_000;
/** quarantineTime: how long a node must be missing before its pods are collected. */
export const POD_GC_QUARANTINE_MS = 40_000;

export function podGarbageCollector(): Controller {
  let pods: Informer<Pod>;
  let nodes: Informer<Node>;
  let ctx!: ControllerContext;
  /** Missing node name -> when it was first found missing. */
  const quarantine = new Map<string, number>();

  /** markFailedAndDeletePod(WithCondition): a pod not yet finished is marked Failed first, then deleted with grace 0. */
  const forceDelete = (pod: Stored<Pod>, condition?: { reason: string; message: string }) => {
    try {
      if (!isPodTerminal(pod)) {
        const next = clone(pod);
        next.status = { ...(next.status ?? {}), phase: 'Failed' };
        if (condition) {
          next.status.conditions = [
            ...(next.status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'),
            { type: 'DisruptionTarget', status: 'True', lastTransitionTime: ctx.clock.iso(), ...condition },
          ];
        }
        ctx.client.updateStatus(R.pods, next);
      }
      ctx.client.delete(R.pods, pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0 });
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  };

  const gc = () => {
    const now = ctx.clock.now();
    const all = pods.list();
    // gcTerminated
    const threshold = ctx.config.terminatedPodGCThreshold;
    if (threshold > 0) {
      // isPodTerminated: any phase but Pending, Running and Unknown.
      const terminated = all.filter((p) => !['Pending', 'Running', 'Unknown'].includes(p.status?.phase ?? ''));
      const excess = terminated.length - threshold;
      if (excess > 0) {
        // byEvictionAndCreationTimestamp: evicted pods first, then the oldest, names breaking ties.
        const evicted = (p: Pod) => (p.status?.phase === 'Failed' && p.status?.reason === 'Evicted' ? 0 : 1);
        terminated.sort(
          (a, b) =>
            evicted(a) - evicted(b) ||
            (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : a.metadata.creationTimestamp > b.metadata.creationTimestamp ? 1 : 0) ||
            (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0),
        );
        for (const p of terminated.slice(0, excess)) forceDelete(p);
      }
    }
    // gcTerminating: out-of-service nodes that are not ready
    for (const p of all) {
      if (!p.metadata.deletionTimestamp || !p.spec.nodeName) continue;
      const node = nodes.get(undefined, p.spec.nodeName);
      if (!node) continue;
      // TaintKeyExists: the key alone counts, whatever the effect.
      const outOfService = (node.spec?.taints ?? []).some((t) => t.key === 'node.kubernetes.io/out-of-service');
      const ready = getCondition(node.status?.conditions, 'Ready')?.status === 'True';
      if (outOfService && !ready) forceDelete(p, { reason: 'DeletionByPodGC', message: 'PodGC: node is out-of-service' });
    }
    // gcOrphaned
    const existing = new Set(nodes.list().map((n) => n.metadata.name));
    for (const name of [...quarantine.keys()]) if (existing.has(name)) quarantine.delete(name);
    const deleted = new Set<string>();
    for (const p of all) {
      const n = p.spec.nodeName;
      if (!n || existing.has(n)) continue;
      if (!quarantine.has(n)) quarantine.set(n, now);
      else if (now - quarantine.get(n)! >= POD_GC_QUARANTINE_MS) deleted.add(n);
    }
    for (const n of deleted) {
      // Confirm with the API server, not just the cache, before collecting.
      try {
        ctx.client.get(R.nodes, undefined, n);
        deleted.delete(n);
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) throw e;
      }
    }
    for (const p of all) if (p.spec.nodeName && deleted.has(p.spec.nodeName)) forceDelete(p, { reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    // gcUnscheduledTerminating
    for (const p of all) if (p.metadata.deletionTimestamp && !p.spec.nodeName) forceDelete(p);
  };

  const loop = () => {
    gc();
    ctx.clock.schedule(POD_GC_PERIOD_MS, 'controller pod-garbage-collector-controller', loop);
  };

  return {
    name: 'pod-garbage-collector-controller',
    setup(c) {
      ctx = c;
      pods = ctx.informers.informer<Pod>(R.pods);
      nodes = ctx.informers.informer<Node>(R.nodes);
      ctx.clock.schedule(POD_GC_PERIOD_MS, 'controller pod-garbage-collector-controller', loop);
    },
    reconcile() {},
  };
}
