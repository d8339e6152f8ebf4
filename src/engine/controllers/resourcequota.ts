/**
 * The resource quota controller (pkg/controller/resourcequota): keeps each
 * ResourceQuota's status.hard equal to spec.hard and status.used equal to
 * what the namespace's objects use of those resources, recounting when a
 * quota changes, when objects it counts come, change or go, and every
 * 5 minutes (--resource-quota-sync-period).
 */
import { RESOURCE_TYPES, R } from '../api/kinds.ts';
import type { KubeObject, ResourceQuota, Stored } from '../api/types.ts';
import { deepEqual, namespacedName, splitKey } from '../api/meta.ts';
import { formatQuota, quotaAmount, totalUsage, typesCounted } from '../api/quota.ts';
import { isStatusError } from '../api/errors.ts';
import { byNamespace, type Informer } from '../client/informer.ts';
import type { Controller, Result } from './manager.ts';

const RESYNC_MS = 5 * 60_000;
/** The kinds whose changes can move a quota's usage. */
const WATCHED = RESOURCE_TYPES.filter((t) => ['Pod', 'Service', 'PersistentVolumeClaim', 'ConfigMap', 'Secret', 'ReplicationController', 'ResourceQuota', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(t.kind) && t.namespaced);

export function resourceQuotaController(): Controller {
  let quotas: Informer<ResourceQuota>;
  const informers = new Map<string, Informer<KubeObject>>();

  return {
    name: 'resourcequota-controller',

    setup(ctx) {
      quotas = ctx.informers.informer<ResourceQuota>(R.resourceQuotas).addIndex('namespace', byNamespace);
      quotas.on({ add: (q) => ctx.enqueue(namespacedName(q)), update: (_o, q) => ctx.enqueue(namespacedName(q)) });
      for (const t of WATCHED) {
        const inf = ctx.informers.informer<KubeObject>(t);
        informers.set(`${t.group}/${t.kind}`, inf);
        const touch = (o: Stored) => {
          for (const q of quotas.byIndex('namespace', o.metadata.namespace ?? '')) ctx.enqueue(namespacedName(q));
        };
        inf.on({ add: touch, update: (_o, o) => touch(o), delete: touch });
      }
    },

    reconcile(key, ctx): Result | void {
      const { namespace, name } = splitKey(key);
      const q = quotas.get(namespace, name);
      if (!q) return;
      const hardSpec = (q.spec?.hard ?? {}) as Record<string, string>;
      const hardKeys = Object.keys(hardSpec).sort();
      const items = typesCounted(hardKeys, RESOURCE_TYPES).flatMap((type) => {
        const inf = informers.get(`${type.group}/${type.kind}`);
        const objs = inf ? inf.list(namespace) : ctx.client.list(type, { namespace }).items;
        return objs.map((obj) => ({ type, obj }));
      });
      const used = totalUsage(hardKeys, items, q.spec?.scopes, ctx.clock.now());
      const status = {
        hard: Object.fromEntries(hardKeys.map((k) => [k, formatQuota(k, quotaAmount(k, hardSpec[k]))])),
        used: Object.fromEntries(hardKeys.map((k) => [k, formatQuota(k, used.get(k) ?? 0)])),
      };
      if (!deepEqual(status, q.status ?? {})) {
        try {
          ctx.client.updateStatus(R.resourceQuotas, { ...q, status });
        } catch (e) {
          if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
        }
      }
      return { requeueAfterMs: RESYNC_MS };
    },
  };
}
