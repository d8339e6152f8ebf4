/**
 * Commands on nodes: one dies (its kubelet stops), comes back, joins, is
 * removed (machine and Node object gone), is drained, is uncordoned.
 */
import fc from 'fast-check';
import { steps } from '../steps.ts';
import type { FuzzHistory } from '../history.ts';
import { type Model, type NodeModel, nodesIn } from './model.ts';
import { type CommandKind, type FuzzCommand, OnOne } from './types.ts';

/** A command on one node of those in the right state. */
abstract class OnNode extends OnOne<NodeModel> {}

export class NodeDies extends OnNode {
  protected candidates = (m: Readonly<Model>) => nodesIn(m as Model, 'up');
  protected act(n: NodeModel, h: FuzzHistory) {
    h.do(steps.nodeDies(n.name));
    n.state = 'down';
  }
}

export class NodeComesBack extends OnNode {
  protected candidates = (m: Readonly<Model>) => nodesIn(m as Model, 'down');
  protected act(n: NodeModel, h: FuzzHistory) {
    h.do(steps.nodeComesBack(n.name));
    n.state = 'up';
  }
}

export class NodeRemoved extends OnNode {
  // The cluster keeps at least one node.
  protected candidates = (m: Readonly<Model>) => (nodesIn(m as Model, 'up', 'down').length > 1 ? nodesIn(m as Model, 'up', 'down') : []);
  protected act(n: NodeModel, h: FuzzHistory) {
    h.do(steps.nodeRemoved(n.name));
    n.state = 'removed';
  }
}

export class NodeDrained extends OnNode {
  /** With disruption budgets a drain may be refused: it is tried, and may fail. */
  constructor(
    index: number,
    readonly tolerant = false,
  ) {
    super(index);
  }
  // kubectl drain waits for the evicted pods to go, which needs a live kubelet.
  protected candidates = (m: Readonly<Model>) => nodesIn(m as Model, 'up').filter((n) => !n.cordoned);
  protected act(n: NodeModel, h: FuzzHistory) {
    h.do(this.tolerant ? steps.tryDrain(n.name) : steps.drain(n.name));
    n.cordoned = true;
  }
}

export class NodeUncordoned extends OnNode {
  protected candidates = (m: Readonly<Model>) => nodesIn(m as Model, 'up', 'down').filter((n) => n.cordoned);
  protected act(n: NodeModel, h: FuzzHistory) {
    h.do(steps.uncordon(n.name));
    n.cordoned = false;
  }
}

export class NodeJoins implements FuzzCommand {
  constructor(
    readonly cpu: number,
    readonly memory: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    return nodesIn(m as Model, 'up', 'down').length < m.maxNodes;
  }
  run(m: Model, h: FuzzHistory): void {
    const name = `node-${m.nextNode++}`;
    h.do(steps.nodeJoins(name, this.cpu, this.memory));
    m.nodes.push({ name, state: 'up', cordoned: false });
    h.check();
  }
  toString(): string {
    return `NodeJoins(${this.cpu}m, ${this.memory}Mi)`;
  }
}

const index = fc.nat({ max: 7 });

export const NODE_COMMANDS: readonly CommandKind[] = [
  { name: 'node-dies', arbitrary: () => index.map((i) => new NodeDies(i)) },
  { name: 'node-comes-back', arbitrary: () => index.map((i) => new NodeComesBack(i)) },
  { name: 'node-joins', arbitrary: () => fc.tuple(fc.constantFrom(4000, 2000, 8000), fc.constantFrom(8192, 4096, 16384)).map(([c, mem]) => new NodeJoins(c, mem)) },
  { name: 'node-removed', arbitrary: () => index.map((i) => new NodeRemoved(i)) },
  // Drains are where disruption budgets, evictions and rescheduling meet.
  { name: 'node-drained', weight: 2, arbitrary: (c) => index.map((i) => new NodeDrained(i, c.pdbs)) },
  { name: 'node-uncordoned', arbitrary: () => index.map((i) => new NodeUncordoned(i)) },
];
