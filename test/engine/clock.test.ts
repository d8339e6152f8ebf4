import { describe, expect, it } from 'vitest';
import { Clock, EPOCH_MS, LivelockError } from '../../src/engine/clock/clock.ts';
import { Random } from '../../src/engine/clock/random.ts';

describe('Clock', () => {
  it('starts at the epoch and formats RFC 3339 timestamps', () => {
    const c = new Clock();
    expect(c.now()).toBe(EPOCH_MS);
    expect(c.iso()).toBe('2025-01-01T00:00:00Z');
    c.advance(1500);
    expect(c.iso()).toBe('2025-01-01T00:00:01Z');
    expect(c.isoMicro()).toBe('2025-01-01T00:00:01.500000Z');
  });

  it('runs tasks in time order, then in the order they were scheduled', () => {
    const c = new Clock();
    const order: string[] = [];
    c.schedule(20, 'b', () => order.push('b@20'));
    c.schedule(10, 'a', () => order.push('a@10'));
    c.schedule(10, 'a2', () => order.push('a2@10'));
    c.schedule(0, 'now', () => order.push('now'));
    c.advance(30);
    expect(order).toEqual(['now', 'a@10', 'a2@10', 'b@20']);
    expect(c.elapsed()).toBe(30);
  });

  it('settle runs what is due now, including tasks scheduled for now, but not later ones', () => {
    const c = new Clock();
    const seen: number[] = [];
    c.schedule(0, 'x', () => {
      seen.push(c.now());
      c.schedule(0, 'y', () => seen.push(c.now()));
      c.schedule(5, 'z', () => seen.push(c.now()));
    });
    c.settle();
    expect(seen).toEqual([EPOCH_MS, EPOCH_MS]);
    expect(c.pending()).toBe(1);
  });

  it('advance moves the clock to the target even when nothing is due', () => {
    const c = new Clock();
    c.advance(60_000);
    expect(c.elapsed()).toBe(60_000);
  });

  it('step runs the next instant that has tasks, and no further than the deadline', () => {
    const c = new Clock();
    const seen: number[] = [];
    c.schedule(100, 'a', () => seen.push(c.elapsed()));
    c.schedule(300, 'b', () => seen.push(c.elapsed()));
    expect(c.step(EPOCH_MS + 200)).toBe(true);
    expect(seen).toEqual([100]);
    expect(c.step(EPOCH_MS + 200)).toBe(false);
    expect(c.elapsed()).toBe(100);
    expect(c.nextAt()).toBe(EPOCH_MS + 300);
  });

  it('cancelled tasks do not run', () => {
    const c = new Clock();
    let ran = false;
    const h = c.schedule(10, 'x', () => (ran = true));
    h.cancel();
    c.advance(20);
    expect(ran).toBe(false);
    expect(c.nextAt()).toBeUndefined();
  });

  it('reports a livelock naming the busiest tasks and what they wrote, instead of hanging', () => {
    const c = new Clock({ maxTasksPerInstant: 1000 });
    c.setLivelockDiagnostic(() => 'writes at that instant: ping-controller update configmaps default/x (500 times)');
    const ping = () => c.schedule(0, 'controller ping-controller', pong);
    const pong = () => c.schedule(0, 'controller pong-controller', ping);
    ping();
    let err: unknown;
    try {
      c.settle();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LivelockError);
    const msg = (err as Error).message;
    expect(msg).toContain('did not settle at 2025-01-01T00:00:00Z');
    expect(msg).toContain('controller ping-controller');
    expect(msg).toContain('controller pong-controller');
    expect(msg).toContain('ping-controller update configmaps default/x');
  });

  it('refuses to be advanced from inside a task', () => {
    const c = new Clock();
    c.schedule(0, 'bad', () => c.advance(10));
    expect(() => c.settle()).toThrow(/already running/);
  });
});

describe('Random', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const seq = (r: Random) => Array.from({ length: 20 }, () => r.int(1000));
    const sa = seq(a);
    expect(seq(b)).toEqual(sa);
    expect(seq(c)).not.toEqual(sa);
  });

  it('makes generateName suffixes from the consonant-and-digit alphabet', () => {
    const r = new Random(1);
    for (let i = 0; i < 50; i++) expect(r.nameSuffix()).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('makes version 4 UUIDs', () => {
    const r = new Random(1);
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('picks integers in range', () => {
    const r = new Random(3);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const n = r.int(5);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(5);
      seen.add(n);
    }
    expect(seen.size).toBe(5);
  });
});
