/**
 * Faults planted in a test-only way (cluster options the engine offers for
 * tests; production code is untouched): the campaign must find each.
 */
import { R, type Client, type ClusterOptions, type Controller, type KubeObject, type ReplicaSet } from '../../src/engine/index.ts';
import { type CampaignResult, runCampaign } from '../../src/fuzz/campaign.ts';
import { resolveInvariants } from '../../src/fuzz/invariants/registry.ts';

/** A scheduler that ignores taints: the TaintToleration plugin disabled. */
export const schedulerIgnoresTaints: Partial<ClusterOptions> = {
  scheduler: { profiles: [{ schedulerName: 'default-scheduler', plugins: { multiPoint: { disabled: [{ name: 'TaintToleration' }] } } }] },
};

/** One controller (by name) writing through `wrap(client)` instead of its client, in setup and every reconcile. */
function clientOf(controller: string, wrap: (client: Client) => Client): Partial<ClusterOptions> {
  return {
    wrapController: (c: Controller): Controller =>
      c.name !== controller
        ? c
        : { name: c.name, setup: (ctx) => c.setup({ ...ctx, client: wrap(ctx.client) }), reconcile: (key, ctx) => c.reconcile(key, { ...ctx, client: wrap(ctx.client) }) },
  };
}

/** One controller whose client's `method` is `replace(client)` instead. */
function methodOf(controller: string, method: 'update' | 'updateStatus' | 'delete', replace: (client: Client) => (...args: never[]) => unknown): Partial<ClusterOptions> {
  return clientOf(controller, (client) => {
    const replacement = replace(client);
    return new Proxy(client, { get: (target, prop, receiver) => (prop === method ? replacement : Reflect.get(target, prop, receiver)) });
  });
}

/** A Deployment controller whose scale-ups of a ReplicaSet ask for one pod more than it decided. */
export const rolloutOvershootsSurge = methodOf('deployment-controller', 'update', (client) => <T extends KubeObject>(type: typeof R.replicaSets, obj: T, opts?: object) => {
  if (type === R.replicaSets) {
    const rs = obj as unknown as ReplicaSet;
    const current = client.get<ReplicaSet>(R.replicaSets, rs.metadata.namespace, rs.metadata.name!);
    if ((rs.spec.replicas ?? 0) > (current.spec.replicas ?? 0)) obj = { ...obj, spec: { ...rs.spec, replicas: (rs.spec.replicas ?? 0) + 1 } } as T;
  }
  return client.update(type, obj, opts);
});

/** A controller manager whose pod informer, when its watch is closed (410 Gone), forgets to list again. */
export const informerForgetsRelist: Partial<ClusterOptions> = {
  wrapController: (c: Controller): Controller => {
    if (c.name !== 'replicaset-controller') return c;
    return {
      name: c.name,
      setup: (ctx) => {
        c.setup(ctx);
        const pods = ctx.informers.informer(R.pods);
        // The first list (at start) happens; after a closed watch it never lists or watches again.
        const first = pods.relist.bind(pods);
        let started = false;
        pods.relist = () => {
          if (!started) first();
          started = true;
        };
      },
      reconcile: (key, ctx) => c.reconcile(key, ctx),
    };
  },
};

let clustersBuilt = 0;

/**
 * A ReplicaSet controller that keeps state from one cluster to the next (a
 * module-level counter): in every other cluster its first reconcile fails
 * once, so the same history gives another trace when run again.
 */
export const stateLeaksBetweenClusters: Partial<ClusterOptions> = {
  wrapController: (c: Controller): Controller => {
    if (c.name !== 'replicaset-controller') return c;
    let failed = false;
    return {
      name: c.name,
      setup: (ctx) => {
        clustersBuilt++;
        c.setup(ctx);
      },
      reconcile: (key, ctx) => {
        if (clustersBuilt % 2 === 0 && !failed) {
          failed = true;
          throw new Error('a hiccup carried over from another cluster');
        }
        return c.reconcile(key, ctx);
      },
    };
  },
};

/** The default campaign's budget and seed, as `npm test` runs it. */
export const BUDGET = 300;

export function plantedCampaign(cluster: Partial<ClusterOptions>): CampaignResult {
  return runCampaign({ invariants: resolveInvariants(undefined), runs: BUDGET, seed: 1, cluster });
}

/** The invariants a campaign's failure broke. */
export function broken(r: CampaignResult): string[] {
  return [...new Set(r.failure?.violations.map((v) => v.invariant) ?? [])];
}

/** A disruption controller that allows one disruption more than its budget does. */
export const budgetAllowsOneTooMany = methodOf('disruption-controller', 'updateStatus', (client) => <T extends KubeObject>(type: typeof R.podDisruptionBudgets, obj: T, opts?: object) => {
  const o = obj as T & { status?: { disruptionsAllowed?: number } };
  if (type === R.podDisruptionBudgets && o.status) obj = { ...o, status: { ...o.status, disruptionsAllowed: (o.status.disruptionsAllowed ?? 0) + 1 } } as T;
  return client.updateStatus(type, obj, opts);
});

/** A CronJob controller whose deletions of jobs (beyond the history limits, or replaced) do nothing. */
export const cronJobKeepsEveryJob = methodOf('cronjob-controller', 'delete', (client) => (type: typeof R.jobs, ...rest: unknown[]) =>
  type === R.jobs ? undefined : (client.delete as (...a: unknown[]) => unknown)(type, ...rest),
);

/** A Deployment controller that, whenever it writes a Deployment, also asks for one replica fewer than the user did. */
export const deploymentControllerRewritesReplicas = methodOf('deployment-controller', 'update', (client) => <T extends KubeObject>(type: typeof R.deployments, obj: T, opts?: object) => {
  const d = obj as T & { spec?: { replicas?: number } };
  if (type === R.deployments && (d.spec?.replicas ?? 0) > 1) obj = { ...d, spec: { ...d.spec, replicas: d.spec!.replicas! - 1 } } as T;
  return client.update(type, obj, opts);
});
