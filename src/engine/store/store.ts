/**
 * The cluster's etcd: an MVCC key-value store of API objects.
 *
 * - One global revision counts every write; an object's resourceVersion is
 *   the revision that last wrote it.
 * - Writes may name the modRevision they expect; a mismatch is a conflict
 *   (the API server turns it into 409 Conflict).
 * - Watches see every write under a prefix in revision order, and can start
 *   from a past revision while the log still holds it (else: compacted).
 * - Stored values are deep-frozen: readers share them and must copy before
 *   changing anything.
 */
import type { Stored } from '../api/types.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  key: string;
  revision: number;
  /** The object after the write (for DELETED: the object as it was deleted). */
  object: Stored;
  /** The object before the write, for MODIFIED and DELETED. */
  prev?: Stored;
}

export interface StoreEntry {
  key: string;
  value: Stored;
  createRevision: number;
  modRevision: number;
}

export class StoreConflictError extends Error {
  constructor(
    readonly key: string,
    readonly expected: number,
    readonly actual: number | undefined,
  ) {
    super(`conflict on ${key}: expected revision ${expected}, found ${actual ?? 'none'}`);
  }
}

export class StoreCompactedError extends Error {
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`too old resource version: ${requested} (${compacted})`);
  }
}

type Listener = (e: StoreEvent) => void;

interface Bucket {
  entries: Map<string, StoreEntry>;
  sorted: StoreEntry[] | null;
}

export interface StoreSnapshot {
  revision: number;
  buckets: Map<string, Map<string, StoreEntry>>;
}

export interface StoreOptions {
  /** Events kept for watches that start from a past revision, beyond any pinned revision. */
  retainEvents?: number;
}

/** The bucket of a key: `/registry/pods/default/web` -> `/registry/pods/`. */
export function bucketOf(key: string): string {
  const second = key.indexOf('/', '/registry/'.length);
  return second < 0 ? key : key.slice(0, second + 1);
}

function sortedIndex(sorted: StoreEntry[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A frozen copy of a JSON value; frozen parts (shared with earlier revisions)
 * are kept as they are. Copying key by key rather than freezing in place keeps
 * stored objects of one shape on one hidden class: V8 gives every object made
 * by object spread its own class once frozen, which makes every later read of
 * such objects slow.
 */
export function frozenCopy<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  if (Array.isArray(v)) {
    const a = new Array(v.length);
    for (let i = 0; i < v.length; i++) a[i] = frozenCopy(v[i]);
    return Object.freeze(a) as T;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return deepFreeze(v);
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) out[k] = frozenCopy(src[k]);
  return Object.freeze(out) as T;
}

export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v as object)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

export class Store {
  private rev = 1;
  private buckets = new Map<string, Bucket>();
  private listeners = new Map<string, Set<Listener>>();
  private log: StoreEvent[] = [];
  /** The oldest revision a watch may start after. */
  private compacted = 1;
  private pins = new Map<number, number>();
  private readonly retain: number;

  constructor(options: StoreOptions = {}) {
    this.retain = options.retainEvents ?? 10_000;
  }

  /** The current global revision. */
  get revision(): number {
    return this.rev;
  }

  get compactedRevision(): number {
    return this.compacted;
  }

  get(key: string): StoreEntry | undefined {
    return this.buckets.get(bucketOf(key))?.entries.get(key);
  }

  /** Entries under a prefix, sorted by key (etcd's order). */
  list(prefix: string): StoreEntry[] {
    const bucketKey = bucketOf(prefix.endsWith('/') ? prefix + 'x' : prefix);
    const bucket = this.buckets.get(bucketKey);
    if (!bucket) return [];
    if (!bucket.sorted) bucket.sorted = [...bucket.entries.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (prefix === bucketKey) return bucket.sorted;
    return bucket.sorted.filter((e) => e.key.startsWith(prefix));
  }

  /** Number of objects under a bucket prefix such as `/registry/pods/`. */
  count(bucketPrefix: string): number {
    return this.buckets.get(bucketPrefix)?.entries.size ?? 0;
  }

  /**
   * Creates `key`. `build` receives the revision of this write and returns the
   * value to store (so it can carry its own resourceVersion). Returns undefined
   * when the key exists.
   */
  create(key: string, build: (revision: number) => Stored): StoreEntry | undefined {
    const bucket = this.bucket(key);
    if (bucket.entries.has(key)) return undefined;
    const revision = this.rev + 1;
    const value = frozenCopy(build(revision));
    this.rev = revision;
    const entry: StoreEntry = { key, value, createRevision: revision, modRevision: revision };
    bucket.entries.set(key, entry);
    bucket.sorted = null;
    this.emit({ type: 'ADDED', key, revision, object: value });
    return entry;
  }

  /**
   * Replaces `key`. When `expectedRevision` is given it must equal the entry's
   * modRevision. Throws StoreConflictError otherwise or when the key is gone.
   */
  update(key: string, expectedRevision: number | undefined, build: (revision: number) => Stored): StoreEntry {
    const bucket = this.bucket(key);
    const cur = bucket.entries.get(key);
    if (!cur || (expectedRevision !== undefined && cur.modRevision !== expectedRevision))
      throw new StoreConflictError(key, expectedRevision ?? -1, cur?.modRevision);
    const revision = this.rev + 1;
    const value = frozenCopy(build(revision));
    this.rev = revision;
    const entry: StoreEntry = { key, value, createRevision: cur.createRevision, modRevision: revision };
    bucket.entries.set(key, entry);
    if (bucket.sorted) {
      // Keep the sorted listing: replace the entry where it is.
      const i = sortedIndex(bucket.sorted, key);
      if (bucket.sorted[i]?.key === key) bucket.sorted[i] = entry;
      else bucket.sorted = null;
    }
    this.emit({ type: 'MODIFIED', key, revision, object: value, prev: cur.value });
    return entry;
  }

  /** Deletes `key`; the DELETED event carries the object with the deletion's resourceVersion. */
  delete(key: string, expectedRevision: number | undefined, stamp: (value: Stored, revision: number) => Stored): StoreEntry {
    const bucket = this.bucket(key);
    const cur = bucket.entries.get(key);
    if (!cur || (expectedRevision !== undefined && cur.modRevision !== expectedRevision))
      throw new StoreConflictError(key, expectedRevision ?? -1, cur?.modRevision);
    const revision = this.rev + 1;
    this.rev = revision;
    bucket.entries.delete(key);
    bucket.sorted = null;
    const value = frozenCopy(stamp(cur.value, revision));
    this.emit({ type: 'DELETED', key, revision, object: value, prev: cur.value });
    return { ...cur, value, modRevision: revision };
  }

  /**
   * Calls `listener` for every write under `prefix` after `afterRevision`
   * (replaying the log first), in revision order, synchronously. Returns a
   * function that stops the watch.
   */
  watch(prefix: string, afterRevision: number | undefined, listener: Listener): () => void {
    if (afterRevision !== undefined && afterRevision < this.rev) {
      if (afterRevision < this.compacted) throw new StoreCompactedError(afterRevision, this.compacted);
      for (const e of this.eventsAfter(afterRevision)) if (e.key.startsWith(prefix)) listener(e);
    }
    const bucketKey = bucketOf(prefix.endsWith('/') ? prefix + 'x' : prefix);
    let set = this.listeners.get(bucketKey);
    if (!set) this.listeners.set(bucketKey, (set = new Set()));
    const wrapped: Listener = prefix === bucketKey ? listener : (e) => e.key.startsWith(prefix) && listener(e);
    set.add(wrapped);
    return () => set!.delete(wrapped);
  }

  /** Every logged write after `revision`, in order. Throws when the log no longer holds them. */
  eventsAfter(revision: number): StoreEvent[] {
    if (revision < this.compacted) throw new StoreCompactedError(revision, this.compacted);
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.log[mid].revision <= revision) lo = mid + 1;
      else hi = mid;
    }
    return this.log.slice(lo);
  }

  /** Keeps the log from `revision` on until the returned release is called. */
  pin(revision: number): () => void {
    this.pins.set(revision, (this.pins.get(revision) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.pins.get(revision) ?? 1) - 1;
      if (n <= 0) this.pins.delete(revision);
      else this.pins.set(revision, n);
    };
  }

  /** A copy of the current state that `restore` can bring back. */
  snapshot(): StoreSnapshot {
    const buckets = new Map<string, Map<string, StoreEntry>>();
    for (const [k, b] of this.buckets) buckets.set(k, new Map(b.entries));
    return { revision: this.rev, buckets };
  }

  /** Replaces the state with a snapshot's; the revision never goes back, and watchers are not told. */
  restore(s: StoreSnapshot): void {
    this.buckets = new Map();
    for (const [k, entries] of s.buckets) this.buckets.set(k, { entries: new Map(entries), sorted: null });
    this.rev = Math.max(this.rev, s.revision);
    this.log = [];
    this.compacted = this.rev;
  }

  private bucket(key: string): Bucket {
    const k = bucketOf(key);
    let b = this.buckets.get(k);
    if (!b) this.buckets.set(k, (b = { entries: new Map(), sorted: null }));
    return b;
  }

  private emit(e: StoreEvent): void {
    this.log.push(e);
    this.trimLog();
    const set = this.listeners.get(bucketOf(e.key));
    if (set) for (const l of [...set]) l(e);
  }

  private trimLog(): void {
    if (this.log.length <= this.retain * 2) return;
    let keepFrom = this.log[this.log.length - this.retain].revision;
    for (const p of this.pins.keys()) keepFrom = Math.min(keepFrom, p + 1);
    let drop = 0;
    while (drop < this.log.length && this.log[drop].revision < keepFrom) drop++;
    if (drop > 0) {
      this.compacted = this.log[drop - 1].revision;
      this.log = this.log.slice(drop);
    }
  }
}
