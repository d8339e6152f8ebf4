import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { KubeObject } from '../../../src/engine/api/types.ts';
import type { Controller } from '../../../src/engine/controllers/manager.ts';
import { miniCluster } from './mini-cluster.ts';

/** A controller reconciling ConfigMaps, failing as often as told, noting when it ran. */
function probe(failures: number) {
  const runs: number[] = [];
  let left = failures;
  let requeueAfter: number | undefined;
  const c: Controller = {
    name: 'probe-controller',
    setup(ctx) {
      ctx.informers.informer<KubeObject>(R.configMaps).on({ add: (o) => o.metadata.name === 'x' && ctx.enqueue('default/x') });
    },
    reconcile(_key, ctx) {
      runs.push(ctx.clock.now());
      if (left-- > 0) throw new Error('boom');
      return requeueAfter !== undefined ? { requeueAfterMs: requeueAfter } : undefined;
    },
  };
  return { c, runs, setRequeue: (ms: number | undefined) => (requeueAfter = ms) };
}

describe('controller manager', () => {
  it('retries a failing key with per-key exponential backoff: 5 ms doubling', () => {
    const { c, runs } = probe(5);
    const mc = miniCluster([c]);
    const t0 = mc.clock.now();
    mc.client.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } } as KubeObject);
    mc.advance(1000);
    expect(runs.map((t) => t - t0)).toEqual([0, 5, 15, 35, 75, 155]);
    expect(mc.errors.map((e) => [e.controller, e.key, e.message])[0]).toEqual(['probe-controller', 'default/x', 'boom']);
    expect(mc.errors).toHaveLength(5);
  });

  it('requeues after the delay a reconcile asks for, and resets the backoff after a success', () => {
    const { c, runs, setRequeue } = probe(0);
    setRequeue(30_000);
    const mc = miniCluster([c]);
    const t0 = mc.clock.now();
    mc.client.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } } as KubeObject);
    mc.advance(65_000);
    expect(runs.map((t) => t - t0)).toEqual([0, 30_000, 60_000]);
  });
});
