/**
 * NodeInfo and PodInfo bookkeeping: the resource sums (framework.Resource)
 * and the PodInfos remembered for stored pods.
 */
import { describe, it, expect } from 'vitest';
import { NodeInfo, Resource, newPodInfo } from '../../../src/engine/scheduler/framework.ts';
import { frozenCopy } from '../../../src/engine/store/store.ts';
import { Gi, node, pod } from './helpers.ts';

describe('Resource', () => {
  it('reads like a map: cpu, memory, ephemeral-storage and pods always, other resources once added', () => {
    const r = new Resource();
    r.add('cpu', 500);
    r.add('memory', Gi);
    r.add('example.com/gpu', 2);
    r.add('example.com/gpu', 1);
    expect([r.get('cpu'), r.get('memory'), r.get('ephemeral-storage'), r.get('pods'), r.get('example.com/gpu'), r.get('hugepages-2Mi')]).toEqual([500, Gi, 0, 0, 3, undefined]);
    const c = r.clone();
    c.add('cpu', 100);
    c.add('example.com/gpu', 1);
    expect([r.get('cpu'), r.get('example.com/gpu'), c.get('cpu'), c.get('example.com/gpu')]).toEqual([500, 3, 600, 4]);
  });

  it('sums the requests of the pods on a node and takes them off again', () => {
    const info = new NodeInfo(node({ cpu: '4', memory: '8Gi' }));
    const a = newPodInfo(pod({ name: 'a', containers: [{ cpu: '1', memory: '1Gi' }] }));
    const b = newPodInfo(pod({ name: 'b', containers: [{ cpu: '500m', 'example.com/gpu': '1' }] }));
    info.addPod(a);
    info.addPod(b);
    expect([info.requested.get('cpu'), info.requested.get('memory'), info.requested.get('example.com/gpu'), info.allocatable.get('cpu')]).toEqual([1500, Gi, 1, 4000]);
    info.removePod(a.pod.metadata.uid);
    expect([info.requested.get('cpu'), info.requested.get('memory'), info.requested.get('example.com/gpu')]).toEqual([500, 0, 1]);
  });
});

describe('newPodInfo of stored pods', () => {
  it('is computed once per stored pod, and later revisions sharing the containers share the requests', () => {
    const stored = frozenCopy(pod({ name: 'a', containers: [{ cpu: '1', memory: '1Gi' }] }));
    const pi = newPodInfo(stored);
    expect(newPodInfo(stored)).toBe(pi);
    const bound = frozenCopy({ ...stored, spec: { ...stored.spec, nodeName: 'node-1' } });
    const next = newPodInfo(bound);
    expect(next).not.toBe(pi);
    expect(next.pod).toBe(bound);
    expect(next.requests).toBe(pi.requests);
  });

  it('sees a change of init containers or overhead though the containers are shared', () => {
    const stored = frozenCopy(pod({ name: 'a', containers: [{ cpu: '1' }] }));
    expect(newPodInfo(stored).requests.get('cpu')).toBe(1000);
    const withOverhead = frozenCopy({ ...stored, spec: { ...stored.spec, overhead: { cpu: '250m' } } });
    expect(newPodInfo(withOverhead).requests.get('cpu')).toBe(1250);
  });

  it('is computed afresh for pods that are not stored (not frozen)', () => {
    const p = pod({ name: 'a', containers: [{ cpu: '1' }] });
    expect(newPodInfo(p).requests.get('cpu')).toBe(1000);
    (p.spec.containers[0].resources as { requests: Record<string, string> }).requests.cpu = '2';
    expect(newPodInfo(p).requests.get('cpu')).toBe(2000);
  });
});

describe('SchedulerCache lists of nodes with pods that have affinity', () => {
  it('holds exactly the nodes with such pods as pods come and go', async () => {
    const { SchedulerCache } = await import('../../../src/engine/scheduler/cache.ts');
    const { Random } = await import('../../../src/engine/clock/random.ts');
    const cache = new SchedulerCache();
    for (let i = 0; i < 5; i++) cache.addNode(frozenCopy(node({ name: `node-${i}` })));
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { a: 'b' } }, topologyKey: 'kubernetes.io/hostname' }] } };
    const pref = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, podAffinityTerm: { labelSelector: {}, topologyKey: 'kubernetes.io/hostname' } }] } };
    const rnd = new Random(7);
    const placed: string[] = [];
    const names = (l: readonly NodeInfo[]) => l.map((n) => n.name).sort();
    for (let step = 0; step < 200; step++) {
      if (placed.length && rnd.int(3) === 0) {
        cache.removePod(placed.splice(rnd.int(placed.length), 1)[0]);
      } else {
        const kind = rnd.int(3);
        const p = pod({ name: `p${step}`, nodeName: `node-${rnd.int(5)}`, spec: kind === 0 ? { affinity: anti } : kind === 1 ? { affinity: pref } : {} });
        cache.addPod(frozenCopy(p));
        placed.push(p.metadata.uid);
      }
      if (step === 100) cache.addNode(frozenCopy(node({ name: 'node-5' })));
      const all = cache.nodes();
      expect(names(cache.havePodsWithAffinity())).toEqual(names(all.filter((n) => n.podsWithAffinity.length)));
      expect(names(cache.havePodsWithRequiredAntiAffinity())).toEqual(names(all.filter((n) => n.podsWithRequiredAntiAffinity.length)));
    }
  });
});

describe('NodeInfo copies', () => {
  it('change independently of the original, either way round', () => {
    const original = new NodeInfo(node({ cpu: '4' }));
    const a = newPodInfo(pod({ name: 'a', containers: [{ cpu: '1' }], spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }], resources: { requests: { cpu: '1' } } }] } }));
    const b = newPodInfo(pod({ name: 'b', containers: [{ cpu: '2' }] }));
    original.addPod(a);
    const copy = original.clone();
    copy.removePod(a.pod.metadata.uid);
    copy.addPod(b);
    expect([original.pods.size, original.requested.get('cpu'), original.usedPorts.size, [...original.pods.keys()]]).toEqual([1, 1000, 1, [a.pod.metadata.uid]]);
    expect([copy.pods.size, copy.requested.get('cpu'), copy.usedPorts.size]).toEqual([1, 2000, 0]);
    const second = original.clone();
    original.addPod(b);
    expect([original.pods.size, original.requested.get('cpu'), second.pods.size, second.requested.get('cpu')]).toEqual([2, 3000, 1, 1000]);
    original.setNode(node({ cpu: '8' }));
    expect([original.allocatable.get('cpu'), second.allocatable.get('cpu')]).toEqual([8000, 4000]);
  });
});
