/**
 * `runKubectl`: parses a kubectl command line, runs the command against a
 * Client and returns what kubectl would print and its exit code. Every
 * failure a user can cause ends as kubectl's own message and exit code 1;
 * nothing escapes as an exception.
 */
import type { Client } from '../engine/index.ts';
import { distance } from 'fastest-levenshtein';
import type { KubectlContext, KubectlResult } from './context.ts';
import { tokenize } from './args/tokenize.ts';
import { FlagError, Flags, parseFlags, type FlagSpec } from './args/flags.ts';
import { GLOBAL_FLAGS, Output, type Command } from './command.ts';
import { KubectlError, formatError } from './errors.ts';
import { COMMANDS } from './commands.ts';

const ROOT_WORDS = [...new Set(COMMANDS.map((c) => c.path[0]))].sort();

function globalFlagTakesValue(arg: string): boolean {
  if (arg.includes('=')) return false;
  const spec = arg.startsWith('--') ? GLOBAL_FLAGS.find((f) => f.name === arg.slice(2)) : GLOBAL_FLAGS.find((f) => f.short === arg.slice(1));
  return spec !== undefined && spec.kind !== 'bool';
}

/** Finds the command words among the arguments (flags may come first: `kubectl -n shop get pods`). */
function findCommand(argv: string[]): { command?: Command; rest: string[]; words: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  let candidates = COMMANDS;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a.startsWith('-') && a.length > 1) {
      rest.push(a);
      if (globalFlagTakesValue(a) && i + 1 < argv.length) rest.push(argv[++i]);
      continue;
    }
    const next = candidates.filter((c) => c.path[words.length] === a);
    if (next.length === 0) break;
    words.push(a);
    candidates = next;
    if (!candidates.some((c) => c.path.length > words.length)) {
      i++;
      break;
    }
  }
  rest.push(...argv.slice(i));
  const command = candidates.find((c) => c.path.length === words.length && words.length > 0);
  return { command, rest, words };
}

function unknownCommand(word: string): KubectlError {
  const suggestions = ROOT_WORDS.filter((w) => distance(w, word) <= 2 || w.startsWith(word));
  const hint = suggestions.length > 0 ? `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join('')}` : '';
  return new KubectlError(`unknown command ${JSON.stringify(word)} for "kubectl"${hint}`);
}

function usageText(words: string[]): string {
  const subs = COMMANDS.filter((c) => words.every((w, i) => c.path[i] === w) && c.path.length > words.length);
  const head = words.length === 0 ? 'kubectl controls the Kubernetes cluster manager.\n\n' : '';
  const list = `Available Commands:\n${subs.map((c) => `  ${c.path.slice(words.length).join(' ')}\n`).join('')}`;
  return `${head}${list}\nUsage:\n  ${['kubectl', ...words].join(' ')} [flags] [options]\n`;
}

/**
 * Runs one kubectl command line (`"kubectl get pods -n shop"` or its words,
 * with or without the leading `kubectl`) against `client`.
 */
export function runKubectl(client: Client, argv: string[] | string, ctx: KubectlContext): KubectlResult {
  const out = new Output();
  try {
    let words = typeof argv === 'string' ? tokenize(argv) : [...argv];
    if (words[0] === 'kubectl') words = words.slice(1);
    const { command, rest, words: cmdWords } = findCommand(words);
    if (!command) {
      const first = rest.find((a) => !a.startsWith('-'));
      if (cmdWords.length === 0 && first !== undefined) throw unknownCommand(first);
      out.out(usageText(cmdWords));
      return { exitCode: 0, stdout: out.stdout, stderr: out.stderr };
    }
    const commandPath = `kubectl ${command.path.join(' ')}`;
    const specs: FlagSpec[] = [...command.flags, ...GLOBAL_FLAGS.filter((g) => !command.flags.some((f) => f.name === g.name || (f.short && f.short === g.short)))];
    let flags: Flags;
    try {
      flags = new Flags(parseFlags(rest, specs));
    } catch (e) {
      if (e instanceof FlagError) throw new KubectlError(`${e.message}\nSee '${commandPath} --help' for usage.`);
      throw e;
    }
    if (flags.bool('help')) {
      out.out(`Usage:\n  ${command.usage}\n`);
      return { exitCode: 0, stdout: out.stdout, stderr: out.stderr };
    }
    const explicitNamespace = flags.has('namespace');
    const namespace = explicitNamespace ? flags.string('namespace') : ctx.namespace;
    command.run({ client, ctx, flags, args: flags.positional, out, namespace, explicitNamespace, commandPath });
    return { exitCode: 0, stdout: out.stdout, stderr: out.stderr };
  } catch (e) {
    const { text, exitCode } = formatError(e);
    out.err(text);
    return { exitCode, stdout: out.stdout, stderr: out.stderr };
  }
}
