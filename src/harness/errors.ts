/**
 * Errors the harness reports to users. They print as their message alone:
 * a user's mistake (a bad manifest, a failed check) never shows a stack trace.
 */

export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
    // Cucumber prints error.stack: keep it to the message.
    this.stack = message;
  }
}

/** A check that did not hold: what was expected, what was found, and why. */
export class CheckFailed extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

/**
 * What a step's error prints as. A UserError prints as itself; a cluster
 * that does not settle (LivelockError) says so in its own words; anything
 * else is a bug of ours, reported on one line with where it was thrown
 * rather than as a stack trace.
 */
export function forUser(e: unknown): unknown {
  if (e instanceof UserError || !(e instanceof Error)) return e;
  if (e.name === 'LivelockError') return new UserError(e.message);
  const frames = (e.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).slice(0, 3).map((l) => l.trim());
  return new UserError(`internal error, please report it: ${e.name}: ${e.message}${frames.length ? ` (${frames.join(' < ')})` : ''}`);
}
