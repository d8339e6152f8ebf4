/**
 * The shape of a kubectl command: its flags and a run function over an
 * Invocation (the client, the environment, parsed flags and output buffers).
 */
import type { Client } from '../engine/index.ts';
import type { KubectlContext } from './context.ts';
import type { FlagSpec, Flags } from './args/flags.ts';
import { KubectlError } from './errors.ts';

/** What a command prints. */
export class Output {
  stdout = '';
  stderr = '';
  out(text: string): void {
    this.stdout += text;
  }
  err(text: string): void {
    this.stderr += text;
  }
}

/** One run of a command. */
export interface Invocation {
  client: Client;
  ctx: KubectlContext;
  flags: Flags;
  /** Positional arguments after the command words. */
  args: string[];
  out: Output;
  /** `-n`, or the context's namespace. */
  namespace: string;
  /** True when `-n` was given (objects from files must then be in that namespace). */
  explicitNamespace: boolean;
  /** `kubectl rollout status`: for usage errors. */
  commandPath: string;
}

export interface Command {
  /** The words naming the command: `['rollout', 'status']`. */
  path: string[];
  /** Accepted flags, besides the global ones. */
  flags: FlagSpec[];
  /** One-line usage shown by `-h`. */
  usage: string;
  /** Runs the command; throws for a failure (printed as kubectl prints it, exit code 1). */
  run(inv: Invocation): void;
}

/** Flags every kubectl command accepts (most are accepted and ignored: there is one in-process cluster). */
export const GLOBAL_FLAGS: FlagSpec[] = [
  { name: 'namespace', short: 'n', kind: 'string' },
  { name: 'kubeconfig', kind: 'string' },
  { name: 'context', kind: 'string' },
  { name: 'cluster', kind: 'string' },
  { name: 'user', kind: 'string' },
  { name: 'server', short: 's', kind: 'string' },
  { name: 'request-timeout', kind: 'string' },
  { name: 'v', short: 'v', kind: 'int' },
  { name: 'as', kind: 'string' },
  { name: 'token', kind: 'string' },
  { name: 'insecure-skip-tls-verify', kind: 'bool' },
  { name: 'match-server-version', kind: 'bool' },
  { name: 'warnings-as-errors', kind: 'bool' },
  { name: 'help', short: 'h', kind: 'bool' },
];

/** The common output flag. */
export const OUTPUT_FLAG: FlagSpec = { name: 'output', short: 'o', kind: 'string' };
/** --dry-run=none|client|server, with the bare flag meaning client (deprecated form). */
export const DRY_RUN_FLAG: FlagSpec = { name: 'dry-run', kind: 'string', noOptDefault: 'unchanged' };
export const FILENAME_FLAG: FlagSpec = { name: 'filename', short: 'f', kind: 'stringSlice' };
export const RECURSIVE_FLAG: FlagSpec = { name: 'recursive', short: 'R', kind: 'bool' };
export const SELECTOR_FLAG: FlagSpec = { name: 'selector', short: 'l', kind: 'string' };
export const KUSTOMIZE_FLAG: FlagSpec = { name: 'kustomize', short: 'k', kind: 'string' };
/** genericclioptions' FileNameFlags and PrintFlags with --dry-run: what every verb that changes objects from files or names takes. */
export const MUTATION_FLAGS: readonly FlagSpec[] = [
  FILENAME_FLAG,
  RECURSIVE_FLAG,
  OUTPUT_FLAG,
  DRY_RUN_FLAG,
  KUSTOMIZE_FLAG,
  { name: 'show-managed-fields', kind: 'bool' },
  { name: 'template', kind: 'string' },
];
export const ALL_NAMESPACES_FLAG: FlagSpec = { name: 'all-namespaces', short: 'A', kind: 'bool' };

export type DryRun = 'none' | 'client' | 'server';

/** GetDryRunStrategy. */
export function dryRunOf(inv: Invocation): DryRun {
  const v = inv.flags.string('dry-run', 'none');
  if (['1', 't', 'T', 'TRUE', 'true', 'True', 'unchanged'].includes(v)) return 'client';
  if (['0', 'f', 'F', 'FALSE', 'false', 'False', 'none'].includes(v)) return 'none';
  if (v === 'client' || v === 'server') return v;
  throw new KubectlError(`Invalid dry-run value (${v}). Must be "none", "server", or "client".`);
}

/** The operation word kubectl prints, with the dry-run suffix. */
export function operation(op: string, dryRun: DryRun): string {
  if (dryRun === 'client') return `${op} (dry run)`;
  if (dryRun === 'server') return `${op} (server dry run)`;
  return op;
}
