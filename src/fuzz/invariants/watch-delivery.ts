/**
 * watch-delivery: a watch started at a resourceVersion is sent every later
 * change of what it watches, once each, in the order of their
 * resourceVersions, with the type (ADDED, MODIFIED, DELETED) of the change.
 */
import { storePrefix, type StoreEvent } from '../../engine/index.ts';
import type { Invariant, MonitorContext, Report } from './types.ts';
import { type Delivered, Observer } from './observer.ts';

export const watchDelivery: Invariant = {
  name: 'watch-delivery',
  summary: 'a watch delivers every change once, in order',
  promise:
    'A watch from a resourceVersion receives every change after it, in order, exactly once; clients rely on this to keep caches (informers) in sync.',
  references: [
    'https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes',
    'https://kubernetes.io/docs/reference/using-api/api-concepts/#watch-bookmarks',
  ],
  kind: 'safety',
  monitor(ctx: MonitorContext, report: Report) {
    const observer = new Observer(ctx.client, ctx.start, ctx.initial);
    const expected = new Map<string, Delivered[]>();
    const prefixes = [...observer.delivered.keys()].map((t) => storePrefix(t));
    for (const p of prefixes) expected.set(p, []);
    return {
      onEvent(e: StoreEvent) {
        for (const p of prefixes) if (e.key.startsWith(p)) expected.get(p)!.push({ type: e.type, key: e.key, revision: e.revision });
      },
      dispose: () => observer.stop(),
      check() {
        for (const [type, got] of observer.delivered) {
          const prefix = storePrefix(type);
          const want = expected.get(prefix)!;
          const n = Math.min(got.length, want.length);
          for (let i = 0; i < n; i++) {
            const g = got[i];
            const w = want[i];
            if (g.revision !== w.revision || g.key !== w.key || g.type !== w.type) {
              report(`the watch of ${type.resource} was sent ${g.type} ${g.key} at revision ${g.revision} where ${w.type} ${w.key} at revision ${w.revision} was due`, ctx.timeOf(w.revision));
              return;
            }
          }
          if (got.length > want.length) report(`the watch of ${type.resource} was sent ${got.length - want.length} changes that never happened (first: ${got[n].type} ${got[n].key})`);
          else if (want.length > got.length) report(`the watch of ${type.resource} was never sent ${want.length - got.length} changes (first: ${want[n].type} ${want[n].key} at revision ${want[n].revision})`, ctx.timeOf(want[n].revision));
          // What matched need not be compared again.
          got.splice(0, n);
          want.splice(0, n);
        }
      },
    };
  },
};
