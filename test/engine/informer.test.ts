import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/engine/cluster.ts';
import { R } from '../../src/engine/api/kinds.ts';
import { Informer, InformerFactory, byNamespace } from '../../src/engine/client/informer.ts';
import type { KubeObject } from '../../src/engine/api/types.ts';

const cm = (name: string, ns = 'default', data: Record<string, string> = {}) =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data }) as KubeObject;

describe('Informer', () => {
  it('lists, then follows the watch, telling handlers of each change after the write', () => {
    const c = createCluster({ seed: 1, nodes: 0 });
    const client = c.client();
    client.create(R.configMaps, cm('a'));
    const seen: string[] = [];
    const inf = new Informer(client, R.configMaps, { namespace: 'default' });
    inf.on({ add: (o) => seen.push(`add ${o.metadata.name}`), update: (_o, n) => seen.push(`update ${n.metadata.name}`), delete: (o) => seen.push(`delete ${o.metadata.name}`) });
    inf.start();
    expect(seen).toEqual(['add a', 'add kube-root-ca.crt']);
    client.create(R.configMaps, cm('b'));
    expect(inf.get('default', 'b')).toBeUndefined();
    c.settle();
    expect(inf.get('default', 'b')?.metadata.name).toBe('b');
    client.patch(R.configMaps, 'default', 'b', { data: { x: '1' } }, 'merge');
    client.delete(R.configMaps, 'default', 'a');
    c.settle();
    expect(seen.slice(2)).toEqual(['add b', 'update b', 'delete a']);
    expect(inf.list().map((o) => o.metadata.name).sort()).toEqual(['b', 'kube-root-ca.crt']);
  });

  it('keeps indexes current', () => {
    const c = createCluster({ seed: 1, nodes: 0 });
    const client = c.client();
    client.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    c.settle();
    const inf = new Informer(client, R.configMaps).addIndex('namespace', byNamespace);
    inf.start();
    client.create(R.configMaps, cm('x', 'shop'));
    c.settle();
    expect(inf.byIndex('namespace', 'shop').map((o) => o.metadata.name).sort()).toEqual(['kube-root-ca.crt', 'x']);
    client.delete(R.configMaps, 'shop', 'x');
    c.settle();
    expect(inf.byIndex('namespace', 'shop').map((o) => o.metadata.name)).toEqual(['kube-root-ca.crt']);
  });

  it('relists after losing its watch and reports exactly the differences', () => {
    const c = createCluster({ seed: 1, nodes: 0 });
    const client = c.client();
    const inf = new Informer(client, R.configMaps, { namespace: 'default' });
    const seen: string[] = [];
    inf.start();
    inf.on({ add: (o) => seen.push(`add ${o.metadata.name}`), update: (_o, n) => seen.push(`update ${n.metadata.name}`), delete: (o) => seen.push(`delete ${o.metadata.name}`) });
    seen.length = 0;
    inf.stop();
    client.create(R.configMaps, cm('new'));
    client.patch(R.configMaps, 'default', 'kube-root-ca.crt', { data: { extra: '1' } }, 'merge');
    c.settle();
    expect(seen).toEqual([]);
    inf.relist();
    expect(seen.sort()).toEqual(['add new', 'update kube-root-ca.crt']);
  });

  it('shares one informer per type and options in a factory', () => {
    const c = createCluster({ seed: 1, nodes: 0 });
    const f = new InformerFactory(c.client());
    expect(f.informer(R.pods)).toBe(f.informer(R.pods));
    expect(f.informer(R.pods, { namespace: 'x' })).not.toBe(f.informer(R.pods));
  });
});
