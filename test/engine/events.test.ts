/**
 * The event recorder counts repeats of a series on the first event,
 * remembers only the most recently seen series, combines similar events with
 * many messages and throttles a source that reports too much about one
 * object, as client-go's correlator.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/engine/cluster.ts';
import { R } from '../../src/engine/api/kinds.ts';
import type { KubeEvent, KubeObject } from '../../src/engine/api/types.ts';
import { AGGREGATE_MAX_EVENTS, EVENT_CACHE_ENTRIES, EventSequence, SPAM_BURST, newRecorder } from '../../src/engine/client/events.ts';

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: `uid-${name}` } }) as KubeObject;

function setup() {
  const c = createCluster({ seed: 1, nodes: 0 });
  const client = c.client();
  const rec = newRecorder(client, { component: 'test-controller', now: () => c.clock.now(), iso: (ms) => c.clock.iso(ms) }, new EventSequence());
  const events = () => client.list<KubeEvent>(R.events, { namespace: 'default' }).items.filter((e) => e.source?.component === 'test-controller');
  return { rec, events, c, client };
}

describe('event recorder', () => {
  it('counts a repeat on the series\' first event and starts a new event for another message', () => {
    const { rec, events } = setup();
    rec.event(cm('a'), 'Normal', 'Synced', 'done');
    rec.event(cm('a'), 'Normal', 'Synced', 'done');
    rec.event(cm('a'), 'Normal', 'Synced', 'done again');
    expect(events().map((e) => [e.message, e.count])).toEqual([
      ['done', 2],
      ['done again', 1],
    ]);
  });

  it(`forgets the least recently seen series beyond ${EVENT_CACHE_ENTRIES}`, () => {
    const { rec, events } = setup();
    rec.event(cm('first'), 'Normal', 'Synced', 'done');
    rec.event(cm('kept'), 'Normal', 'Synced', 'done');
    for (let i = 0; i < EVENT_CACHE_ENTRIES - 2; i++) rec.event(cm(`o${i}`), 'Normal', 'Synced', 'done');
    // Seeing "kept" again makes it recent; one more series pushes "first" out.
    rec.event(cm('kept'), 'Normal', 'Synced', 'done');
    rec.event(cm('one-more'), 'Normal', 'Synced', 'done');
    rec.event(cm('first'), 'Normal', 'Synced', 'done');
    rec.event(cm('kept'), 'Normal', 'Synced', 'done');
    const about = (name: string) => events().filter((e) => e.involvedObject.name === name).map((e) => e.count);
    expect(about('first')).toEqual([1, 1]);
    expect(about('kept')).toEqual([3]);
  });

  it(`throttles a source to ${SPAM_BURST} events about one object, then one every five minutes, still counting what it drops`, () => {
    const { rec, events, c } = setup();
    for (let i = 0; i < SPAM_BURST + 5; i++) rec.event(cm('a'), 'Warning', 'Failed', 'boom');
    // The first and 24 repeats were written; the last 5 were counted but dropped.
    expect(events().map((e) => e.count)).toEqual([SPAM_BURST]);
    // Another object has its own bucket.
    rec.event(cm('b'), 'Warning', 'Failed', 'boom');
    expect(events().filter((e) => e.involvedObject.name === 'b').map((e) => e.count)).toEqual([1]);
    c.advance(299_000);
    rec.event(cm('a'), 'Warning', 'Failed', 'boom');
    expect(events().find((e) => e.involvedObject.name === 'a')!.count).toBe(SPAM_BURST);
    c.advance(1_000);
    rec.event(cm('a'), 'Warning', 'Failed', 'boom');
    // Five minutes refill one token: the write carries every repeat seen.
    expect(events().find((e) => e.involvedObject.name === 'a')!.count).toBe(SPAM_BURST + 7);
  });

  it(`combines similar events once they have ${AGGREGATE_MAX_EVENTS} distinct messages`, () => {
    const { rec, events } = setup();
    for (let i = 1; i <= AGGREGATE_MAX_EVENTS + 1; i++) rec.event(cm('a'), 'Warning', 'FailedSync', `attempt ${i} failed`);
    const msgs = events().map((e) => [e.message, e.count]);
    expect(msgs).toHaveLength(AGGREGATE_MAX_EVENTS);
    expect(msgs.slice(0, AGGREGATE_MAX_EVENTS - 1)).toEqual(Array.from({ length: AGGREGATE_MAX_EVENTS - 1 }, (_, i) => [`attempt ${i + 1} failed`, 1]));
    // The tenth and the eleventh count on one combined event, which shows the latest message.
    expect(msgs[AGGREGATE_MAX_EVENTS - 1]).toEqual([`(combined from similar events): attempt ${AGGREGATE_MAX_EVENTS + 1} failed`, 2]);
  });

  it('writes a repeat whose event is gone again, under its name, with its count', () => {
    const { rec, events, client } = setup();
    rec.event(cm('a'), 'Normal', 'Synced', 'done');
    const [first] = events();
    client.delete(R.events, 'default', first.metadata.name);
    rec.event(cm('a'), 'Normal', 'Synced', 'done');
    expect(events().map((e) => [e.metadata.name, e.count, e.firstTimestamp])).toEqual([[first.metadata.name, 2, first.firstTimestamp]]);
  });
});
