/**
 * Every invariant by name. Adding one is a file beside this one and a line
 * here; `kubecuke fuzz --invariant NAME` and `Then the invariant "NAME"
 * holds` find it.
 */
import { distance } from 'fastest-levenshtein';
import type { Invariant } from './types.ts';
import { schedulingSafety } from './scheduling-safety.ts';
import { nodeNameSetOnce } from './node-name-set-once.ts';
import { schedulerLiveness } from './scheduler-liveness.ts';
import { preemptionSafety } from './preemption-safety.ts';
import { eventualStability } from './eventual-stability.ts';
import { rolloutBounds } from './rollout-bounds.ts';
import { workloadBounds } from './workload-bounds.ts';
import { pdbRespected } from './pdb-respected.ts';
import { noOrphans } from './no-orphans.ts';
import { endpointsReady } from './endpoints-ready.ts';
import { resourceVersions } from './resource-versions.ts';
import { watchDelivery } from './watch-delivery.ts';
import { listWatchRebuild } from './list-watch-rebuild.ts';
import { determinism } from './determinism.ts';

export const INVARIANTS: ReadonlyMap<string, Invariant> = new Map(
  [
    schedulingSafety,
    nodeNameSetOnce,
    schedulerLiveness,
    preemptionSafety,
    eventualStability,
    rolloutBounds,
    workloadBounds,
    pdbRespected,
    noOrphans,
    endpointsReady,
    resourceVersions,
    watchDelivery,
    listWatchRebuild,
    determinism,
  ].map((i) => [i.name, i]),
);

/** Thrown for a name no invariant has. */
export class UnknownInvariant extends Error {}

/** The invariants named (all when none are), or an error naming the unknown one and the nearest known names. */
export function resolveInvariants(names: readonly string[] | undefined): Invariant[] {
  if (!names?.length) return [...INVARIANTS.values()];
  return names.map((n) => {
    const inv = INVARIANTS.get(n);
    if (inv) return inv;
    const near = [...INVARIANTS.keys()].sort((a, b) => distance(a, n) - distance(b, n)).slice(0, 3);
    throw new UnknownInvariant(`there is no invariant "${n}"; did you mean ${near.map((x) => `"${x}"`).join(', ')}? (all: ${[...INVARIANTS.keys()].join(', ')})`);
  });
}
