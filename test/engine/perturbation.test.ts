/**
 * The engine's one perturbation hook: watch batches delivered late,
 * coalesced, or dropped with 410 Gone (informers list again); the controller
 * manager crashing mid-reconcile and coming back from nothing. The end state
 * does not depend on them.
 */
import { describe, expect, it } from 'vitest';
import { R, createCluster, type KubeObject, type Perturbation, type WatchEvent } from '../../src/engine/index.ts';

type ConfigMapLike = KubeObject & { data: Record<string, string> };

const configMap = (name: string, v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { v } }) as ConfigMapLike;

function watching(perturbation: Perturbation, onError?: boolean) {
  const c = createCluster({ seed: 1, nodes: 1, perturbation });
  const got: WatchEvent[] = [];
  const errors: string[] = [];
  const client = c.client({ user: 'tester', component: 'tester' });
  client.watch(R.configMaps, { namespace: 'default', ...(onError ? { onError: (e) => errors.push(`${e.code} ${e.message}`) } : {}) }, (e) => got.push(e));
  return { c, client, got, errors };
}

const only = (component: string, d: ReturnType<NonNullable<Perturbation['watchDelivery']>>): Perturbation => ({
  watchDelivery: (b) => (b.watcher === component ? d : undefined),
});

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
};

describe('watch delivery', () => {
  it('can be delayed: the batch, and what joins it meanwhile, arrives later in order', () => {
    const { c, client, got } = watching(only('tester', { delayMs: 3000 }));
    client.create(R.configMaps, configMap('a', '1'));
    c.settle();
    expect(got).toEqual([]);
    c.advance(1000);
    client.create(R.configMaps, configMap('b', '1'));
    c.advance(1999);
    expect(got).toEqual([]);
    c.advance(1);
    expect(got.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'ADDED b']);
  });

  it('can be coalesced: intermediate modifications are skipped, creations and deletions never', () => {
    const { c, client, got } = watching(only('tester', { delayMs: 10, coalesce: true }));
    client.create(R.configMaps, configMap('a', '1'));
    client.update(R.configMaps, configMap('a', '2'));
    client.create(R.configMaps, configMap('b', '1'));
    client.update(R.configMaps, configMap('a', '3'));
    client.update(R.configMaps, configMap('b', '2'));
    client.delete(R.configMaps, 'default', 'b');
    c.advance(10);
    expect(got.map((e) => `${e.type} ${e.object.metadata.name} ${(e.object as ConfigMapLike).data.v}`)).toEqual(['ADDED a 1', 'ADDED b 1', 'MODIFIED a 3', 'MODIFIED b 2', 'DELETED b 2']);
  });

  it('can be dropped: the watch ends with 410 Gone for watchers that list again, and only for them', () => {
    const dropping = watching(only('tester', { drop: true }), true);
    dropping.client.create(R.configMaps, configMap('a', '1'));
    dropping.c.settle();
    expect(dropping.got).toEqual([]);
    expect(dropping.errors).toEqual(['410 too old resource version: the watch of configmaps was closed']);
    dropping.client.create(R.configMaps, configMap('b', '1'));
    dropping.c.settle();
    expect(dropping.got).toEqual([]);

    const plain = watching(only('tester', { drop: true }));
    plain.client.create(R.configMaps, configMap('a', '1'));
    plain.c.settle();
    expect(plain.got.map((e) => e.object.metadata.name)).toEqual(['a']);
  });

  it('dropped for the controller manager, its informers list again and the deployment still gets its pods', () => {
    let n = 0;
    const c = createCluster({ seed: 1, nodes: 2, perturbation: { watchDelivery: (b) => (b.watcher === 'kube-controller-manager' && n++ % 3 === 0 ? { drop: true } : undefined) } });
    c.client().create(R.deployments, deployment);
    c.advance(60_000);
    const pods = c.client().list(R.pods, { namespace: 'default' }).items.filter((p) => !p.metadata.deletionTimestamp);
    expect(pods).toHaveLength(3);
    expect(n).toBeGreaterThan(3);
  });
});

describe('a controller manager crash', () => {
  it('happens after the writes allowed, and the restarted manager finishes the work from nothing', () => {
    let crashes = 0;
    const c = createCluster({
      seed: 1,
      nodes: 2,
      perturbation: { reconcile: (a) => (a.controller === 'replicaset-controller' && crashes++ === 0 ? { afterWrites: 1, downMs: 5000 } : undefined) },
    });
    c.client().create(R.deployments, deployment);
    c.settle();
    const notes = c.trace.lines((e) => e.kind === 'perturbation');
    expect(notes).toEqual([expect.stringMatching(/kube-controller-manager crashed while replicaset-controller reconciled default\/web-/)]);
    // One pod made it out before the crash; nothing runs while the manager is down.
    expect(c.client().list(R.pods, { namespace: 'default' }).items).toHaveLength(1);
    c.advance(5000);
    expect(c.trace.lines((e) => e.kind === 'perturbation')[1]).toMatch(/kube-controller-manager restarted/);
    c.advance(30_000);
    expect(c.client().list(R.pods, { namespace: 'default' }).items).toHaveLength(3);
  });

  it('that comes again and again is restarted after the kubelet\'s back-off: at once, then 10 s, 20 s, 40 s', () => {
    // Every reconcile crashes the process, which would come back at once (down 0).
    const c = createCluster({ seed: 1, nodes: 1, perturbation: { reconcile: () => ({ afterWrites: 0, downMs: 0 }) } });
    c.client().create(R.deployments, deployment);
    c.advance(120_000);
    const restarts = c.trace.entries.filter((e) => e.kind === 'perturbation');
    const at = (phase: RegExp) => restarts.filter((e) => phase.test(e.text)).map((e) => e.at);
    const crashed = at(/crashed/);
    const restarted = at(/restarted/);
    expect(crashed.length).toBeGreaterThanOrEqual(5);
    // Each restart comes the back-off window after the crash before it, and that window doubles.
    expect(restarted.slice(0, 4).map((t, i) => t - crashed[i])).toEqual([0, 10_000, 20_000, 40_000]);
  });

  it('is deterministic: the same perturbation decisions give the same trace', () => {
    const run = () => {
      let i = 0;
      const c = createCluster({ seed: 3, nodes: 2, perturbation: { reconcile: () => (i++ % 7 === 3 ? { afterWrites: i % 3, downMs: 1000 } : undefined), watchDelivery: () => (i % 5 === 0 ? { delayMs: 700 } : undefined) } });
      c.client().create(R.deployments, deployment);
      c.advance(120_000);
      return c.trace.lines();
    };
    expect(run()).toEqual(run());
  });
});
