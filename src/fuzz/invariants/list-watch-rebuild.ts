/**
 * list-watch-rebuild: a list at a resourceVersion plus the watch from it
 * rebuild the current state exactly: the same objects, each at its latest
 * resourceVersion.
 */
import type { View } from '../../harness/view.ts';
import { namespacedName } from '../../engine/index.ts';
import type { Invariant, MonitorContext, Report } from './types.ts';
import { Observer } from './observer.ts';

export const listWatchRebuild: Invariant = {
  name: 'list-watch-rebuild',
  summary: 'list plus watch rebuilds the state exactly',
  promise: 'Listing at a resourceVersion and watching from it yields a cache equal to the state: every informer is built on this.',
  references: [
    'https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes',
    'https://pkg.go.dev/k8s.io/client-go/tools/cache#Reflector',
  ],
  kind: 'safety',
  monitor(ctx: MonitorContext, report: Report) {
    const observer = new Observer(ctx.client, ctx.start, ctx.initial);
    return {
      dispose: () => observer.stop(),
      check(live: View) {
        for (const [type, cache] of observer.caches) {
          const actual = live.list(type);
          const seen = new Set<string>();
          for (const o of actual) {
            const key = namespacedName(o);
            seen.add(key);
            const c = cache.get(key);
            if (!c) report(`the rebuilt ${type.resource} lack ${key} (resourceVersion ${o.metadata.resourceVersion})`);
            else if (c.metadata.resourceVersion !== o.metadata.resourceVersion) {
              report(`the rebuilt ${type.resource} hold ${key} at resourceVersion ${c.metadata.resourceVersion}, the store at ${o.metadata.resourceVersion}`);
            }
          }
          for (const key of cache.keys()) if (!seen.has(key)) report(`the rebuilt ${type.resource} still hold ${key}, which no longer exists`);
        }
      },
    };
  },
};
