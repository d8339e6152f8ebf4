/**
 * Scheduler configuration (KubeSchedulerConfiguration, v1): profiles by
 * schedulerName, each a set of plugins with score weights and plugin args.
 * The default profile is pkg/scheduler/apis/config/v1/default_plugins.go.
 */
import type { Handle, Plugin } from './framework.ts';
import { REGISTRY } from './plugins/registry.ts';

export interface PluginRef {
  name: string;
  weight?: number;
}

export interface SchedulerProfile {
  schedulerName: string;
  /** multiPoint plugins as upstream: enabled are added (or re-weighted), disabled removed ('*' removes all defaults). */
  plugins?: { multiPoint?: { enabled?: PluginRef[]; disabled?: Array<{ name: string }> } };
  pluginConfig?: Array<{ name: string; args: unknown }>;
}

export interface SchedulerConfiguration {
  profiles?: SchedulerProfile[];
  /** 0 means adaptive (50% - nodes/125, at least 5%, at least 100 nodes). */
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
}

/** The default plugins, in order, with their score weights. */
export const DEFAULT_PLUGINS: readonly PluginRef[] = [
  { name: 'SchedulingGates' },
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'VolumeRestrictions' },
  { name: 'NodeVolumeLimits' },
  { name: 'VolumeBinding' },
  { name: 'VolumeZone' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
];

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface BuiltPlugin {
  plugin: Plugin;
  weight: number;
}

/** Thrown for a profile that names a plugin the registry does not have. */
export class ProfileError extends Error {}

/**
 * The plugins of a profile, built in order. Default plugins the engine does
 * not provide are skipped; a plugin the profile enables explicitly must exist.
 */
export function buildProfile(profile: SchedulerProfile, handle: Handle): BuiltPlugin[] {
  const mp = profile.plugins?.multiPoint ?? {};
  const disabled = new Set((mp.disabled ?? []).map((d) => d.name));
  let refs: PluginRef[] = disabled.has('*') ? [] : DEFAULT_PLUGINS.filter((p) => !disabled.has(p.name));
  for (const e of mp.enabled ?? []) {
    if (!REGISTRY.has(e.name)) throw new ProfileError(`plugin "${e.name}" does not exist`);
    const i = refs.findIndex((r) => r.name === e.name);
    if (i >= 0) refs[i] = { ...refs[i], ...e };
    else refs = [...refs, e];
  }
  const args = new Map((profile.pluginConfig ?? []).map((c) => [c.name, c.args]));
  const out: BuiltPlugin[] = [];
  for (const ref of refs) {
    const make = REGISTRY.get(ref.name);
    if (!make) continue;
    out.push({ plugin: make(args.get(ref.name), handle), weight: ref.weight ?? 1 });
  }
  return out;
}
