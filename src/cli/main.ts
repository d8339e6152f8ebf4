/**
 * The kubecuke command.
 *
 *   kubecuke test [paths...] [--seed N] [--tags EXPR] [--name REGEX] [--format F] [--fail-fast]
 *   kubecuke fuzz [--invariant NAME...] [--runs N] [--seed S] [--max-nodes N] [--time-budget 60s] [--replay SEED:PATH]
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { runFeatures } from '../harness/runner.ts';
import { UserError } from '../harness/errors.ts';
import { addFuzzCommand } from './fuzz.ts';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`"${value}" is not an integer`);
  return n;
}

function json(value: string): Record<string, unknown> {
  try {
    const v = JSON.parse(value) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new InvalidArgumentError('expected a JSON object');
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function program(): Command {
  const cmd = new Command('kubecuke')
    .description('Declarative scenario tests for Kubernetes, on an in-memory cluster that runs on simulated time')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError()
    .exitOverride();
  cmd
    .command('test')
    .description('run feature files (default: ./features) against a fresh simulated cluster per scenario')
    .argument('[paths...]', 'feature files or folders (file.feature:LINE runs one scenario)')
    .option('--seed <n>', 'seed of every scenario\'s cluster: one seed, one history', integer, 1)
    .option('--tags <expression>', 'only scenarios matching a tag expression, e.g. "@smoke and not @slow"')
    .option('--name <regex>', 'only scenarios whose name matches (repeatable)', collect)
    .option('--format <format>', 'a Cucumber format (repeatable), e.g. progress, json:report.json', collect)
    .option('--fail-fast', 'stop at the first failing scenario')
    .option('--trace <dir>', 'write each scenario\'s trace (every API request, with simulated time) to a file in <dir>')
    .option('--world-parameters <json>', 'cluster settings for every scenario, e.g. \'{"cluster":{"controllers":{"nodeMonitorGracePeriodMs":40000}}}\'', json)
    .action(
      async (
        paths: string[],
        o: { seed: number; tags?: string; name?: string[]; format?: string[]; failFast?: boolean; trace?: string; worldParameters?: Record<string, unknown> },
      ) => {
        const parameters = { ...(o.worldParameters ?? {}), ...(o.trace ? { traceDir: o.trace } : {}) };
        const { success } = await runFeatures({ paths, seed: o.seed, tags: o.tags, names: o.name, formats: o.format, failFast: o.failFast, parameters });
        process.exitCode = success ? 0 : 1;
      },
    );
  addFuzzCommand(cmd);
  return cmd;
}

/** Runs the command line; returns the exit code. Users' mistakes print a message, not a stack trace. */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = 0;
  try {
    await program().parseAsync(argv, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof UserError) {
      process.stderr.write(`kubecuke: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
