/**
 * The taint eviction controller (pkg/controller/tainteviction, the "taint
 * manager"): a pod on a node with NoExecute taints it does not tolerate is
 * deleted at once; one that tolerates them for tolerationSeconds is deleted
 * that long after the taint was noticed (the smallest tolerationSeconds of
 * the tolerations used); tolerating forever means staying. Before deleting,
 * it adds the DisruptionTarget condition (DeletionByTaintManager).
 */
import { R } from '../api/kinds.ts';
import type { Node, Pod, Stored, Taint, Toleration } from '../api/types.ts';
import { clone, deepEqual } from '../api/meta.ts';
import { matchingTolerations } from '../api/taints.ts';
import { isStatusError } from '../api/errors.ts';
import type { TaskHandle } from '../clock/clock.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller, ControllerContext } from './manager.ts';

interface Work {
  createdAt: number;
  fireAt: number;
  task: TaskHandle;
}

const noExecute = (taints: Taint[] | undefined): Taint[] => (taints ?? []).filter((t) => t.effect === 'NoExecute');

/** getMinTolerationTime: -1 means forever. */
function minTolerationMs(used: Toleration[]): number {
  if (!used.length) return 0;
  let min = -1;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return 0;
    if (min < 0 || t.tolerationSeconds * 1000 < min) min = t.tolerationSeconds * 1000;
  }
  return min;
}

export function taintEvictionController(): Controller {
  let nodes: Informer<Node>;
  let pods: Informer<Pod>;
  let ctx!: ControllerContext;
  const work = new Map<string, Work>();

  const cancel = (key: string, podObj?: Stored<Pod>) => {
    const w = work.get(key);
    if (!w) return;
    w.task.cancel();
    work.delete(key);
    if (podObj) ctx.recorder.event(podObj, 'Normal', 'TaintManagerEviction', `Cancelling deletion of Pod ${key}`);
  };

  const evict = (key: string) => {
    work.delete(key);
    const [ns, name] = key.split('/');
    const pod = pods.get(ns, name);
    if (!pod) return;
    ctx.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    try {
      const conditions = pod.status?.conditions ?? [];
      if (!conditions.some((c) => c.type === 'DisruptionTarget' && c.status === 'True')) {
        const next = clone(pod);
        next.status = next.status ?? {};
        next.status.conditions = [
          ...conditions.filter((c) => c.type !== 'DisruptionTarget'),
          { type: 'DisruptionTarget', status: 'True', lastTransitionTime: ctx.clock.iso(), reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' },
        ];
        ctx.client.updateStatus(R.pods, next);
      }
      ctx.client.delete(R.pods, ns, name);
    } catch (e) {
      if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
    }
  };

  const processPod = (pod: Stored<Pod>, taints: Taint[], now: number) => {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (!taints.length) return cancel(key, pod);
    const { all, used } = matchingTolerations(taints, pod.spec.tolerations);
    if (!all) {
      cancel(key, pod);
      schedule(key, now, now);
      return;
    }
    const min = minTolerationMs(used);
    if (min < 0) return cancel(key, pod);
    let start = now;
    const existing = work.get(key);
    if (existing) {
      start = existing.createdAt;
      if (start + min < now + min) return;
      cancel(key, pod);
    }
    schedule(key, start, start + min);
  };

  const schedule = (key: string, createdAt: number, fireAt: number) => {
    const task = ctx.clock.scheduleAt(fireAt, `controller taint-eviction-controller evict ${key}`, () => evict(key));
    work.set(key, { createdAt, fireAt, task });
  };

  const handleNode = (node: Stored<Node>) => {
    const taints = noExecute(node.spec?.taints);
    const now = ctx.clock.now();
    for (const pod of pods.byIndex('node', node.metadata.name)) {
      if (!taints.length) cancel(`${pod.metadata.namespace}/${pod.metadata.name}`, pod);
      else processPod(pod, taints, now);
    }
  };

  return {
    name: 'taint-eviction-controller',
    setup(c) {
      ctx = c;
      nodes = ctx.informers.informer<Node>(R.nodes);
      pods = ctx.informers.informer<Pod>(R.pods).addIndex('node', (p) => (p.spec.nodeName ? [p.spec.nodeName] : []));
      nodes.on({
        add: (n) => noExecute(n.spec?.taints).length && handleNode(n),
        update: (o, n) => {
          if (!deepEqual(noExecute(o.spec?.taints), noExecute(n.spec?.taints))) handleNode(n);
        },
      });
      const onPod = (p: Stored<Pod>) => {
        if (!p.spec.nodeName) return;
        const node = nodes.get(undefined, p.spec.nodeName);
        processPod(p, noExecute(node?.spec?.taints), ctx.clock.now());
      };
      pods.on({
        add: onPod,
        update: (o, p) => {
          if (o.spec.nodeName !== p.spec.nodeName || !deepEqual(o.spec.tolerations, p.spec.tolerations)) onPod(p);
        },
        // A pod gone before its eviction: the scheduled work is cancelled, with an event, as upstream's handlePodUpdate does.
        delete: (p) => cancel(`${p.metadata.namespace}/${p.metadata.name}`, p),
      });
    },
    reconcile() {},
  };
}
