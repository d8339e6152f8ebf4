import { describe, it, expect } from 'vitest';
import { Action, CycleState, type Status, DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, newPodInfo } from '../../../src/engine/scheduler/framework.ts';
import { nodeResourcesFit, type NodeResourcesFitArgs } from '../../../src/engine/scheduler/plugins/node-resources-fit.ts';
import { nodeResourcesBalancedAllocation } from '../../../src/engine/scheduler/plugins/node-resources-balanced-allocation.ts';
import { Gi, Mi, nodeInfo, pod, scores, type PodOptions } from './helpers.ts';

const brief = (s: Status) => (s.code === 'Success' ? 'Success' : `${s.code}: ${s.reasons.join(', ')}`);

function fit(p: PodOptions, info = nodeInfo(), args: NodeResourcesFitArgs = {}): string {
  const plugin = nodeResourcesFit(args);
  const state = new CycleState();
  const pp = pod(p);
  plugin.preFilter(state, pp, [info]);
  return brief(plugin.filter(state, pp, info));
}

describe('newPodInfo: the requests the scheduler counts', () => {
  it.each<[string, PodOptions, number, number, number, number]>([
    ['containers are summed', { containers: [{ cpu: '500m', memory: '1Gi' }, { cpu: '250m', memory: '512Mi' }] }, 750, 1536 * Mi, 750, 1536 * Mi],
    ['a container without requests counts 100m and 200Mi when scoring only', { containers: [{}] }, 0, 0, DEFAULT_MILLI_CPU_REQUEST, DEFAULT_MEMORY_REQUEST],
    ['a missing cpu request alone is defaulted', { containers: [{ memory: '1Gi' }] }, 0, Gi, 100, Gi],
    ['an explicit zero is not defaulted', { containers: [{ cpu: '0', memory: '0' }] }, 0, 0, 0, 0],
    ['the largest init container wins when larger', { containers: [{ cpu: '100m' }], initContainers: [{ cpu: '2' }, { cpu: '500m' }] }, 2000, 0, 2000, 200 * Mi],
    ['app containers win over smaller init containers', { containers: [{ cpu: '1' }], initContainers: [{ cpu: '500m' }] }, 1000, 0, 1000, 200 * Mi],
    ['sidecars add to the app containers', { containers: [{ cpu: '1' }], initContainers: [{ cpu: '500m', sidecar: 'yes' }] }, 1500, 0, 1500, 400 * Mi],
    [
      'an init container after a sidecar runs beside it',
      { containers: [{ cpu: '100m' }], initContainers: [{ cpu: '1', sidecar: 'yes' }, { cpu: '2' }] },
      3000,
      0,
      3000,
      400 * Mi,
    ],
    [
      'an init container before a sidecar does not run beside it',
      { containers: [{ cpu: '100m' }], initContainers: [{ cpu: '500m' }, { cpu: '200m', sidecar: 'yes' }] },
      500,
      0,
      500,
      400 * Mi,
    ],
    ['overhead is added', { containers: [{ cpu: '1', memory: '1Gi' }], overhead: { cpu: '250m', memory: '120Mi' } }, 1250, Gi + 120 * Mi, 1250, Gi + 120 * Mi],
  ])('%s', (_what, o, cpu, memory, nonZeroCpu, nonZeroMemory) => {
    const pi = newPodInfo(pod(o));
    expect([pi.requests.get('cpu') ?? 0, pi.requests.get('memory') ?? 0, pi.nonZeroCpu, pi.nonZeroMemory]).toEqual([cpu, memory, nonZeroCpu, nonZeroMemory]);
  });

  it('NodeInfo keeps running sums as pods come and go', () => {
    const a = pod({ containers: [{ cpu: '1', memory: '1Gi' }] });
    const b = pod({ containers: [{}] });
    const info = nodeInfo({}, [a, b]);
    expect([info.requested.get('cpu'), info.nonZeroCpu, info.nonZeroMemory, info.pods.size]).toEqual([1000, 1100, Gi + 200 * Mi, 2]);
    const gen = info.generation;
    expect(info.removePod(a.metadata.uid)).toBe(true);
    expect(info.removePod(a.metadata.uid)).toBe(false);
    expect([info.requested.get('cpu'), info.nonZeroCpu, info.pods.size]).toEqual([0, 100, 1]);
    expect(info.generation).toBeGreaterThan(gen);
  });
});

describe('NodeResourcesFit filter', () => {
  const full = (n: number) => Array.from({ length: n }, () => pod());
  it.each<[string, PodOptions, ReturnType<typeof nodeInfo>, string]>([
    ['a pod that fits', { containers: [{ cpu: '1', memory: '1Gi' }] }, nodeInfo(), 'Success'],
    ['exactly what is left fits', { containers: [{ cpu: '1' }] }, nodeInfo({}, [pod({ containers: [{ cpu: '3' }] })]), 'Success'],
    ['one millicore too many', { containers: [{ cpu: '1001m' }] }, nodeInfo({}, [pod({ containers: [{ cpu: '3' }] })]), 'Unschedulable: Insufficient cpu'],
    ['memory', { containers: [{ memory: '2Gi' }] }, nodeInfo({ memory: '4Gi' }, [pod({ containers: [{ memory: '3Gi' }] })]), 'Unschedulable: Insufficient memory'],
    ['cpu and memory, in that order', { containers: [{ memory: '20Gi', cpu: '3' }] }, nodeInfo({ memory: '24Gi' }, [pod({ containers: [{ cpu: '2', memory: '8Gi' }] })]), 'Unschedulable: Insufficient cpu, Insufficient memory'],
    ['a request larger than allocatable cannot be resolved by preemption', { containers: [{ cpu: '5' }] }, nodeInfo(), 'UnschedulableAndUnresolvable: Insufficient cpu'],
    ['one unresolvable resource makes the whole status unresolvable', { containers: [{ cpu: '2', memory: '32Gi' }] }, nodeInfo({}, [pod({ containers: [{ cpu: '3' }] })]), 'UnschedulableAndUnresolvable: Insufficient cpu, Insufficient memory'],
    ['an extended resource the node lacks', { containers: [{ 'example.com/gpu': '1' }] }, nodeInfo(), 'UnschedulableAndUnresolvable: Insufficient example.com/gpu'],
    ['an extended resource used up', { containers: [{ 'example.com/gpu': '1' }] }, nodeInfo({ extra: { 'example.com/gpu': '2' } }, [pod({ containers: [{ 'example.com/gpu': '2' }] })]), 'Unschedulable: Insufficient example.com/gpu'],
    ['an extended resource available', { containers: [{ 'example.com/gpu': '2' }] }, nodeInfo({ extra: { 'example.com/gpu': '2' } }), 'Success'],
    ['too many pods', {}, nodeInfo({ pods: '3' }, full(3)), 'Unschedulable: Too many pods'],
    ['too many pods comes first and stays resolvable', { containers: [{ cpu: '3' }] }, nodeInfo({ pods: '1' }, [pod({ containers: [{ cpu: '2' }] })]), 'Unschedulable: Too many pods, Insufficient cpu'],
    ['init containers count', { containers: [{ cpu: '100m' }], initContainers: [{ cpu: '3500m' }] }, nodeInfo({}, [pod({ containers: [{ cpu: '1' }] })]), 'Unschedulable: Insufficient cpu'],
    ['sidecars count beside the app containers', { containers: [{ cpu: '2' }], initContainers: [{ cpu: '2', sidecar: 'yes' }] }, nodeInfo({}, [pod({ containers: [{ cpu: '1' }] })]), 'Unschedulable: Insufficient cpu'],
    ['overhead counts', { containers: [{ cpu: '1' }], overhead: { cpu: '1m' } }, nodeInfo({}, [pod({ containers: [{ cpu: '3' }] })]), 'Unschedulable: Insufficient cpu'],
    ['containers without requests always fit the resources', {}, nodeInfo({ cpu: '1' }, [pod({ containers: [{ cpu: '1' }] })]), 'Success'],
  ])('%s', (_what, p, info, want) => {
    expect(fit(p, info)).toBe(want);
  });

  it('ignores the insufficiency of ignoredResources', () => {
    expect(fit({ containers: [{ 'example.com/gpu': '1' }] }, nodeInfo(), { ignoredResources: ['example.com/gpu'] })).toBe('Success');
  });

  it('is cured by node changes and pod deletions', () => {
    expect(nodeResourcesFit().eventsToRegister().map((e) => e.event)).toEqual([
      { resource: 'Pod', action: Action.Delete | Action.UpdatePodScaleDown },
      { resource: 'Node', action: Action.Add | Action.UpdateNodeAllocatable },
    ]);
  });
});

describe('NodeResourcesFit scoring', () => {
  // Nodes of 4 cpu and 16Gi; the incoming pod asks 1 cpu and 2Gi unless said otherwise.
  const incoming: PodOptions = { containers: [{ cpu: '1', memory: '2Gi' }] };
  const busy = () => nodeInfo({ name: 'busy' }, [pod({ containers: [{ cpu: '2', memory: '8Gi' }] })]);
  const empty = () => nodeInfo({ name: 'empty' });
  const score = (args: NodeResourcesFitArgs, p: PodOptions = incoming, infos = [empty(), busy()]) => scores(nodeResourcesFit(args), pod(p), infos);

  it('LeastAllocated: mean of (capacity - requested) * 100 / capacity, integer division', () => {
    // empty: cpu 3000*100/4000 = 75, memory 14*100/16 = 87 -> (75 + 87) / 2 = 81
    // busy:  cpu 1000*100/4000 = 25, memory 6*100/16 = 37 -> 31
    expect(score({})).toEqual({ empty: 81, busy: 31 });
  });

  it('LeastAllocated counts 100m and 200Mi for containers without requests', () => {
    // cpu 3900*100/4000 = 97, memory (16384 - 200)*100/16384 = 98 -> 97
    expect(score({}, { containers: [{}] }, [empty()])).toEqual({ empty: 97 });
    // existing best-effort pods count too: cpu (4000 - 200)... with two of them on the node
    const crowded = nodeInfo({ name: 'crowded' }, [pod(), pod()]);
    // cpu 3700*100/4000 = 92, memory (16384 - 600)*100/16384 = 96 -> 94
    expect(score({}, { containers: [{}] }, [crowded])).toEqual({ crowded: 94 });
  });

  it('LeastAllocated scores 0 for a resource requested beyond capacity', () => {
    // cpu over capacity -> 0, memory 14*100/16 = 87 -> 43
    expect(score({}, { containers: [{ cpu: '5', memory: '2Gi' }] }, [empty()])).toEqual({ empty: 43 });
  });

  it('MostAllocated: mean of requested * 100 / capacity, capped at capacity', () => {
    // empty: 25, 12 -> 18; busy: 75, 62 -> 68
    expect(score({ scoringStrategy: { type: 'MostAllocated' } })).toEqual({ empty: 18, busy: 68 });
    // over capacity counts as full: cpu 100, memory 12 -> 56
    expect(score({ scoringStrategy: { type: 'MostAllocated' } }, { containers: [{ cpu: '5', memory: '2Gi' }] }, [empty()])).toEqual({ empty: 56 });
  });

  it('weights resources', () => {
    // LeastAllocated with cpu weight 3: (75*3 + 87) / 4 = 78; busy: (25*3 + 37) / 4 = 28
    const resources = [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }];
    expect(score({ scoringStrategy: { type: 'LeastAllocated', resources } })).toEqual({ empty: 78, busy: 28 });
  });

  it('leaves out an extended resource the pod does not request', () => {
    const resources = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 3 }];
    const gpu = nodeInfo({ name: 'gpu', extra: { 'example.com/gpu': '4' } });
    expect(score({ scoringStrategy: { type: 'LeastAllocated', resources } }, incoming, [gpu])).toEqual({ gpu: 81 });
    // When requested it counts: gpu (4-1)*100/4 = 75 -> (75 + 87 + 75*3) / 5 = 77
    expect(score({ scoringStrategy: { type: 'LeastAllocated', resources } }, { containers: [{ cpu: '1', memory: '2Gi', 'example.com/gpu': '1' }] }, [gpu])).toEqual({ gpu: 77 });
  });

  const ratio = (shape: Array<{ utilization: number; score: number }>, resources?: Array<{ name: string; weight: number }>): NodeResourcesFitArgs => ({
    scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape }, ...(resources ? { resources } : {}) },
  });

  it('RequestedToCapacityRatio: shape scores scaled by 10, the mean rounded half away from zero', () => {
    // bin packing: utilization cpu 25 -> 25, memory 12 -> 12; round(37 / 2) = 19
    expect(score(ratio([{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }]), incoming, [empty()])).toEqual({ empty: 19 });
    // busy: cpu 75, memory 62 -> round(68.5) = 69
    expect(score(ratio([{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }]), incoming, [busy()])).toEqual({ busy: 69 });
  });

  it('RequestedToCapacityRatio: interpolation truncates the slope term toward zero', () => {
    // shape (0,10) -> (60,5): at 25: 100 + (50 - 100) * 25 / 60 = 100 + trunc(-20.8) = 80; memory at 12: 100 - trunc(10) = 90
    expect(score(ratio([{ utilization: 0, score: 10 }, { utilization: 60, score: 5 }], [{ name: 'cpu', weight: 1 }]), incoming, [empty()])).toEqual({ empty: 80 });
    expect(score(ratio([{ utilization: 0, score: 10 }, { utilization: 60, score: 5 }]), incoming, [empty()])).toEqual({ empty: 85 });
  });

  it('RequestedToCapacityRatio: beyond the last point the last score holds; before the first, the first', () => {
    expect(score(ratio([{ utilization: 10, score: 2 }, { utilization: 20, score: 8 }], [{ name: 'cpu', weight: 1 }]), { containers: [{ cpu: '3' }] }, [empty()])).toEqual({ empty: 80 });
    expect(score(ratio([{ utilization: 50, score: 2 }, { utilization: 80, score: 8 }], [{ name: 'cpu', weight: 1 }]), { containers: [{ cpu: '1' }] }, [empty()])).toEqual({ empty: 20 });
  });

  it('RequestedToCapacityRatio: resources scoring 0 are left out of the mean', () => {
    // memory utilization of 2Gi on 1000Gi is 0 -> score 0, left out: only cpu's 25 counts.
    const big = nodeInfo({ name: 'big', memory: '1000Gi' });
    expect(score(ratio([{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }]), incoming, [big])).toEqual({ big: 25 });
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  const plugin = () => nodeResourcesBalancedAllocation();

  it('scores 100 * (1 - |cpu fraction - memory fraction| / 2), truncated', () => {
    const infos = [
      nodeInfo({ name: 'empty' }),
      nodeInfo({ name: 'cpu-heavy' }, [pod({ containers: [{ cpu: '2', memory: '1Gi' }] })]),
      nodeInfo({ name: 'balanced' }, [pod({ containers: [{ cpu: '1', memory: '6Gi' }] })]),
    ];
    // empty: 0.25 / 0.125 -> 93; cpu-heavy: 0.75 / 0.1875 -> 71; balanced: 0.5 / 0.5 -> 100
    expect(scores(plugin(), pod({ containers: [{ cpu: '1', memory: '2Gi' }] }), infos)).toEqual({ empty: 93, 'cpu-heavy': 71, balanced: 100 });
  });

  it('uses requests as they are, without the non-zero defaults', () => {
    // The node's best-effort pod counts nothing: 0.25 / 0.125 -> 93.
    expect(scores(plugin(), pod({ containers: [{ cpu: '1', memory: '2Gi' }] }), [nodeInfo({ name: 'n' }, [pod()])])).toEqual({ n: 93 });
  });

  it('caps a fraction at 1', () => {
    // cpu 6/4 -> 1, memory 2/16 -> 0.125: 100 * (1 - 0.4375) = 56
    expect(scores(plugin(), pod({ containers: [{ cpu: '6', memory: '2Gi' }] }), [nodeInfo({ name: 'n' })])).toEqual({ n: 56 });
  });

  it('uses the standard deviation over three or more resources', () => {
    const p = nodeResourcesBalancedAllocation({ resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'ephemeral-storage', weight: 1 }] });
    const n = nodeInfo({ name: 'n', extra: { 'ephemeral-storage': '100Gi' } });
    // fractions 0.25, 0.125, 0.5 -> std 0.1559 -> 84
    expect(scores(p, pod({ containers: [{ cpu: '1', memory: '2Gi', 'ephemeral-storage': '50Gi' }] }), [n])).toEqual({ n: 84 });
  });

  it('skips best-effort pods (PreScore says Skip)', () => {
    const state = new CycleState();
    expect(plugin().preScore(state, pod(), [nodeInfo()]).code).toBe('Skip');
    expect(plugin().preScore(state, pod({ containers: [{ cpu: '1' }] }), [nodeInfo()]).code).toBe('Success');
  });

  it('judges best effort by the scored resources only', () => {
    expect(plugin().preScore(new CycleState(), pod({ containers: [{ 'ephemeral-storage': '1Gi' }] }), [nodeInfo()]).code).toBe('Skip');
  });
});

describe('NodeResourcesFit verdicts within a cycle', () => {
  it('are the same as verdicts worked out one by one, and nodes with the same verdict share its status', async () => {
    const { Random } = await import('../../../src/engine/clock/random.ts');
    const rnd = new Random(3);
    const brief2 = (s: Status) => `${s.code}: ${s.reasons.join(', ')}`;
    for (let round = 0; round < 40; round++) {
      const want: Record<string, string> = { cpu: `${rnd.int(5)}`, memory: `${rnd.int(3)}Gi` };
      if (rnd.int(2)) want['example.com/gpu'] = `${rnd.int(3)}`;
      const p = pod({ containers: [want] });
      const nodes = Array.from({ length: 12 }, (_, i) =>
        nodeInfo({ name: `n${i}`, cpu: `${rnd.int(5)}`, memory: `${rnd.int(3)}Gi`, pods: `${rnd.int(3)}`, extra: rnd.int(2) ? { 'example.com/gpu': `${rnd.int(3)}` } : {} }, rnd.int(2) ? [pod({ containers: [{ cpu: '1' }] })] : []),
      );
      const plugin = nodeResourcesFit();
      const state = new CycleState();
      plugin.preFilter(state, p, nodes);
      const inCycle = nodes.map((n) => plugin.filter(state, p, n));
      const alone = nodes.map((n) => plugin.filter(new CycleState(), p, n));
      expect(inCycle.map(brief2)).toEqual(alone.map(brief2));
      for (let i = 0; i < nodes.length; i++) {
        for (let j = 0; j < i; j++) if (inCycle[i].code !== 'Success' && brief2(inCycle[i]) === brief2(inCycle[j])) expect(inCycle[i]).toBe(inCycle[j]);
      }
    }
  });
});
