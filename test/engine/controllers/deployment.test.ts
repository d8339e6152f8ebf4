import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { Deployment, KubeObject, Pod, ReplicaSet } from '../../../src/engine/api/types.ts';
import { isPodReady } from '../../../src/engine/api/pod.ts';
import { clone } from '../../../src/engine/api/meta.ts';
import { condition, deploymentManifest, testCluster, SECOND, MINUTE, type TestCluster } from './cluster-helpers.ts';

const dOf = (tc: TestCluster, name = 'web') => tc.get<Deployment>(R.deployments, name)!;
const setsOf = (tc: TestCluster) =>
  tc.client
    .list<ReplicaSet>(R.replicaSets, { namespace: 'default' })
    .items.sort((a, b) => Number(a.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0) - Number(b.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0));
const setImage = (tc: TestCluster, image: string, name = 'web') => {
  const d = clone(dOf(tc, name));
  d.spec.template.spec!.containers[0].image = image;
  tc.client.update(R.deployments, d);
  tc.cluster.settle();
};
const scaleEvents = (tc: TestCluster) => tc.events('Deployment', 'web').filter((e) => e.startsWith('ScalingReplicaSet'));
const RU = (maxSurge: number | string, maxUnavailable: number | string): Deployment['spec']['strategy'] => ({ type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } });
/** Pods that become ready 5 s after they start: the process listens then, and a readiness probe sees it. */
const readyAfter5s = { annotations: { 'kubecuke.io/ready-after': '5s' }, container: { readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 } } };

describe('Deployment controller: creation and scaling', () => {
  it('creates a ReplicaSet named after the template hash, with revision annotations, and reports status and conditions', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.deployments, deploymentManifest('web', 3));
    const [rs] = setsOf(tc);
    const hash = rs.metadata.labels!['pod-template-hash'];
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs.metadata.name).toBe(`web-${hash}`);
    expect(rs.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.spec.template!.metadata!.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(rs.metadata.annotations).toEqual({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true, blockOwnerDeletion: true });
    for (const p of tc.pods()) expect(p.metadata.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(scaleEvents(tc)).toEqual([`ScalingReplicaSet: Scaled up replica set web-${hash} from 0 to 3`]);

    const d = dOf(tc);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status?.unavailableReplicas).toBeUndefined();
    expect(condition(d, 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' });
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "web-${hash}" has successfully progressed.` });
  });

  it('scales its only ReplicaSet and updates the replica annotations', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.deployments, deploymentManifest('web', 2));
    tc.client.patch(R.deployments, 'default', 'web', { spec: { replicas: 5 } }, 'merge');
    tc.cluster.settle();
    const [rs] = setsOf(tc);
    expect(rs.spec.replicas).toBe(5);
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe('5');
    expect(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas']).toBe('7');
    expect(scaleEvents(tc).at(-1)).toBe(`ScalingReplicaSet: Scaled up replica set ${rs.metadata.name} from 2 to 5`);
    tc.client.patch(R.deployments, 'default', 'web', { spec: { replicas: 1 } }, 'merge');
    tc.cluster.settle();
    expect(scaleEvents(tc).at(-1)).toBe(`ScalingReplicaSet: Scaled down replica set ${rs.metadata.name} from 5 to 1`);
    expect(dOf(tc).status).toMatchObject({ replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
  });

  it('is not Available while too few pods are ready, and says the new set is progressing', () => {
    const tc = testCluster({ nodes: 2 });
    tc.cluster.missingImages.add('nginx:9.9');
    tc.create(R.deployments, deploymentManifest('web', 4, { image: 'nginx:9.9' }));
    tc.advance(5 * SECOND);
    const d = dOf(tc);
    const [rs] = setsOf(tc);
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, unavailableReplicas: 4 });
    expect(condition(d, 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
    expect(condition(d, 'Progressing')).toMatchObject({ status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rs.metadata.name}" is progressing.` });
  });

  it('reports ProgressDeadlineExceeded when no progress is made for progressDeadlineSeconds', () => {
    const tc = testCluster({ nodes: 2 });
    tc.cluster.missingImages.add('nginx:9.9');
    tc.create(R.deployments, deploymentManifest('web', 2, { image: 'nginx:9.9', progressDeadlineSeconds: 60 }));
    const last = Date.parse(String(condition(dOf(tc), 'Progressing')!.lastUpdateTime));
    const waited = tc.until(() => condition(dOf(tc), 'Progressing')?.reason === 'ProgressDeadlineExceeded', 5 * MINUTE, 250);
    const at = tc.cluster.clock.now();
    // Checked again one second after the deadline passes (requeueStuckDeployment adds a second).
    expect(at - last).toBeGreaterThan(60 * SECOND);
    expect(at - last).toBeLessThanOrEqual(62 * SECOND);
    expect(waited).toBeGreaterThan(0);
    const [rs] = setsOf(tc);
    expect(condition(dOf(tc), 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rs.metadata.name}" has timed out progressing.` });
  });

  it('carries the new ReplicaSet\'s ReplicaFailure condition', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.deployments, deploymentManifest('web', 2, { spec: { serviceAccountName: 'robot' } }));
    tc.advance(5 * SECOND);
    const [rs] = setsOf(tc);
    const rsCond = condition(rs, 'ReplicaFailure')!;
    expect(rsCond).toMatchObject({ status: 'True', reason: 'FailedCreate' });
    expect(condition(dOf(tc), 'ReplicaFailure')).toEqual({
      type: 'ReplicaFailure',
      status: 'True',
      reason: 'FailedCreate',
      message: rsCond.message,
      lastTransitionTime: rsCond.lastTransitionTime,
      lastUpdateTime: rsCond.lastTransitionTime,
    });
    tc.create(R.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'default' } } as KubeObject);
    tc.until(() => dOf(tc).status?.availableReplicas === 2, 20 * MINUTE);
    tc.advance(SECOND);
    expect(condition(dOf(tc), 'ReplicaFailure')).toBeUndefined();
  });

  it('without a progress deadline has no Progressing condition', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.deployments, deploymentManifest('web', 1, { progressDeadlineSeconds: 2147483647 }));
    expect(condition(dOf(tc), 'Progressing')).toBeUndefined();
    expect(condition(dOf(tc), 'Available')).toMatchObject({ status: 'True' });
  });
});

describe('Deployment controller: rollouts', () => {
  /** Runs the cluster in 250 ms steps, checking the rollout's invariants, until the rollout completes. */
  function rollOut(tc: TestCluster, replicas: number, maxSurge: number, maxUnavailable: number, image: string) {
    let maxTotal = 0;
    let minReady = Number.POSITIVE_INFINITY;
    const check = () => {
      const sets = setsOf(tc);
      maxTotal = Math.max(maxTotal, sets.reduce((n, rs) => n + (rs.spec.replicas ?? 0), 0));
      const ready = tc.pods().filter((p) => !p.metadata.deletionTimestamp && isPodReady(p)).length;
      minReady = Math.min(minReady, ready);
    };
    setImage(tc, image);
    check();
    tc.until(() => {
      check();
      const d = dOf(tc);
      return condition(d, 'Progressing')?.reason === 'NewReplicaSetAvailable' && d.status?.updatedReplicas === replicas && d.status?.replicas === replicas;
    }, 10 * MINUTE, 250);
    return { maxTotal, minReady, limitTotal: replicas + maxSurge, limitReady: replicas - maxUnavailable };
  }

  it.each([
    [4, 1, 1],
    [5, 2, 0],
    [5, 0, 2],
    [10, 3, 2],
  ])('RollingUpdate of %i replicas (maxSurge %i, maxUnavailable %i) stays within both limits', (replicas, surge, unavailable) => {
    const tc = testCluster({ nodes: 3 });
    tc.create(R.deployments, deploymentManifest('web', replicas, { strategy: RU(surge, unavailable), ...readyAfter5s }));
    tc.advance(10 * SECOND);
    const r = rollOut(tc, replicas, surge, unavailable, 'nginx:1.28');
    expect(r.maxTotal).toBeLessThanOrEqual(r.limitTotal);
    expect(r.minReady).toBeGreaterThanOrEqual(r.limitReady);
    if (surge > 0) expect(r.maxTotal).toBe(r.limitTotal);
    const [old, current] = setsOf(tc);
    expect([old.spec.replicas, current.spec.replicas]).toEqual([0, replicas]);
    expect(tc.pods().every((p) => p.spec.containers[0].image === 'nginx:1.28')).toBe(true);
    expect(dOf(tc).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('RollingUpdate steps the sets as upstream: new up within the surge, old down within the unavailability', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.deployments, deploymentManifest('web', 4, { strategy: RU(1, 1), ...readyAfter5s }));
    tc.advance(10 * SECOND);
    rollOut(tc, 4, 1, 1, 'nginx:1.28');
    const [old, cur] = setsOf(tc).map((rs) => rs.metadata.name);
    const steps = scaleEvents(tc)
      .slice(1)
      .map((e) => e.replace('ScalingReplicaSet: Scaled ', '').replace(old, 'old').replace(cur, 'new'));
    expect(steps).toEqual([
      'up replica set new from 0 to 1',
      'down replica set old from 4 to 3',
      'up replica set new from 1 to 2',
      'down replica set old from 3 to 1',
      'up replica set new from 2 to 4',
      'down replica set old from 1 to 0',
    ]);
  });

  it('scales unhealthy old pods down first', () => {
    const tc = testCluster({ nodes: 2 });
    tc.cluster.missingImages.add('nginx:9.9');
    tc.create(R.deployments, deploymentManifest('web', 3, { strategy: RU(1, 0), image: 'nginx:9.9' }));
    // No old pod is available, so cleanupUnhealthyReplicas may remove them all at once.
    setImage(tc, 'nginx:1.28');
    tc.advance(5 * SECOND);
    const [old, cur] = setsOf(tc);
    expect([old.spec.replicas, cur.spec.replicas]).toEqual([0, 3]);
  });

  it('Recreate scales the old set to zero and starts the new pods only once the old ones are gone', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.deployments, deploymentManifest('web', 3, { strategy: { type: 'Recreate' } }));
    const overlap: string[] = [];
    const unsubscribe = tc.client.watch<Pod>(R.pods, { namespace: 'default' }, () => {
      const images = new Set(tc.pods().map((p) => p.spec.containers[0].image));
      if (images.size > 1) overlap.push([...images].join(','));
    });
    setImage(tc, 'nginx:1.28');
    tc.until(() => dOf(tc).status?.updatedReplicas === 3 && dOf(tc).status?.availableReplicas === 3, 5 * MINUTE);
    unsubscribe.stop();
    expect(overlap).toEqual([]);
    const [old, cur] = setsOf(tc).map((rs) => rs.metadata.name);
    expect(scaleEvents(tc).slice(1)).toEqual([`ScalingReplicaSet: Scaled down replica set ${old} from 3 to 0`, `ScalingReplicaSet: Scaled up replica set ${cur} from 0 to 3`]);
  });

  it('spreads a scale-up mid-rollout proportionally over the new and old sets', () => {
    const tc = testCluster({ nodes: 3 });
    tc.cluster.missingImages.add('nginx:9.9');
    tc.create(R.deployments, deploymentManifest('web', 10, { strategy: RU(3, 2) }));
    setImage(tc, 'nginx:9.9');
    tc.advance(10 * SECOND);
    // Stuck: the new pods never become available.
    expect(setsOf(tc).map((rs) => rs.spec.replicas)).toEqual([8, 5]);
    tc.client.patch(R.deployments, 'default', 'web', { spec: { replicas: 20 } }, 'merge');
    tc.advance(10 * SECOND);
    // 23 allowed, 13 running: the larger old set gets round(8*23/13)-8 = 6, the new one the remaining 4.
    const [old, cur] = setsOf(tc);
    expect([old.spec.replicas, cur.spec.replicas]).toEqual([14, 9]);
    for (const rs of [old, cur]) {
      expect(rs.metadata.annotations?.['deployment.kubernetes.io/desired-replicas']).toBe('20');
      expect(rs.metadata.annotations?.['deployment.kubernetes.io/max-replicas']).toBe('23');
    }
    expect(scaleEvents(tc).slice(-2).sort()).toEqual([`ScalingReplicaSet: Scaled up replica set ${cur.metadata.name} from 5 to 9`, `ScalingReplicaSet: Scaled up replica set ${old.metadata.name} from 8 to 14`].sort());
  });

  it('rolling back reuses the old ReplicaSet with a new revision and keeps its history', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.deployments, deploymentManifest('web', 2, { image: 'nginx:1.27' }));
    const [first] = setsOf(tc);
    setImage(tc, 'nginx:1.28');
    tc.advance(MINUTE);
    setImage(tc, 'nginx:1.27');
    tc.advance(MINUTE);
    const back = tc.get<ReplicaSet>(R.replicaSets, first.metadata.name)!;
    expect(back.metadata.uid).toBe(first.metadata.uid);
    expect(back.spec.replicas).toBe(2);
    expect(back.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(back.metadata.annotations?.['deployment.kubernetes.io/revision-history']).toBe('1');
    expect(dOf(tc).metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(setsOf(tc)).toHaveLength(2);
  });

  it('deletes old ReplicaSets beyond revisionHistoryLimit, oldest revision first', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.deployments, deploymentManifest('web', 1, { revisionHistoryLimit: 1, image: 'nginx:1.25' }));
    for (const image of ['nginx:1.26', 'nginx:1.27', 'nginx:1.28']) {
      setImage(tc, image);
      tc.advance(MINUTE);
    }
    const sets = setsOf(tc);
    expect(sets.map((rs) => [rs.spec.template!.spec!.containers[0].image, rs.metadata.annotations?.['deployment.kubernetes.io/revision']])).toEqual([
      ['nginx:1.27', '3'],
      ['nginx:1.28', '4'],
    ]);
  });

  it('with revisionHistoryLimit 0 keeps only the current ReplicaSet', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.deployments, deploymentManifest('web', 1, { revisionHistoryLimit: 0 }));
    setImage(tc, 'nginx:1.28');
    tc.advance(MINUTE);
    expect(setsOf(tc).map((rs) => rs.spec.template!.spec!.containers[0].image)).toEqual(['nginx:1.28']);
  });

  it('a paused deployment makes no new ReplicaSet and says so; resuming rolls out', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.deployments, deploymentManifest('web', 2));
    tc.client.patch(R.deployments, 'default', 'web', { spec: { paused: true } }, 'merge');
    tc.cluster.settle();
    setImage(tc, 'nginx:1.28');
    tc.advance(MINUTE);
    expect(setsOf(tc)).toHaveLength(1);
    expect(condition(dOf(tc), 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
    // Scaling still works while paused.
    tc.client.patch(R.deployments, 'default', 'web', { spec: { replicas: 3 } }, 'merge');
    tc.cluster.settle();
    expect(setsOf(tc)[0].spec.replicas).toBe(3);
    tc.client.patch(R.deployments, 'default', 'web', { spec: { paused: false } }, 'merge');
    tc.advance(MINUTE);
    expect(setsOf(tc)).toHaveLength(2);
    expect(condition(dOf(tc), 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
  });
});


describe('Deployment controller: Recreate waiting for old pods', () => {
  it('creates the new ReplicaSet only after the old pods have finished terminating', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.deployments, deploymentManifest('web', 2, { strategy: { type: 'Recreate' }, image: 'busybox', command: ['sh', '-c', 'sleep 3600'] }));
    const d = clone(dOf(tc));
    d.spec.template.spec!.containers[0].command = ['sh', '-c', 'sleep 7200'];
    tc.client.update(R.deployments, d);
    tc.cluster.settle();
    // The old pods ignore SIGTERM (a shell as PID 1) and are killed after the 30 s grace period.
    tc.advance(10 * SECOND);
    expect(setsOf(tc)).toHaveLength(1);
    expect(setsOf(tc)[0].spec.replicas).toBe(0);
    expect(tc.pods().every((p) => p.metadata.deletionTimestamp)).toBe(true);
    tc.until(() => setsOf(tc).length === 2, MINUTE);
    expect(tc.elapsed()).toBeGreaterThanOrEqual(30 * SECOND);
    expect(tc.pods().filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(2);
    expect(tc.pods().filter((p) => p.metadata.deletionTimestamp)).toHaveLength(0);
  });
});

describe('Deployment controller: scaling a paused rollout', () => {
  it('does not take a new set sized for the old replica count as saturated (IsSaturated checks desired-replicas)', () => {
    const tc = testCluster({ nodes: 3 });
    tc.create(R.deployments, deploymentManifest('web', 10, { strategy: RU(0, 5), ...readyAfter5s }));
    tc.advance(10 * SECOND);
    setImage(tc, 'nginx:1.28');
    tc.advance(SECOND);
    tc.client.patch(R.deployments, 'default', 'web', { spec: { paused: true } }, 'merge');
    tc.advance(10 * SECOND);
    expect(setsOf(tc).map((rs) => [rs.spec.replicas, rs.status?.availableReplicas])).toEqual([
      [5, 5],
      [5, 5],
    ]);
    tc.client.patch(R.deployments, 'default', 'web', { spec: { replicas: 5 } }, 'merge');
    tc.advance(SECOND);
    // Proportional: 5 to remove, older set first on equal sizes: -2 each by fraction, the leftover -1 to the first.
    expect(setsOf(tc).map((rs) => rs.spec.replicas)).toEqual([2, 3]);
  });
});
