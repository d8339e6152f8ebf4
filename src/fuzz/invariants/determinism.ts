/**
 * determinism: one seed, one history. Running the same history again (same
 * cluster, same seed, same commands, same perturbations) yields the same
 * trace, request for request, at the same simulated instants. Checked by
 * the fuzz runner, which runs a history twice and compares the traces.
 */
import type { Invariant } from './types.ts';

export const determinism: Invariant = {
  name: 'determinism',
  summary: 'the same seed gives the same trace',
  promise: 'kubecuke\'s own promise (DESIGN.md, "Deterministic"): object names, uids, IPs, event order and the trace depend only on the seed and the inputs.',
  references: ['DESIGN.md (The three promises: Deterministic)'],
  kind: 'meta',
};
