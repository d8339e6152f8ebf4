/**
 * `kubectl cordon` and `kubectl uncordon`: mark nodes (un)schedulable,
 * printing `node/node-1 cordoned` or `node/node-1 already cordoned`.
 */
import { R, clone } from '../../engine/index.ts';
import type { Client, KubeObject, Stored } from '../../engine/index.ts';
import { createTwoWayMergePatch } from '../patch-functions.ts';
import type { Command, Invocation } from '../command.ts';
import { DRY_RUN_FLAG, SELECTOR_FLAG, dryRunOf, operation } from '../command.ts';
import { KubectlError, usageError } from '../errors.ts';
import { objectName } from '../resources.ts';

export type CordonResult = 'cordoned' | 'already cordoned' | 'uncordoned' | 'already uncordoned';

function isUnschedulable(node: KubeObject): boolean {
  return (node.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true;
}

/** Sets spec.unschedulable on a node (CordonHelper); returns what kubectl prints after `node/NAME`. */
export function setSchedulable(client: Client, node: Stored, cordon: boolean, dryRun: 'none' | 'client' | 'server' = 'none'): CordonResult {
  if (isUnschedulable(node) === cordon) return cordon ? 'already cordoned' : 'already uncordoned';
  if (dryRun !== 'client') {
    const next = clone(node) as KubeObject & { spec?: { unschedulable?: boolean } };
    next.spec = { ...(next.spec ?? {}) };
    if (cordon) next.spec.unschedulable = true;
    else delete next.spec.unschedulable;
    client.patch(R.nodes, undefined, node.metadata.name, createTwoWayMergePatch(node, next, 'Node'), 'strategic', { dryRun: dryRun === 'server' });
  }
  return cordon ? 'cordoned' : 'uncordoned';
}

/** Cordons (or uncordons) the named node; throws NotFound when it does not exist. */
export function cordonNode(client: Client, name: string, cordon = true): CordonResult {
  return setSchedulable(client, client.get(R.nodes, undefined, name), cordon);
}

/** The nodes a cordon, uncordon or drain command names (`NODE` or `--selector`). */
export function selectNodes(inv: Invocation, verb: string): Stored[] {
  const selector = inv.flags.string('selector');
  if (inv.args.length === 0 && !inv.flags.has('selector')) throw usageError(inv.commandPath, `USAGE: ${verb} NODE [flags]`);
  if (inv.args.length > 0 && selector) throw usageError(inv.commandPath, 'error: cannot specify both a node name and a --selector option');
  if (selector) return inv.client.list(R.nodes, { labelSelector: selector }).items;
  return inv.args.map((a) => {
    const parts = a.split('/');
    if (parts.length === 2 && !['node', 'nodes', 'no'].includes(parts[0])) throw new KubectlError(`invalid resource type ${parts[0]}, only node types are supported`);
    return inv.client.get(R.nodes, undefined, parts[parts.length - 1]);
  });
}

/** RunCordonOrUncordon: one line per node; failures go to stderr and do not stop the others. */
export function cordonAll(inv: Invocation, nodes: readonly Stored[], cordon: boolean): void {
  const dryRun = dryRunOf(inv);
  for (const node of nodes) {
    try {
      const r = setSchedulable(inv.client, node, cordon, dryRun);
      inv.out.out(`${objectName(R.nodes, node.metadata.name)} ${operation(r, dryRun)}\n`);
    } catch (e) {
      inv.out.err(`error: unable to ${cordon ? 'cordon' : 'uncordon'} node ${JSON.stringify(node.metadata.name)}: ${(e as Error).message}\n`);
    }
  }
}

const flags = [SELECTOR_FLAG, DRY_RUN_FLAG];

export const cordonCommand: Command = {
  path: ['cordon'],
  usage: 'kubectl cordon NODE',
  flags,
  run: (inv) => cordonAll(inv, selectNodes(inv, 'cordon'), true),
};

export const uncordonCommand: Command = {
  path: ['uncordon'],
  usage: 'kubectl uncordon NODE',
  flags,
  run: (inv) => cordonAll(inv, selectNodes(inv, 'uncordon'), false),
};
