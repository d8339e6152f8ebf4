/**
 * The FailedScheduling message of every filter, on a running cluster, in
 * upstream's words: the reasons counted over nodes and sorted, then
 * preemption's verdict.
 */
import { describe, it, expect } from 'vitest';
import { R, createCluster, type Cluster, type KubeObject, type NodeOptions, type Pod, type Stored } from '../../../src/engine/index.ts';

function cluster(nodes: number | NodeOptions[] = 3): Cluster {
  return createCluster({ seed: 1, nodes });
}

function apply(c: Cluster, ...objects: Array<Record<string, unknown>>): void {
  const client = c.client();
  for (const o of objects) {
    const type = o.kind === 'Pod' ? R.pods : o.kind === 'PersistentVolumeClaim' ? R.persistentVolumeClaims : o.kind === 'PersistentVolume' ? R.persistentVolumes : o.kind === 'StorageClass' ? R.storageClasses : R.priorityClasses;
    client.create(type, { metadata: { namespace: 'default' }, ...o } as unknown as KubeObject);
    c.settle();
  }
}

function pod(name: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(labels ? { labels } : {}) }, spec: { containers: [{ name: 'c', image: 'nginx', ...((spec.container as object) ?? {}) }], ...spec, container: undefined } };
}

const requests = (r: Record<string, string>) => ({ container: { resources: { requests: r } } });

/** The PodScheduled=False message of a pod (the full FailedScheduling message). */
function message(c: Cluster, name: string): string {
  const p = c.client().get<Pod>(R.pods, 'default', name) as Stored<Pod>;
  expect(p.spec.nodeName, `pod ${name} was scheduled`).toBeUndefined();
  return p.status?.conditions?.find((x) => x.type === 'PodScheduled')?.message ?? '';
}

const NOT_HELPFUL = (n: number) => `preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`;
const NO_VICTIMS = (n: number) => `preemption: 0/${n} nodes are available: ${n} No preemption victims found for incoming pod.`;

describe('FailedScheduling messages', () => {
  it('NodeResourcesFit: more than any node has', () => {
    const c = cluster();
    apply(c, pod('big', requests({ cpu: '8' })));
    expect(message(c, 'big')).toBe(`0/3 nodes are available: 3 Insufficient cpu. ${NOT_HELPFUL(3)}`);
  });

  it('NodeResourcesFit: more than is left, and nothing to preempt', () => {
    const c = cluster(2);
    apply(c, pod('a', requests({ cpu: '3', memory: '1Gi' })), pod('b', requests({ cpu: '3', memory: '1Gi' })), pod('c', requests({ cpu: '3', memory: '14Gi' })));
    expect(message(c, 'c')).toBe(`0/2 nodes are available: 2 Insufficient cpu. ${NO_VICTIMS(2)}`);
  });

  it('NodeResourcesFit: several resources and too many pods', () => {
    const c = cluster([{ name: 'n1', cpu: '1', memory: '1Gi', pods: 1 }, { name: 'n2', cpu: '1', memory: '1Gi', pods: 2 }]);
    apply(c, pod('x'), pod('y', requests({ cpu: '2', memory: '2Gi' })));
    // The first pod went to one node; the other fits nowhere for cpu and memory, and one node is full.
    const m = message(c, 'y');
    expect(m.startsWith('0/2 nodes are available: ')).toBe(true);
    expect(m).toContain('2 Insufficient cpu, 2 Insufficient memory');
  });

  it('NodeUnschedulable and TaintToleration, counted and sorted', () => {
    const c = cluster([{ name: 'n1' }, { name: 'n2', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }, { name: 'n3' }]);
    const client = c.client();
    const n3 = client.get(R.nodes, undefined, 'n3');
    client.update(R.nodes, { ...n3, spec: { ...(n3.spec as object), unschedulable: true } });
    c.settle();
    const n1 = client.get(R.nodes, undefined, 'n1');
    client.update(R.nodes, { ...n1, spec: { ...(n1.spec as object), taints: [{ key: 'team', value: 'a', effect: 'NoExecute' }] } });
    c.settle();
    apply(c, pod('p'));
    expect(message(c, 'p')).toBe(`0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) had untolerated taint {team: a}, 1 node(s) were unschedulable. ${NOT_HELPFUL(3)}`);
  });

  it('NodeAffinity: nodeSelector, and a node name pinned by a PreFilter result', () => {
    const c = cluster();
    apply(c, pod('sel', { nodeSelector: { disktype: 'ssd' } }));
    expect(message(c, 'sel')).toBe(`0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. ${NOT_HELPFUL(3)}`);
    const pinned = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node-1'] }] }] } } } };
    apply(c, pod('pinned', { ...pinned, ...requests({ cpu: '8' }) }));
    expect(message(c, 'pinned')).toBe(`0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]. ${NOT_HELPFUL(3)}`);
  });

  it('NodePorts', () => {
    const c = cluster(1);
    const withPort = { container: { ports: [{ containerPort: 80, hostPort: 8080 }] } };
    apply(c, pod('a', withPort), pod('b', withPort));
    expect(message(c, 'b')).toBe(`0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports. ${NO_VICTIMS(1)}`);
  });

  it('PodTopologySpread: skew and a missing topology label', () => {
    const c = cluster([{ name: 'a1', zone: 'a' }, { name: 'b1', zone: 'b' }, { name: 'x' }]);
    const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] };
    apply(c, pod('w1', { nodeName: 'a1' }, { app: 'web' }), pod('w2', { nodeName: 'a1' }, { app: 'web' }));
    const client = c.client();
    const b1 = client.get(R.nodes, undefined, 'b1');
    client.update(R.nodes, { ...b1, spec: { ...(b1.spec as object), unschedulable: true } });
    c.settle();
    // Zone a is 2 pods ahead of the (cordoned, still counted) zone b.
    apply(c, pod('w3', spread, { app: 'web' }));
    expect(message(c, 'w3')).toBe(
      "0/3 nodes are available: 1 node(s) didn't match pod topology spread constraints, 1 node(s) didn't match pod topology spread constraints (missing required label), 1 node(s) were unschedulable. " +
        'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
    );
  });

  it('InterPodAffinity: affinity, anti-affinity and existing pods anti-affinity', () => {
    const c = cluster(2);
    const term = (app: string) => [{ labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' }];
    apply(c, pod('wants-db', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: term('db') } } }, { app: 'web' }));
    expect(message(c, 'wants-db')).toBe(`0/2 nodes are available: 2 node(s) didn't match pod affinity rules. ${NOT_HELPFUL(2)}`);
    apply(
      c,
      pod('lonely-1', { nodeName: 'node-1', affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: term('cache') } } }, { app: 'cache' }),
      pod('db', { nodeName: 'node-2' }, { app: 'db' }),
      // Not beside a db pod (node-2), and lonely-1 wants no cache pod beside it (node-1).
      pod('lonely-3', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: term('db') } } }, { app: 'cache' }),
    );
    expect(message(c, 'lonely-3')).toBe(
      `0/2 nodes are available: 1 node(s) didn't match pod anti-affinity rules, 1 node(s) didn't satisfy existing pods anti-affinity rules. ${NO_VICTIMS(2)}`,
    );
  });

  it('VolumeBinding: a missing claim fails PreFilter', () => {
    const c = cluster();
    apply(c, pod('p', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }));
    expect(message(c, 'p')).toBe(`0/3 nodes are available: persistentvolumeclaim "data" not found. ${NOT_HELPFUL(3)}`);
  });

  it('VolumeBinding: an unbound claim of an Immediate class', () => {
    const c = cluster();
    apply(
      c,
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'now' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'Immediate' },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { storageClassName: 'now', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      pod('p', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }),
    );
    expect(message(c, 'p')).toBe(`0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. ${NOT_HELPFUL(3)}`);
  });

  it('VolumeBinding: WaitForFirstConsumer with no volume and no provisioner', () => {
    const c = cluster();
    apply(
      c,
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'local' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { storageClassName: 'local', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      pod('p', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }),
    );
    expect(message(c, 'p')).toBe(`0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. ${NOT_HELPFUL(3)}`);
  });

  it('no nodes at all', () => {
    const c = cluster(0);
    apply(c, pod('p'));
    expect(message(c, 'p')).toBe('no nodes available to schedule pods');
  });

  it('preemptionPolicy Never', () => {
    const c = cluster(1);
    apply(c, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'polite' }, value: 1000, preemptionPolicy: 'Never' });
    apply(c, pod('low', requests({ cpu: '3' })), pod('high', { priorityClassName: 'polite', ...requests({ cpu: '3' }) }));
    expect(message(c, 'high')).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  });
});
