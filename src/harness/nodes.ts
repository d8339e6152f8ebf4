/**
 * Node set-up and node events of the step vocabulary: tables of nodes,
 * labels and taints as users write them, and failures (die, come back,
 * removed, join).
 */
import { R, tryGet, type Node, type NodeOptions, type Taint } from '../engine/index.ts';
import { parseTaint } from '../kubectl/verbs/taint.ts';
import { UserError } from './errors.ts';
import type { KubeWorld } from './world.ts';

const COLUMNS = new Set(['name', 'cpu', 'memory', 'pods', 'labels', 'taints', 'zone']);

/** `zone=a, disktype=ssd` -> labels; a zone also sets topology.kubernetes.io/zone. */
export function parseLabels(text: string, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0) throw new UserError(`${where}: "${part}" is not a label: write it as key=value`);
    const key = part.slice(0, i).trim();
    const value = part.slice(i + 1).trim();
    out[key] = value;
    if (key === 'zone') out['topology.kubernetes.io/zone'] = value;
    if (key === 'region') out['topology.kubernetes.io/region'] = value;
  }
  return out;
}

export function parseTaints(text: string, where: string): Taint[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((t) => {
      try {
        const taint = parseTaint(t);
        if (!taint.effect) throw new Error('the effect is missing');
        return taint;
      } catch (e) {
        throw new UserError(`${where}: "${t}" is not a taint: write it as key=value:Effect (NoSchedule, PreferNoSchedule or NoExecute); ${(e as Error).message}`);
      }
    });
}

/** Nodes from a table with a header row: name | cpu | memory | labels | taints (and pods, zone). */
export function nodesFromTable(rows: string[][]): NodeOptions[] {
  if (rows.length < 2) throw new UserError('the table of nodes needs a header row (name | cpu | memory | labels | taints) and one row per node');
  const header = rows[0].map((h) => h.trim().toLowerCase());
  for (const h of header) if (!COLUMNS.has(h)) throw new UserError(`the table of nodes has an unknown column "${h}": use ${[...COLUMNS].join(', ')}`);
  const names = new Set<string>();
  return rows.slice(1).map((row, i) => {
    const cell = (c: string) => {
      const j = header.indexOf(c);
      return j >= 0 ? row[j].trim() : '';
    };
    const where = `row ${i + 1} of the table of nodes`;
    const node: NodeOptions = { name: cell('name') || `node-${i + 1}` };
    if (names.has(node.name!)) throw new UserError(`${where}: node "${node.name}" appears twice`);
    names.add(node.name!);
    if (cell('cpu')) node.cpu = cell('cpu');
    if (cell('memory')) node.memory = cell('memory');
    if (cell('pods')) node.pods = Number(cell('pods'));
    if (cell('labels')) node.labels = parseLabels(cell('labels'), where);
    if (cell('zone')) node.zone = cell('zone');
    if (cell('taints')) node.taints = parseTaints(cell('taints'), where);
    return node;
  });
}

export function requireNode(world: KubeWorld, name: string): void {
  if (!world.cluster.nodeNames().includes(name) && !tryGet<Node>(world.client, R.nodes, undefined, name)) {
    throw new UserError(`there is no node "${name}": the cluster has ${world.cluster.nodeNames().join(', ') || 'no nodes'}`);
  }
}

export function nodeDies(world: KubeWorld, name: string): void {
  requireNode(world, name);
  world.cluster.killNode(name);
  world.settle();
}

export function nodeComesBack(world: KubeWorld, name: string): void {
  requireNode(world, name);
  world.cluster.reviveNode(name);
  world.settle();
}

export function nodeRemoved(world: KubeWorld, name: string): void {
  requireNode(world, name);
  world.cluster.removeNode(name);
  world.settle();
}

export function nodeJoins(world: KubeWorld, name: string, options: Omit<NodeOptions, 'name'> = {}): void {
  if (world.cluster.nodeNames().includes(name)) throw new UserError(`node "${name}" is already in the cluster`);
  world.cluster.addNode({ ...options, name });
  world.settle();
}
