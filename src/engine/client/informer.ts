/**
 * Informers (client-go's SharedInformer): a local cache of one resource type
 * kept by list-then-watch, with event handlers and indexes. Components read
 * their informers' caches and write through the Client; a cache may lag the
 * store, as real caches do.
 *
 * WARNING: cached objects are the API server's frozen objects; copy before
 * changing them.
 */
import type { ResourceType } from '../api/kinds.ts';
import type { KubeObject, Stored } from '../api/types.ts';
import { namespacedName } from '../api/meta.ts';
import { isStatusError } from '../api/errors.ts';
import type { Client, ListOptions, Watch, WatchEvent } from './client.ts';

export interface EventHandlers<T extends KubeObject> {
  add?(obj: Stored<T>): void;
  update?(old: Stored<T>, obj: Stored<T>): void;
  delete?(obj: Stored<T>): void;
}

export type IndexFunc<T extends KubeObject> = (obj: Stored<T>) => string[];

export class Informer<T extends KubeObject = KubeObject> {
  private readonly cache = new Map<string, Stored<T>>();
  private readonly handlers: EventHandlers<T>[] = [];
  private readonly indexers = new Map<string, IndexFunc<T>>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private watch: Watch | undefined;
  private started = false;
  /** Revision of the last event applied. */
  lastResourceVersion = '0';

  constructor(
    private readonly client: Client,
    readonly type: ResourceType,
    private readonly opts: ListOptions = {},
  ) {}

  on(h: EventHandlers<T>): this {
    this.handlers.push(h);
    if (this.started) for (const obj of this.cache.values()) h.add?.(obj);
    return this;
  }

  addIndex(name: string, fn: IndexFunc<T>): this {
    this.indexers.set(name, fn);
    const idx = new Map<string, Set<string>>();
    this.indexes.set(name, idx);
    for (const [key, obj] of this.cache) for (const v of fn(obj)) addTo(idx, v, key);
    return this;
  }

  get hasSynced(): boolean {
    return this.started;
  }

  /** Lists, fills the cache (telling handlers of each object), then watches from the list's revision. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.relist();
  }

  stop(): void {
    this.watch?.stop();
    this.watch = undefined;
    this.started = false;
  }

  /**
   * Lists again and reconciles the cache with what the API server has now,
   * telling handlers of every difference, then watches from there. Used after
   * a watch is lost, as a reflector does.
   */
  relist(): void {
    this.watch?.stop();
    const res = this.client.list<T>(this.type, this.opts);
    const seen = new Set<string>();
    for (const obj of res.items) {
      const key = namespacedName(obj);
      seen.add(key);
      const old = this.cache.get(key);
      if (!old) this.apply({ type: 'ADDED', object: obj });
      else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.apply({ type: 'MODIFIED', object: obj });
    }
    for (const [key, obj] of [...this.cache]) if (!seen.has(key)) this.apply({ type: 'DELETED', object: obj });
    this.lastResourceVersion = res.resourceVersion;
    this.startWatch(res.resourceVersion);
  }

  private startWatch(resourceVersion: string): void {
    try {
      // A watch the server ends (410 Gone) is followed by a fresh list, as a reflector does.
      this.watch = this.client.watch<T>(this.type, { ...this.opts, resourceVersion, onError: () => this.relist() }, (e) => this.apply(e));
    } catch (e) {
      // The revision was compacted away: start over from a fresh list.
      if (isStatusError(e, 'Gone')) this.relist();
      else throw e;
    }
  }

  private apply(e: WatchEvent<T>): void {
    const obj = e.object;
    const key = namespacedName(obj);
    this.lastResourceVersion = obj.metadata.resourceVersion;
    const old = this.cache.get(key);
    if (e.type === 'DELETED') {
      if (!old) return;
      this.cache.delete(key);
      this.unindex(key, old);
      for (const h of this.handlers) h.delete?.(obj);
      return;
    }
    this.cache.set(key, obj);
    if (old) this.unindex(key, old);
    this.index(key, obj);
    if (old) for (const h of this.handlers) h.update?.(old, obj);
    else for (const h of this.handlers) h.add?.(obj);
  }

  private index(key: string, obj: Stored<T>): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indexes.get(name)!;
      for (const v of fn(obj)) addTo(idx, v, key);
    }
  }

  private unindex(key: string, obj: Stored<T>): void {
    for (const [name, fn] of this.indexers) {
      const idx = this.indexes.get(name)!;
      for (const v of fn(obj)) {
        const set = idx.get(v);
        if (!set) continue;
        set.delete(key);
        if (!set.size) idx.delete(v);
      }
    }
  }

  get(namespace: string | undefined, name: string): Stored<T> | undefined {
    return this.cache.get(namespace && this.type.namespaced ? `${namespace}/${name}` : name);
  }

  getByKey(key: string): Stored<T> | undefined {
    return this.cache.get(key);
  }

  /** Cached objects, optionally of one namespace, in the order they were first seen. */
  list(namespace?: string): Stored<T>[] {
    const out: Stored<T>[] = [];
    for (const obj of this.cache.values()) if (namespace === undefined || obj.metadata.namespace === namespace) out.push(obj);
    return out;
  }

  byIndex(name: string, value: string): Stored<T>[] {
    const set = this.indexes.get(name)?.get(value);
    if (!set) return [];
    const out: Stored<T>[] = [];
    for (const key of set) {
      const obj = this.cache.get(key);
      if (obj) out.push(obj);
    }
    return out;
  }

  get size(): number {
    return this.cache.size;
  }
}

function addTo(idx: Map<string, Set<string>>, value: string, key: string): void {
  let set = idx.get(value);
  if (!set) idx.set(value, (set = new Set()));
  set.add(key);
}

/** Index of objects by namespace, the one every namespaced lister needs. */
export const byNamespace: IndexFunc<KubeObject> = (o) => [o.metadata.namespace ?? ''];

/** Index of objects by the uid of their controller owner. */
export const byControllerUid: IndexFunc<KubeObject> = (o) =>
  (o.metadata.ownerReferences ?? []).filter((r) => r.controller).map((r) => r.uid);

/**
 * Informers of one process (a controller manager, a scheduler, a kubelet):
 * one informer per type and list options, shared by everything in it.
 */
export class InformerFactory {
  private readonly informers = new Map<string, Informer<KubeObject>>();

  constructor(private readonly client: Client) {}

  informer<T extends KubeObject>(type: ResourceType, opts: ListOptions = {}): Informer<T> {
    const key = `${type.group}/${type.resource}?ns=${opts.namespace ?? ''}&l=${String(opts.labelSelector ?? '')}&f=${opts.fieldSelector ?? ''}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer<KubeObject>(this.client, type, opts);
      this.informers.set(key, inf);
    }
    return inf as unknown as Informer<T>;
  }

  start(): void {
    for (const inf of this.informers.values()) inf.start();
  }

  stop(): void {
    for (const inf of this.informers.values()) inf.stop();
  }

  /** Every informer lists again (after watches were lost). */
  relistAll(): void {
    for (const inf of this.informers.values()) inf.relist();
  }
}
