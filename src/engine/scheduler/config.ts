/**
 * KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1): the types, the
 * v1 defaults (pkg/scheduler/apis/config/v1/defaults.go, default_plugins.go)
 * and validation in upstream words (apis/config/validation). A bad
 * configuration is refused with SchedulerConfigError naming the field.
 */
import { type FieldError, duplicate, fieldErrorMessage, forbidden, invalid, notSupported, required } from '../api/errors.ts';
import { validateLabelName } from '../api/validation/meta.ts';

export interface PluginRef {
  name: string;
  weight?: number;
}

/** An extension point's plugins: enabled ones are added (or re-configured), disabled ones removed ('*': all defaults). */
export interface PluginSet {
  enabled?: PluginRef[];
  disabled?: Array<{ name: string }>;
}

export const EXTENSION_POINTS = [
  'preEnqueue',
  'queueSort',
  'preFilter',
  'filter',
  'postFilter',
  'preScore',
  'score',
  'reserve',
  'permit',
  'preBind',
  'bind',
  'postBind',
  'multiPoint',
] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];
export type Plugins = Partial<Record<ExtensionPoint, PluginSet>>;

export interface SchedulerProfile {
  schedulerName?: string;
  /** Overrides the configuration's percentageOfNodesToScore for this profile. */
  percentageOfNodesToScore?: number;
  plugins?: Plugins;
  pluginConfig?: Array<{ name: string; args?: Record<string, unknown> }>;
}

/** KubeSchedulerConfiguration as users write it; every field optional. */
export interface SchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  parallelism?: number;
  /** 0 or unset means adaptive (50% - nodes/125, at least 5%, at least 100 nodes). */
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  profiles?: SchedulerProfile[];
}

/** A configuration after defaulting: what the scheduler runs. */
export interface ResolvedProfile {
  schedulerName: string;
  percentageOfNodesToScore?: number;
  plugins: Record<ExtensionPoint, { enabled: PluginRef[]; disabled: Array<{ name: string }> }>;
  pluginConfig: Map<string, Record<string, unknown>>;
}

export interface ResolvedConfiguration {
  percentageOfNodesToScore: number;
  podInitialBackoffSeconds: number;
  podMaxBackoffSeconds: number;
  profiles: ResolvedProfile[];
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const API_VERSION = 'kubescheduler.config.k8s.io/v1';

/** getDefaultPlugins: every default plugin in multiPoint, with its score weight. */
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

/** A configuration the scheduler refuses, in the words of kube-scheduler's validation. */
export class SchedulerConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchedulerConfigError';
  }
}

/** mergePluginSet: defaults minus disabled ('*': all), re-configured in place, custom ones appended. */
function mergePluginSet(defaults: PluginSet, custom: PluginSet | undefined): { enabled: PluginRef[]; disabled: Array<{ name: string }> } {
  const disabled = [...(custom?.disabled ?? []).map((d) => ({ name: d.name })), ...(defaults.disabled ?? [])];
  const off = new Set(disabled.map((d) => d.name));
  const customEnabled = custom?.enabled ?? [];
  const byName = new Map(customEnabled.map((p, i) => [p.name, i]));
  const replaced = new Set<number>();
  const enabled: PluginRef[] = [];
  if (!off.has('*')) {
    for (const d of defaults.enabled ?? []) {
      if (off.has(d.name)) continue;
      const i = byName.get(d.name);
      if (i !== undefined) {
        replaced.add(i);
        enabled.push(customEnabled[i]);
      } else enabled.push(d);
    }
  }
  customEnabled.forEach((p, i) => {
    if (!replaced.has(i)) enabled.push(p);
  });
  return { enabled, disabled };
}

/** Default args of the plugins that have args (SetDefaults_*Args). */
export function defaultArgs(name: string, args: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const a = { ...(args ?? {}) };
  switch (name) {
    case 'DefaultPreemption':
      a.minCandidateNodesPercentage ??= 10;
      a.minCandidateNodesAbsolute ??= 100;
      return a;
    case 'InterPodAffinity':
      a.hardPodAffinityWeight ??= 1;
      return a;
    case 'NodeResourcesFit': {
      const s = { ...((a.scoringStrategy as Record<string, unknown> | undefined) ?? {}) };
      s.type ??= 'LeastAllocated';
      if (!(s.resources as unknown[] | undefined)?.length) s.resources = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];
      if (s.type === 'RequestedToCapacityRatio' && !s.requestedToCapacityRatio) {
        s.requestedToCapacityRatio = { shape: [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }] };
      }
      a.scoringStrategy = s;
      return a;
    }
    case 'NodeResourcesBalancedAllocation':
      if (!(a.resources as unknown[] | undefined)?.length) a.resources = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }];
      return a;
    case 'PodTopologySpread':
      a.defaultingType ??= 'System';
      return a;
    case 'VolumeBinding':
      a.bindTimeoutSeconds ??= 600;
      return a;
    default:
      return args;
  }
}

const ARG_PLUGINS = new Set(['DefaultPreemption', 'InterPodAffinity', 'NodeAffinity', 'NodeResourcesBalancedAllocation', 'NodeResourcesFit', 'PodTopologySpread', 'VolumeBinding']);

/** Defaults and validates a configuration; throws SchedulerConfigError listing every problem. */
export function resolveConfiguration(input: SchedulerConfiguration = {}): ResolvedConfiguration {
  const errs: FieldError[] = [];
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new SchedulerConfigError('the scheduler configuration must be a KubeSchedulerConfiguration object');
  if (input.apiVersion !== undefined && input.apiVersion !== API_VERSION) errs.push(invalid('apiVersion', input.apiVersion, `must be ${API_VERSION}`));
  if (input.kind !== undefined && input.kind !== 'KubeSchedulerConfiguration') errs.push(invalid('kind', input.kind, 'must be KubeSchedulerConfiguration'));
  const parallelism = input.parallelism ?? 16;
  if (!(parallelism > 0)) errs.push(invalid('parallelism', parallelism, 'should be an integer value greater than zero'));
  const initial = input.podInitialBackoffSeconds ?? 1;
  const max = input.podMaxBackoffSeconds ?? 10;
  const pct = (p: number | undefined, field: string) => {
    if (p !== undefined && (typeof p !== 'number' || p < 0 || p > 100)) errs.push(invalid(field, p, 'not in valid range [0-100]'));
  };
  let inputProfiles = input.profiles ?? [];
  if (!Array.isArray(inputProfiles)) {
    errs.push(invalid('profiles', inputProfiles, 'must be a list'));
    inputProfiles = [];
  }
  const profiles: SchedulerProfile[] = inputProfiles.length ? inputProfiles.map((p) => ({ ...p })) : [{}];
  // Only a single profile gets the default scheduler name.
  if (profiles.length === 1 && profiles[0].schedulerName === undefined) profiles[0].schedulerName = DEFAULT_SCHEDULER_NAME;
  const resolved: ResolvedProfile[] = [];
  const seenNames = new Map<string, number>();
  profiles.forEach((p, i) => {
    const path = `profiles[${i}]`;
    if (!p.schedulerName) errs.push(required(`${path}.schedulerName`));
    const prior = seenNames.get(p.schedulerName ?? '');
    if (p.schedulerName && prior !== undefined) errs.push(duplicate(`${path}.schedulerName`, `profiles[${prior}].schedulerName`));
    if (p.schedulerName) seenNames.set(p.schedulerName, i);
    pct(p.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`);
    const plugins = {} as ResolvedProfile['plugins'];
    for (const ep of EXTENSION_POINTS) plugins[ep] = mergePluginSet(ep === 'multiPoint' ? { enabled: [...DEFAULT_PLUGINS] } : {}, p.plugins?.[ep]);
    const pluginConfig = new Map<string, Record<string, unknown>>();
    (p.pluginConfig ?? []).forEach((c, j) => {
      const cpath = `${path}.pluginConfig[${j}]`;
      if (pluginConfig.has(c.name)) errs.push(duplicate(cpath, c.name));
      const args = c.args ?? {};
      const kind = (args as { kind?: string }).kind;
      if (kind !== undefined && ARG_PLUGINS.has(c.name) && kind !== `${c.name}Args`) errs.push(invalid(`${cpath}.args`, kind, 'has to match plugin args'));
      const { apiVersion: _a, kind: _k, ...rest } = args as Record<string, unknown>;
      pluginConfig.set(c.name, rest);
      errs.push(...validateArgs(c.name, rest, `${cpath}.args`));
    });
    // Plugins in use get their args defaulted.
    const used = new Set(Object.values(plugins).flatMap((s) => s.enabled.map((e) => e.name)));
    for (const name of used) {
      const d = defaultArgs(name, pluginConfig.get(name));
      if (d) pluginConfig.set(name, d);
    }
    resolved.push({ schedulerName: p.schedulerName ?? '', percentageOfNodesToScore: p.percentageOfNodesToScore, plugins, pluginConfig });
  });
  // validateCommonQueueSort
  const canon = JSON.stringify(profiles[0].plugins?.queueSort ?? {});
  for (let i = 1; i < profiles.length; i++) {
    const cur = profiles[i].plugins?.queueSort;
    if (JSON.stringify(cur ?? {}) !== canon) errs.push(invalid(`profiles[${i}].plugins.queueSort`, cur ?? {}, 'must be the same for all profiles'));
  }
  pct(input.percentageOfNodesToScore, 'percentageOfNodesToScore');
  if (!(initial > 0)) errs.push(invalid('podInitialBackoffSeconds', initial, 'must be greater than 0'));
  if (max < initial) errs.push(invalid('podMaxBackoffSeconds', max, 'must be greater than or equal to PodInitialBackoffSeconds'));
  if (errs.length) throw new SchedulerConfigError(aggregate(errs));
  return { percentageOfNodesToScore: input.percentageOfNodesToScore ?? 0, podInitialBackoffSeconds: initial, podMaxBackoffSeconds: max, profiles: resolved };
}

/** utilerrors.Aggregate.Error(): one message, or several in brackets. */
function aggregate(errs: FieldError[]): string {
  const msgs = errs.map(fieldErrorMessage);
  return msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
}

const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);

/** Validate<Plugin>Args (validation_pluginargs.go). */
export function validateArgs(name: string, a: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  switch (name) {
    case 'DefaultPreemption': {
      const p = a.minCandidateNodesPercentage === undefined ? 10 : num(a.minCandidateNodesPercentage);
      const n = a.minCandidateNodesAbsolute === undefined ? 100 : num(a.minCandidateNodesAbsolute);
      if (!(p >= 0 && p <= 100)) errs.push(invalid(`${path}.minCandidateNodesPercentage`, a.minCandidateNodesPercentage, 'not in valid range [0, 100]'));
      if (!(n >= 0)) errs.push(invalid(`${path}.minCandidateNodesAbsolute`, a.minCandidateNodesAbsolute, 'not in valid range [0, inf)'));
      if (p === 0 && n === 0) {
        errs.push(invalid(`${path}.minCandidateNodesPercentage`, 0, 'cannot be zero at the same time as minCandidateNodesAbsolute'));
        errs.push(invalid(`${path}.minCandidateNodesAbsolute`, 0, 'cannot be zero at the same time as minCandidateNodesPercentage'));
      }
      break;
    }
    case 'InterPodAffinity': {
      const w = a.hardPodAffinityWeight === undefined ? 1 : num(a.hardPodAffinityWeight);
      if (!(w >= 0 && w <= 100)) errs.push(invalid(`${path}.hardPodAffinityWeight`, a.hardPodAffinityWeight, 'not in valid range [0, 100]'));
      break;
    }
    case 'NodeResourcesBalancedAllocation': {
      const seen = new Set<string>();
      ((a.resources as Array<{ name: string; weight?: number }>) ?? []).forEach((r, i) => {
        if (seen.has(r.name)) errs.push(duplicate(`${path}.resources[${i}].name`, r.name));
        seen.add(r.name);
        if (r.weight !== 1) errs.push(invalid(`${path}.resources[${i}].weight`, r.weight ?? 0, 'must be 1'));
      });
      break;
    }
    case 'NodeResourcesFit':
      errs.push(...validateFitArgs(a, path));
      break;
    case 'PodTopologySpread':
      errs.push(...validateSpreadArgs(a, path));
      break;
    case 'VolumeBinding':
      if (a.bindTimeoutSeconds !== undefined && !(num(a.bindTimeoutSeconds) >= 0))
        errs.push(invalid(`${path}.bindTimeoutSeconds`, a.bindTimeoutSeconds, 'invalid BindTimeoutSeconds, should not be a negative value'));
      if (a.shape !== undefined) errs.push(invalid(`${path}.shape`, a.shape, 'unsupported when StorageCapacityScoring feature is disabled'));
      break;
    case 'NodeAffinity': {
      const req = (a.addedAffinity as { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: unknown[] } } | undefined)?.requiredDuringSchedulingIgnoredDuringExecution;
      if (req && !req.nodeSelectorTerms?.length) errs.push(required(`${path}.addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`, 'must have at least one node selector term'));
      break;
    }
  }
  return errs;
}

function validateShape(shape: unknown, path: string): FieldError[] {
  const pts = (Array.isArray(shape) ? shape : []) as Array<{ utilization: number; score: number }>;
  if (!pts.length) return [required(path, 'at least one point must be specified')];
  const errs: FieldError[] = [];
  for (let i = 1; i < pts.length; i++) {
    if (pts[i - 1].utilization >= pts[i].utilization) {
      errs.push(invalid(`${path}[${i}].utilization`, pts[i].utilization, 'utilization values must be sorted in increasing order'));
      break;
    }
  }
  pts.forEach((p, i) => {
    if (!(p.utilization >= 0 && p.utilization <= 100)) errs.push(invalid(`${path}[${i}].utilization`, p.utilization, 'not in valid range [0, 100]'));
    if (!(p.score >= 0 && p.score <= 10)) errs.push(invalid(`${path}[${i}].score`, p.score, 'not in valid range [0, 10]'));
  });
  return errs;
}

function validateFitArgs(a: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  ((a.ignoredResources as string[]) ?? []).forEach((r, i) => errs.push(...validateLabelName(r, `${path}.ignoredResources[${i}]`)));
  ((a.ignoredResourceGroups as string[]) ?? []).forEach((g, i) => {
    if (g.includes('/')) errs.push(invalid(`${path}.ignoredResourceGroups[${i}]`, g, "resource group name can't contain '/'"));
    errs.push(...validateLabelName(g, `${path}.ignoredResourceGroups[${i}]`));
  });
  const s = a.scoringStrategy as { type?: string; resources?: Array<{ name: string; weight?: number }>; requestedToCapacityRatio?: { shape?: unknown } } | undefined;
  if (s) {
    const types = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'];
    if (s.type !== undefined && !types.includes(s.type)) errs.push(notSupported(`${path}.scoringStrategy.type`, s.type, types));
    (s.resources ?? []).forEach((r, i) => {
      const w = r.weight ?? 0;
      if (!(w > 0 && w <= 100)) errs.push(invalid(`${path}.scoringStrategy.resources[${i}].weight`, w, `resource weight of ${r.name} not in valid range (0, 100]`));
    });
    if (s.requestedToCapacityRatio) errs.push(...validateShape(s.requestedToCapacityRatio.shape, `${path}.scoringStrategy.shape`));
  }
  return errs;
}

function validateSpreadArgs(a: Record<string, unknown>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const type = (a.defaultingType as string | undefined) ?? 'System';
  const constraints = (a.defaultConstraints as Array<Record<string, unknown>>) ?? [];
  if (type !== 'System' && type !== 'List') errs.push(notSupported(`${path}.defaultingType`, type, ['System', 'List']));
  else if (type === 'System' && constraints.length) errs.push(invalid(`${path}.defaultingType`, type, 'when .defaultConstraints are not empty'));
  constraints.forEach((c, i) => {
    const p = `${path}.defaultConstraints[${i}]`;
    if (!(num(c.maxSkew) > 0)) errs.push(invalid(`${p}.maxSkew`, c.maxSkew ?? 0, 'not in valid range (0, inf)'));
    const key = (c.topologyKey as string | undefined) ?? '';
    if (!key) errs.push(required(`${p}.topologyKey`, 'can not be empty'));
    else errs.push(...validateLabelName(key, `${p}.topologyKey`));
    const when = (c.whenUnsatisfiable as string | undefined) ?? '';
    if (!when) errs.push(required(`${p}.whenUnsatisfiable`, 'can not be empty'));
    else if (when !== 'DoNotSchedule' && when !== 'ScheduleAnyway') errs.push(notSupported(`${p}.whenUnsatisfiable`, when, ['DoNotSchedule', 'ScheduleAnyway']));
    if (c.labelSelector) errs.push(forbidden(`${p}.labelSelector`, 'constraint must not define a selector, as they deduced for each pod'));
    for (let j = 0; j < i; j++) {
      if (constraints[j].topologyKey === c.topologyKey && constraints[j].whenUnsatisfiable === c.whenUnsatisfiable) {
        errs.push(duplicate(`${path}.defaultConstraints[${i}]`, `{${key}, ${when}}`));
        break;
      }
    }
  });
  return errs;
}
