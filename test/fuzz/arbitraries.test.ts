/**
 * The arbitraries are valid by construction: every generated node table is
 * accepted as the step reads it, every generated workload passes the API
 * server's validation, and "that fits" deployments fit with a node lost.
 * (The fuzzer tested with itself.)
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createCluster, isStatusError, resourceFor, type KubeObject } from '../../src/engine/index.ts';
import { nodeTable, nodesArb } from '../../src/fuzz/arbitraries/nodes.ts';
import { nodesFromTable } from '../../src/harness/nodes.ts';
import { workloadKind } from '../../src/fuzz/workloads/registry.ts';
import { fittingDeploymentArb, roomFor } from '../../src/fuzz/arbitraries/fitting.ts';
import { clusterArb } from '../../src/fuzz/arbitraries/cluster.ts';
import { podTemplateArb } from '../../src/fuzz/arbitraries/pods.ts';
import { sometimes } from '../../src/fuzz/arbitraries/chance.ts';

const cluster = createCluster({ seed: 1, nodes: 1 });
const admin = cluster.client();

function refusal(obj: Record<string, unknown>): string | undefined {
  const type = resourceFor(obj.apiVersion as string, obj.kind as string);
  if (!type) return `the cluster does not serve ${obj.apiVersion} ${obj.kind}`;
  try {
    admin.create(type, { ...obj, metadata: { ...(obj.metadata as object), ...(type.namespaced ? { namespace: 'default' } : {}) } } as KubeObject, { dryRun: true });
    return undefined;
  } catch (e) {
    if (isStatusError(e)) return e.message;
    throw e;
  }
}

describe('arbitraries', () => {
  it('draw an optional feature as often as asked, and shrink it away', () => {
    const drawn = fc.sample(sometimes(fc.constant('x'), 15), { seed: 1, numRuns: 4000 });
    const share = drawn.filter((x) => x === 'x').length / drawn.length;
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.18);
    const shrunk = fc.check(fc.property(sometimes(fc.constant('x'), 50), () => false), { seed: 1 });
    expect(shrunk.counterexample).toEqual([undefined]);
  });

  it('make pod templates of which a good share have no hard scheduling constraint', () => {
    // Templates that each constrain scheduling would leave most pods pending, and the rest of the cluster idle.
    const templates = fc.sample(podTemplateArb(), { seed: 1, numRuns: 2000 });
    const free = templates.filter((t) => !t.nodeSelector && !t.zones && !t.antiAffinity && !t.spreadSkew && !t.hostPort && !t.affinity);
    expect(free.length / templates.length).toBeGreaterThan(0.25);
    for (const feature of ['zones', 'antiAffinity', 'spreadSkew', 'hostPort', 'affinity'] as const) {
      const share = templates.filter((t) => t[feature] !== undefined).length / templates.length;
      expect(share, feature).toBeGreaterThan(0.1);
      expect(share, feature).toBeLessThan(0.3);
    }
  });

  it('make node tables the cluster step reads back as generated', () => {
    fc.assert(
      fc.property(nodesArb({ maxNodes: 8 }), (nodes) => {
        const read = nodesFromTable(nodeTable(nodes));
        expect(read.map((n) => n.name)).toEqual(nodes.map((n) => n.name));
        expect(read.map((n) => n.taints ?? [])).toEqual(nodes.map((n) => n.taints));
      }),
      { numRuns: 200 },
    );
  });

  it('make workloads the API server accepts, within the pod budget', () => {
    fc.assert(
      fc.property(clusterArb({ maxPods: 40, pdbs: true }), ({ nodes, workloads: specs }) => {
        expect(specs.reduce((n, s) => n + workloadKind(s).pods(s, nodes.length), 0)).toBeLessThanOrEqual(40);
        expect(new Set(specs.map((s) => s.name)).size).toBe(specs.length);
        for (const s of specs) for (const obj of workloadKind(s).manifest(s)) expect(refusal(obj)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('make deployments that fit with any one node gone', () => {
    fc.assert(
      fc.property(
        clusterArb({ minNodes: 2, maxNodes: 6 }).chain((c) => fc.tuple(fc.constant(c.nodes), fittingDeploymentArb('web', c.nodes, 1, 20))),
        ([nodes, d]) => {
          expect(d.replicas).toBeGreaterThanOrEqual(1);
          expect(d.replicas).toBeLessThanOrEqual(Math.max(1, roomFor(nodes, d.template)));
          for (const obj of workloadKind(d).manifest(d)) expect(refusal(obj)).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });
});
