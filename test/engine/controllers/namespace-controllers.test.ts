import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { KubeObject, Node } from '../../../src/engine/api/types.ts';
import { ROOT_CA_CONFIGMAP } from '../../../src/engine/controllers/root-ca-cert-publisher.ts';
import { testCluster, type TestCluster } from './cluster-helpers.ts';

type ConfigMap = KubeObject & { data?: Record<string, string> };
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';
const newNamespace = (tc: TestCluster, name: string) => tc.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObject);

describe('service account controller', () => {
  it('gives every namespace a default ServiceAccount', () => {
    const tc = testCluster({ nodes: 0 });
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) expect(tc.get(R.serviceAccounts, 'default', ns)).toBeDefined();
    newNamespace(tc, 'shop');
    expect(tc.get(R.serviceAccounts, 'default', 'shop')).toBeDefined();
  });

  it('recreates it when deleted, and leaves other accounts alone', () => {
    const tc = testCluster({ nodes: 0 });
    const before = tc.get(R.serviceAccounts, 'default')!;
    tc.create(R.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot', namespace: 'default' } } as KubeObject);
    tc.client.delete(R.serviceAccounts, 'default', 'default');
    tc.client.delete(R.serviceAccounts, 'default', 'robot');
    tc.cluster.settle();
    const after = tc.get(R.serviceAccounts, 'default')!;
    expect(after.metadata.uid).not.toBe(before.metadata.uid);
    expect(tc.get(R.serviceAccounts, 'robot')).toBeUndefined();
  });

  it('creates nothing in a terminating namespace', () => {
    const tc = testCluster({ nodes: 0 });
    newNamespace(tc, 'shop');
    tc.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep', namespace: 'shop', finalizers: ['example.com/keep'] } } as KubeObject);
    tc.client.delete(R.namespaces, undefined, 'shop');
    tc.cluster.settle();
    if (tc.get(R.serviceAccounts, 'default', 'shop')) tc.client.delete(R.serviceAccounts, 'shop', 'default');
    tc.cluster.settle();
    expect(tc.get(R.serviceAccounts, 'default', 'shop')).toBeUndefined();
  });
});

describe('root CA certificate publisher', () => {
  it('publishes kube-root-ca.crt in every namespace, with the upstream description', () => {
    const tc = testCluster({ nodes: 0 });
    newNamespace(tc, 'shop');
    const a = tc.get<ConfigMap>(R.configMaps, ROOT_CA_CONFIGMAP, 'default')!;
    const b = tc.get<ConfigMap>(R.configMaps, ROOT_CA_CONFIGMAP, 'shop')!;
    expect(Object.keys(a.data!)).toEqual(['ca.crt']);
    expect(a.data!['ca.crt']).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    expect(b.data).toEqual(a.data);
    expect(a.metadata.annotations).toEqual({ 'kubernetes.io/description': DESCRIPTION });
  });

  it('recreates it when deleted and restores it when edited', () => {
    const tc = testCluster({ nodes: 0 });
    const orig = tc.get<ConfigMap>(R.configMaps, ROOT_CA_CONFIGMAP)!;
    tc.client.delete(R.configMaps, 'default', ROOT_CA_CONFIGMAP);
    tc.cluster.settle();
    expect(tc.get<ConfigMap>(R.configMaps, ROOT_CA_CONFIGMAP)!.data).toEqual(orig.data);
    tc.client.patch(R.configMaps, 'default', ROOT_CA_CONFIGMAP, { data: { 'ca.crt': 'tampered' } }, 'merge');
    tc.cluster.settle();
    expect(tc.get<ConfigMap>(R.configMaps, ROOT_CA_CONFIGMAP)!.data).toEqual(orig.data);
  });

  it('removes keys it did not put there and restores a removed description', () => {
    const tc = testCluster({ nodes: 0 });
    const orig = tc.get<ConfigMap>(R.configMaps, ROOT_CA_CONFIGMAP)!;
    tc.client.patch(R.configMaps, 'default', ROOT_CA_CONFIGMAP, { data: { extra: 'x' }, metadata: { annotations: { 'kubernetes.io/description': null } } }, 'merge');
    tc.cluster.settle();
    const cm = tc.get<ConfigMap>(R.configMaps, ROOT_CA_CONFIGMAP)!;
    expect(cm.data).toEqual(orig.data);
    expect(cm.metadata.annotations?.['kubernetes.io/description']).toBe(DESCRIPTION);
  });
});

describe('node IPAM controller', () => {
  const cidrOf = (tc: TestCluster, name: string) => tc.get<Node>(R.nodes, name)!.spec;

  it('gives each node its own /24 of 10.244.0.0/16, in order', () => {
    const tc = testCluster({ nodes: 3 });
    expect(['node-1', 'node-2', 'node-3'].map((n) => cidrOf(tc, n))).toEqual([
      { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] },
      { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] },
      { podCIDR: '10.244.2.0/24', podCIDRs: ['10.244.2.0/24'] },
    ]);
  });

  it('frees a deleted node\'s range, which is handed out again once the others after it are used (round robin)', () => {
    const tc = testCluster({ nodes: 3 });
    tc.cluster.removeNode('node-1');
    tc.cluster.settle();
    // The next candidate follows the last one given, as CidrSet.AllocateNext does.
    tc.cluster.addNode({ name: 'node-4' });
    tc.cluster.settle();
    expect(cidrOf(tc, 'node-4')!.podCIDR).toBe('10.244.3.0/24');
    for (let i = 5; i <= 257; i++) tc.cluster.addNode({ name: `node-${i}` });
    tc.cluster.settle();
    expect(cidrOf(tc, 'node-256')!.podCIDR).toBe('10.244.255.0/24');
    expect(cidrOf(tc, 'node-257')!.podCIDR).toBe('10.244.0.0/24');
  });

  it('reports CIDRNotAvailable when the cluster CIDR is used up', () => {
    const tc = testCluster({ nodes: 0 });
    for (let i = 1; i <= 257; i++) tc.cluster.addNode({});
    tc.cluster.settle();
    expect(cidrOf(tc, 'node-257')?.podCIDR).toBeUndefined();
    const ev = tc.rawEvents().find((e) => e.involvedObject.name === 'node-257' && e.reason === 'CIDRNotAvailable')!;
    expect([ev.message, ev.source?.component]).toEqual(['Node node-257 status is now: CIDRNotAvailable', 'cidrAllocator']);
  });
});
