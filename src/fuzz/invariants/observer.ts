/**
 * The fuzzer's own watcher: a client that lists (the state when the history
 * began) and watches from that revision, as any reflector does, keeping a
 * cache and the events it was sent. Its watches are never perturbed: it
 * checks what the API server promises every watcher.
 */
import { R, namespacedName, storePrefix, type Client, type KubeObject, type ResourceType, type Stored, type WatchEvent } from '../../engine/index.ts';
import type { HistoryStart } from './types.ts';
import type { View } from '../../harness/view.ts';

/** The kinds observed: those the invariants reason about. */
export const OBSERVED: readonly ResourceType[] = [R.pods, R.nodes, R.replicaSets, R.deployments, R.statefulSets, R.daemonSets, R.controllerRevisions, R.jobs];

export interface Delivered {
  type: WatchEvent['type'];
  key: string;
  revision: number;
}

export class Observer {
  readonly caches = new Map<ResourceType, Map<string, Stored>>();
  readonly delivered = new Map<ResourceType, Delivered[]>();
  private readonly stops: Array<() => void> = [];

  constructor(client: Client, start: HistoryStart, initial: View, types: readonly ResourceType[] = OBSERVED) {
    for (const type of types) {
      const cache = new Map<string, Stored>();
      for (const o of initial.list(type)) cache.set(namespacedName(o), o);
      const got: Delivered[] = [];
      this.caches.set(type, cache);
      this.delivered.set(type, got);
      const prefix = storePrefix(type);
      const w = client.watch<KubeObject>(type, { resourceVersion: String(start.revision) }, (e) => {
        const key = namespacedName(e.object);
        got.push({ type: e.type, key: prefix + key, revision: Number(e.object.metadata.resourceVersion) });
        if (e.type === 'DELETED') cache.delete(key);
        else cache.set(key, e.object);
      });
      this.stops.push(() => w.stop());
    }
  }

  stop(): void {
    for (const s of this.stops) s();
  }
}
