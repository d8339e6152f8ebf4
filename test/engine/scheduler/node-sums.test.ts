/**
 * Sums kept across scheduling cycles (NodeSums) give what a fresh pass over
 * the nodes gives, whatever changed in between: pods placed and removed,
 * labels changed, nodes joining and leaving. Plugins that keep them
 * (PodTopologySpread, InterPodAffinity) decide as plugins built afresh do.
 */
import { describe, it, expect } from 'vitest';
import type { Pod, Stored } from '../../../src/engine/api/types.ts';
import { Random } from '../../../src/engine/clock/random.ts';
import { CycleState, type NodeInfo, newPodInfo } from '../../../src/engine/scheduler/framework.ts';
import { NodeSums, NodeSumsCache, type NodePart } from '../../../src/engine/scheduler/plugins/helper/node-sums.ts';
import { podTopologySpread } from '../../../src/engine/scheduler/plugins/pod-topology-spread.ts';
import { interPodAffinity } from '../../../src/engine/scheduler/plugins/inter-pod-affinity.ts';
import { fakeHandle, filterAll, labeledNode, podOf, scoreAll } from './fake-handle.ts';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

/** Per zone: the pods labelled app=web. */
function webByZone(n: NodeInfo, out: NodePart): void {
  const zone = n.node.metadata.labels?.[ZONE];
  if (zone === undefined) return;
  let count = 0;
  for (const pi of n.pods.values()) if (pi.pod.metadata.labels?.app === 'web') count++;
  out.keys.push(ZONE);
  out.values.push(zone);
  out.amounts.push(count);
}

function fresh(nodes: readonly NodeInfo[]): Map<string, number> {
  const s = new NodeSums();
  s.refresh(nodes, webByZone);
  return s.sumsOf(ZONE);
}

const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));

/** A cluster that changes at random: pods come and go, nodes change zone, join and leave. */
function churn(seed: number, steps: number, check: (nodes: NodeInfo[]) => void): void {
  const rnd = new Random(seed);
  let nodes: NodeInfo[] = Array.from({ length: 6 }, (_, i) => labeledNode(`node-${i}`, { [HOST]: `node-${i}`, [ZONE]: `zone-${i % 3}` }));
  let next = 6;
  const placed: Array<{ node: NodeInfo; uid: string }> = [];
  for (let step = 0; step < steps; step++) {
    const what = rnd.int(10);
    if (what < 5) {
      const node = nodes[rnd.int(nodes.length)];
      const kind = rnd.int(6);
      const spec =
        kind === 0
          ? { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: HOST }] } } }
          : kind === 1
            ? { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 3, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: ZONE } }] } } }
            : {};
      const pod = podOf(`p${step}`, rnd.int(2) ? { app: 'web' } : { app: 'db' }, spec, rnd.int(4) ? 'default' : 'other');
      node.addPod(newPodInfo({ ...pod, spec: { ...pod.spec, nodeName: node.name } } as Stored<Pod>));
      placed.push({ node, uid: pod.metadata.uid });
    } else if (what < 7 && placed.length) {
      const [gone] = placed.splice(rnd.int(placed.length), 1);
      gone.node.removePod(gone.uid);
    } else if (what < 8) {
      const node = nodes[rnd.int(nodes.length)];
      node.setNode({ ...node.node, metadata: { ...node.node.metadata, labels: { [HOST]: node.name, [ZONE]: `zone-${rnd.int(4)}` } } });
    } else if (what < 9) {
      nodes = [...nodes, labeledNode(`node-${next}`, { [HOST]: `node-${next}`, [ZONE]: `zone-${next % 3}` })];
      next++;
    } else if (nodes.length > 2) {
      const i = rnd.int(nodes.length);
      nodes = nodes.filter((_, j) => j !== i);
      for (let k = placed.length - 1; k >= 0; k--) if (!nodes.includes(placed[k].node)) placed.splice(k, 1);
    }
    check(nodes);
  }
}

describe('NodeSums', () => {
  it('adds up the parts of the nodes, keeping keys that nodes add 0 to', () => {
    const nodes = [
      labeledNode('a', { [ZONE]: 'z1' }, [podOf('p1', { app: 'web' }), podOf('p2', { app: 'web' })]),
      labeledNode('b', { [ZONE]: 'z1' }, [podOf('p3', { app: 'db' })]),
      labeledNode('c', { [ZONE]: 'z2' }),
      labeledNode('d', {}),
    ];
    expect(sorted(fresh(nodes))).toEqual([
      ['z1', 2],
      ['z2', 0],
    ]);
  });

  it.each([1, 2, 3, 4, 5])('stays equal to a fresh pass while the cluster changes (seed %i)', (seed) => {
    const kept = new NodeSums();
    churn(seed, 300, (nodes) => {
      kept.refresh(nodes, webByZone);
      expect(sorted(kept.sumsOf(ZONE))).toEqual(sorted(fresh(nodes)));
    });
  });

  it('recomputes only the nodes that changed', () => {
    const nodes = [labeledNode('a', { [ZONE]: 'z1' }), labeledNode('b', { [ZONE]: 'z2' })];
    const seen: string[] = [];
    const s = new NodeSums();
    const part = (n: NodeInfo, out: NodePart) => {
      seen.push(n.name);
      webByZone(n, out);
    };
    s.refresh(nodes, part);
    s.refresh(nodes, part);
    nodes[1].addPod(newPodInfo({ ...podOf('p', { app: 'web' }), spec: { containers: [], nodeName: 'b' } } as Stored<Pod>));
    s.refresh(nodes, part);
    expect(seen).toEqual(['a', 'b', 'b']);
    expect(sorted(s.sumsOf(ZONE))).toEqual([
      ['z1', 0],
      ['z2', 1],
    ]);
  });

  it('keeps the most recently used sums of a bounded number of keys', () => {
    const cache = new NodeSumsCache(2);
    const a = cache.get('a');
    cache.get('b');
    expect(cache.get('a')).toBe(a);
    cache.get('c');
    expect(cache.get('a')).toBe(a);
    expect(cache.get('b')).not.toBe(cache.get('c'));
  });
});

describe('plugins that keep sums across cycles decide as fresh ones do', () => {
  const web = { matchLabels: { app: 'web' } };
  // The incoming pod differs from cycle to cycle (labels, namespace), as sums are kept per what they depend on.
  let turn = 0;
  const labels = () => (turn % 3 === 2 ? { app: 'db' } : { app: 'web' });
  const namespace = () => (turn % 4 === 3 ? 'other' : 'default');
  const spreadPod = () =>
    podOf('incoming', labels(), {
      topologySpreadConstraints: [
        { maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: 'DoNotSchedule', labelSelector: web },
        { maxSkew: 2, topologyKey: HOST, whenUnsatisfiable: 'DoNotSchedule', labelSelector: web },
      ],
    }, namespace());
  const affinityPod = () =>
    podOf('incoming', labels(), {
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: web, topologyKey: ZONE }],
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: ZONE } }],
        },
        podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: web, topologyKey: HOST }] },
      },
    }, namespace());

  it.each([1, 2, 3])('PodTopologySpread (seed %i)', (seed) => {
    let current: NodeInfo[] = [];
    const handle = { ...fakeHandle(), nodes: () => current };
    const kept = podTopologySpread({ defaultingType: 'List' }, handle);
    churn(seed, 150, (nodes) => {
      current = nodes;
      turn++;
      const p = spreadPod();
      const built = podTopologySpread({ defaultingType: 'List' }, handle);
      expect(filterAll(kept, p, nodes, new CycleState())).toEqual(filterAll(built, p, nodes, new CycleState()));
    });
  });

  it.each([1, 2, 3])('InterPodAffinity (seed %i)', (seed) => {
    let current: NodeInfo[] = [];
    const base = fakeHandle();
    const handle = {
      ...base,
      nodes: () => current,
      havePodsWithAffinity: () => current.filter((n) => n.podsWithAffinity.length),
      havePodsWithRequiredAntiAffinity: () => current.filter((n) => n.podsWithRequiredAntiAffinity.length),
    };
    const kept = interPodAffinity({}, handle);
    churn(seed, 150, (nodes) => {
      current = nodes;
      turn++;
      const p = affinityPod();
      const built = interPodAffinity({}, handle);
      expect(filterAll(kept, p, nodes, new CycleState())).toEqual(filterAll(built, p, nodes, new CycleState()));
      expect(scoreAll(kept, p, nodes, new CycleState())).toEqual(scoreAll(built, p, nodes, new CycleState()));
    });
  });
});

describe('NodeSums with a node list changed in place', () => {
  it('still finds each node its own part', () => {
    const a = labeledNode('a', { [ZONE]: 'z1' }, [podOf('p1', { app: 'web' })]);
    const b = labeledNode('b', { [ZONE]: 'z2' });
    const c = labeledNode('c', { [ZONE]: 'z2' }, [podOf('p2', { app: 'web' }), podOf('p3', { app: 'web' })]);
    const list = [a, b];
    const s = new NodeSums();
    s.refresh(list, webByZone);
    list.splice(0, 2, b, c, a);
    s.refresh(list, webByZone);
    expect(sorted(s.sumsOf(ZONE))).toEqual(sorted(fresh([a, b, c])));
    list.splice(1, 1);
    s.refresh(list, webByZone);
    expect(sorted(s.sumsOf(ZONE))).toEqual(sorted(fresh([b, a])));
  });
});

describe('TopologyCounts over kept sums', () => {
  it('reads the sums until changed, then changes only its own copy', async () => {
    const { TopologyCounts } = await import('../../../src/engine/scheduler/plugins/inter-pod-affinity/common.ts');
    const nodes = [labeledNode('a', { [ZONE]: 'z1' }, [podOf('p1', { app: 'web' })]), labeledNode('b', { [ZONE]: 'z2' }, [podOf('p2', { app: 'web' })])];
    const s = new NodeSums();
    s.refresh(nodes, webByZone);
    const counts = new TopologyCounts(s);
    expect([counts.size, counts.get(ZONE, 'z1'), counts.get(ZONE, 'z2'), counts.get(ZONE, 'z3')]).toEqual([2, 1, 1, 0]);
    const changed = counts.clone();
    changed.add(nodes[0].node, ZONE, -1);
    changed.add(nodes[1].node, ZONE, 1);
    expect([changed.size, changed.get(ZONE, 'z1'), changed.get(ZONE, 'z2')]).toEqual([1, 0, 2]);
    expect([counts.size, counts.get(ZONE, 'z1'), counts.get(ZONE, 'z2'), s.get(ZONE, 'z2')]).toEqual([2, 1, 1, 1]);
    const again = changed.clone();
    again.add(nodes[0].node, ZONE, 1);
    expect([again.get(ZONE, 'z1'), changed.get(ZONE, 'z1')]).toEqual([1, 0]);
  });
});

describe('NodeSums over the scheduler cache\'s change log', () => {
  /** A SchedulerCache that changes at random; `check` sees it after each change. */
  async function cacheChurn(seed: number, steps: number, check: (cache: import('../../../src/engine/scheduler/cache.ts').SchedulerCache) => void) {
    const { SchedulerCache } = await import('../../../src/engine/scheduler/cache.ts');
    const { node, pod } = await import('./helpers.ts');
    const rnd = new Random(seed);
    const cache = new SchedulerCache();
    const zoneNode = (name: string, zone: number) => node({ name, labels: { [ZONE]: `zone-${zone}` } });
    for (let i = 0; i < 5; i++) cache.addNode(zoneNode(`node-${i}`, i % 3));
    const names = () => cache.nodes().map((n) => n.name);
    const placed: string[] = [];
    for (let step = 0; step < steps; step++) {
      const what = rnd.int(20);
      if (what < 12) {
        const at = names()[rnd.int(cache.size)];
        const p = pod({ name: `p${step}`, labels: { app: rnd.int(2) ? 'web' : 'db' } });
        cache.addPod({ ...p, spec: { ...p.spec, nodeName: at } } as Stored<Pod>);
        placed.push(p.metadata.uid);
      } else if (what < 17 && placed.length) {
        cache.removePod(placed.splice(rnd.int(placed.length), 1)[0]);
      } else if (what < 19) {
        cache.updateNode(zoneNode(names()[rnd.int(cache.size)], rnd.int(4)));
      } else if (cache.size > 2) {
        cache.removeNode(names()[rnd.int(cache.size)]);
      } else {
        cache.addNode(zoneNode(`node-x${step}`, rnd.int(3)));
      }
      check(cache);
    }
  }

  it('looks only at the nodes that changed and still sums as a fresh pass does, past the end of the log', async () => {
    const kept = new NodeSums();
    let looked = 0;
    let refreshes = 0;
    await cacheChurn(11, 12000, (cache) => {
      // Refresh after every third change, so that each refresh has changes to catch up on.
      if (++refreshes % 3) return;
      kept.refresh(cache.nodes(), (n, out) => {
        looked++;
        webByZone(n, out);
      }, { nodes: () => cache.nodes(), nodesChangedSince: (g) => cache.nodesChangedSince(g) });
      expect(sorted(kept.sumsOf(ZONE))).toEqual(sorted(fresh(cache.nodes())));
    });
    // 4000 refreshes over about 5 nodes each: a pass over every node would look at ~20000; the change log keeps it to the changed ones.
    expect(looked).toBeLessThan(4000 * 3 + 200);
  });

  it('tells when the change log no longer goes back far enough', async () => {
    const { SchedulerCache } = await import('../../../src/engine/scheduler/cache.ts');
    const { currentGeneration } = await import('../../../src/engine/scheduler/framework.ts');
    const { node, pod } = await import('./helpers.ts');
    const cache = new SchedulerCache();
    cache.addNode(node({ name: 'a' }));
    const since = currentGeneration();
    expect(cache.nodesChangedSince(since)).toEqual([]);
    const p = pod({ name: 'one' });
    cache.addPod({ ...p, spec: { ...p.spec, nodeName: 'a' } } as Stored<Pod>);
    expect(cache.nodesChangedSince(since)?.map((n) => n.name)).toEqual(['a']);
    for (let i = 0; i < 10000; i++) {
      cache.removePod(p.metadata.uid);
      cache.addPod({ ...p, spec: { ...p.spec, nodeName: 'a' } } as Stored<Pod>);
    }
    expect(cache.nodesChangedSince(since)).toBeUndefined();
  });

  it('never takes a change outside the list it sums over into its sums', async () => {
    // A NodeSums over a part of the nodes (as over the nodes with affinity pods) refreshes by passing over that part.
    const kept = new NodeSums();
    // Kept up to date in place, as the cache keeps its lists of nodes with affinity pods.
    const part: import('../../../src/engine/scheduler/framework.ts').NodeInfo[] = [];
    await cacheChurn(5, 600, (cache) => {
      part.splice(0, part.length, ...cache.nodes().filter((_, i) => i % 2 === 0));
      kept.refresh(part, webByZone, { nodes: () => cache.nodes(), nodesChangedSince: (g) => cache.nodesChangedSince(g) });
      expect(sorted(kept.sumsOf(ZONE))).toEqual(sorted(fresh(part)));
    });
  });
});
