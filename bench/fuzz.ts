/**
 * Fuzzing speed: the default campaign (every invariant, perturbations,
 * clusters of up to 8 nodes and 40 pods, up to 12 events per history) for a
 * fixed number of histories, then the largest clusters alone. Prints
 * histories per second and where a history's time goes.
 */
import { runCampaign } from '../src/fuzz/campaign.ts';
import { resolveInvariants } from '../src/fuzz/invariants/registry.ts';

function arg(args: string[], name: string, fallback: number): number {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split('=')[1]) : fallback;
}

export async function run(args: string[]): Promise<void> {
  const runs = arg(args, 'runs', 200);
  const invariants = resolveInvariants(undefined);
  // Warm up the JIT on a few histories first.
  runCampaign({ invariants, runs: 10, seed: 99 });

  const t0 = performance.now();
  const r = runCampaign({ invariants, runs, seed: 1 });
  const wall = (performance.now() - t0) / 1000;
  const perS = r.histories / wall;
  console.log(
    `default campaign: ${r.histories} histories in ${wall.toFixed(1)}s; ${(r.steps / r.histories).toFixed(1)} events, ` +
      `${(r.changes / r.histories).toFixed(0)} store changes and ${(r.simulatedMs / r.histories / 60_000).toFixed(1)} simulated minutes per history; ${r.distinctStates} distinct states`,
  );

  const big = runCampaign({ invariants, runs: arg(args, 'big', 20), seed: 1, minNodes: 8, maxNodes: 8, maxPods: 40 });
  const bigMs = (big.wallMs / big.histories).toFixed(0);
  console.log(`8-node clusters: ${big.histories} histories, ${bigMs} ms each, ${(big.changes / big.histories).toFixed(0)} store changes per history`);
  console.log(
    `RESULT fuzz-default histories_per_s=${perS.toFixed(1)} ms_per_history=${((wall * 1000) / r.histories).toFixed(1)} ` +
      `store_changes_per_s=${(r.changes / wall).toFixed(0)} events_per_history=${(r.steps / r.histories).toFixed(1)} ` +
      `distinct_states=${r.distinctStates} ms_per_8_node_history=${bigMs}`,
  );
}
