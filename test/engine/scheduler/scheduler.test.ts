import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { KubeObject, Pod, Stored, Taint } from '../../../src/engine/api/types.ts';
import { createCluster } from '../../../src/engine/cluster.ts';
import { fitErrorMessage } from '../../../src/engine/scheduler/scheduler.ts';
import { buildProfile, DEFAULT_PLUGINS, SchedulerConfigError } from '../../../src/engine/scheduler/profile.ts';
import { resolveConfiguration, type SchedulerProfile } from '../../../src/engine/scheduler/config.ts';
import { REGISTRY } from '../../../src/engine/scheduler/plugins/registry.ts';
import { CycleState, status, type Handle, type Status } from '../../../src/engine/scheduler/framework.ts';
import { fakeHandle } from './fake-handle.ts';
import { defaultBinder } from '../../../src/engine/scheduler/plugins/default-binder.ts';
import { condition, podManifest, testCluster, SECOND } from '../controllers/cluster-helpers.ts';

const st = (code: Status['code'], ...reasons: string[]) => status(code, ...reasons);

describe('fitErrorMessage', () => {
  it('counts each reason over the nodes and sorts the counted reasons as strings', () => {
    const statuses = new Map([
      ['node-1', st('Unschedulable', 'Insufficient cpu')],
      ['node-2', st('UnschedulableAndUnresolvable', 'node(s) had untolerated taint {dedicated: gpu}')],
      ['node-3', st('UnschedulableAndUnresolvable', 'node(s) had untolerated taint {dedicated: gpu}')],
    ]);
    expect(fitErrorMessage(3, '', statuses, '')).toBe('0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}.');
  });

  it('counts every reason of a node', () => {
    const statuses = new Map([
      ['a', st('Unschedulable', 'Insufficient cpu', 'Insufficient memory')],
      ['b', st('Unschedulable', 'Insufficient memory')],
    ]);
    expect(fitErrorMessage(2, '', statuses, '')).toBe('0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.');
  });

  it('sorts as strings, so 10 comes before 2', () => {
    const statuses = new Map<string, Status>();
    for (let i = 0; i < 10; i++) statuses.set(`t${i}`, st('UnschedulableAndUnresolvable', "node(s) didn't match Pod's node affinity/selector"));
    statuses.set('x', st('Unschedulable', 'Too many pods'));
    statuses.set('y', st('Unschedulable', 'Too many pods'));
    expect(fitErrorMessage(12, '', statuses, '')).toBe("0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, 2 Too many pods.");
  });

  it('uses the PreFilter message alone when PreFilter rejected the pod', () => {
    const statuses = new Map([['a', st('UnschedulableAndUnresolvable', 'ignored')]]);
    expect(fitErrorMessage(4, "node(s) didn't match Pod's node affinity/selector", statuses, '')).toBe("0/4 nodes are available: node(s) didn't match Pod's node affinity/selector.");
  });
});

describe('numFeasibleNodesToFind', () => {
  const adaptive = createCluster({ nodes: 0 }).scheduler;
  it.each([
    [0, 0],
    [1, 1],
    [50, 50],
    [99, 99],
    // 100 nodes: 50% would be 50, raised to the floor of 100
    [100, 100],
    [200, 100],
    // 50 - 500/125 = 46%
    [500, 230],
    [1000, 420],
    // 50 - 5000/125 = 10%
    [5000, 500],
    // 50 - 6000/125 = 2%, raised to the minimum of 5%
    [6000, 300],
    [10000, 500],
  ])('%i nodes -> %i', (total, want) => {
    expect(adaptive.numFeasibleNodesToFind(total)).toBe(want);
  });

  it('honours percentageOfNodesToScore, still at least 100 nodes', () => {
    const s = createCluster({ nodes: 0, scheduler: { percentageOfNodesToScore: 30 } }).scheduler;
    expect([s.numFeasibleNodesToFind(50), s.numFeasibleNodesToFind(200), s.numFeasibleNodesToFind(1000)]).toEqual([50, 100, 300]);
    const all = createCluster({ nodes: 0, scheduler: { percentageOfNodesToScore: 100 } }).scheduler;
    expect(all.numFeasibleNodesToFind(5000)).toBe(5000);
  });
});

describe('percentageOfNodesToScore in a cluster', () => {
  it('stops filtering after numFeasibleNodesToFind nodes and starts the next pod where the last search ended', () => {
    const tc = testCluster({ nodes: 120 });
    tc.create(R.pods, podManifest('a'));
    tc.create(R.pods, podManifest('b'));
    const a = [...tc.cluster.scheduler.decisions.get('default/a')!.filter.keys()];
    const b = [...tc.cluster.scheduler.decisions.get('default/b')!.filter.keys()];
    // 120 nodes: 50 - 120/125 = 50% is 60, raised to the floor of 100.
    expect(a).toHaveLength(100);
    expect(b).toHaveLength(100);
    expect(a[0]).toBe('node-1');
    expect(a.at(-1)).toBe('node-100');
    expect(b[0]).toBe('node-101');
    expect(b.slice(0, 21)).toEqual([...Array.from({ length: 20 }, (_, i) => `node-${101 + i}`), 'node-1']);
  });
});

describe('scheduler profiles', () => {
  const handle = fakeHandle();
  const build = (profile: SchedulerProfile = {}) => buildProfile(resolveConfiguration({ profiles: [profile] }).profiles[0], handle);
  const scores = (profile?: SchedulerProfile) => build(profile).score.map((s) => `${s.plugin.name}:${s.weight}`);

  // VolumeBinding scores only with the StorageCapacityScoring gate (alpha, off in 1.33); upstream
  // its PreScore then returns Skip, so it takes no part in scoring, and here it has no Score.
  it('build the default plugins in the upstream order with their score weights', () => {
    const built = build();
    expect(scores()).toEqual([
      'TaintToleration:3',
      'NodeAffinity:2',
      'NodeResourcesFit:1',
      'PodTopologySpread:2',
      'InterPodAffinity:2',
      'NodeResourcesBalancedAllocation:1',
      'ImageLocality:1',
    ]);
    expect(built.queueSort.name).toBe('PrioritySort');
    expect(built.bind.map((p) => p.name)).toEqual(['DefaultBinder']);
    expect(built.postFilter.map((p) => p.name)).toEqual(['DefaultPreemption']);
    expect(DEFAULT_PLUGINS.map((p) => p.name).filter((n) => REGISTRY.has(n))).toEqual([...built.all.keys()]);
  });

  it('drop disabled plugins and re-weight enabled ones', () => {
    const got = scores({ plugins: { multiPoint: { disabled: [{ name: 'TaintToleration' }], enabled: [{ name: 'NodeAffinity', weight: 5 }] } } });
    expect(got.some((s) => s.startsWith('TaintToleration'))).toBe(false);
    expect(got).toContain('NodeAffinity:5');
    expect(build({ plugins: { multiPoint: { disabled: [{ name: 'TaintToleration' }] } } }).filter.map((p) => p.name)).not.toContain('TaintToleration');
  });

  it('refuse a plugin that does not exist', () => {
    expect(() => build({ plugins: { multiPoint: { enabled: [{ name: 'NoSuchPlugin' }] } } })).toThrow(SchedulerConfigError);
  });
});

describe('scheduling in a cluster', () => {
  const gpuTaint: Taint[] = [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }];

  it('reports a pod that fits nowhere with FailedScheduling and PodScheduled=False, and schedules it when a fitting node joins', () => {
    const tc = testCluster({ nodes: [{ cpu: '2' }, { taints: gpuTaint }, { taints: gpuTaint }] });
    tc.create(R.pods, podManifest('big', { requests: { cpu: '3' } }));
    // 3 CPUs exceed node-1's allocatable, so its Insufficient cpu is unresolvable too (1.33) and
    // preemption is tried nowhere.
    const message =
      '0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
    expect(tc.events('Pod', 'big')).toEqual([`FailedScheduling: ${message}`]);
    const ev = tc.rawEvents().find((e) => e.reason === 'FailedScheduling')!;
    expect([ev.type, ev.source?.component]).toEqual(['Warning', 'default-scheduler']);
    const pod = tc.pod('big')!;
    expect(pod.spec.nodeName).toBeUndefined();
    expect(condition(pod, 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message });
    expect(tc.cluster.scheduler.queueSnapshot().unschedulable).toEqual(['default/big']);

    tc.advance(5 * SECOND);
    tc.cluster.addNode({ name: 'node-4', cpu: '8' });
    // The node registers with the not-ready:NoSchedule taint (TaintNodesByCondition), so the
    // first retry fails on it; the next one, after its 2 s backoff, once the taint is gone.
    const waited = tc.until(() => !!tc.pod('big')!.spec.nodeName, 10 * SECOND);
    expect(waited).toBeLessThanOrEqual(2 * SECOND);
    const bound = tc.pod('big')!;
    expect(bound.spec.nodeName).toBe('node-4');
    expect(tc.events('Pod', 'big')).toContain('Scheduled: Successfully assigned default/big to node-4');
    expect(condition(bound, 'PodScheduled')).toMatchObject({ status: 'True' });
  });

  it('keeps retrying quietly: an unchanged message is not written again', () => {
    const tc = testCluster({ nodes: [{ cpu: '1' }] });
    tc.create(R.pods, podManifest('big', { requests: { cpu: '2' } }));
    const first = condition(tc.pod('big'), 'PodScheduled');
    tc.advance(6 * 60 * SECOND);
    expect(condition(tc.pod('big'), 'PodScheduled')).toEqual(first);
    // The leftover flush retried it after 5 minutes: one event, counted twice.
    const ev = tc.rawEvents().filter((e) => e.reason === 'FailedScheduling');
    expect(ev).toHaveLength(1);
    expect(ev[0].count).toBe(2);
  });

  it('says so when the cluster has no nodes, and schedules once one registers', () => {
    const tc = testCluster({ nodes: 0 });
    tc.create(R.pods, podManifest('p'));
    expect(tc.events('Pod', 'p')).toEqual(['FailedScheduling: no nodes available to schedule pods']);
    expect(condition(tc.pod('p'), 'PodScheduled')).toMatchObject({ status: 'False', reason: 'Unschedulable', message: 'no nodes available to schedule pods' });
    tc.advance(2 * SECOND);
    tc.cluster.addNode({});
    tc.until(() => !!tc.pod('p')!.spec.nodeName, 10 * SECOND);
    expect(tc.pod('p')!.spec.nodeName).toBe('node-1');
  });

  it('leaves cordoned and tainted nodes out and follows the nodeSelector', () => {
    const tc = testCluster({ nodes: [{ labels: { disktype: 'ssd' } }, { labels: { disktype: 'ssd' }, taints: gpuTaint }, {}] });
    tc.client.patch(R.nodes, undefined, 'node-3', { spec: { unschedulable: true } }, 'merge');
    tc.cluster.settle();
    for (let i = 0; i < 4; i++) tc.create(R.pods, podManifest(`p${i}`, { spec: { nodeSelector: { disktype: 'ssd' } } }));
    expect(tc.pods().map((p) => p.spec.nodeName)).toEqual(['node-1', 'node-1', 'node-1', 'node-1']);
  });

  it('schedules pods created together in creation order, spreads them (LeastAllocated) and breaks ties with the seeded random source', () => {
    const placements = (seed: number) => {
      const c = createCluster({ seed, nodes: 3 });
      const client = c.client();
      for (let i = 0; i < 6; i++) client.create(R.pods, podManifest(`p${i}`, { requests: { cpu: '500m', memory: '512Mi' } }));
      c.settle();
      const order = [...c.scheduler.decisions.keys()];
      expect(order).toEqual([0, 1, 2, 3, 4, 5].map((i) => `default/p${i}`));
      return client.list<Pod>(R.pods, { namespace: 'default' }).items.map((p) => p.spec.nodeName!);
    };
    const a = placements(7);
    expect(placements(7)).toEqual(a);
    // Each round of three fills every node once.
    expect([...a.slice(0, 3)].sort()).toEqual(['node-1', 'node-2', 'node-3']);
    expect([...a.slice(3)].sort()).toEqual(['node-1', 'node-2', 'node-3']);
    const distinct = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => placements(s).join(',')));
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('prefers the node with fewer untolerated PreferNoSchedule taints', () => {
    const tc = testCluster({ nodes: [{ taints: [{ key: 'a', effect: 'PreferNoSchedule' }] }, {}, { taints: [{ key: 'b', effect: 'PreferNoSchedule' }] }] });
    tc.create(R.pods, podManifest('p'));
    expect(tc.pod('p')!.spec.nodeName).toBe('node-2');
    const d = tc.cluster.scheduler.decisions.get('default/p')!;
    expect(d.scores.get('node-2')!.byPlugin.get('TaintToleration')).toBe(300);
    expect(d.scores.get('node-1')!.byPlugin.get('TaintToleration')).toBe(0);
  });

  it('schedules the higher-priority pod first when room frees up', () => {
    const tc = testCluster({ nodes: [{ cpu: '1' }] });
    // preemptionPolicy Never: the pod waits for room rather than evicting the blocker.
    tc.create(R.priorityClasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' } as KubeObject);
    tc.create(R.pods, podManifest('blocker', { requests: { cpu: '1' } }));
    tc.create(R.pods, podManifest('low', { requests: { cpu: '1' } }));
    tc.advance(SECOND);
    tc.create(R.pods, podManifest('high', { requests: { cpu: '1' }, spec: { priorityClassName: 'high' } }));
    expect(tc.pod('high')!.spec.priority).toBe(1000);
    tc.advance(20 * SECOND);
    tc.client.delete(R.pods, 'default', 'blocker', { gracePeriodSeconds: 0 });
    tc.cluster.settle();
    expect(tc.pod('high')!.spec.nodeName).toBe('node-1');
    expect(tc.pod('low')!.spec.nodeName).toBeUndefined();
  });

  it('leaves pods for other schedulers alone and honours spec.nodeName', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.pods, podManifest('other', { spec: { schedulerName: 'my-scheduler' } }));
    tc.create(R.pods, podManifest('pinned', { spec: { nodeName: 'node-2' } }));
    expect(tc.pod('other')!.spec.nodeName).toBeUndefined();
    expect(tc.events('Pod', 'other')).toEqual([]);
    expect(tc.pod('pinned')!.spec.nodeName).toBe('node-2');
    expect(tc.events('Pod', 'pinned').some((e) => e.startsWith('Scheduled'))).toBe(false);
  });

  it('counts assumed pods so one burst does not overfill a node', () => {
    const tc = testCluster({ nodes: [{ cpu: '2' }, { cpu: '2' }] });
    for (let i = 0; i < 5; i++) tc.client.create(R.pods, podManifest(`p${i}`, { requests: { cpu: '1' } }));
    tc.cluster.settle();
    const placed = tc.pods().map((p) => p.spec.nodeName ?? '-');
    expect(placed.filter((n) => n === 'node-1')).toHaveLength(2);
    expect(placed.filter((n) => n === 'node-2')).toHaveLength(2);
    expect(placed.filter((n) => n === '-')).toHaveLength(1);
  });

  it('frees the resources of finished pods', () => {
    const tc = testCluster({ nodes: [{ cpu: '1' }] });
    tc.create(R.pods, podManifest('job', { image: 'busybox', command: ['sh', '-c', 'sleep 10'], requests: { cpu: '1' }, spec: { restartPolicy: 'Never' } }));
    tc.create(R.pods, podManifest('next', { requests: { cpu: '1' } }));
    expect(tc.pod('next')!.spec.nodeName).toBeUndefined();
    tc.advance(12 * SECOND);
    expect(tc.pod('job')!.status?.phase).toBe('Succeeded');
    expect(tc.pod('next')!.spec.nodeName).toBe('node-1');
  });

  it('can run without a plugin: with TaintToleration disabled taints do not filter', () => {
    const tc = testCluster({
      nodes: [{ taints: gpuTaint }],
      scheduler: { profiles: [{ schedulerName: 'default-scheduler', plugins: { multiPoint: { disabled: [{ name: 'TaintToleration' }] } } }] },
    });
    tc.create(R.pods, podManifest('p'));
    expect(tc.pod('p')!.spec.nodeName).toBe('node-1');
  });
});

describe('DefaultBinder', () => {
  it('binds through the handle and turns a refusal into an Error status', () => {
    const calls: string[] = [];
    const ok = defaultBinder({ bind: (p: Stored<Pod>, n: string) => void calls.push(`${p.metadata.name}->${n}`) } as unknown as Handle);
    const p = { metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [] } } as unknown as Stored<Pod>;
    expect(ok.bind(new CycleState(), p, 'node-1')).toMatchObject({ code: 'Success' });
    expect(calls).toEqual(['p->node-1']);
    const refused = defaultBinder({
      bind: () => {
        throw new Error('pods "p" is already assigned to node "node-2"');
      },
    } as unknown as Handle);
    expect(refused.bind(new CycleState(), p, 'node-1')).toEqual({ code: 'Error', reasons: ['pods "p" is already assigned to node "node-2"'] });
  });
});
