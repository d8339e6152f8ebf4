/**
 * `kubecuke fuzz`: a campaign of fuzzed histories against the invariants,
 * with a progress line and a summary; a failure is shrunk, printed with its
 * replay token, and written as a feature file.
 *
 *   kubecuke fuzz [--invariant NAME...] [--kind KIND...] [--runs N] [--seed S] [--max-nodes N] [--time-budget 60s] [--workers N]
 *   kubecuke fuzz --replay <seed>:<path>
 */
import { type Command, InvalidArgumentError } from 'commander';
import { relative } from 'node:path';
import { parseDuration, formatOffset, type ClusterOptions } from '../engine/index.ts';
import { UserError } from '../harness/errors.ts';
import { humanDuration } from '../harness/params.ts';
import { INVARIANTS, UnknownInvariant, resolveInvariants } from '../fuzz/invariants/registry.ts';
import { type CampaignOptions, type Failure, type Progress, formatReplay, replay, runCampaign } from '../fuzz/campaign.ts';
import { BadReplayToken, parseReplay } from '../fuzz/replay.ts';
import { writeCounterexample } from '../fuzz/counterexample.ts';
import type { FuzzOptions } from '../fuzz/runner.ts';
import { runCampaignInWorkers } from '../fuzz/parallel.ts';
import { WORKLOAD_KINDS } from '../fuzz/workloads/registry.ts';
import { availableParallelism } from 'node:os';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number of at least 1`);
  return n;
}

function seedOf(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not an integer`);
  return n;
}

function duration(value: string): number {
  try {
    const ms = parseDuration(value);
    if (ms > 0) return ms;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError(`"${value}" is not a duration: write it as 30s, 2m or 1h30m`);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}

function json(value: string): Record<string, unknown> {
  try {
    const v = JSON.parse(value) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('expected a JSON object, e.g. \'{"cluster":{"disabledControllers":["garbage-collector-controller"]}}\'');
}

interface FuzzFlags {
  invariant?: string[];
  kind?: string[];
  runs: number;
  seed: number;
  maxNodes: number;
  maxPods: number;
  maxCommands: number;
  timeBudget?: number;
  replay?: string;
  perturb: boolean;
  pdbs: boolean;
  out: string;
  worldParameters?: { cluster?: Partial<ClusterOptions> };
  workers: number;
}

function fuzzOptions(o: FuzzFlags): FuzzOptions {
  let invariants;
  try {
    invariants = resolveInvariants(o.invariant);
  } catch (e) {
    if (e instanceof UnknownInvariant) throw new UserError(e.message);
    throw e;
  }
  for (const k of o.kind ?? []) {
    if (!WORKLOAD_KINDS.has(k)) throw new UserError(`there is no workload kind "${k}" to fuzz (kinds: ${[...WORKLOAD_KINDS.keys()].join(', ')})`);
  }
  return {
    invariants,
    maxNodes: o.maxNodes,
    maxPods: o.maxPods,
    maxCommands: o.maxCommands,
    perturb: o.perturb,
    pdbs: o.pdbs,
    cluster: o.worldParameters?.cluster,
    ...(o.kind?.length ? { kinds: o.kind } : {}),
  };
}

/** The command line that replays a failure with the same generation settings. */
function replayCommand(o: FuzzFlags, f: Failure): string {
  const args = [`kubecuke fuzz --replay ${formatReplay(f.replay)}`];
  for (const i of o.invariant ?? []) args.push(`--invariant ${i}`);
  for (const k of o.kind ?? []) args.push(`--kind ${k}`);
  // The chunk's own limits: the first chunks of a campaign run smaller histories.
  if (f.limits.maxNodes !== 8) args.push(`--max-nodes ${f.limits.maxNodes}`);
  if (f.limits.maxPods !== 40) args.push(`--max-pods ${f.limits.maxPods}`);
  if (f.limits.maxCommands !== 12) args.push(`--max-commands ${f.limits.maxCommands}`);
  if (!o.perturb) args.push('--no-perturb');
  if (!o.pdbs) args.push('--no-pdbs');
  if (o.worldParameters) args.push(`--world-parameters '${JSON.stringify(o.worldParameters)}'`);
  return args.join(' ');
}

/** FNV-1a, in base 36: a short name for a long token. */
function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36);
}

function report(o: FuzzFlags, f: Failure, out: (s: string) => void, replayed = false): void {
  const names = [...new Set(f.violations.map((v) => v.invariant))];
  out(`\n${names.map((n) => `"${n}"`).join(', ')} broke.\n`);
  for (const v of f.violations.slice(0, 8)) out(`  ${v.at !== undefined ? `at ${formatOffset(v.at)}: ` : ''}${v.message.split('\n').join('\n    ')}\n`);
  out(replayed ? `\nThe history, ${f.steps.length} steps:\n` : `\nSmallest history found (after ${f.shrinks} shrinking steps), ${f.steps.length} steps:\n`);
  for (const st of f.steps) out(`  ${st.keyword} ${st.text}\n`);
  const cmd = replayCommand(o, f);
  const testArgs = o.worldParameters?.cluster ? `--world-parameters '${JSON.stringify({ cluster: o.worldParameters.cluster })}'` : undefined;
  const path = writeCounterexample({ violations: f.violations, steps: f.steps, replay: cmd, testArgs }, `${f.replay.seed}-${shortHash(formatReplay(f.replay))}`, o.out);
  out(`\nreplay:  ${cmd}\nfeature: ${relative(process.cwd(), path)}\n`);
}

function summary(p: Progress, names: string[]): string {
  const rate = p.wallMs > 0 ? (p.histories / (p.wallMs / 1000)).toFixed(1) : '-';
  return (
    `${p.histories} histories, ${p.steps} events, ${p.changes} store changes, ${p.distinctStates} distinct states, ` +
    `${humanDuration(Math.round(p.simulatedMs))} simulated, in ${(p.wallMs / 1000).toFixed(1)}s (${rate} histories/s)\n` +
    `invariants: ${names.join(', ')}\n`
  );
}

export function addFuzzCommand(program: Command): void {
  program
    .command('fuzz')
    .description('search random clusters, workloads and faults for a history that breaks an invariant; shrink it, print how to replay it and write it as a feature')
    .option('--invariant <name>', `an invariant to check (repeatable; default all): ${[...INVARIANTS.keys()].join(', ')}`, collect)
    .option('--kind <kind>', `a workload kind to create (repeatable; default all): ${[...WORKLOAD_KINDS.keys()].join(', ')}`, collect)
    .option('--runs <n>', 'histories to generate', positive, 300)
    .option('--seed <s>', 'seed of the campaign: one seed, one campaign', seedOf, 1)
    .option('--max-nodes <n>', 'most nodes a generated cluster starts with', positive, 8)
    .option('--max-pods <n>', 'most pods its workloads ask for together', positive, 40)
    .option('--max-commands <n>', 'most events (commands) per history', positive, 12)
    .option('--time-budget <duration>', 'stop generating histories after this much wall-clock time, e.g. 60s', duration)
    .option('--replay <seed:path>', 'replay the history a failure printed, instead of searching')
    .option('--no-perturb', 'never perturb the event loop (watch delays, drops, controller restarts)')
    .option('--no-pdbs', 'never give workloads PodDisruptionBudgets (drains then always go through)')
    .option('--out <dir>', 'where counterexample features are written', 'reports/counterexamples')
    .option('--workers <n>', `threads to run histories on, up to one per core (${availableParallelism()} here); each takes a few seconds to start, and the results are the same for any number`, positive, 1)
    .option('--world-parameters <json>', 'cluster settings for every history, as kubecuke test takes them, e.g. \'{"cluster":{"scheduler":{...}}}\'', json)
    .action(async (o: FuzzFlags) => {
      const opts = fuzzOptions(o);
      const names = opts.invariants.map((i) => i.name);
      const out = (s: string) => process.stdout.write(s);
      if (o.replay !== undefined) {
        let token;
        try {
          token = parseReplay(o.replay);
        } catch (e) {
          if (e instanceof BadReplayToken) throw new UserError(e.message);
          throw e;
        }
        const f = replay(opts, token);
        if (!f) {
          out(`the history ${o.replay} passes every invariant (${names.join(', ')}): nothing to replay\n`);
          process.exitCode = 1;
          return;
        }
        report(o, f, out, true);
        process.exitCode = 1;
        return;
      }
      const tty = process.stderr.isTTY === true;
      let lastPrint = -Infinity;
      const progress = (p: Progress) => {
        const done = p.histories > o.runs ? `${o.runs}/${o.runs} histories and ${p.histories - o.runs} more while shrinking` : `${p.histories}/${o.runs} histories`;
        const line = `fuzz: ${done}, ${p.steps} events, ${p.distinctStates} distinct states, ${(p.wallMs / 1000).toFixed(1)}s`;
        if (tty) process.stderr.write(`\r${line}`);
        else if (p.wallMs - lastPrint >= 5000 || p.histories === o.runs) {
          lastPrint = p.wallMs;
          process.stderr.write(`${line}\n`);
        }
      };
      const campaign: CampaignOptions = { ...opts, runs: o.runs, seed: o.seed, timeBudgetMs: o.timeBudget, onProgress: progress };
      const result = o.workers > 1 ? await runCampaignInWorkers(campaign, o.workers) : runCampaign(campaign);
      if (tty) process.stderr.write('\n');
      out(summary(result, names));
      if (result.stopped === 'time') out(`stopped after the time budget of ${humanDuration(o.timeBudget!)}\n`);
      if (result.failure) {
        out(`found after ${result.failure.foundAfter} histories (seed ${o.seed})\n`);
        report(o, result.failure, out);
        process.exitCode = 1;
        return;
      }
      out('every invariant held\n');
    });
}
