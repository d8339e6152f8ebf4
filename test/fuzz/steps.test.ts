/**
 * A fuzzed history applies its workloads' objects as they are and writes
 * their YAML only for a counterexample's feature: that YAML must read back
 * as the very objects applied, or the feature would not replay the history.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseManifests } from '../../src/kubectl/manifests.ts';
import { workloadArb } from '../../src/fuzz/arbitraries/workloads.ts';
import { WORKLOAD_KINDS } from '../../src/fuzz/workloads/registry.ts';
import { applyWorkload } from '../../src/fuzz/commands/workloads.ts';

describe('the apply step of a fuzzed history', () => {
  it('shows YAML that parses back to the objects it applies, for every kind', () => {
    fc.assert(
      fc.property(workloadArb('web', { kinds: [...WORKLOAD_KINDS.keys()] }), (spec) => {
        const step = applyWorkload(spec);
        const applied = WORKLOAD_KINDS.get(spec.kind)!.manifest(spec);
        const read = parseManifests(step.docString!, 'the doc string').map((m) => m.object);
        expect(read).toEqual(applied);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
