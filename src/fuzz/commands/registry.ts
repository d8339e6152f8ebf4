/**
 * Every command kind by name. A new event (a usage change once kubelets
 * report usage, a Job that fails ...) is a class and a line here.
 */
import type fc from 'fast-check';
import { WORKLOAD_COMMANDS } from './workloads.ts';
import { NODE_COMMANDS } from './nodes.ts';
import { POD_COMMANDS } from './pods.ts';
import { TIME_COMMANDS } from './time.ts';
import type { CommandContext, CommandKind, FuzzCommand } from './types.ts';

export const COMMANDS: ReadonlyMap<string, CommandKind> = new Map([...WORKLOAD_COMMANDS, ...NODE_COMMANDS, ...POD_COMMANDS, ...TIME_COMMANDS].map((k) => [k.name, k]));

/** Arbitraries of the named commands (all by default), for fc.commands. */
export function commandArbitraries(ctx: CommandContext, names?: readonly string[]): Array<fc.Arbitrary<FuzzCommand>> {
  const kinds = names?.length ? names.map((n) => COMMANDS.get(n) ?? fail(n)) : [...COMMANDS.values()];
  // fc.commands picks among its arbitraries evenly: a kind of weight w is offered w times.
  return kinds.flatMap((k) => Array.from({ length: k.weight ?? 1 }, () => k.arbitrary(ctx)));
}

function fail(name: string): never {
  throw new Error(`there is no command "${name}" (commands: ${[...COMMANDS.keys()].join(', ')})`);
}
