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
