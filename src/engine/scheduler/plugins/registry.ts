/**
 * The in-tree plugin registry: upstream plugin name -> factory. A profile
 * names plugins; the framework builds them from here with their args (as
 * validated and defaulted by the configuration) and the profile's Handle.
 */
import type { Handle, Plugin } from '../framework.ts';
import { SCHEDULING_GATES, schedulingGates } from './scheduling-gates.ts';
import { PRIORITY_SORT, prioritySort } from './priority-sort.ts';
import { NODE_UNSCHEDULABLE, nodeUnschedulable } from './node-unschedulable.ts';
import { NODE_NAME, nodeName } from './node-name.ts';
import { TAINT_TOLERATION, taintToleration } from './taint-toleration.ts';
import { NODE_AFFINITY, type NodeAffinityArgs, nodeAffinity } from './node-affinity.ts';
import { NODE_PORTS, nodePorts } from './node-ports.ts';
import { NODE_RESOURCES_FIT, type NodeResourcesFitArgs, nodeResourcesFit } from './node-resources-fit.ts';
import { VOLUME_RESTRICTIONS, volumeRestrictions } from './volume-restrictions.ts';
import { NODE_VOLUME_LIMITS, nodeVolumeLimits } from './node-volume-limits.ts';
import { VOLUME_BINDING, type VolumeBindingArgs, volumeBinding } from './volume-binding.ts';
import { VOLUME_ZONE, volumeZone } from './volume-zone.ts';
import { POD_TOPOLOGY_SPREAD, type PodTopologySpreadArgs, podTopologySpread } from './pod-topology-spread.ts';
import { INTER_POD_AFFINITY, type InterPodAffinityArgs, interPodAffinity } from './inter-pod-affinity.ts';
import { DEFAULT_PREEMPTION, type DefaultPreemptionArgs, defaultPreemption } from './default-preemption.ts';
import { NODE_RESOURCES_BALANCED_ALLOCATION, nodeResourcesBalancedAllocation } from './node-resources-balanced-allocation.ts';
import { IMAGE_LOCALITY, imageLocality } from './image-locality.ts';
import { DEFAULT_BINDER, defaultBinder } from './default-binder.ts';

export type PluginFactory = (args: unknown, handle: Handle) => Plugin;

const a = <T>(args: unknown) => (args ?? {}) as T;

export const REGISTRY: ReadonlyMap<string, PluginFactory> = new Map<string, PluginFactory>([
  [SCHEDULING_GATES, () => schedulingGates()],
  [PRIORITY_SORT, () => prioritySort()],
  [NODE_UNSCHEDULABLE, () => nodeUnschedulable()],
  [NODE_NAME, () => nodeName()],
  [TAINT_TOLERATION, () => taintToleration()],
  [NODE_AFFINITY, (args) => nodeAffinity(a<NodeAffinityArgs>(args))],
  [NODE_PORTS, () => nodePorts()],
  [NODE_RESOURCES_FIT, (args) => nodeResourcesFit(a<NodeResourcesFitArgs>(args))],
  [VOLUME_RESTRICTIONS, (_args, handle) => volumeRestrictions(handle)],
  [NODE_VOLUME_LIMITS, (_args, handle) => nodeVolumeLimits(handle)],
  [VOLUME_BINDING, (args, handle) => volumeBinding(a<VolumeBindingArgs>(args), handle)],
  [VOLUME_ZONE, (_args, handle) => volumeZone(handle)],
  [POD_TOPOLOGY_SPREAD, (args, handle) => podTopologySpread(a<PodTopologySpreadArgs>(args), handle)],
  [INTER_POD_AFFINITY, (args, handle) => interPodAffinity(a<InterPodAffinityArgs>(args), handle)],
  [DEFAULT_PREEMPTION, (args, handle) => defaultPreemption(a<DefaultPreemptionArgs>(args), handle)],
  [NODE_RESOURCES_BALANCED_ALLOCATION, (args) => nodeResourcesBalancedAllocation(a<{ resources?: [] }>(args))],
  [IMAGE_LOCALITY, (_args, handle) => imageLocality(handle)],
  [DEFAULT_BINDER, (_args, handle) => defaultBinder(handle)],
]);
