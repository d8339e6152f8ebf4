/**
 * Read-only views of cluster state that checks are written against: the
 * live state, or a past state rebuilt from a snapshot and the store's log
 * (for "at all times" checks, which look at every state change).
 */
import { type Cluster, type KubeObject, type ResourceType, type SchedulingDecision, type Stored, type StoreEvent, type StoreSnapshot, bucketOf, storePrefix } from '../engine/index.ts';

export interface View {
  /** Simulated time of this state, ms since the epoch. */
  readonly now: number;
  list<T extends KubeObject = KubeObject>(type: ResourceType, namespace?: string): Stored<T>[];
  get<T extends KubeObject = KubeObject>(type: ResourceType, namespace: string | undefined, name: string): Stored<T> | undefined;
  /** The scheduler's latest decision about a pod (the live state only). */
  schedulingDecision?(namespace: string, name: string): SchedulingDecision | undefined;
}

/** The cluster as it is now. */
export function liveView(cluster: Cluster): View {
  const store = cluster.store;
  return {
    now: cluster.clock.now(),
    list<T extends KubeObject>(type: ResourceType, namespace?: string) {
      return store.list(storePrefix(type, type.namespaced ? namespace : undefined)).map((e) => e.value) as Stored<T>[];
    },
    get<T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string) {
      const prefix = storePrefix(type, type.namespaced ? (namespace ?? 'default') : undefined);
      return store.get(`${prefix}${name}`)?.value as Stored<T> | undefined;
    },
    schedulingDecision: (namespace, name) => cluster.scheduler.decisions.get(`${namespace}/${name}`),
  };
}

/**
 * A state rebuilt from a snapshot, moved forward one store event at a time.
 * `now` is set by the caller from the trace.
 */
export class ReplayView implements View {
  private readonly buckets = new Map<string, Map<string, Stored>>();
  now: number;

  constructor(snapshot: StoreSnapshot, now: number) {
    for (const [bucket, entries] of snapshot.buckets) {
      const m = new Map<string, Stored>();
      for (const [k, e] of entries) m.set(k, e.value);
      this.buckets.set(bucket, m);
    }
    this.now = now;
  }

  apply(e: StoreEvent): void {
    const bucket = bucketOf(e.key);
    let m = this.buckets.get(bucket);
    if (!m) this.buckets.set(bucket, (m = new Map()));
    if (e.type === 'DELETED') m.delete(e.key);
    else m.set(e.key, e.object);
  }

  list<T extends KubeObject>(type: ResourceType, namespace?: string): Stored<T>[] {
    const prefix = storePrefix(type, type.namespaced ? namespace : undefined);
    const m = this.buckets.get(bucketOf(prefix + 'x'));
    if (!m) return [];
    const out: Stored<T>[] = [];
    for (const [k, v] of [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) if (k.startsWith(prefix)) out.push(v as Stored<T>);
    return out;
  }

  get<T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string): Stored<T> | undefined {
    const prefix = storePrefix(type, type.namespaced ? (namespace ?? 'default') : undefined);
    return this.buckets.get(bucketOf(prefix + 'x'))?.get(prefix + name) as Stored<T> | undefined;
  }
}
