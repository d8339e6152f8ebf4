/**
 * resource-versions: every write gets a new, larger resourceVersion. The
 * store's changes come in strictly increasing revisions; each object carries
 * the revision that last wrote it; its uid and creationTimestamp never
 * change while it exists.
 */
import type { StoreEvent } from '../../engine/index.ts';
import type { Invariant, MonitorContext, Report } from './types.ts';

export const resourceVersions: Invariant = {
  name: 'resource-versions',
  summary: 'resourceVersions increase with every write, and identity fields never change',
  promise:
    'Every change to an object yields a new resourceVersion; changes are totally ordered by it (etcd revisions), and an object\'s uid and creationTimestamp are fixed for its lifetime.',
  references: [
    'https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-versions',
    'https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes',
  ],
  kind: 'safety',
  monitor(ctx: MonitorContext, report: Report) {
    let last = ctx.start.revision;
    return {
      onEvent(e: StoreEvent) {
        const at = ctx.timeOf(e.revision);
        const who = `${e.key}`;
        if (e.revision <= last) report(`the change to ${who} has revision ${e.revision}, not after the previous ${last}`, at);
        last = e.revision;
        if (e.object.metadata.resourceVersion !== String(e.revision)) {
          report(`${who} carries resourceVersion ${e.object.metadata.resourceVersion} after the write of revision ${e.revision}`, at);
        }
        if (e.prev) {
          if (Number(e.prev.metadata.resourceVersion) >= e.revision) report(`${who} went from resourceVersion ${e.prev.metadata.resourceVersion} to ${e.revision}`, at);
          if (e.prev.metadata.uid !== e.object.metadata.uid) report(`${who} changed its uid from ${e.prev.metadata.uid} to ${e.object.metadata.uid}`, at);
          if (e.prev.metadata.creationTimestamp !== e.object.metadata.creationTimestamp) report(`${who} changed its creationTimestamp`, at);
        }
      },
    };
  },
};
