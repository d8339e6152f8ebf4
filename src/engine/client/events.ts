/**
 * The event recorder (client-go tools/record): components report what they
 * did as core/v1 Events through their Client. Repeats of the same event
 * (same source, object, type, reason and message) update the first one's
 * count and lastTimestamp instead of creating another, as the event
 * correlator does; this is what `kubectl describe` shows as "(x4 over 2m)".
 * The correlator remembers the 4096 most recently seen series
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

export function newRecorder(client: Client, opts: RecorderOptions, seq: EventSequence): EventRecorder {
  // The correlator's cache: aggregation key -> name of the event that counts repeats.
  const seen = new Map<string, { name: string; namespace: string; count: number }>();
  return {
    event(obj, type, reason, message, fieldPath) {
      const ref = objectReference(obj, fieldPath);
      const namespace = obj.metadata.namespace || 'default';
      const key = [opts.component, opts.host ?? '', ref.kind, ref.namespace ?? '', ref.name, ref.uid, ref.apiVersion, fieldPath ?? '', type, reason, message].join('\u0000');
      const now = opts.now();
      const prior = seen.get(key);
      if (prior) {
        // Most recently used last: the first entry is the one to forget.
        seen.delete(key);
        seen.set(key, prior);
      }
      try {
        if (prior) {
          prior.count++;
          client.patch(R.events, prior.namespace, prior.name, { count: prior.count, lastTimestamp: opts.iso(now) }, 'merge');
          return;
        }
        const name = `${obj.metadata.name}.${seq.next(now).toString(16)}`;
        const ev: KubeEvent = {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name, namespace },
          involvedObject: ref,
          reason,
          message,
          source: opts.host ? { component: opts.component, host: opts.host } : { component: opts.component },
          firstTimestamp: opts.iso(now),
          lastTimestamp: opts.iso(now),
          count: 1,
          type,
          eventTime: null,
          reportingComponent: opts.component,
          reportingInstance: opts.host ?? '',
        };
        client.create(R.events, ev);
        seen.set(key, { name, namespace, count: 1 });
        if (seen.size > EVENT_CACHE_ENTRIES) seen.delete(seen.keys().next().value!);
      } catch (e) {
        // Events are best effort: a refused event is dropped, and a vanished one starts a new series.
        if (prior && isStatusError(e, 'NotFound')) seen.delete(key);
      }
    },
  };
}
