import { describe, it, expect } from 'vitest';
import type { Pod, Stored, TopologySpreadConstraint } from '../../../src/engine/api/types.ts';
import { Action, CycleState, type NodeInfo, newPodInfo } from '../../../src/engine/scheduler/framework.ts';
import { podTopologySpread, type PodTopologySpreadArgs } from '../../../src/engine/scheduler/plugins/pod-topology-spread.ts';
import { fakeHandle, filterAll, labeledNode, podOf, scoreAll } from './fake-handle.ts';

const HOST = 'kubernetes.io/hostname';
const foo = { matchLabels: { foo: '' } };
const bar = { matchLabels: { bar: '' } };

function constraint(maxSkew: number, key: string, when: string, selector: object | undefined, extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint {
  return { maxSkew, topologyKey: key, whenUnsatisfiable: when, ...(selector ? { labelSelector: selector } : {}), ...extra } as TopologySpreadConstraint;
}

/** Pods named `p-<node letter><n>` with the given labels, placed on `node-<letter>`. */
const on = (node: string, labels: Record<string, string>, n = 1, extra: Record<string, unknown> = {}) =>
  Array.from({ length: n }, (_, i) => ({ node, pod: podOf(`p-${node}-${i}`, labels, {}, 'default', extra) }));

function nodesWith(spec: Array<[string, Record<string, string>]>, pods: Array<{ node: string; pod: Stored<Pod> }>): NodeInfo[] {
  return spec.map(([name, labels]) => labeledNode(name, labels, pods.filter((p) => p.node === name).map((p) => p.pod)));
}

describe('PodTopologySpread score (upstream TestPodTopologySpreadScore)', () => {
  const host = (n: string) => ({ [HOST]: n });
  const zoned = (n: string, z: string) => ({ [HOST]: n, zone: z });
  it.each<[string, TopologySpreadConstraint[], Array<[string, Record<string, string>]>, string[], Array<{ node: string; pod: Stored<Pod> }>, Record<string, number>]>([
    ['one constraint on node, no existing pods', [constraint(1, HOST, 'ScheduleAnyway', foo)], [['node-a', host('node-a')], ['node-b', host('node-b')]], [], [], { 'node-a': 100, 'node-b': 100 }],
    [
      'one constraint on node, only one node is candidate',
      [constraint(1, HOST, 'ScheduleAnyway', foo)],
      [['node-a', host('node-a')], ['node-b', host('node-b')]],
      ['node-b'],
      [...on('node-a', { foo: '' }, 2), ...on('node-b', { foo: '' })],
      { 'node-a': 100 },
    ],
    [
      'one constraint on node, spread 2/1/0/3',
      [constraint(1, HOST, 'ScheduleAnyway', foo)],
      [['node-a', host('node-a')], ['node-b', host('node-b')], ['node-c', host('node-c')], ['node-d', host('node-d')]],
      [],
      [...on('node-a', { foo: '' }, 2), ...on('node-b', { foo: '' }), ...on('node-d', { foo: '' }, 3)],
      { 'node-a': 20, 'node-b': 60, 'node-c': 100, 'node-d': 0 },
    ],
    [
      'one constraint on node, null selector matches nothing',
      [constraint(1, HOST, 'ScheduleAnyway', undefined)],
      [['node-a', host('node-a')], ['node-b', host('node-b')], ['node-c', host('node-c')], ['node-d', host('node-d')]],
      [],
      [...on('node-a', { foo: '' }, 2), ...on('node-b', { foo: '' }), ...on('node-d', { foo: '' }, 3)],
      { 'node-a': 100, 'node-b': 100, 'node-c': 100, 'node-d': 100 },
    ],
    [
      'maxSkew 2 waters differences down',
      [constraint(2, HOST, 'ScheduleAnyway', foo)],
      [['node-a', host('node-a')], ['node-b', host('node-b')], ['node-c', host('node-c')], ['node-d', host('node-d')]],
      [],
      [...on('node-a', { foo: '' }, 2), ...on('node-b', { foo: '' }), ...on('node-d', { foo: '' }, 3)],
      { 'node-a': 33, 'node-b': 66, 'node-c': 100, 'node-d': 16 },
    ],
    [
      'maxSkew 3, spread 4/3/2/1',
      [constraint(3, HOST, 'ScheduleAnyway', foo)],
      [['node-a', host('node-a')], ['node-b', host('node-b')], ['node-c', host('node-c')], ['node-d', host('node-d')]],
      [],
      [...on('node-a', { foo: '' }, 4), ...on('node-b', { foo: '' }, 3), ...on('node-c', { foo: '' }, 2), ...on('node-d', { foo: '' })],
      { 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 },
    ],
    [
      '3 of 4 nodes are candidates',
      [constraint(1, HOST, 'ScheduleAnyway', foo)],
      [['node-a', host('node-a')], ['node-b', host('node-b')], ['node-x', host('node-x')], ['node-y', host('node-y')]],
      ['node-y'],
      [...on('node-a', { foo: '' }, 4), ...on('node-b', { foo: '' }, 2), ...on('node-x', { foo: '' }), ...on('node-y', { foo: '' }, 3)],
      { 'node-a': 33, 'node-b': 83, 'node-x': 100 },
    ],
    [
      'a candidate without the topology key scores 0',
      [constraint(1, HOST, 'ScheduleAnyway', foo)],
      [['node-a', host('node-a')], ['node-b', { n: 'node-b' }], ['node-x', host('node-x')], ['node-y', host('node-y')]],
      ['node-y'],
      [...on('node-a', { foo: '' }, 4), ...on('node-b', { foo: '' }, 2), ...on('node-x', { foo: '' }), ...on('node-y', { foo: '' }, 3)],
      { 'node-a': 16, 'node-b': 0, 'node-x': 100 },
    ],
    [
      'one constraint on zone, 3 of 4 nodes are candidates',
      [constraint(1, 'zone', 'ScheduleAnyway', foo)],
      [['node-a', zoned('node-a', 'zone1')], ['node-b', zoned('node-b', 'zone1')], ['node-x', zoned('node-x', 'zone2')], ['node-y', zoned('node-y', 'zone2')]],
      ['node-y'],
      [...on('node-a', { foo: '' }, 4), ...on('node-b', { foo: '' }, 2), ...on('node-x', { foo: '' }), ...on('node-y', { foo: '' }, 3)],
      { 'node-a': 75, 'node-b': 75, 'node-x': 100 },
    ],
    [
      'zone and node constraints, 2 of 4 nodes are candidates',
      [constraint(1, 'zone', 'ScheduleAnyway', foo), constraint(1, HOST, 'ScheduleAnyway', foo)],
      [['node-a', zoned('node-a', 'zone1')], ['node-b', zoned('node-b', 'zone1')], ['node-x', zoned('node-x', 'zone2')], ['node-y', zoned('node-y', 'zone2')]],
      ['node-b', 'node-y'],
      [...on('node-a', { foo: '' }, 2), ...on('node-b', { foo: '' }), ...on('node-x', { foo: '' }, 2), ...on('node-y', { foo: '' }, 4)],
      { 'node-a': 100, 'node-x': 63 },
    ],
    [
      'zone and node constraints with different selectors',
      [constraint(1, 'zone', 'ScheduleAnyway', foo), constraint(1, HOST, 'ScheduleAnyway', bar)],
      [['node-a', zoned('node-a', 'zone1')], ['node-b', zoned('node-b', 'zone1')], ['node-x', zoned('node-x', 'zone2')], ['node-y', zoned('node-y', 'zone2')]],
      [],
      [...on('node-a', { foo: '' }), ...on('node-b', { foo: '', bar: '' }), { node: 'node-y', pod: podOf('y1', { foo: '' }) }, { node: 'node-y', pod: podOf('y2', { bar: '' }) }],
      { 'node-a': 60, 'node-b': 20, 'node-x': 100, 'node-y': 60 },
    ],
    [
      'pods of other namespaces do not count',
      [constraint(1, HOST, 'ScheduleAnyway', foo)],
      [['node-a', host('node-a')], ['node-b', host('node-b')]],
      [],
      [{ node: 'node-a', pod: podOf('a1', { foo: '' }, {}, 'ns1') }, ...on('node-a', { foo: '' }), ...on('node-b', { foo: '' }, 2)],
      { 'node-a': 100, 'node-b': 33 },
    ],
    [
      'terminating pods do not count',
      [constraint(1, HOST, 'ScheduleAnyway', foo)],
      [['node-a', host('node-a')], ['node-b', host('node-b')]],
      [],
      [...on('node-a', { foo: '' }, 1, { deletionTimestamp: '2025-01-01T00:00:00Z' }), ...on('node-b', { foo: '' })],
      { 'node-a': 100, 'node-b': 0 },
    ],
  ])('%s', (_what, constraints, nodeSpec, failed, pods, want) => {
    const all = nodesWith(nodeSpec, pods);
    const handle = fakeHandle({ nodes: all });
    const plugin = podTopologySpread({ defaultingType: 'List' }, handle);
    const p = podOf('p', { foo: '', bar: '' }, { topologySpreadConstraints: constraints });
    const candidates = all.filter((n) => !failed.includes(n.name));
    expect(scoreAll(plugin, p, candidates, new CycleState())).toEqual(want);
  });

  it('applies the system defaults (hostname maxSkew 3, zone maxSkew 5) to pods of a Service', () => {
    const all = nodesWith(
      [['node-a', host('node-a')], ['node-b', host('node-b')], ['node-c', host('node-c')], ['node-d', host('node-d')]],
      [...on('node-a', { foo: '' }, 4), ...on('node-b', { foo: '' }, 3), ...on('node-c', { foo: '' }, 2), ...on('node-d', { foo: '' })],
    );
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { selector: { foo: '' } } };
    const handle = fakeHandle({ nodes: all, objects: { services: [svc] } });
    const plugin = podTopologySpread({}, handle);
    // Nodes without a zone still get hostname spreading: the same scores as one hostname constraint of maxSkew 3.
    expect(scoreAll(plugin, podOf('p', { foo: '' }), all, new CycleState())).toEqual({ 'node-a': 44, 'node-b': 66, 'node-c': 77, 'node-d': 100 });
  });

  it.each<[string, Record<string, unknown>, object[]]>([
    ['a pod of no Service and no controller', {}, []],
    ['a Service with a nil selector selects nothing', {}, [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: {} }]],
  ])('skips scoring for %s', (_what, meta, services) => {
    const all = nodesWith([['node-a', host('node-a')]], []);
    const plugin = podTopologySpread({}, fakeHandle({ nodes: all, objects: { services: services as never[] } }));
    expect(scoreAll(plugin, podOf('p', { foo: '' }, {}, 'default', meta), all, new CycleState())).toBe('Skip');
  });

  it('uses the selector of the ReplicaSet that controls the pod', () => {
    const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default', uid: 'rs' }, spec: { selector: { matchLabels: { app: 'web' } } } };
    const all = nodesWith([['node-a', host('node-a')], ['node-b', host('node-b')]], [...on('node-a', { app: 'web' }, 2)]);
    const plugin = podTopologySpread({}, fakeHandle({ nodes: all, objects: { replicasets: [rs] } }));
    const owner = { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs', controller: true }] };
    const scores = scoreAll(plugin, podOf('p', { app: 'web' }, {}, 'default', owner), all, new CycleState()) as Record<string, number>;
    expect(scores['node-b']).toBeGreaterThan(scores['node-a']);
  });
});

describe('PodTopologySpread filter', () => {
  const zoned = (n: string, z: string, extra: Record<string, string> = {}) => ({ [HOST]: n, zone: z, ...extra });
  const four = (extra: Record<string, Record<string, string>> = {}): Array<[string, Record<string, string>]> => [
    ['node-a', zoned('node-a', 'zone1', extra['node-a'])],
    ['node-b', zoned('node-b', 'zone1', extra['node-b'])],
    ['node-x', zoned('node-x', 'zone2', extra['node-x'])],
    ['node-y', zoned('node-y', 'zone2', extra['node-y'])],
  ];
  const OK = 'Success';
  const SKEW = "Unschedulable: node(s) didn't match pod topology spread constraints";
  const MISSING = "UnschedulableAndUnresolvable: node(s) didn't match pod topology spread constraints (missing required label)";
  it.each<[string, TopologySpreadConstraint[], Array<[string, Record<string, string>]>, Array<{ node: string; pod: Stored<Pod> }>, Record<string, unknown>, Record<string, string>]>([
    ['no existing pods: every node fits', [constraint(1, 'zone', 'DoNotSchedule', foo)], four(), [], {}, { 'node-a': OK, 'node-b': OK, 'node-x': OK, 'node-y': OK }],
    [
      'a zone 2 pods ahead is too far ahead for maxSkew 1',
      [constraint(1, 'zone', 'DoNotSchedule', foo)],
      four(),
      [...on('node-a', { foo: '' }, 2), ...on('node-x', { foo: '' }, 0)],
      {},
      { 'node-a': SKEW, 'node-b': SKEW, 'node-x': OK, 'node-y': OK },
    ],
    ['maxSkew 2 allows it', [constraint(2, 'zone', 'DoNotSchedule', foo)], four(), [...on('node-a', { foo: '' }, 1)], {}, { 'node-a': OK, 'node-b': OK, 'node-x': OK, 'node-y': OK }],
    [
      'a node without the topology key is unresolvable',
      [constraint(1, 'zone', 'DoNotSchedule', foo)],
      [['node-a', zoned('node-a', 'zone1')], ['node-b', { [HOST]: 'node-b' }]],
      [],
      {},
      { 'node-a': OK, 'node-b': MISSING },
    ],
    [
      'per-node spreading',
      [constraint(1, HOST, 'DoNotSchedule', foo)],
      four(),
      [...on('node-a', { foo: '' }), ...on('node-b', { foo: '' }), ...on('node-x', { foo: '' })],
      {},
      { 'node-a': SKEW, 'node-b': SKEW, 'node-x': SKEW, 'node-y': OK },
    ],
    [
      'a pod not matching its own selector does not count itself',
      [constraint(1, 'zone', 'DoNotSchedule', bar)],
      four(),
      [...on('node-a', { bar: '' }, 1)],
      { labels: { foo: '' } },
      { 'node-a': OK, 'node-b': OK, 'node-x': OK, 'node-y': OK },
    ],
    [
      'minDomains above the number of domains makes the global minimum 0',
      [constraint(1, 'zone', 'DoNotSchedule', foo, { minDomains: 3 })],
      four(),
      [...on('node-a', { foo: '' }), ...on('node-x', { foo: '' })],
      {},
      { 'node-a': SKEW, 'node-b': SKEW, 'node-x': SKEW, 'node-y': SKEW },
    ],
    [
      'minDomains met: the usual global minimum',
      [constraint(1, 'zone', 'DoNotSchedule', foo, { minDomains: 2 })],
      four(),
      [...on('node-a', { foo: '' }), ...on('node-x', { foo: '' })],
      {},
      { 'node-a': OK, 'node-b': OK, 'node-x': OK, 'node-y': OK },
    ],
    [
      'nodeAffinityPolicy Honor: nodes the pod may not use are no domain',
      [constraint(1, 'zone', 'DoNotSchedule', foo)],
      four({ 'node-a': { ssd: 'yes' }, 'node-b': { ssd: 'yes' } }),
      [...on('node-a', { foo: '' })],
      { nodeSelector: { ssd: 'yes' } },
      { 'node-a': OK, 'node-b': OK, 'node-x': OK, 'node-y': OK },
    ],
    [
      'nodeAffinityPolicy Ignore: every node is a domain',
      [constraint(1, 'zone', 'DoNotSchedule', foo, { nodeAffinityPolicy: 'Ignore' })],
      four({ 'node-a': { ssd: 'yes' }, 'node-b': { ssd: 'yes' } }),
      [...on('node-a', { foo: '' })],
      { nodeSelector: { ssd: 'yes' } },
      { 'node-a': SKEW, 'node-b': SKEW, 'node-x': OK, 'node-y': OK },
    ],
    [
      'matchLabelKeys narrow the selector to pods with the same values',
      [constraint(1, 'zone', 'DoNotSchedule', foo, { matchLabelKeys: ['rev'] })],
      four(),
      [...on('node-a', { foo: '', rev: 'old' }, 3)],
      { labels: { foo: '', rev: 'new' } },
      { 'node-a': OK, 'node-b': OK, 'node-x': OK, 'node-y': OK },
    ],
    [
      'pods of other namespaces do not count',
      [constraint(1, 'zone', 'DoNotSchedule', foo)],
      four(),
      [{ node: 'node-a', pod: podOf('other', { foo: '' }, {}, 'ns1') }, { node: 'node-a', pod: podOf('other2', { foo: '' }, {}, 'ns1') }],
      {},
      { 'node-a': OK, 'node-b': OK, 'node-x': OK, 'node-y': OK },
    ],
  ])('%s', (_what, constraints, nodeSpec, pods, podExtra, want) => {
    const all = nodesWith(nodeSpec, pods);
    const plugin = podTopologySpread({ defaultingType: 'List' }, fakeHandle({ nodes: all }));
    const { labels, ...spec } = podExtra as { labels?: Record<string, string> };
    const p = podOf('p', labels ?? { foo: '' }, { topologySpreadConstraints: constraints, ...spec });
    expect(filterAll(plugin, p, all, new CycleState())).toEqual(want);
  });

  it('nodeTaintsPolicy Honor leaves out nodes with taints the pod does not tolerate', () => {
    const taints = [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' as const }];
    const all = [
      labeledNode('node-a', { [HOST]: 'node-a', zone: 'zone1' }, [podOf('a1', { foo: '' })]),
      labeledNode('node-x', { [HOST]: 'node-x', zone: 'zone2' }, [], { taints }),
    ];
    const honor = podTopologySpread({ defaultingType: 'List' }, fakeHandle({ nodes: all }));
    const p = (policy: 'Honor' | 'Ignore') => podOf('p', { foo: '' }, { topologySpreadConstraints: [constraint(1, 'zone', 'DoNotSchedule', foo, { nodeTaintsPolicy: policy })] });
    expect(filterAll(honor, p('Honor'), all, new CycleState())['node-a']).toBe('Success');
    expect(filterAll(honor, p('Ignore'), all, new CycleState())['node-a']).toMatch(/^Unschedulable/);
  });

  it('skips pods without hard constraints, and counts pods preemption adds or removes', () => {
    const all = nodesWith(four(), [...on('node-a', { foo: '' }, 2)]);
    const plugin = podTopologySpread({ defaultingType: 'List' }, fakeHandle({ nodes: all }));
    expect(plugin.preFilter(new CycleState(), podOf('p', { foo: '' }), all).status.code).toBe('Skip');
    const state = new CycleState();
    const p = podOf('p', { foo: '' }, { topologySpreadConstraints: [constraint(1, 'zone', 'DoNotSchedule', foo)] });
    plugin.preFilter(state, p, all);
    expect(plugin.filter(state, p, all[0]).code).toBe('Unschedulable');
    const clone = state.clone();
    for (const pi of [...all[0].pods.values()]) plugin.preFilterExtensions!.removePod(clone, p, pi, all[0]);
    expect(plugin.filter(clone, p, all[0]).code).toBe('Success');
    // The original state is untouched.
    expect(plugin.filter(state, p, all[0]).code).toBe('Unschedulable');
    // A (nominated) pod added in zone2 makes zone1 the minimum.
    plugin.preFilterExtensions!.addPod(clone, p, newPodInfo(podOf('n', { foo: '' })), all[2]);
    expect(plugin.filter(clone, p, all[2]).code).toBe('Unschedulable');
    expect(plugin.filter(clone, p, all[0]).code).toBe('Success');
  });

  it('re-queues pods for assigned pods matching a constraint, and for nodes with the topology keys', () => {
    const plugin = podTopologySpread({ defaultingType: 'List' }, fakeHandle());
    const p = podOf('p', { foo: '' }, { topologySpreadConstraints: [constraint(1, 'zone', 'DoNotSchedule', foo)] });
    const [podEvents, nodeEvents] = plugin.eventsToRegister();
    expect(podEvents.event).toEqual({ resource: 'Pod', action: Action.Add | Action.UpdatePodLabel | Action.Delete });
    const assigned = (labels: Record<string, string>) => podOf('x', labels, { nodeName: 'node-a' });
    expect(podEvents.hint!(p, assigned({ foo: '' }), undefined)).toBe('Queue');
    expect(podEvents.hint!(p, assigned({ other: '' }), undefined)).toBe('QueueSkip');
    expect(podEvents.hint!(p, undefined, podOf('unassigned', { foo: '' }))).toBe('QueueSkip');
    const n = (labels: Record<string, string>) => labeledNode('n', labels).node;
    expect(nodeEvents.hint!(p, undefined, n({ zone: 'z' }))).toBe('Queue');
    expect(nodeEvents.hint!(p, undefined, n({}))).toBe('QueueSkip');
  });
});

export type { PodTopologySpreadArgs };
