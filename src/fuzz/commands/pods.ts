/**
 * Commands on pods, picked from what runs now (their names are the
 * cluster's, and the same on replay): a pod's containers crash once, a pod
 * is deleted. When no pod qualifies the command does nothing.
 */
import fc from 'fast-check';
import { R, type Pod, type Stored } from '../../engine/index.ts';
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

const index = fc.nat({ max: 39 });

export const POD_COMMANDS: readonly CommandKind[] = [
  { name: 'pod-crashes', arbitrary: () => index.map((i) => new PodCrashes(i)) },
  { name: 'pod-deleted', arbitrary: () => index.map((i) => new DeletePod(i)) },
];
