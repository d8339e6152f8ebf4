import { describe, it, expect } from 'vitest';
import { Clock, EPOCH_MS } from '../../../src/engine/clock/clock.ts';
import { Action, type ClusterEvent } from '../../../src/engine/scheduler/framework.ts';
import { SchedulingQueue, MAX_UNSCHEDULABLE_DURATION_MS } from '../../../src/engine/scheduler/queue.ts';
import { prioritySort } from '../../../src/engine/scheduler/plugins/priority-sort.ts';
import { pod } from './helpers.ts';

const ev = (resource: ClusterEvent['resource'], action: number, label: string): ClusterEvent => ({ resource, action, label });
const NODE_ADD = ev('Node', Action.Add, 'NodeAdd');
const NODE_TAINT = ev('Node', Action.UpdateNodeTaint, 'NodeTaintChange');
const ASSIGNED_POD_ADD = ev('AssignedPod', Action.Add, 'AssignedPodAdd');
const ASSIGNED_POD_DELETE = ev('AssignedPod', Action.Delete, 'AssignedPodDelete');
const TOLERATION_ADDED = ev('UnschedulablePod', Action.UpdatePodToleration, 'UnschedulablePodUpdatePodToleration');

/** Events each plugin's rejection can be cured by (always Queue: the hints are the plugins' own tests). */
const EVENTS: Record<string, ClusterEvent[]> = {
  NodeResourcesFit: [NODE_ADD, ev('Node', Action.UpdateNodeAllocatable, ''), ASSIGNED_POD_DELETE],
  TaintToleration: [NODE_ADD, NODE_TAINT, TOLERATION_ADDED],
};

function setup() {
  const clock = new Clock({ start: EPOCH_MS });
  let kicks = 0;
  const q = new SchedulingQueue({
    clock,
    less: (a, b) => prioritySort().less(a, b),
    initialBackoffMs: 1000,
    maxBackoffMs: 10_000,
    preEnqueue: () => undefined,
    worthRequeuing: (qi, e) => {
      if (!qi.unschedulablePlugins.size) return 'queueAfterBackoff';
      for (const p of qi.unschedulablePlugins) if ((EVENTS[p] ?? []).some((x) => x.resource === e.resource && (x.action & e.action) !== 0)) return 'queueAfterBackoff';
      return 'queueSkip';
    },
    interested: () => true,
    onActive: () => kicks++,
  });
  return { clock, q, kicks: () => kicks };
}

/** Where pods wait, as the old snapshot showed it (gated pods are among the unschedulable ones). */
const names = (q: SchedulingQueue) => {
  const s = q.snapshot();
  return { active: s.active, backoff: s.backoff, unschedulable: [...s.unschedulable, ...s.gated] };
};

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
    q.delete(a);
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
    q.update(a, { ...a, spec: { ...a.spec, priority: 10 } }, []);
    expect(q.pop()!.pod.spec.priority).toBe(10);
  });
});

describe('SchedulingQueue backoff', () => {
  it('doubles from the initial backoff per attempt up to the maximum: 1, 2, 4, 8, 10, 10 s', () => {
    const { q } = setup();
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => q.backoffDuration(n))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
  });

  it('a pod that failed with an error waits its backoff in backoffQ, then returns to activeQ on a 1 s flush', () => {
    const { clock, q } = setup();
    q.add(pod({ name: 'a' }));
    clock.advance(300);
    const qi = q.pop()!;
    q.addUnschedulable(qi, new Set());
    expect(names(q)).toEqual({ active: [], backoff: ['default/a'], unschedulable: [] });
    // Backing off until 1300 ms, which falls in the 1 s window starting at 1000 ms: the
    // pod leaves backoffQ with the flush of the next window (SchedulerPopFromBackoffQ's
    // ordering windows, 1.33). An error backoff is never cut short by an empty activeQ.
    expect(q.pop()).toBeUndefined();
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
      q.addUnschedulable(qi, new Set());
      clock.advance(10_000);
      qi = q.pop()!;
    }
    // Fourth attempt failed at t (a whole second): 8 s of backoff, which end at the start
    // of a window, so the pod goes with the flush one second later.
    q.addUnschedulable(qi, new Set());
    const t = clock.now();
    clock.advance(8_000);
    expect(names(q).backoff).toEqual(['default/a']);
    clock.advance(1_000);
    expect(names(q).active).toEqual(['default/a']);
    expect(clock.now() - t).toBe(9_000);
  });
});

describe('SchedulingQueue unschedulable pods', () => {
  function failed(plugins: string[], name = 'a') {
    const s = setup();
    const p = pod({ name });
    s.q.add(p);
    const qi = s.q.pop()!;
    s.q.addUnschedulable(qi, new Set(plugins));
    return { ...s, p };
  }

  it('wait in unschedulablePods', () => {
    const { q } = failed(['NodeResourcesFit']);
    expect(names(q)).toEqual({ active: [], backoff: [], unschedulable: ['default/a'] });
  });

  it('ignore events none of their rejecting plugins registered', () => {
    const { clock, q } = failed(['NodeResourcesFit']);
    clock.advance(5_000);
    q.onEvent(NODE_TAINT);
    q.onEvent(ASSIGNED_POD_ADD);
    expect(names(q).unschedulable).toEqual(['default/a']);
  });

  it('move to activeQ on an event a rejecting plugin registered, once the backoff is over', () => {
    const { clock, q } = failed(['NodeResourcesFit', 'TaintToleration']);
    clock.advance(5_000);
    q.onEvent(NODE_TAINT);
    expect(names(q).active).toEqual(['default/a']);
  });

  it('move to backoffQ on such an event while still backing off, and are taken from it when activeQ is empty', () => {
    const { clock, q } = failed(['NodeResourcesFit']);
    clock.advance(200);
    q.onEvent(ASSIGNED_POD_DELETE);
    expect(names(q).backoff).toEqual(['default/a']);
    // SchedulerPopFromBackoffQ (1.33): with activeQ empty the scheduler does not wait out the backoff.
    expect(q.pop()?.pod.metadata.name).toBe('a');
  });

  it('rejected by no plugin (an error), back off and retry without waiting for an event', () => {
    const { clock, q } = failed([]);
    expect(names(q).backoff).toEqual(['default/a']);
    clock.advance(5_000);
    expect(names(q).active).toEqual(['default/a']);
  });

  it('move when an update of their own cures a rejecting plugin (a toleration for TaintToleration)', () => {
    const { clock, q, p } = failed(['TaintToleration']);
    clock.advance(5_000);
    expect(q.pop()).toBeUndefined();
    q.update(p, { ...p, spec: { ...p.spec, tolerations: [{ operator: 'Exists' }] } }, [TOLERATION_ADDED]);
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
    s.q.addUnschedulable(s.q.pop()!, new Set(['NodeResourcesFit']));
    // Failed at 10 s: checks at 300 s (290 s) and 330 s (320 s > 300 s).
    s.clock.advanceTo(EPOCH_MS + 329_999);
    expect(names(s.q).unschedulable).toEqual(['default/a']);
    s.clock.advance(1);
    expect(names(s.q).active).toEqual(['default/a']);
  });
});
