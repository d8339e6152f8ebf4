/**
 * The event recorder counts repeats of a series on the first event, and
 * remembers only the most recently seen series, as client-go's correlator.
 */
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/engine/cluster.ts';
import { R } from '../../src/engine/api/kinds.ts';
import type { KubeEvent, KubeObject } from '../../src/engine/api/types.ts';
import { EVENT_CACHE_ENTRIES, EventSequence, newRecorder } from '../../src/engine/client/events.ts';

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', uid: `uid-${name}` } }) as KubeObject;

function setup() {
  const c = createCluster({ seed: 1, nodes: 0 });
  const client = c.client();
  const rec = newRecorder(client, { component: 'test-controller', now: () => c.clock.now(), iso: (ms) => c.clock.iso(ms) }, new EventSequence());
  const events = () => client.list<KubeEvent>(R.events, { namespace: 'default' }).items.filter((e) => e.source?.component === 'test-controller');
  return { rec, events };
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
});
