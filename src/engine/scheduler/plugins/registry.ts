/**
 * The in-tree plugin registry: upstream plugin name -> factory. A profile
 * names plugins; the framework builds them from here.
 */
import type { Handle, Plugin } from '../framework.ts';
import { PRIORITY_SORT, prioritySort } from './priority-sort.ts';
import { NODE_UNSCHEDULABLE, nodeUnschedulable } from './node-unschedulable.ts';
import { NODE_NAME, nodeName } from './node-name.ts';
import { TAINT_TOLERATION, taintToleration } from './taint-toleration.ts';
import { NODE_AFFINITY, nodeAffinity } from './node-affinity.ts';
import { NODE_RESOURCES_FIT, type NodeResourcesFitArgs, nodeResourcesFit } from './node-resources-fit.ts';
import { NODE_RESOURCES_BALANCED_ALLOCATION, nodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.ts';
import { DEFAULT_BINDER, defaultBinder } from './default-binder.ts';

export type PluginFactory = (args: unknown, handle: Handle) => Plugin;

export const REGISTRY: ReadonlyMap<string, PluginFactory> = new Map<string, PluginFactory>([
  [PRIORITY_SORT, () => prioritySort()],
  [NODE_UNSCHEDULABLE, () => nodeUnschedulable()],
  [NODE_NAME, () => nodeName()],
  [TAINT_TOLERATION, () => taintToleration()],
  [NODE_AFFINITY, () => nodeAffinity()],
  [NODE_RESOURCES_FIT, (args) => nodeResourcesFit((args ?? {}) as NodeResourcesFitArgs)],
  [NODE_RESOURCES_BALANCED_ALLOCATION, (args) => nodeResourcesBalancedAllocation((args ?? {}) as { resources?: [] })],
  [DEFAULT_BINDER, (_args, handle) => defaultBinder(handle)],
]);
