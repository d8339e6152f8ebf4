/**
 * A profile's plugins per extension point (frameworkImpl construction):
 * plugins are built once from the registry with their args, then placed at
 * every extension point they implement, as the specific extension point
 * lists and the multiPoint expansion say, with their score weights.
 */
import type {
  BindPlugin,
  EnqueueExtensions,
  FilterPlugin,
  Handle,
  Plugin,
  PostFilterPlugin,
  PreBindPlugin,
  PreEnqueuePlugin,
  PreFilterPlugin,
  PreScorePlugin,
  QueueSortPlugin,
  ReservePlugin,
  ScorePlugin,
} from './framework.ts';
import { REGISTRY } from './plugins/registry.ts';
import { type ExtensionPoint, type ResolvedProfile, type SchedulerConfiguration, SchedulerConfigError, resolveConfiguration } from './config.ts';

export {
  DEFAULT_PLUGINS,
  DEFAULT_SCHEDULER_NAME,
  SchedulerConfigError,
  type PluginRef,
  type SchedulerConfiguration,
  type SchedulerProfile,
} from './config.ts';

/** The plugins of one profile, per extension point, in run order. */
export interface ProfilePlugins {
  name: string;
  all: Map<string, Plugin>;
  preEnqueue: PreEnqueuePlugin[];
  queueSort: QueueSortPlugin;
  preFilter: PreFilterPlugin[];
  filter: FilterPlugin[];
  postFilter: PostFilterPlugin[];
  preScore: PreScorePlugin[];
  score: Array<{ plugin: ScorePlugin; weight: number }>;
  reserve: ReservePlugin[];
  preBind: PreBindPlugin[];
  bind: BindPlugin[];
  enqueueExtensions: Array<{ name: string; ext: EnqueueExtensions }>;
}

/** Which method makes a plugin one of an extension point's kind, and upstream's name of that kind. */
const KIND: Array<[ExtensionPoint, string, string]> = [
  ['preFilter', 'preFilter', 'PreFilterPlugin'],
  ['filter', 'filter', 'FilterPlugin'],
  ['postFilter', 'postFilter', 'PostFilterPlugin'],
  ['reserve', 'reserve', 'ReservePlugin'],
  ['preScore', 'preScore', 'PreScorePlugin'],
  ['score', 'score', 'ScorePlugin'],
  ['preBind', 'preBind', 'PreBindPlugin'],
  ['bind', 'bind', 'BindPlugin'],
  ['postBind', 'postBind', 'PostBindPlugin'],
  ['permit', 'permit', 'PermitPlugin'],
  ['preEnqueue', 'preEnqueue', 'PreEnqueuePlugin'],
  ['queueSort', 'less', 'QueueSortPlugin'],
];

const implementsKind = (p: Plugin, method: string) => typeof (p as unknown as Record<string, unknown>)[method] === 'function';

/** Builds a profile's plugins; errors read as kube-scheduler's ("initializing plugin ...", "... does not exist"). */
export function buildProfile(profile: ResolvedProfile, handle: Handle): ProfilePlugins {
  const fail = (msg: string): never => {
    throw new SchedulerConfigError(`initializing profiles: creating profile for scheduler name ${profile.schedulerName}: ${msg}`);
  };
  const needed = new Set<string>();
  for (const set of Object.values(profile.plugins)) for (const e of set.enabled) needed.add(e.name);
  const all = new Map<string, Plugin>();
  for (const [name, make] of REGISTRY) {
    if (!needed.has(name)) continue;
    try {
      all.set(name, make(profile.pluginConfig.get(name), handle));
    } catch (e) {
      fail(`initializing plugin "${name}": ${(e as Error).message}`);
    }
  }
  const lists = new Map<ExtensionPoint, Plugin[]>();
  for (const [ep, method, kind] of KIND) {
    const set = profile.plugins[ep];
    const enabled: string[] = [];
    for (const e of set.enabled) {
      const p = all.get(e.name);
      if (!p) fail(`${kind} "${e.name}" does not exist`);
      if (!implementsKind(p!, method)) fail(`plugin "${e.name}" does not extend ${kind} plugin`);
      if (enabled.includes(e.name)) fail(`plugin "${e.name}" already registered as "${kind}"`);
      enabled.push(e.name);
    }
    // expandMultiPointPlugins
    const disabled = new Set(set.disabled.map((d) => d.name));
    let order = enabled;
    if (!disabled.has('*')) {
      const overrides: string[] = [];
      const multi: string[] = [];
      for (const e of profile.plugins.multiPoint.enabled) {
        const p = all.get(e.name);
        if (!p) fail(`${kind} "${e.name}" does not exist`);
        if (!implementsKind(p!, method) || disabled.has(e.name)) continue;
        if (enabled.includes(e.name)) {
          overrides.push(e.name);
          continue;
        }
        if (multi.includes(e.name)) fail(`plugin "${e.name}" already registered as "${kind}"`);
        multi.push(e.name);
      }
      order = [...enabled.filter((n) => overrides.includes(n)), ...multi, ...enabled.filter((n) => !overrides.includes(n))];
    }
    lists.set(ep, order.map((n) => all.get(n)!));
  }
  const queueSort = lists.get('queueSort')!;
  if (queueSort.length !== 1) fail(`only one queue sort plugin required for profile with scheduler name "${profile.schedulerName}", but got ${queueSort.length}`);
  const bind = lists.get('bind')!;
  if (!bind.length) fail(`at least one bind plugin is needed for profile with scheduler name "${profile.schedulerName}"`);
  // getScoreWeights: the score extension point's weights win over multiPoint's; 0 means 1.
  const weights = new Map<string, number>();
  for (const e of [...profile.plugins.score.enabled, ...profile.plugins.multiPoint.enabled]) {
    if (weights.has(e.name) || !all.has(e.name) || !implementsKind(all.get(e.name)!, 'score')) continue;
    weights.set(e.name, e.weight || 1);
  }
  const enqueueExtensions: ProfilePlugins['enqueueExtensions'] = [];
  for (const [name, p] of all) if (implementsKind(p, 'eventsToRegister')) enqueueExtensions.push({ name, ext: p as unknown as EnqueueExtensions });
  return {
    name: profile.schedulerName,
    all,
    preEnqueue: lists.get('preEnqueue') as PreEnqueuePlugin[],
    queueSort: queueSort[0] as QueueSortPlugin,
    preFilter: lists.get('preFilter') as PreFilterPlugin[],
    filter: lists.get('filter') as FilterPlugin[],
    postFilter: lists.get('postFilter') as PostFilterPlugin[],
    preScore: lists.get('preScore') as PreScorePlugin[],
    score: (lists.get('score') as ScorePlugin[]).map((plugin) => ({ plugin, weight: weights.get(plugin.name) ?? 1 })),
    reserve: lists.get('reserve') as ReservePlugin[],
    preBind: lists.get('preBind') as PreBindPlugin[],
    bind: bind as BindPlugin[],
    enqueueExtensions,
  };
}

/**
 * Checks a configuration as kube-scheduler would at startup: defaulting and
 * validation, then building every profile's plugins (against an empty
 * cluster). Throws SchedulerConfigError.
 */
export function validateSchedulerConfiguration(config: SchedulerConfiguration): void {
  const resolved = resolveConfiguration(config);
  const empty = { get: () => undefined, list: () => [] };
  const handle = new Proxy({} as Handle, {
    get: (_t, prop) => (prop === 'lister' ? () => empty : prop === 'nodes' || prop === 'havePodsWithAffinity' || prop === 'havePodsWithRequiredAntiAffinity' ? () => [] : () => undefined),
  });
  for (const p of resolved.profiles) buildProfile(p, handle);
}
