import { describe, it, expect } from 'vitest';
import type { KubeObject, PersistentVolume, PersistentVolumeClaim, Pod, Stored } from '../../../src/engine/api/types.ts';
import { CycleState, type Handle, type PreBindWait, type Status } from '../../../src/engine/scheduler/framework.ts';
import { volumeBinding } from '../../../src/engine/scheduler/plugins/volume-binding.ts';
import { volumeZone } from '../../../src/engine/scheduler/plugins/volume-zone.ts';
import { volumeRestrictions } from '../../../src/engine/scheduler/plugins/volume-restrictions.ts';
import { nodeVolumeLimits } from '../../../src/engine/scheduler/plugins/node-volume-limits.ts';
import { fakeHandle, filterAll, labeledNode, podOf } from './fake-handle.ts';

let rv = 100;
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, uid: `uid-${name}`, resourceVersion: String(++rv), creationTimestamp: '2025-01-01T00:00:00Z', ...extra });

function pvc(name: string, o: { class?: string; volumeName?: string; bound?: boolean; modes?: string[]; size?: string; annotations?: Record<string, string>; deleting?: boolean } = {}): Stored<PersistentVolumeClaim> {
  const annotations = { ...(o.annotations ?? {}), ...(o.bound ? { 'pv.kubernetes.io/bind-completed': 'yes' } : {}) };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: meta(name, { namespace: 'default', annotations, ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) }),
    spec: {
      accessModes: o.modes ?? ['ReadWriteOnce'],
      resources: { requests: { storage: o.size ?? '1Gi' } },
      ...(o.class !== undefined ? { storageClassName: o.class } : {}),
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
    },
    status: { phase: o.bound ? 'Bound' : 'Pending' },
  } as Stored<PersistentVolumeClaim>;
}

function pv(name: string, o: { class?: string; size?: string; hostname?: string; zone?: string; claim?: string; phase?: string; csi?: string } = {}): Stored<PersistentVolume> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: meta(name, { labels: o.zone ? { 'topology.kubernetes.io/zone': o.zone } : {} }),
    spec: {
      capacity: { storage: o.size ?? '10Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: o.class ?? '',
      ...(o.hostname ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.hostname] }] }] } } } : {}),
      ...(o.claim ? { claimRef: { namespace: 'default', name: o.claim, uid: `uid-${o.claim}` } } : {}),
      ...(o.csi ? { csi: { driver: o.csi, volumeHandle: name } } : { hostPath: { path: '/tmp' } }),
    },
    status: { phase: o.phase ?? 'Available' },
  } as Stored<PersistentVolume>;
}

const sc = (name: string, o: { provisioner?: string; mode?: string; zones?: string[] } = {}) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: meta(name),
  provisioner: o.provisioner ?? 'example.com/csi',
  volumeBindingMode: o.mode ?? 'WaitForFirstConsumer',
  ...(o.zones ? { allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: o.zones }] }] } : {}),
});

const withClaims = (...claims: string[]) => podOf('p', {}, { volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })) });

const nodes = () => [labeledNode('node-a', { 'kubernetes.io/hostname': 'node-a', 'topology.kubernetes.io/zone': 'a' }), labeledNode('node-b', { 'kubernetes.io/hostname': 'node-b', 'topology.kubernetes.io/zone': 'b' })];

/** A handle whose Client updates the objects the listers read (as the API server and informers would). */
function storageHandle(objects: Record<string, KubeObject[]>): Handle {
  const all = nodes();
  const handle = fakeHandle({ nodes: all, objects });
  handle.client = {
    update: (type: { resource: string }, obj: KubeObject) => {
      const list = objects[type.resource];
      const i = list.findIndex((x) => x.metadata.name === obj.metadata.name);
      const next = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
      list[i] = next;
      return next;
    },
  } as unknown as Handle['client'];
  return handle;
}

describe('VolumeBinding', () => {
  const NODE_CONFLICT = 'UnschedulableAndUnresolvable: node(s) had volume node affinity conflict';
  const BIND_CONFLICT = "UnschedulableAndUnresolvable: node(s) didn't find available persistent volumes to bind";
  it.each<[string, Stored<Pod>, Record<string, KubeObject[]>, Record<string, string>]>([
    ['a pod without claims is skipped', podOf('p'), {}, { 'node-a': 'Skip', 'node-b': 'Skip' }],
    [
      'a missing claim',
      withClaims('data'),
      { persistentvolumeclaims: [] },
      { 'node-a': 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" not found', 'node-b': 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" not found' },
    ],
    [
      'a claim being deleted',
      withClaims('data'),
      { persistentvolumeclaims: [pvc('data', { deleting: true })] },
      { 'node-a': 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" is being deleted', 'node-b': 'UnschedulableAndUnresolvable: persistentvolumeclaim "data" is being deleted' },
    ],
    [
      'an unbound claim of an Immediate class',
      withClaims('data'),
      { persistentvolumeclaims: [pvc('data', { class: 'fast' })], storageclasses: [sc('fast', { mode: 'Immediate' })] },
      { 'node-a': 'UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims', 'node-b': 'UnschedulableAndUnresolvable: pod has unbound immediate PersistentVolumeClaims' },
    ],
    [
      'a bound claim whose volume has node affinity',
      withClaims('data'),
      { persistentvolumeclaims: [pvc('data', { volumeName: 'pv1', bound: true })], persistentvolumes: [pv('pv1', { hostname: 'node-b', claim: 'data', phase: 'Bound' })] },
      { 'node-a': NODE_CONFLICT, 'node-b': 'Success' },
    ],
    [
      'a bound claim whose volume is gone',
      withClaims('data'),
      { persistentvolumeclaims: [pvc('data', { volumeName: 'gone', bound: true })], persistentvolumes: [] },
      {
        'node-a': 'UnschedulableAndUnresolvable: node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)',
        'node-b': 'UnschedulableAndUnresolvable: node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)',
      },
    ],
    [
      'WaitForFirstConsumer: a local volume on one node, a class that cannot provision',
      withClaims('data'),
      {
        persistentvolumeclaims: [pvc('data', { class: 'local' })],
        storageclasses: [sc('local', { provisioner: 'kubernetes.io/no-provisioner' })],
        persistentvolumes: [pv('pv1', { class: 'local', hostname: 'node-a' })],
      },
      { 'node-a': 'Success', 'node-b': BIND_CONFLICT },
    ],
    [
      'WaitForFirstConsumer: a volume too small does not match',
      withClaims('data'),
      {
        persistentvolumeclaims: [pvc('data', { class: 'local', size: '20Gi' })],
        storageclasses: [sc('local', { provisioner: 'kubernetes.io/no-provisioner' })],
        persistentvolumes: [pv('pv1', { class: 'local', hostname: 'node-a', size: '10Gi' })],
      },
      { 'node-a': BIND_CONFLICT, 'node-b': BIND_CONFLICT },
    ],
    [
      'WaitForFirstConsumer: provisioning anywhere the class allows',
      withClaims('data'),
      { persistentvolumeclaims: [pvc('data', { class: 'zonal' })], storageclasses: [sc('zonal', { zones: ['b'] })] },
      { 'node-a': BIND_CONFLICT, 'node-b': 'Success' },
    ],
    [
      'WaitForFirstConsumer: a claim already given a node',
      withClaims('data'),
      { persistentvolumeclaims: [pvc('data', { class: 'zonal', annotations: { 'volume.kubernetes.io/selected-node': 'node-a' } })], storageclasses: [sc('zonal')] },
      { 'node-a': 'Success', 'node-b': BIND_CONFLICT },
    ],
  ])('%s', (_what, p, objects, want) => {
    const h = storageHandle(objects);
    expect(filterAll(volumeBinding({}, h), p, [...h.nodes()], new CycleState())).toEqual(want);
  });

  it('narrows the nodes to those local volumes of bound claims name', () => {
    const h = storageHandle({ persistentvolumeclaims: [pvc('data', { volumeName: 'pv1', bound: true })], persistentvolumes: [pv('pv1', { hostname: 'node-b' })] });
    const r = volumeBinding({}, h).preFilter(new CycleState(), withClaims('data'), h.nodes());
    expect([...(r.result?.nodeNames ?? [])]).toEqual(['node-b']);
  });

  it('annotates a WaitForFirstConsumer claim with the chosen node and waits until it is bound', () => {
    const objects: Record<string, KubeObject[]> = { persistentvolumeclaims: [pvc('data', { class: 'zonal' })], storageclasses: [sc('zonal')], persistentvolumes: [] };
    const h = storageHandle(objects);
    const plugin = volumeBinding({}, h);
    const state = new CycleState();
    const p = withClaims('data');
    plugin.preFilter(state, p, h.nodes());
    for (const n of h.nodes()) plugin.filter(state, p, n);
    expect(plugin.reserve(state, p, 'node-b').code).toBe('Success');
    const wait = plugin.preBind(state, p, 'node-b') as PreBindWait;
    expect(wait.code).toBe('Wait');
    expect([wait.intervalMs, wait.timeoutMs]).toEqual([1000, 600_000]);
    const claim = objects.persistentvolumeclaims[0] as Stored<PersistentVolumeClaim>;
    expect(claim.metadata.annotations?.['volume.kubernetes.io/selected-node']).toBe('node-b');
    expect(wait.check()).toBeUndefined();
    // The provisioner and the PV controller bind it.
    objects.persistentvolumeclaims[0] = { ...claim, metadata: { ...claim.metadata, resourceVersion: String(++rv), annotations: { ...claim.metadata.annotations, 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { ...claim.spec, volumeName: 'pvc-1' } };
    objects.persistentvolumes.push(pv('pvc-1', { class: 'zonal', claim: 'data', phase: 'Bound' }));
    expect((wait.check() as Status).code).toBe('Success');
  });

  it('fails the binding when the provisioner hands the claim back (removes selected-node)', () => {
    const objects: Record<string, KubeObject[]> = { persistentvolumeclaims: [pvc('data', { class: 'zonal' })], storageclasses: [sc('zonal')] };
    const h = storageHandle(objects);
    const plugin = volumeBinding({ bindTimeoutSeconds: 30 }, h);
    const state = new CycleState();
    const p = withClaims('data');
    plugin.preFilter(state, p, h.nodes());
    plugin.filter(state, p, h.nodes()[0]);
    plugin.reserve(state, p, 'node-a');
    const wait = plugin.preBind(state, p, 'node-a') as PreBindWait;
    expect(wait.timeoutMs).toBe(30_000);
    const claim = objects.persistentvolumeclaims[0] as Stored<PersistentVolumeClaim>;
    objects.persistentvolumeclaims[0] = { ...claim, metadata: { ...claim.metadata, resourceVersion: String(++rv), annotations: {} } };
    expect(wait.check()).toEqual({ code: 'Error', reasons: ['binding volumes: provisioning failed for PVC "data"'] });
    expect(wait.timedOut().reasons).toEqual(['binding volumes: context deadline exceeded']);
  });

  it('binds a matching static volume by setting its claimRef', () => {
    const objects: Record<string, KubeObject[]> = {
      persistentvolumeclaims: [pvc('data', { class: 'local' })],
      storageclasses: [sc('local', { provisioner: 'kubernetes.io/no-provisioner' })],
      persistentvolumes: [pv('big', { class: 'local', hostname: 'node-a', size: '50Gi' }), pv('small', { class: 'local', hostname: 'node-a', size: '5Gi' })],
    };
    const h = storageHandle(objects);
    const plugin = volumeBinding({}, h);
    const state = new CycleState();
    const p = withClaims('data');
    plugin.preFilter(state, p, h.nodes());
    expect(plugin.filter(state, p, h.nodes()[0]).code).toBe('Success');
    plugin.reserve(state, p, 'node-a');
    plugin.preBind(state, p, 'node-a');
    // The smallest volume that fits is chosen.
    const small = objects.persistentvolumes.find((x) => x.metadata.name === 'small') as Stored<PersistentVolume>;
    expect(small.spec.claimRef?.name).toBe('data');
    expect(small.metadata.annotations?.['pv.kubernetes.io/bound-by-controller']).toBe('yes');
  });
});

describe('VolumeZone', () => {
  const CONFLICT = 'UnschedulableAndUnresolvable: node(s) had no available volume zone';
  it.each<[string, Record<string, KubeObject[]>, Record<string, string>]>([
    ['no claims with zoned volumes: skipped', { persistentvolumeclaims: [pvc('data', { volumeName: 'pv1' })], persistentvolumes: [pv('pv1')] }, { 'node-a': 'Skip', 'node-b': 'Skip' }],
    ['a volume in zone a', { persistentvolumeclaims: [pvc('data', { volumeName: 'pv1' })], persistentvolumes: [pv('pv1', { zone: 'a' })] }, { 'node-a': 'Success', 'node-b': CONFLICT }],
    ['a volume in zones a and b', { persistentvolumeclaims: [pvc('data', { volumeName: 'pv1' })], persistentvolumes: [pv('pv1', { zone: 'a__b' })] }, { 'node-a': 'Success', 'node-b': 'Success' }],
    [
      'an unbound WaitForFirstConsumer claim is left to VolumeBinding',
      { persistentvolumeclaims: [pvc('data', { class: 'wait' })], storageclasses: [sc('wait')] },
      { 'node-a': 'Skip', 'node-b': 'Skip' },
    ],
    [
      'an unbound Immediate claim',
      { persistentvolumeclaims: [pvc('data', { class: 'now' })], storageclasses: [sc('now', { mode: 'Immediate' })] },
      { 'node-a': 'UnschedulableAndUnresolvable: PersistentVolume had no name', 'node-b': 'UnschedulableAndUnresolvable: PersistentVolume had no name' },
    ],
  ])('%s', (_what, objects, want) => {
    const h = storageHandle(objects);
    expect(filterAll(volumeZone(h), withClaims('data'), [...h.nodes()], new CycleState())).toEqual(want);
  });

  it('lets nodes without any topology label take any volume', () => {
    const h = storageHandle({ persistentvolumeclaims: [pvc('data', { volumeName: 'pv1' })], persistentvolumes: [pv('pv1', { zone: 'a' })] });
    expect(filterAll(volumeZone(h), withClaims('data'), [labeledNode('plain', {})], new CycleState())).toEqual({ plain: 'Success' });
  });
});

describe('VolumeRestrictions', () => {
  const gce = (pdName: string, readOnly = false) => podOf(`g${pdName}${readOnly}`, {}, { volumes: [{ name: 'v', gcePersistentDisk: { pdName, readOnly } }] });
  it.each<[string, Stored<Pod>, Stored<Pod>[], string]>([
    ['no such volumes: skipped', podOf('p'), [gce('disk')], 'Skip'],
    ['the same GCE disk read-write', gce('disk'), [gce('disk')], 'Unschedulable: node(s) had no available disk'],
    ['the same GCE disk read-only by both', gce('disk', true), [gce('disk', true)], 'Success'],
    ['another GCE disk', gce('disk'), [gce('other')], 'Success'],
  ])('%s', (_what, p, existing, want) => {
    const n = labeledNode('n1', {}, existing);
    expect(filterAll(volumeRestrictions(fakeHandle({ nodes: [n] })), p, [n], new CycleState()).n1).toBe(want);
  });

  it('keeps a ReadWriteOncePod claim to one pod in the whole cluster', () => {
    const claim = pvc('data', { modes: ['ReadWriteOncePod'], volumeName: 'pv1', bound: true });
    const user = { ...withClaims('data'), metadata: { ...withClaims('data').metadata, name: 'user' } };
    const n1 = labeledNode('n1', {}, [user]);
    const n2 = labeledNode('n2', {});
    const plugin = volumeRestrictions(fakeHandle({ nodes: [n1, n2], objects: { persistentvolumeclaims: [claim] } }));
    const state = new CycleState();
    expect(filterAll(plugin, withClaims('data'), [n1, n2], state)).toEqual({
      n1: 'Unschedulable: node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode',
      n2: 'Unschedulable: node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode',
    });
    // Preempting the pod that holds it frees the claim.
    const copy = state.clone();
    plugin.preFilterExtensions!.removePod(copy, withClaims('data'), [...n1.pods.values()][0], n1);
    expect(plugin.filter(copy, withClaims('data'), n2).code).toBe('Success');
  });
});

describe('NodeVolumeLimits', () => {
  const csiNode = (count: number) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'CSINode', metadata: meta('n1'), spec: { drivers: [{ name: 'ebs.csi', nodeID: 'n1', allocatable: { count } }] } });
  const bound = (name: string) => [pvc(name, { volumeName: `pv-${name}`, bound: true }), pv(`pv-${name}`, { csi: 'ebs.csi', claim: name })] as const;
  it.each<[string, number, number, string]>([
    ['under the limit', 3, 1, 'Success'],
    ['at the limit', 2, 1, 'Success'],
    ['over the limit', 1, 1, 'Unschedulable: node(s) exceed max volume count'],
  ])('%s', (_what, limit, existingCount, want) => {
    const [c1, v1] = bound('c1');
    const [c2, v2] = bound('c2');
    const owner = { ...withClaims('c1'), metadata: { ...withClaims('c1').metadata, name: 'owner' } };
    const n = labeledNode('n1', {}, existingCount ? [owner] : []);
    const h = fakeHandle({ nodes: [n], objects: { persistentvolumeclaims: [c1, c2], persistentvolumes: [v1, v2], csinodes: [csiNode(limit)] } });
    expect(filterAll(nodeVolumeLimits(h), withClaims('c2'), [n], new CycleState()).n1).toBe(want);
  });

  it('counts a volume shared with a pod already on the node once, and nodes without limits pass', () => {
    const [c1, v1] = bound('c1');
    const owner = { ...withClaims('c1'), metadata: { ...withClaims('c1').metadata, name: 'owner' } };
    const n = labeledNode('n1', {}, [owner]);
    const h = fakeHandle({ nodes: [n], objects: { persistentvolumeclaims: [c1], persistentvolumes: [v1], csinodes: [csiNode(1)] } });
    expect(filterAll(nodeVolumeLimits(h), withClaims('c1'), [n], new CycleState()).n1).toBe('Success');
    const noLimits = fakeHandle({ nodes: [n], objects: { persistentvolumeclaims: [c1], persistentvolumes: [v1] } });
    expect(filterAll(nodeVolumeLimits(noLimits), withClaims('c1'), [n], new CycleState()).n1).toBe('Success');
  });
});
