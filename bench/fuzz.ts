/**
 * Fuzzing speed: the default campaign (every invariant, perturbations,
 * clusters of up to 8 nodes and 40 pods, up to 12 events per history) for a
 * fixed number of histories on one thread, as `kubecuke fuzz` runs it by
 * default (the headline figure), then on one worker per core (workers take
 * seconds to start, so they pay off on long campaigns), then clusters of
 * exactly 8 nodes. Prints histories per second.
 */
import { availableParallelism } from 'node:os';
import { runCampaign } from '../src/fuzz/campaign.ts';
import { runCampaignInWorkers } from '../src/fuzz/parallel.ts';
import { resolveInvariants } from '../src/fuzz/invariants/registry.ts';

function arg(args: string[], name: string, fallback: number): number {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : fallback;
}

export async function run(args: string[]): Promise<void> {
  const runs = arg(args, 'runs', 300);
  const workers = arg(args, 'workers', availableParallelism());
  const invariants = resolveInvariants(undefined);
  // Warm up the JIT on a few histories first.
  runCampaign({ invariants, runs: 10, seed: 99 });

  let t0 = performance.now();
  const one = runCampaign({ invariants, runs, seed: 1, chunk: 10 });
  const oneS = (performance.now() - t0) / 1000;
  console.log(
    `one thread: ${one.histories} histories in ${oneS.toFixed(1)}s; per history ${(one.steps / one.histories).toFixed(1)} events, ` +
      `${(one.changes / one.histories).toFixed(0)} store changes, ${(one.simulatedMs / one.histories / 60_000).toFixed(1)} simulated minutes; ${one.distinctStates} distinct states`,
  );

  t0 = performance.now();
  const many = await runCampaignInWorkers({ invariants, runs, seed: 1, chunk: 10 }, workers);
  const manyS = (performance.now() - t0) / 1000;
  console.log(`${workers} workers: ${many.histories} histories in ${manyS.toFixed(1)}s (the same histories: ${many.changes === one.changes ? 'yes' : 'NO'})`);

  const big = runCampaign({ invariants, runs: arg(args, 'big', 30), seed: 1, minNodes: 8, maxNodes: 8, maxPods: 40, startSmall: false });
  const bigMs = (big.wallMs / big.histories).toFixed(0);
  console.log(`8-node clusters, one thread: ${big.histories} histories, ${bigMs} ms each, ${(big.changes / big.histories).toFixed(0)} store changes per history`);
  console.log(
    `RESULT fuzz-default histories_per_s=${(one.histories / oneS).toFixed(1)} ms_per_history=${((oneS * 1000) / one.histories).toFixed(1)} ` +
      `histories_per_s_${workers}_workers=${(many.histories / manyS).toFixed(1)} store_changes_per_s=${(one.changes / oneS).toFixed(0)} ` +
      `events_per_history=${(one.steps / one.histories).toFixed(1)} distinct_states=${one.distinctStates} ms_per_8_node_history=${bigMs}`,
  );
}
