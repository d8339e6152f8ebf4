import { describe, expect, it } from 'vitest';
import { R, type Pod, type StatefulSet, type Stored } from '../../../src/engine/index.ts';
import { testCluster } from './helpers.ts';

const sts = (extra = '', replicas = 3) => `
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
${extra}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
  volumeClaimTemplates:
    - metadata: {name: www}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
`;

/**
 * Waits for the set's pods to be ready. Their claims use the default class
 * (WaitForFirstConsumer): the scheduler binds each pod once its volume is
 * provisioned and bound (VolumeBinding's PreBind checks every second).
 */
function ready(t: ReturnType<typeof testCluster>, n: number): void {
  const at = t.until(() => (t.get(R.statefulSets, 'web') as Stored<StatefulSet> | undefined)?.status?.readyReplicas === n, 60_000);
  expect(at).toBeGreaterThanOrEqual(0);
}

describe('statefulset-controller', () => {
  it('creates pods one at a time in ordinal order, with stable identity and claims', () => {
    const t = testCluster();
    t.apply(sts());
    ready(t, 3);
    const names = t.pods('web-').map((p) => p.metadata.name);
    expect(names).toEqual(['web-0', 'web-1', 'web-2']);
    const p0 = t.get(R.pods, 'web-0') as Stored & { spec: { hostname?: string; subdomain?: string; volumes?: unknown[] } };
    expect(p0.spec.hostname).toBe('web-0');
    expect(p0.spec.subdomain).toBe('web');
    expect(p0.metadata.labels?.['statefulset.kubernetes.io/pod-name']).toBe('web-0');
    expect(p0.metadata.labels?.['apps.kubernetes.io/pod-index']).toBe('0');
    expect(t.list(R.persistentVolumeClaims, 'default').map((c) => c.metadata.name)).toEqual(['www-web-0', 'www-web-1', 'www-web-2']);
    const set = t.get(R.statefulSets, 'web') as Stored & { status: Record<string, unknown> };
    expect(set.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3 });
    expect(set.status.currentRevision).toBe(set.status.updateRevision);
  });
});

describe('statefulset-controller, scaling and updates', () => {
  const events = (t: ReturnType<typeof testCluster>, reason: string) => t.events(reason).map((e) => e.message);

  it('scales down from the highest ordinal, one at a time, keeping claims by default', () => {
    const t = testCluster();
    t.apply(sts('', 4));
    ready(t, 4);
    t.update<StatefulSet>(R.statefulSets, 'web', (s) => (s.spec.replicas = 1));
    t.until(() => t.pods('web-').length === 1);
    expect(events(t, 'SuccessfulDelete')).toEqual(['delete Pod web-3 in StatefulSet web successful', 'delete Pod web-2 in StatefulSet web successful', 'delete Pod web-1 in StatefulSet web successful']);
    expect(t.list(R.persistentVolumeClaims, 'default').length).toBe(4);
  });

  it('deletes the claims of removed ordinals with whenScaled: Delete', () => {
    const t = testCluster();
    t.apply(sts('  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain, whenScaled: Delete}', 3));
    t.update<StatefulSet>(R.statefulSets, 'web', (s) => (s.spec.replicas = 1));
    expect(t.until(() => t.list(R.persistentVolumeClaims, 'default').length === 1, 120_000)).toBeGreaterThanOrEqual(0);
    expect(t.list(R.persistentVolumeClaims, 'default').map((c) => c.metadata.name)).toEqual(['www-web-0']);
  });

  it('names pods from spec.ordinals.start', () => {
    const t = testCluster();
    t.apply(sts('  ordinals: {start: 5}', 2));
    ready(t, 2);
    expect(t.pods('web-').map((p) => p.metadata.name)).toEqual(['web-5', 'web-6']);
  });

  it('updates one pod at a time unless MaxUnavailableStatefulSet is on', () => {
    const deleted = (gate: boolean) => {
      const t = testCluster({ controllers: { featureGates: { MaxUnavailableStatefulSet: gate } } });
      t.apply(sts('  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}\n  podManagementPolicy: Parallel', 4));
      ready(t, 4);
      // New pods take 10 s to become ready: count what the controller deletes at the instant of the update.
      t.update<StatefulSet>(R.statefulSets, 'web', (s) => {
        s.spec.template.spec!.containers[0].image = 'nginx:1.28';
        s.spec.template.metadata!.annotations = { 'kubecuke.io/ready-after': '10s' };
        s.spec.template.spec!.containers[0].readinessProbe = { httpGet: { path: '/', port: 80 }, periodSeconds: 1 };
      });
      return t.events('SuccessfulDelete').length;
    };
    expect(deleted(false)).toBe(1);
    expect(deleted(true)).toBe(2);
  });

  it('recreates a pod that failed, with the same name', () => {
    const t = testCluster();
    t.apply(sts('', 1));
    const uid = t.get(R.pods, 'web-0')!.metadata.uid;
    const pod = t.get<Pod>(R.pods, 'web-0') as Stored<Pod>;
    t.cluster.client().updateStatus(R.pods, { ...pod, status: { ...pod.status, phase: 'Failed' } });
    t.cluster.settle();
    expect(t.until(() => (t.get(R.pods, 'web-0')?.metadata.uid ?? uid) !== uid)).toBeGreaterThanOrEqual(0);
  });
});
