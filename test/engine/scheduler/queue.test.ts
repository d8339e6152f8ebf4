import { describe, it, expect } from 'vitest';
import { Clock, EPOCH_MS } from '../../../src/engine/clock/clock.ts';
import type { ClusterEvent } from '../../../src/engine/scheduler/framework.ts';
import { SchedulingQueue, MAX_UNSCHEDULABLE_DURATION_MS } from '../../../src/engine/scheduler/queue.ts';
import { prioritySort } from '../../../src/engine/scheduler/plugins/priority-sort.ts';
import { pod } from './helpers.ts';

const EVENTS: Record<string, ClusterEvent[]> = {
  NodeResourcesFit: ['NodeAdd', 'NodeUpdateAllocatable', 'AssignedPodDelete'],
  TaintToleration: ['NodeAdd', 'NodeUpdateTaint'],
};

function setup() {
  const clock = new Clock({ start: EPOCH_MS });
  let kicks = 0;
  const q = new SchedulingQueue({
    clock,
    less: (a, b) => prioritySort().less(a, b),
    initialBackoffMs: 1000,
    maxBackoffMs: 10_000,
    eventsOf: (p) => EVENTS[p],
    onActive: () => kicks++,
  });
  return { clock, q, kicks: () => kicks };
}

const names = (q: SchedulingQueue) => q.snapshot();

describe('PrioritySort', () => {
  const less = prioritySort().less;
  const info = (priority: number | undefined, timestamp: number) => ({ pod: pod({ priority }), timestamp, initialAttemptTimestamp: timestamp, attempts: 0, unschedulablePlugins: new Set<string>() });
  it.each([
    ['higher priority first', info(10, 2), info(5, 1), true],
    ['lower priority later', info(5, 1), info(10, 2), false],
    ['equal priority: earlier first', info(5, 1), info(5, 2), true],
    ['equal priority and time: not less', info(5, 1), info(5, 1), false],
    ['no priority counts as 0', info(undefined, 1), info(-1, 0), true],
  ])('%s', (_what, a, b, want) => {
    expect(less(a, b)).toBe(want);
  });
});

describe('SchedulingQueue activeQ', () => {
  it('pops by priority, then by the time the pod entered the queue', () => {
    const { clock, q, kicks } = setup();
    q.add(pod({ name: 'low-early', priority: 0 }));
    clock.advance(1);
    q.add(pod({ name: 'high', priority: 100 }));
    clock.advance(1);
    q.add(pod({ name: 'low-late', priority: 0 }));
    q.add(pod({ name: 'mid', priority: 50 }));
    expect(kicks()).toBe(4);
    const order: string[] = [];
    for (let p = q.pop(); p; p = q.pop()) order.push(p.pod.metadata.name);
    expect(order).toEqual(['high', 'mid', 'low-early', 'low-late']);
  });

  it('pops pods of equal priority added at the same instant in the order they came', () => {
    const { q } = setup();
    for (const n of ['c', 'a', 'e', 'b', 'd', 'f', 'g']) q.add(pod({ name: n }));
    const order: string[] = [];
    for (let p = q.pop(); p; p = q.pop()) order.push(p.pod.metadata.name);
    expect(order).toEqual(['c', 'a', 'e', 'b', 'd', 'f', 'g']);
  });

  it('counts attempts on every pop and forgets deleted pods', () => {
    const { q } = setup();
    const a = pod({ name: 'a' });
    const b = pod({ name: 'b' });
    q.add(a);
    q.add(b);
    q.delete(a.metadata.uid);
    const popped = q.pop()!;
    expect([popped.pod.metadata.name, popped.attempts]).toEqual(['b', 1]);
    expect(q.pop()).toBeUndefined();
    expect(q.length).toBe(0);
  });

  it('keeps the newest copy of a pending pod', () => {
    const { q } = setup();
    const a = pod({ name: 'a', priority: 1 });
    const b = pod({ name: 'b', priority: 5 });
    q.add(a);
    q.add(b);
    q.update({ ...a, spec: { ...a.spec, priority: 10 } });
    expect(q.pop()!.pod.spec.priority).toBe(10);
  });
});

describe('SchedulingQueue backoff', () => {
  it('doubles from the initial backoff per attempt up to the maximum: 1, 2, 4, 8, 10, 10 s', () => {
    const { q } = setup();
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => q.backoffDuration(n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('a pod requeued for retry waits its backoff in backoffQ, then returns to activeQ on the next 1 s flush', () => {
    const { clock, q } = setup();
    q.add(pod({ name: 'a' }));
    clock.advance(300);
    const qi = q.pop()!;
    q.requeue(qi, new Set(), true);
    expect(names(q)).toEqual({ active: [], backoff: ['default/a'], unschedulable: [] });
    // Backing off until 1300 ms; flushes run every whole second after the queue started.
    clock.advance(999);
    expect(names(q).backoff).toEqual(['default/a']);
    clock.advance(701);
    expect(names(q)).toEqual({ active: ['default/a'], backoff: [], unschedulable: [] });
  });

  it('later attempts back off longer', () => {
    const { clock, q } = setup();
    q.add(pod({ name: 'a' }));
    let qi = q.pop()!;
    for (let i = 0; i < 3; i++) {
      q.requeue(qi, new Set(), true);
      clock.advance(10_000);
      qi = q.pop()!;
    }
    // Fourth attempt failed at t: 8 s of backoff.
    q.requeue(qi, new Set(), true);
    const t = clock.now();
    clock.advance(7_000);
    expect(names(q).backoff).toEqual(['default/a']);
    clock.advance(1_000);
    expect(names(q).active).toEqual(['default/a']);
    expect(clock.now() - t).toBe(8_000);
  });
});

describe('SchedulingQueue unschedulable pods', () => {
  function failed(plugins: string[], name = 'a') {
    const s = setup();
    const p = pod({ name });
    s.q.add(p);
    const qi = s.q.pop()!;
    s.q.requeue(qi, new Set(plugins), false);
    return { ...s, p };
  }

  it('wait in unschedulablePods', () => {
    const { q } = failed(['NodeResourcesFit']);
    expect(names(q)).toEqual({ active: [], backoff: [], unschedulable: ['default/a'] });
  });

  it('ignore events none of their rejecting plugins registered', () => {
    const { clock, q } = failed(['NodeResourcesFit']);
    clock.advance(5_000);
    q.onEvent('NodeUpdateTaint');
    q.onEvent('AssignedPodAdd');
    expect(names(q).unschedulable).toEqual(['default/a']);
  });

  it('move to activeQ on an event a rejecting plugin registered, once the backoff is over', () => {
    const { clock, q } = failed(['NodeResourcesFit', 'TaintToleration']);
    clock.advance(5_000);
    q.onEvent('NodeUpdateTaint');
    expect(names(q).active).toEqual(['default/a']);
  });

  it('move to backoffQ on such an event while still backing off', () => {
    const { clock, q } = failed(['NodeResourcesFit']);
    clock.advance(200);
    q.onEvent('AssignedPodDelete');
    expect(names(q).backoff).toEqual(['default/a']);
    clock.advance(1000);
    expect(names(q).active).toEqual(['default/a']);
  });

  it('rejected by no plugin, move on any event', () => {
    const { clock, q } = failed([]);
    clock.advance(5_000);
    q.onEvent('AssignedPodUpdate');
    expect(names(q).active).toEqual(['default/a']);
  });

  it('move when their spec changes', () => {
    const { clock, q, p } = failed(['NodeResourcesFit']);
    clock.advance(5_000);
    expect(q.pop()).toBeUndefined();
    q.update({ ...p, spec: { ...p.spec, tolerations: [{ operator: 'Exists' }] } });
    expect(names(q)).toEqual({ active: ['default/a'], backoff: [], unschedulable: [] });
    expect(q.pop()!.pod.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('are flushed after 5 minutes without a helpful event, checked every 30 s', () => {
    const { clock, q } = failed(['NodeResourcesFit']);
    expect(MAX_UNSCHEDULABLE_DURATION_MS).toBe(300_000);
    // Failed at 0: still waiting at the 300 s check (not more than 5 minutes), moved at the 330 s check.
    clock.advance(300_000);
    expect(names(q).unschedulable).toEqual(['default/a']);
    clock.advance(29_999);
    expect(names(q).unschedulable).toEqual(['default/a']);
    clock.advance(1);
    expect(names(q).active).toEqual(['default/a']);
  });

  it('are flushed at the first 30 s check more than 5 minutes after they failed', () => {
    const s = setup();
    s.clock.advance(10_000);
    s.q.add(pod({ name: 'a' }));
    s.q.requeue(s.q.pop()!, new Set(['NodeResourcesFit']), false);
    // Failed at 10 s: checks at 300 s (290 s) and 330 s (320 s > 300 s).
    s.clock.advanceTo(EPOCH_MS + 329_999);
    expect(names(s.q).unschedulable).toEqual(['default/a']);
    s.clock.advance(1);
    expect(names(s.q).active).toEqual(['default/a']);
  });
});
