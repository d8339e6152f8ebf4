/**
 * The event recorder (client-go tools/record): components report what they
 * did as core/v1 Events through their Client. Repeats of the same event
 * (same source, object, type, reason and message) update the first one's
 * count and lastTimestamp instead of creating another, as the event
 * correlator does; this is what `kubectl describe` shows as "(x4 over 2m)".
 * Similar events with many messages are combined into one, and a source
 * that reports too much about one object is throttled (newRecorder). The
 * correlator's caches hold the 4096 most recently seen keys
 * (maxLruCacheEntries); an older series starts again with a new event.
 */
import { R } from '../api/kinds.ts';
import type { KubeEvent, KubeObject, ObjectReference } from '../api/types.ts';
import { isStatusError } from '../api/errors.ts';
import type { Client } from './client.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  /** Records an event about `obj`. Never throws: a failed write is dropped, as upstream drops it. */
  event(obj: KubeObject, type: EventType, reason: string, message: string, fieldPath?: string): void;
}

export interface RecorderOptions {
  /** source.component: `default-scheduler`, `kubelet`, `replicaset-controller`. */
  component: string;
  /** source.host, for node agents. */
  host?: string;
  now(): number;
  iso(ms?: number): string;
}

/** Shared by all recorders of a cluster: names events uniquely within an instant. */
export class EventSequence {
  private last = -1;
  private n = 0;
  next(now: number): bigint {
    if (now !== this.last) {
      this.last = now;
      this.n = 0;
    }
    return BigInt(now) * 1_000_000n + BigInt(this.n++);
  }
}

export function objectReference(obj: KubeObject, fieldPath?: string): ObjectReference {
  const ref: ObjectReference = {
    kind: obj.kind,
    namespace: obj.metadata.namespace,
    name: obj.metadata.name,
    uid: obj.metadata.uid,
    apiVersion: obj.apiVersion,
    resourceVersion: obj.metadata.resourceVersion,
  };
  if (!ref.namespace) delete ref.namespace;
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

/** maxLruCacheEntries of client-go's events_cache.go. */
export const EVENT_CACHE_ENTRIES = 4096;
/** defaultAggregateMaxEvents: similar events with this many distinct messages are combined. */
export const AGGREGATE_MAX_EVENTS = 10;
/** defaultAggregateIntervalInSeconds: how long similar events are remembered. */
export const AGGREGATE_INTERVAL_MS = 600_000;
/** defaultSpamBurst: events a source may send about one object at once. */
export const SPAM_BURST = 25;
/** defaultSpamQPS (1/300): the spam filter gives back one event every five minutes. */
export const SPAM_REFILL_MS = 300_000;

/** A least-recently-used cache of client-go's size: reads and writes make an entry recent. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    if (this.map.size > EVENT_CACHE_ENTRIES) this.map.delete(this.map.keys().next().value!);
  }
}

/**
 * A recorder with client-go's EventCorrelator, in its order:
 * - the aggregator: similar events (same source, object, type and reason)
 *   with AGGREGATE_MAX_EVENTS distinct messages within ten minutes become
 *   one event, "(combined from similar events): <latest message>";
 * - the logger: a repeat of an event (or of the combined one) counts on the
 *   first (count, lastTimestamp and message patched), and is counted even
 *   when the spam filter then drops it;
 * - the spam filter: a token bucket per source and object, SPAM_BURST
 *   events at once and one more every five minutes; what it drops is not
 *   written at all.
 * A repeat whose event is gone is written again as a new event under the
 * same name, with its count.
 */
export function newRecorder(client: Client, opts: RecorderOptions, seq: EventSequence): EventRecorder {
  const seen = new Lru<{ name: string; namespace: string; count: number; firstTimestamp: string }>();
  const similar = new Lru<{ messages: Set<string>; last: number }>();
  const spam = new Lru<{ tokens: number; at: number }>();
  const host = opts.host ?? '';
  return {
    event(obj, type, reason, message, fieldPath) {
      const ref = objectReference(obj, fieldPath);
      const namespace = obj.metadata.namespace || 'default';
      const now = opts.now();
      const source = [opts.component, host, ref.kind, ref.namespace ?? '', ref.name, ref.uid, ref.apiVersion].join('\u0000');

      // EventAggregate, keyed as EventAggregatorByReasonFunc (reportingController and instance are the source's).
      const aggregateKey = `${source}\u0000${type}\u0000${reason}\u0000${opts.component}\u0000${host}`;
      let group = similar.get(aggregateKey);
      if (!group || now - group.last > AGGREGATE_INTERVAL_MS) group = { messages: new Set(), last: 0 };
      group.messages.add(message);
      group.last = now;
      similar.set(aggregateKey, group);
      let key = `${source}\u0000${fieldPath ?? ''}\u0000${type}\u0000${reason}\u0000${message}`;
      let text = message;
      if (group.messages.size >= AGGREGATE_MAX_EVENTS) {
        // Upstream drops an arbitrary message (PopAny); the oldest goes here, so that one seed gives one history.
        group.messages.delete(group.messages.values().next().value!);
        key = aggregateKey;
        text = `(combined from similar events): ${message}`;
      }

      // eventObserve: a repeat takes the first event's name and first timestamp, one more in its count.
      const prior = seen.get(key);
      const observed = {
        name: prior?.name ?? `${obj.metadata.name}.${seq.next(now).toString(16)}`,
        namespace: prior?.namespace ?? namespace,
        count: (prior?.count ?? 0) + 1,
        firstTimestamp: prior?.firstTimestamp ?? opts.iso(now),
      };
      seen.set(key, observed);

      // EventSourceObjectSpamFilter: a token bucket per source and object.
      const bucket = spam.get(source) ?? { tokens: SPAM_BURST, at: now };
      bucket.tokens = Math.min(SPAM_BURST, bucket.tokens + (now - bucket.at) / SPAM_REFILL_MS);
      bucket.at = now;
      spam.set(source, bucket);
      if (bucket.tokens < 1) return;
      bucket.tokens -= 1;

      const lastTimestamp = opts.iso(now);
      try {
        if (observed.count > 1) {
          try {
            client.patch(R.events, observed.namespace, observed.name, { count: observed.count, lastTimestamp, message: text }, 'merge');
            return;
          } catch (e) {
            // The event is gone (or was never written): write it again, as recordEvent does.
            if (!isStatusError(e, 'NotFound')) throw e;
          }
        }
        const ev: KubeEvent = {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: observed.name, namespace: observed.namespace },
          involvedObject: ref,
          reason,
          message: text,
          source: opts.host ? { component: opts.component, host: opts.host } : { component: opts.component },
          firstTimestamp: observed.firstTimestamp,
          lastTimestamp,
          count: observed.count,
          type,
          eventTime: null,
          reportingComponent: opts.component,
          reportingInstance: host,
        };
        client.create(R.events, ev);
      } catch {
        // Events are best effort: a refused event is dropped.
      }
    },
  };
}
