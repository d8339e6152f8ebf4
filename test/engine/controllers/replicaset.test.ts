import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { KubeObject, Pod, ReplicaSet } from '../../../src/engine/api/types.ts';
import { StatusError } from '../../../src/engine/api/errors.ts';
import { replicaSetController } from '../../../src/engine/controllers/replicaset.ts';
import type { Controller } from '../../../src/engine/controllers/manager.ts';
import { serviceAccountController } from '../../../src/engine/controllers/serviceaccount.ts';
import { condition, podManifest, replicaSetManifest, testCluster, SECOND } from './cluster-helpers.ts';
import { miniCluster, wrapClient } from './mini-cluster.ts';

const rsOf = (tc: ReturnType<typeof testCluster>, name = 'web') => tc.get<ReplicaSet>(R.replicaSets, name)!;
const creates = (tc: ReturnType<typeof testCluster>) =>
  tc.cluster.trace.entries.filter((e) => e.kind === 'request' && e.component === 'replicaset-controller' && e.verb === 'create' && e.resource === 'pods');

describe('ReplicaSet controller', () => {
  it('creates pods from the template, owned by the ReplicaSet, and reports their status', () => {
    const tc = testCluster({ nodes: 2 });
    const rs = tc.create(R.replicaSets, replicaSetManifest('web', 3));
    const pods = tc.pods();
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(p.metadata.labels).toEqual({ app: 'web' });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      expect(p.status?.phase).toBe('Running');
    }
    expect(tc.events('ReplicaSet', 'web').sort()).toEqual(pods.map((p) => `SuccessfulCreate: Created pod: ${p.metadata.name}`).sort());
    expect(rsOf(tc).status).toEqual({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
  });

  it('creates exactly the missing pods: expectations keep it from creating twice', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.replicaSets, replicaSetManifest('web', 5));
    tc.advance(30 * SECOND);
    expect(tc.pods()).toHaveLength(5);
    expect(creates(tc)).toHaveLength(5);
  });

  it('replaces a deleted pod', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.replicaSets, replicaSetManifest('web', 2));
    const [victim] = tc.pods();
    tc.client.delete(R.pods, 'default', victim.metadata.name);
    tc.cluster.settle();
    const names = tc.pods().map((p) => p.metadata.name);
    // The deleted pod is terminating (not active), so a replacement is already there.
    expect(names.filter((n) => n !== victim.metadata.name)).toHaveLength(2);
    tc.advance(31 * SECOND);
    expect(tc.pods()).toHaveLength(2);
    expect(tc.pod(victim.metadata.name)).toBeUndefined();
  });

  it('scales down by deleting the best-ranked pods: unscheduled ones first', () => {
    const tc = testCluster({ nodes: [{ cpu: '2' }] });
    tc.create(R.replicaSets, replicaSetManifest('web', 4, { requests: { cpu: '1' } }));
    const pending = tc.pods().filter((p) => !p.spec.nodeName).map((p) => p.metadata.name);
    expect(pending).toHaveLength(2);
    tc.client.patch(R.replicaSets, 'default', 'web', { spec: { replicas: 2 } }, 'merge');
    tc.cluster.settle();
    const deleted = tc.events('ReplicaSet', 'web').filter((e) => e.startsWith('SuccessfulDelete')).map((e) => e.replace('SuccessfulDelete: Deleted pod: ', ''));
    expect(deleted.sort()).toEqual(pending.sort());
    expect(tc.pods().map((p) => p.spec.nodeName)).toEqual(['node-1', 'node-1']);
    expect(rsOf(tc).status?.replicas).toBe(2);
  });

  it('adopts matching orphans and creates only what is missing', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('orphan', { labels: { app: 'web' } }));
    const rs = tc.create(R.replicaSets, replicaSetManifest('web', 2));
    const orphan = tc.pod('orphan')!;
    expect(orphan.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(tc.pods()).toHaveLength(2);
    expect(creates(tc)).toHaveLength(1);
  });

  it('does not adopt pods another controller owns, nor pods that do not match', () => {
    const tc = testCluster({ nodes: 1 });
    const cm = tc.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } } as KubeObject);
    const owned = podManifest('owned', { labels: { app: 'web' } });
    owned.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'x', uid: cm.metadata.uid, controller: true }];
    tc.create(R.pods, owned);
    tc.create(R.pods, podManifest('stranger', { labels: { app: 'db' } }));
    tc.create(R.replicaSets, replicaSetManifest('web', 1));
    expect(tc.pod('owned')!.metadata.ownerReferences?.[0].uid).toBe(cm.metadata.uid);
    expect(tc.pod('stranger')!.metadata.ownerReferences).toBeUndefined();
    expect(tc.pods(undefined, 'app=web')).toHaveLength(2);
  });

  it('releases a pod whose labels stop matching and replaces it', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.replicaSets, replicaSetManifest('web', 2));
    const [p] = tc.pods();
    tc.client.patch(R.pods, 'default', p.metadata.name, { metadata: { labels: { app: 'debug' } } }, 'merge');
    tc.cluster.settle();
    expect(tc.pod(p.metadata.name)!.metadata.ownerReferences ?? []).toEqual([]);
    expect(tc.pods(undefined, 'app=web')).toHaveLength(2);
    expect(tc.pods()).toHaveLength(3);
  });

  it('counts fullyLabeledReplicas only for pods carrying every template label', () => {
    const tc = testCluster({ nodes: 1 });
    const m = replicaSetManifest('web', 1, { labels: { app: 'web', tier: 'front' }, selector: { app: 'web' } });
    tc.create(R.pods, podManifest('partial', { labels: { app: 'web' } }));
    tc.create(R.replicaSets, m);
    expect(rsOf(tc).status).toMatchObject({ replicas: 1 });
    expect(rsOf(tc).status?.fullyLabeledReplicas).toBeUndefined();
  });

  it('reports availableReplicas minReadySeconds after readiness', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.replicaSets, replicaSetManifest('web', 2, { minReadySeconds: 10 }));
    expect(rsOf(tc).status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    expect(rsOf(tc).status?.availableReplicas).toBeUndefined();
    tc.advance(9 * SECOND);
    expect(rsOf(tc).status?.availableReplicas).toBeUndefined();
    tc.advance(2 * SECOND);
    expect(rsOf(tc).status?.availableReplicas).toBe(2);
  });

  it('sets ReplicaFailure when the API refuses its pods, and clears it once creation works', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.replicaSets, replicaSetManifest('web', 3, { spec: { serviceAccountName: 'robot' } }));
    const why = 'pods "web-" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found';
    expect(tc.pods()).toHaveLength(0);
    expect(tc.events('ReplicaSet', 'web')[0]).toBe(`FailedCreate: Error creating: ${why}`);
    expect(condition(rsOf(tc), 'ReplicaFailure')).toMatchObject({ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: why });
    // Each failed sync tried one pod only: the first slow-start batch failed.
    const failedCreates = creates(tc).filter((e) => e.kind === 'request' && e.code >= 400);
    expect(failedCreates.length).toBeGreaterThan(0);
    expect(tc.cluster.trace.entries.filter((e) => e.kind === 'reconcile-error' && e.controller === 'replicaset-controller').length).toBe(failedCreates.length);

    tc.create(R.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'default' } } as KubeObject);
    tc.until(() => tc.pods().length === 3, 20 * 60 * SECOND);
    tc.advance(SECOND);
    expect(condition(rsOf(tc), 'ReplicaFailure')).toBeUndefined();
  });

  it('keeps the ReplicaFailure condition (and its time) while failures go on', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.replicaSets, replicaSetManifest('web', 1, { spec: { serviceAccountName: 'robot' } }));
    const first = condition(rsOf(tc), 'ReplicaFailure');
    tc.advance(60 * SECOND);
    expect(condition(rsOf(tc), 'ReplicaFailure')).toEqual(first);
  });

  /** The ReplicaSet controller, noting how many pod creations each reconcile attempted. */
  function counted(attemptsNow: () => number) {
    const perSync: number[] = [];
    const inner = replicaSetController();
    const controller: Controller = {
      name: inner.name,
      setup: (ctx) => inner.setup(ctx),
      reconcile(key, ctx) {
        const before = attemptsNow();
        try {
          return inner.reconcile(key, ctx);
        } finally {
          if (attemptsNow() > before) perSync.push(attemptsNow() - before);
        }
      },
    };
    return { controller, perSync };
  }

  it('creates in slow-start batches of 1, 2, 4, ... and stops at the first batch with a failure', () => {
    let allowed = 4;
    let attempts = 0;
    const { controller, perSync } = counted(() => attempts);
    const mc = miniCluster([serviceAccountController(), controller], {
      wrap: (name, c) =>
        name !== 'replicaset-controller'
          ? c
          : wrapClient(c, {
              create: ((type, obj, opts) => {
                if (type === R.pods) {
                  attempts++;
                  if (allowed-- <= 0) throw new StatusError({ code: 403, reason: 'Forbidden', message: 'pods "web-" is forbidden: exceeded quota' });
                }
                return c.create(type, obj, opts);
              }) as typeof c.create,
            }),
    });
    mc.client.create(R.replicaSets, replicaSetManifest('web', 10));
    mc.settle();
    // Batches 1 and 2 succeed, the batch of 4 has one success and three failures: 7 attempts, 4 pods.
    // Later syncs (pods observed, rate-limited retries) each try one pod and fail.
    expect(perSync[0]).toBe(7);
    expect(perSync.slice(1).every((n) => n === 1)).toBe(true);
    expect(mc.client.list<Pod>(R.pods, { namespace: 'default' }).items).toHaveLength(4);
    const rs = mc.client.get<ReplicaSet>(R.replicaSets, 'default', 'web');
    expect(condition(rs, 'ReplicaFailure')).toMatchObject({ reason: 'FailedCreate', message: 'pods "web-" is forbidden: exceeded quota' });
    mc.advance(SECOND);
    expect(perSync.slice(1).every((n) => n === 1)).toBe(true);
    expect(mc.client.list<Pod>(R.pods, { namespace: 'default' }).items).toHaveLength(4);
    // Once creations work the remaining 6 come, and the condition goes.
    allowed = 100;
    mc.advance(60 * SECOND);
    expect(mc.client.list<Pod>(R.pods, { namespace: 'default' }).items).toHaveLength(10);
    expect(condition(mc.client.get<ReplicaSet>(R.replicaSets, 'default', 'web'), 'ReplicaFailure')).toBeUndefined();
  });

  it('creates at most 500 pods per sync (BurstReplicas)', () => {
    let attempts = 0;
    const { controller, perSync } = counted(() => attempts);
    const mc = miniCluster([serviceAccountController(), controller], {
      wrap: (name, c) =>
        name !== 'replicaset-controller'
          ? c
          : wrapClient(c, {
              create: ((type, obj, opts) => {
                if (type === R.pods) attempts++;
                return c.create(type, obj, opts);
              }) as typeof c.create,
            }),
    });
    mc.client.create(R.replicaSets, replicaSetManifest('web', 600));
    mc.settle();
    expect(perSync).toEqual([500, 100]);
    expect(mc.client.list<Pod>(R.pods, { namespace: 'default' }).items).toHaveLength(600);
  });

  it('stops managing pods once the ReplicaSet is being deleted', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.replicaSets, replicaSetManifest('web', 2));
    tc.client.delete(R.replicaSets, 'default', 'web', { propagationPolicy: 'Orphan' });
    tc.cluster.settle();
    expect(tc.get(R.replicaSets, 'web')).toBeUndefined();
    const pods = tc.pods();
    expect(pods).toHaveLength(2);
    for (const p of pods) expect(p.metadata.ownerReferences ?? []).toEqual([]);
  });
});


describe('ReplicaSet controller in a terminating namespace', () => {
  it('treats refused creations as done: no FailedCreate event, no ReplicaFailure', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as KubeObject);
    tc.cluster.settle();
    // A finalizer keeps the ReplicaSet, and so the namespace, around while the namespace terminates.
    tc.create(R.replicaSets, { ...replicaSetManifest('web', 1), metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, finalizers: ['example.com/keep'] } });
    tc.client.delete(R.namespaces, undefined, 'shop');
    tc.cluster.settle();
    expect(tc.get(R.namespaces, 'shop')?.metadata.deletionTimestamp).toBeDefined();
    tc.client.patch(R.replicaSets, 'shop', 'web', { spec: { replicas: 3 } }, 'merge');
    tc.advance(10 * SECOND);
    const rs = tc.get<ReplicaSet>(R.replicaSets, 'web', 'shop')!;
    expect(tc.events('ReplicaSet', 'web', 'shop').filter((e) => e.startsWith('FailedCreate'))).toEqual([]);
    expect(condition(rs, 'ReplicaFailure')).toBeUndefined();
  });
});
