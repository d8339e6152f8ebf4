/**
 * Deployments that fit a given set of nodes: every replica finds room even
 * when any one node is lost (so that "a node dies" leaves room for its pods
 * elsewhere), counting CPU, memory and pod slots; with one node, they fit
 * that node. Used by `Given any deployment of 1 to 20 replicas that fits`.
 */
import fc from 'fast-check';
import type { NodeSpec } from './nodes.ts';
import { IMAGES, type TemplateSpec } from './pods.ts';
import type { DeploymentSpec } from '../workloads/deployment.ts';

/** Pods of `t` that fit the nodes with the largest of them gone. */
export function roomFor(nodes: readonly NodeSpec[], t: Pick<TemplateSpec, 'cpu' | 'memory'>): number {
  const slots = nodes.map((n) => Math.min(t.cpu ? Math.floor(n.cpu / t.cpu) : Infinity, t.memory ? Math.floor(n.memory / t.memory) : Infinity, n.pods));
  const total = slots.reduce((a, b) => a + b, 0);
  return nodes.length > 1 ? total - Math.max(...slots) : total;
}

/** A plain template: requests only, no node selection (it must fit anywhere). */
export function plainTemplateArb(): fc.Arbitrary<TemplateSpec> {
  return fc.record({
    image: fc.constantFrom(...IMAGES),
    cpu: fc.constantFrom(100, 250, 500, 1000, 0),
    memory: fc.constantFrom(128, 256, 512, 64, 0),
    limited: fc.boolean(),
    tolerations: fc.constant([]),
    readyAfter: fc.constantFrom(0, 5, 20),
  });
}

/**
 * A deployment named `name` of `min..max` replicas that fits `nodes`. When
 * the drawn requests leave too little room, they are halved until the
 * replicas fit (down to no requests at all).
 */
export function fittingDeploymentArb(name: string, nodes: readonly NodeSpec[], min: number, max: number): fc.Arbitrary<DeploymentSpec> {
  return fc
    .record({
      replicas: fc.integer({ min, max }),
      template: plainTemplateArb(),
      maxSurge: fc.constantFrom<number | string>('25%', 1, 0),
      maxUnavailable: fc.constantFrom<number | string>('25%', 1, 0),
    })
    .map(({ replicas, template, maxSurge, maxUnavailable }) => {
      let t = template;
      while (roomFor(nodes, t) < replicas && (t.cpu || t.memory)) t = { ...t, cpu: Math.floor(t.cpu / 2), memory: Math.floor(t.memory / 2) };
      const fitting = Math.max(min, Math.min(replicas, roomFor(nodes, t)));
      return {
        kind: 'deployment' as const,
        name,
        replicas: fitting,
        template: t,
        maxSurge: maxSurge === 0 && maxUnavailable === 0 ? 1 : maxSurge,
        maxUnavailable,
      };
    });
}
