/**
 * Errors as kubectl reports them (cmdutil.CheckErr): server refusals as
 * `Error from server (NotFound): ...`, invalid objects as
 * `The Deployment "web" is invalid: ...`, kubectl's own as `error: ...`.
 */

/** An error kubectl raises itself; printed as `error: <message>`. */
export class KubectlError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'KubectlError';
  }
}

/** meta.NoResourceMatchError: a resource type the server does not serve. */
export class NoResourceMatchError extends KubectlError {
  constructor(readonly resource: string) {
    super(`the server doesn't have a resource type ${JSON.stringify(resource)}`);
  }
}

/** Several errors from one command (utilerrors.Aggregate): one line each. */
export class AggregateError extends Error {
  constructor(readonly errors: unknown[]) {
    super(errors.map((e) => (e as Error).message).join(', '));
  }
}

/** Throws what a command collected while it went on past failures: the one error, or all of them (utilerrors.NewAggregate). */
export function throwAll(errors: readonly unknown[]): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError([...errors]);
}

/** cmdutil.UsageErrorf: the message and a pointer to the command's help. */
export function usageError(commandPath: string, message: string): KubectlError {
  return new KubectlError(`${message}\nSee '${commandPath} -h' for help and examples`);
}

/** cmdutil.AddSourceToErr: names the manifest file an error came from. */
export function withSource(verb: string, source: string | undefined, e: unknown): unknown {
  if (!source) return e;
  if (e instanceof StatusError) {
    const copy = new StatusError({ ...e.status, message: `error when ${verb} ${JSON.stringify(source)}: ${e.status.message}` });
    return copy;
  }
  if (e instanceof KubectlError) return new KubectlError(`error when ${verb} ${JSON.stringify(source)}: ${e.message}`, e.exitCode);
  return new Error(`error when ${verb} ${JSON.stringify(source)}: ${(e as Error).message}`);
}

/** StandardErrorMessage: the line for one error, or undefined when it is not an API error. */
function standardMessage(e: unknown): string | undefined {
  if (e instanceof StatusError) {
    const s = e.status;
    if (s.reason === 'Unauthorized') return `error: You must be logged in to the server (${s.message})`;
    return s.reason ? `Error from server (${s.reason}): ${s.message}` : `Error from server: ${s.message}`;
  }
  return undefined;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The text kubectl writes to stderr for an error, with its final newline, and the exit code. */
export function formatError(err: unknown): { text: string; exitCode: number } {
  let e = err;
  if (e instanceof AggregateError && e.errors.length === 1) e = e.errors[0];
  if (e instanceof StatusError && e.status.reason === 'Invalid') return { text: ensureNewline(invalidMessage(e)), exitCode: 1 };
  if (e instanceof AggregateError) {
    const lines = e.errors.map((x) => standardMessage(x) ?? messageOf(x));
    return { text: lines.map(ensureNewline).join(''), exitCode: 1 };
  }
  let msg = standardMessage(e);
  if (msg === undefined) {
    msg = messageOf(e);
    if (!msg.startsWith('error: ')) msg = `error: ${msg}`;
  }
  return { text: ensureNewline(msg), exitCode: e instanceof KubectlError ? e.exitCode : 1 };
}

function ensureNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

/** The Invalid branch of CheckErr: `The <Kind> "<name>" is invalid: <cause>` or one cause per line. */
function invalidMessage(e: StatusError): string {
  const s = e.status;
  const details = s.details;
  if (!details) return s.message ? `The request is invalid: ${s.message}` : 'The request is invalid';
  let head = 'The request is invalid';
  if (details.kind || details.name) head = `The ${details.kind ?? ''} ${JSON.stringify(details.name ?? '')} is invalid`;
  else if (s.message && !(details.causes && details.causes.length > 0)) head += `: ${s.message}`;
  const causes: string[] = [];
  for (const c of details.causes ?? []) {
    const m = `${c.field ?? ''}: ${c.message}`;
    if (!causes.includes(m)) causes.push(m);
  }
  if (causes.length === 0) return head;
  if (causes.length === 1) return `${head}: ${causes[0]}\n`;
  return `${head}: \n${causes.map((c) => `* ${c}\n`).join('')}`;
}import { StatusError } from '../engine/index.ts';

