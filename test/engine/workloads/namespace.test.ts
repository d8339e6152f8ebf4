import { describe, expect, it } from 'vitest';
import { R, type KubeObject, type Stored } from '../../../src/engine/index.ts';
import { testCluster } from './helpers.ts';

type Ns = Stored<KubeObject & { spec?: { finalizers?: string[] }; status?: { phase?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } }>;

describe('namespace-controller', () => {
  it('reports what remains while pods shut down, then finalizes the namespace', () => {
    const t = testCluster();
    t.apply('apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n');
    t.apply(`
apiVersion: v1
kind: Pod
metadata: {name: slow, namespace: shop}
spec:
  terminationGracePeriodSeconds: 40
  containers: [{name: c, image: "busybox:1.36", command: ["sh", "-c", "trap '' TERM; while true; do sleep 1; done"]}]
`);
    t.cluster.client().delete(R.namespaces, undefined, 'shop');
    t.cluster.settle();
    const ns = t.get<Ns>(R.namespaces, 'shop')!;
    expect(ns.status?.phase).toBe('Terminating');
    expect(ns.spec?.finalizers).toEqual(['kubernetes']);
    expect(ns.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`)).toEqual([
      'NamespaceDeletionDiscoveryFailure=False/ResourcesDiscovered',
      'NamespaceDeletionGroupVersionParsingFailure=False/ParsedGroupVersions',
      'NamespaceDeletionContentFailure=False/ContentDeleted',
      'NamespaceContentRemaining=True/SomeResourcesRemain',
      'NamespaceFinalizersRemaining=False/ContentHasNoFinalizers',
    ]);
    // The pod is killed after its 40 s grace period; the controller looks again every 40 / 2 + 1 = 21 s.
    const took = t.until(() => !t.get(R.namespaces, 'shop'), 120_000);
    expect(took).toBeGreaterThanOrEqual(40_000);
    expect(took).toBeLessThanOrEqual(63_000);
  });
});
