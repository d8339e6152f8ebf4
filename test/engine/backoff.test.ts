/**
 * The kubelet's back-off (client-go flowcontrol.Backoff), pinned against
 * upstream's backoff_test.go, and the CrashLoopBackOff curve it gives.
 */
import { describe, it, expect } from 'vitest';
import { Backoff, BACKOFF_INITIAL_MS, BACKOFF_MAX_MS } from '../../src/engine/client/backoff.ts';

function fake(initial: number, max: number) {
  let t = 1_000_000;
  const b = new Backoff(() => t, initial, max);
  return { b, step: (ms: number) => (t += ms), set: (ms: number) => (t = ms), now: () => t };
}

describe('flowcontrol.Backoff', () => {
  it('uses the kubelet constants: 10 s doubling to 300 s', () => {
    expect([BACKOFF_INITIAL_MS, BACKOFF_MAX_MS]).toEqual([10_000, 300_000]);
  });

  it('TestSlowBackoff: 0, 1, 2, 4, 8, 16, 32, then the cap', () => {
    const { b, step, now } = fake(1000, 50_000);
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      step(1000);
      seen.push((b.get('id') ?? 0) / 1000);
      b.next('id', now());
    }
    expect(seen).toEqual([0, 1, 2, 4, 8, 16, 32, 50, 50, 50]);
    b.reset('id');
    expect(b.get('id')).toBeUndefined();
  });

  it('TestBackoffReset: forgotten after more than twice the cap', () => {
    const { b, step, now } = fake(1000, 5000);
    for (let i = 0; i <= 5; i++) {
      step(1000);
      b.next('id', now());
    }
    expect(b.isInBackOffSince('id', now())).toBe(true);
    const last = now();
    step(11_000);
    expect(b.isInBackOffSince('id', last)).toBe(false);
  });

  it('TestBackoffHighWaterMark: stays at the cap within twice the cap', () => {
    const { b, step, now } = fake(1000, 5000);
    for (let i = 0; i <= 5; i++) {
      step(1000);
      b.next('id', now());
    }
    step(6000);
    b.next('id', now());
    expect(b.get('id')).toBe(5000);
  });

  it('TestBackoffGC: entries idle for more than twice the cap are collected', () => {
    const { b, step, now } = fake(1000, 5000);
    for (let i = 0; i <= 5; i++) {
      step(1000);
      b.next('id', now());
    }
    step(6000);
    b.gc();
    expect(b.get('id')).toBe(5000);
    step(6000);
    b.gc();
    expect(b.get('id')).toBeUndefined();
  });

  it('TestIsInBackOffSinceUpdate: the image pull back-off', () => {
    const { b, set } = fake(1000, 10_000);
    const start = 1_000_000;
    const cases: Array<[number, boolean, number]> = [
      [0, false, 0], [1, false, 1], [2, true, 2], [3, false, 2], [4, true, 4], [5, true, 4], [6, true, 4], [7, false, 4],
      [8, true, 8], [9, true, 8], [10, true, 8], [11, true, 8], [12, true, 8], [13, true, 8], [14, true, 8], [15, false, 8],
      [16, true, 10], [17, true, 10], [24, true, 10], [25, false, 10], [26, true, 10], [34, true, 10], [35, false, 10],
      [56, false, 0], [57, false, 1],
    ];
    for (const [tick, inBackOff, value] of cases) {
      set(start + tick * 1000);
      expect(b.isInBackOffSinceUpdate('id', start + tick * 1000), `tick ${tick}`).toBe(inBackOff);
      if (inBackOff) expect(b.get('id'), `tick ${tick}`).toBe(value * 1000);
      else b.next('id', start + tick * 1000);
    }
  });
});

describe('the CrashLoopBackOff curve', () => {
  it('restarts a container that crashes at once at 0, 10, 30, 70, 150, 310, 610 and 910 s', () => {
    // doBackOff: the first exit is restarted at once; each later exit waits out
    // the window from the container's finish time, and the window doubles.
    const { b, set, now } = fake(BACKOFF_INITIAL_MS, BACKOFF_MAX_MS);
    const starts: number[] = [];
    let t = 0;
    let finished: number | undefined;
    for (let i = 0; i < 9; i++) {
      if (finished !== undefined) {
        while (b.isInBackOffSince('c', finished)) set((t += 1000));
        b.next('c', finished);
      }
      starts.push(t / 1000);
      finished = t;
      set(t);
    }
    expect(starts).toEqual([0, 0, 10, 30, 70, 150, 310, 610, 910]);
    expect(now()).toBe(910_000);
  });
});
