/**
 * Commands on pods, picked from what runs now (their names are the
 * cluster's, and the same on replay): a pod's containers crash once, a pod
 * is deleted. When no pod qualifies the command does nothing.
 */
import fc from 'fast-check';
import { R, resourceAmount, type Pod, type Stored } from '../../engine/index.ts';
import { steps } from '../steps.ts';
import type { FuzzHistory } from '../history.ts';
import type { Model } from './model.ts';
import { type CommandKind, type FuzzCommand, pick } from './types.ts';

function pods(h: FuzzHistory): Stored<Pod>[] {
  return h.world.view().list<Pod>(R.pods, h.world.namespace).filter((p) => !p.metadata.deletionTimestamp);
}

export class PodCrashes implements FuzzCommand {
  constructor(readonly index: number) {}
  check(): boolean {
    return true;
  }
  run(_m: Model, h: FuzzHistory): void {
    const cluster = h.world.cluster;
    const running = pods(h).filter(
      (p) => p.spec.nodeName && cluster.nodeNames().includes(p.spec.nodeName) && cluster.isNodeAlive(p.spec.nodeName) && (p.status?.containerStatuses ?? []).some((c) => c.state?.running),
    );
    if (!running.length) return;
    h.do(steps.podCrashes(pick(running, this.index).metadata.name));
    h.check();
  }
  toString(): string {
    return `PodCrashes(#${this.index})`;
  }
}

export class DeletePod implements FuzzCommand {
  constructor(readonly index: number) {}
  check(): boolean {
    return true;
  }
  run(_m: Model, h: FuzzHistory): void {
    const live = pods(h);
    if (!live.length) return;
    h.do(steps.deletePod(pick(live, this.index).metadata.name));
    h.check();
  }
  toString(): string {
    return `DeletePod(#${this.index})`;
  }
}

/**
 * A container's usage changes (a standing load, as `uses 500m CPU` sets it).
 * Memory stays under the container's limit, or its request when it has
 * none: usage over the limit is the user's doing (an OOMKilled pod that
 * never settles), not a fault of the cluster.
 */
export class UsageChanges implements FuzzCommand {
  constructor(
    readonly index: number,
    readonly resource: 'cpu' | 'memory',
    /** Millicores, or a fraction (percent) of the memory the container may use. */
    readonly amount: number,
  ) {}
  check(): boolean {
    return true;
  }
  run(_m: Model, h: FuzzHistory): void {
    const cluster = h.world.cluster;
    const running = pods(h).filter((p) => p.spec.nodeName && cluster.nodeNames().includes(p.spec.nodeName) && cluster.isNodeAlive(p.spec.nodeName) && p.status?.phase === 'Running');
    if (!running.length) return;
    const pod = pick(running, this.index);
    const c = pod.spec.containers[0];
    let quantity: string;
    if (this.resource === 'cpu') quantity = `${this.amount}m`;
    else {
      const cap = c.resources?.limits?.memory ?? c.resources?.requests?.memory;
      if (!cap) return;
      const mib = Math.floor((resourceAmount('memory', cap) / 1024 / 1024) * (this.amount / 100));
      if (mib < 1) return;
      quantity = `${mib}Mi`;
    }
    h.do(steps.uses(pod.metadata.name, c.name, this.resource, quantity));
    h.check();
  }
  toString(): string {
    return `UsageChanges(#${this.index}, ${this.resource} ${this.amount})`;
  }
}

const index = fc.nat({ max: 39 });

export const POD_COMMANDS: readonly CommandKind[] = [
  { name: 'pod-crashes', arbitrary: () => index.map((i) => new PodCrashes(i)) },
  { name: 'pod-deleted', arbitrary: () => index.map((i) => new DeletePod(i)) },
  {
    name: 'usage-changes',
    arbitrary: () =>
      fc.oneof(
        fc.tuple(index, fc.constantFrom(100, 500, 2000)).map(([i, m]) => new UsageChanges(i, 'cpu', m)),
        fc.tuple(index, fc.constantFrom(50, 90)).map(([i, pct]) => new UsageChanges(i, 'memory', pct)),
      ),
  },
];
