/**
 * What a failing step prints: never a stack trace. A cluster that does not
 * settle reads as its own message; a bug of ours as one line saying where.
 */
import { describe, expect, it } from 'vitest';
import { Clock, LivelockError } from '../../src/engine/index.ts';
import { UserError, forUser } from '../../src/harness/errors.ts';

describe('forUser', () => {
  it('keeps a user error as it is', () => {
    const e = new UserError('bad manifest');
    expect(forUser(e)).toBe(e);
  });

  it('turns a cluster that does not settle into its message alone', () => {
    const c = new Clock({ maxTasksPerInstant: 100 });
    const again = (): void => void c.schedule(0, 'controller loop-controller', again);
    again();
    let thrown: unknown;
    try {
      c.settle();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(LivelockError);
    const shown = forUser(thrown) as Error;
    expect(shown).toBeInstanceOf(UserError);
    expect(shown.stack).toBe((thrown as Error).message);
    expect(shown.stack).toMatch(/^the cluster did not settle at /);
  });

  it('reports anything else on one line, with where it was thrown', () => {
    const shown = forUser(new TypeError('x is undefined')) as Error;
    expect(shown.stack).toMatch(/^internal error, please report it: TypeError: x is undefined \(at .*errors\.test\.ts/);
    expect(shown.stack).not.toContain('\n');
  });
});
