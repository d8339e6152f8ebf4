import { describe, expect, it } from 'vitest';
import { R, type PersistentVolume, type PersistentVolumeClaim } from '../../../src/engine/index.ts';
import { testCluster } from './helpers.ts';

const fastClass = `
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fast}
provisioner: ebs.csi.aws.com
reclaimPolicy: Delete
volumeBindingMode: Immediate
`;

const claim = (name: string, cls?: string, size = '1Gi') => `
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: ${name}}
spec:
  accessModes: [ReadWriteOnce]
${cls === undefined ? '' : `  storageClassName: "${cls}"\n`}  resources: {requests: {storage: ${size}}}
`;

describe('persistentvolume-controller and the external provisioner', () => {
  it('provisions and binds a claim of an Immediate class', () => {
    const t = testCluster();
    t.apply(fastClass);
    t.apply(claim('data', 'fast'));
    const pvc = t.get<PersistentVolumeClaim>(R.persistentVolumeClaims, 'data')!;
    expect(pvc.status?.phase).toBe('Bound');
    expect(pvc.spec.volumeName).toBe(`pvc-${pvc.metadata.uid}`);
    expect(pvc.metadata.annotations).toMatchObject({ 'pv.kubernetes.io/bind-completed': 'yes', 'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com' });
    expect(pvc.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    const pv = t.get<PersistentVolume>(R.persistentVolumes, pvc.spec.volumeName!)!;
    expect(pv.status?.phase).toBe('Bound');
    expect(pv.spec.persistentVolumeReclaimPolicy).toBe('Delete');
    expect(t.events('ProvisioningSucceeded').length).toBe(1);
  });

  it('gives a claim without a class the default class, and waits for a consumer', () => {
    const t = testCluster();
    t.apply(claim('data'));
    const pvc = t.get<PersistentVolumeClaim>(R.persistentVolumeClaims, 'data')!;
    expect(pvc.spec.storageClassName).toBe('standard');
    expect(pvc.status?.phase).toBe('Pending');
    expect(t.events('WaitForFirstConsumer')[0].message).toBe('waiting for first consumer to be created before binding');
    // The scheduler's VolumeBinding plugin picks a node: the provisioner makes a volume there.
    t.update<PersistentVolumeClaim>(R.persistentVolumeClaims, 'data', (c) => (c.metadata.annotations = { ...(c.metadata.annotations ?? {}), 'volume.kubernetes.io/selected-node': 'node-2' }));
    const bound = t.get<PersistentVolumeClaim>(R.persistentVolumeClaims, 'data')!;
    expect(bound.status?.phase).toBe('Bound');
    const pv = t.get<PersistentVolume>(R.persistentVolumes, bound.spec.volumeName!)!;
    expect(pv.spec.nodeAffinity?.required?.nodeSelectorTerms?.[0].matchExpressions?.[0]).toEqual({ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-2'] });
  });

  it('binds the smallest matching static volume, and keeps a Retain volume Released after its claim goes', () => {
    const t = testCluster();
    const pv = (name: string, size: string) => `
apiVersion: v1
kind: PersistentVolume
metadata: {name: ${name}}
spec:
  capacity: {storage: ${size}}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  hostPath: {path: /data/${name}}
`;
    t.apply(pv('big', '10Gi') + '---' + pv('small', '2Gi'));
    t.apply(claim('data', '', '1Gi'));
    expect(t.get<PersistentVolumeClaim>(R.persistentVolumeClaims, 'data')!.spec.volumeName).toBe('small');
    t.cluster.client().delete(R.persistentVolumeClaims, 'default', 'data');
    t.cluster.settle();
    expect(t.get<PersistentVolumeClaim>(R.persistentVolumeClaims, 'data')).toBeUndefined();
    expect(t.get<PersistentVolume>(R.persistentVolumes, 'small')!.status?.phase).toBe('Released');
  });

  it('keeps a claim in use until its pod is gone', () => {
    const t = testCluster();
    t.apply(fastClass);
    t.apply(claim('data', 'fast'));
    t.apply(`
apiVersion: v1
kind: Pod
metadata: {name: user}
spec:
  containers: [{name: c, image: "nginx:1.27"}]
  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]
`);
    t.cluster.client().delete(R.persistentVolumeClaims, 'default', 'data');
    t.cluster.settle();
    expect(t.get<PersistentVolumeClaim>(R.persistentVolumeClaims, 'data')!.metadata.deletionTimestamp).toBeDefined();
    t.cluster.client().delete(R.pods, 'default', 'user');
    expect(t.until(() => !t.get(R.persistentVolumeClaims, 'data'), 60_000)).toBeGreaterThanOrEqual(0);
    // The volume, Delete by its class, goes with it.
    expect(t.until(() => t.list(R.persistentVolumes).length === 0, 60_000)).toBeGreaterThanOrEqual(0);
  });
});

describe('persistentvolume-controller, edge cases', () => {
  it('refuses a named volume that cannot serve the claim, and marks a claim Lost when its volume vanishes', () => {
    const t = testCluster();
    t.apply(`
apiVersion: v1
kind: PersistentVolume
metadata: {name: tiny}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /data/tiny}
`);
    t.apply(claim('big', '', '5Gi').replace('spec:\n', 'spec:\n  volumeName: tiny\n'));
    expect(t.events('VolumeMismatch')[0].message).toBe('Cannot bind to requested volume "tiny": requested PV is too small');
    expect(t.get<PersistentVolumeClaim>(R.persistentVolumeClaims, 'big')!.status?.phase).toBe('Pending');
    t.apply(claim('ok', '', '1Gi'));
    expect(t.get<PersistentVolumeClaim>(R.persistentVolumeClaims, 'ok')!.status?.phase).toBe('Bound');
    // The volume object is removed by force (its protection finalizer dropped): the bound claim is Lost.
    t.cluster.client().patch(R.persistentVolumes, undefined, 'tiny', [{ op: 'replace', path: '/metadata/finalizers', value: [] }], 'json');
    t.cluster.client().delete(R.persistentVolumes, undefined, 'tiny');
    t.cluster.settle();
    expect(t.get<PersistentVolumeClaim>(R.persistentVolumeClaims, 'ok')!.status?.phase).toBe('Lost');
    expect(t.events('ClaimLost')[0].message).toBe('Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
  });

  it('says so when a claim names no class and no volume fits', () => {
    const t = testCluster({ defaultStorageClass: false });
    t.apply(claim('data'));
    expect(t.events('FailedBinding')[0].message).toBe('no persistent volumes available for this claim and no storage class is set');
  });

  it('says so when the class does not exist', () => {
    const t = testCluster();
    t.apply(claim('data', 'gold'));
    expect(t.events('ProvisioningFailed')[0].message).toBe('storageclass.storage.k8s.io "gold" not found');
  });
});

describe('ephemeral-volume-controller', () => {
  const pod = `
apiVersion: v1
kind: Pod
metadata: {name: scratch}
spec:
  containers: [{name: c, image: "nginx:1.27"}]
  volumes:
    - name: cache
      ephemeral:
        volumeClaimTemplate:
          metadata: {labels: {purpose: cache}}
          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;
  it('creates the claim <pod>-<volume> with the template labels, controlled by the pod', () => {
    const t = testCluster();
    t.apply(pod);
    const pvc = t.get<PersistentVolumeClaim>(R.persistentVolumeClaims, 'scratch-cache')!;
    expect(pvc.metadata.labels).toEqual({ purpose: 'cache' });
    expect(pvc.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Pod', name: 'scratch', uid: t.get(R.pods, 'scratch')!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  });

  it('refuses a claim of that name made for something else', () => {
    const t = testCluster();
    t.apply(claim('scratch-cache', 'standard'));
    t.apply(pod);
    expect(t.events('FailedBinding').map((e) => e.message)).toContain('ephemeral volume cache: PVC default/scratch-cache was not created for pod default/scratch (pod is not owner)');
  });
});
