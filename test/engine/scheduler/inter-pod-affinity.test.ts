import { describe, it, expect } from 'vitest';
import type { Pod, Stored } from '../../../src/engine/api/types.ts';
import { Action, CycleState, newPodInfo } from '../../../src/engine/scheduler/framework.ts';
import { interPodAffinity } from '../../../src/engine/scheduler/plugins/inter-pod-affinity.ts';
import { fakeHandle, filterAll, labeledNode, podOf, scoreAll } from './fake-handle.ts';

const china = { region: 'China' };
const india = { region: 'India' };
const az1 = { az: 'az1' };
const az2 = { az: 'az2' };
const s1 = { security: 'S1' };
const s2 = { security: 'S2' };

const sel = (values: string[], op = 'In') => ({ matchExpressions: [{ key: 'security', operator: op, values }] });
const weighted = (weight: number, values: string[], key: string, extra: object = {}) => ({ weight, podAffinityTerm: { labelSelector: sel(values), topologyKey: key, ...extra } });
const stayWithS1InRegion = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(5, ['S1'], 'region')] } };
const stayWithS2InRegion = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(6, ['S2'], 'region')] } };
const awayFromS1InAz = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(5, ['S1'], 'az')] } };
const awayFromS2InAz = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(5, ['S2'], 'az')] } };
const stayS1AwayS2 = { ...{ podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(8, ['S1'], 'region')] } }, ...awayFromS2InAz };
const affinity3 = {
  podAffinity: {
    preferredDuringSchedulingIgnoredDuringExecution: [
      { weight: 8, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'security', operator: 'NotIn', values: ['S1'] }, { key: 'security', operator: 'In', values: ['S2'] }] }, topologyKey: 'region' } },
      { weight: 2, podAffinityTerm: { labelSelector: { matchExpressions: [{ key: 'security', operator: 'Exists' }, { key: 'wrongkey', operator: 'DoesNotExist' }] }, topologyKey: 'region' } },
    ],
  },
};
const hardAffinity = {
  podAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: [
      { labelSelector: sel(['S1', 'value2']), topologyKey: 'region' },
      { labelSelector: { matchExpressions: [{ key: 'security', operator: 'Exists' }, { key: 'wrongkey', operator: 'DoesNotExist' }] }, topologyKey: 'region' },
    ],
  },
};
const namespaceTerm = { namespaces: ['subteam2.team2'], namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['team1'] }] } };
const namespaces = [
  ['subteam1.team1', 'team1'],
  ['subteam2.team1', 'team1'],
  ['subteam1.team2', 'team2'],
  ['subteam2.team2', 'team2'],
].map(([name, team]) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { team } } }));

type Placed = [string, Record<string, string>, object | undefined, string?];

function build(nodes: Array<[string, Record<string, string>]>, placed: Placed[]) {
  let i = 0;
  return nodes.map(([name, labels]) =>
    labeledNode(
      name,
      labels,
      placed.filter((p) => p[0] === name).map(([, l, affinity, ns]) => podOf(`e${i++}`, l, affinity ? { affinity } : {}, ns ?? 'default')),
    ),
  );
}

describe('InterPodAffinity score (upstream TestPreferredAffinity)', () => {
  it.each<[string, Record<string, string>, object | undefined, Array<[string, Record<string, string>]>, Placed[], Record<string, number> | 'Skip', string?]>([
    ['no affinity anywhere: skipped', s1, undefined, [['node1', china], ['node2', india], ['node3', az1]], [], 'Skip'],
    [
      'affinity: the matching pod in the same region scores highest',
      s1,
      stayWithS1InRegion,
      [['node1', china], ['node2', india], ['node3', az1]],
      [['node1', s1, undefined], ['node2', s2, undefined], ['node3', s1, undefined]],
      { node1: 100, node2: 0, node3: 0 },
    ],
    [
      'every node of the matching region scores the same',
      {},
      stayWithS1InRegion,
      [['node1', china], ['node2', { ...china, ...az1 }], ['node3', india]],
      [['node1', s1, undefined]],
      { node1: 100, node2: 100, node3: 0 },
    ],
    [
      'the region with more matching pods wins',
      s1,
      stayWithS2InRegion,
      [['node1', china], ['node2', india], ['node3', china], ['node4', china], ['node5', india]],
      [['node1', s2, undefined], ['node1', s2, undefined], ['node2', s2, undefined], ['node3', s2, undefined], ['node4', s2, undefined], ['node5', s2, undefined]],
      { node1: 100, node2: 0, node3: 100, node4: 100, node5: 0 },
    ],
    [
      'operators and values, some terms not matching',
      s1,
      affinity3,
      [['node1', china], ['node2', india], ['node3', az1]],
      [['node1', s1, undefined], ['node2', s2, undefined], ['node3', s1, undefined]],
      { node1: 20, node2: 100, node3: 0 },
    ],
    [
      'symmetry: existing pods preferring the incoming pod pull it',
      s2,
      undefined,
      [['node1', china], ['node2', india], ['node3', az1]],
      [['node1', s1, stayWithS1InRegion], ['node2', s2, stayWithS2InRegion]],
      { node1: 0, node2: 100, node3: 0 },
    ],
    [
      'symmetry with a namespace selector',
      s1,
      undefined,
      [['node1', china], ['node2', india], ['node3', az1]],
      [['node1', s1, { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(5, ['S1'], 'region', namespaceTerm)] } }], ['node2', s2, stayWithS2InRegion]],
      { node1: 100, node2: 0, node3: 0 },
      'subteam1.team1',
    ],
    [
      'anti-affinity symmetry with a namespace selector',
      s1,
      undefined,
      [['node1', china], ['node2', india], ['node3', az1]],
      [['node1', s1, { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [weighted(5, ['S1'], 'region', namespaceTerm)] } }], ['node2', s2, stayWithS2InRegion]],
      { node1: 0, node2: 100, node3: 100 },
      'subteam1.team1',
    ],
    [
      'symmetry: existing pods required affinity counts with hardPodAffinityWeight',
      s1,
      undefined,
      [['node1', china], ['node2', india], ['node3', az1]],
      [['node1', s1, hardAffinity], ['node2', s2, hardAffinity]],
      { node1: 100, node2: 100, node3: 0 },
    ],
    [
      'anti-affinity: the node with the matching pod scores lowest',
      s1,
      awayFromS1InAz,
      [['node1', az1], ['node2', china]],
      [['node1', s1, undefined], ['node2', s2, undefined]],
      { node1: 0, node2: 100 },
    ],
    [
      'anti-affinity symmetry',
      s2,
      undefined,
      [['node1', az1], ['node2', az2]],
      [['node1', s1, awayFromS2InAz], ['node2', s2, awayFromS1InAz]],
      { node1: 0, node2: 100 },
    ],
    [
      'affinity and anti-affinity together',
      s1,
      stayS1AwayS2,
      [['node1', { ...china, ...az1 }], ['node2', india], ['node3', china], ['node4', china], ['node5', india]],
      [['node1', s1, undefined], ['node1', s1, undefined], ['node2', s1, undefined], ['node3', s1, undefined], ['node3', s1, undefined], ['node4', s1, undefined], ['node5', s1, undefined]],
      { node1: 100, node2: 0, node3: 100, node4: 100, node5: 0 },
    ],
    [
      'affinity, anti-affinity and symmetry',
      s1,
      stayS1AwayS2,
      [['node1', china], ['node2', az1], ['node3', india], ['node4', az2]],
      [['node1', s1, undefined], ['node2', s2, undefined], ['node3', {}, stayS1AwayS2], ['node4', {}, awayFromS1InAz]],
      { node1: 100, node2: 0, node3: 100, node4: 0 },
    ],
    [
      'nodes of one topology with and without affinity pods score alike',
      s1,
      undefined,
      [['node1', china], ['node2', china]],
      [['node1', s1, undefined], ['node2', {}, stayS1AwayS2]],
      { node1: 0, node2: 0 },
    ],
  ])('%s', (_what, labels, affinity, nodes, placed, want, ns) => {
    const all = build(nodes, placed);
    const plugin = interPodAffinity({}, fakeHandle({ nodes: all, objects: { namespaces } }));
    const p = podOf('p', labels, affinity ? { affinity } : {}, ns ?? 'default');
    expect(scoreAll(plugin, p, all, new CycleState())).toEqual(want);
  });

  it('ignores existing pods preferences when ignorePreferredTermsOfExistingPods is set and the pod has none', () => {
    const all = build([['node1', china], ['node2', india]], [['node1', s1, stayWithS2InRegion]]);
    const plugin = interPodAffinity({ ignorePreferredTermsOfExistingPods: true }, fakeHandle({ nodes: all }));
    expect(scoreAll(plugin, podOf('p', s2), all, new CycleState())).toBe('Skip');
  });

  it('weighs required affinity of existing pods by hardPodAffinityWeight (0 turns it off)', () => {
    const all = build([['node1', china], ['node2', india]], [['node1', s1, hardAffinity]]);
    const off = interPodAffinity({ hardPodAffinityWeight: 0 }, fakeHandle({ nodes: all }));
    expect(scoreAll(off, podOf('p', s1), all, new CycleState())).toBe('Skip');
  });
});

describe('InterPodAffinity filter', () => {
  const required = (values: string[], key: string, extra: object = {}) => [{ labelSelector: sel(values), topologyKey: key, ...extra }];
  const AFF = "UnschedulableAndUnresolvable: node(s) didn't match pod affinity rules";
  const ANTI = "Unschedulable: node(s) didn't match pod anti-affinity rules";
  const EXISTING = "Unschedulable: node(s) didn't satisfy existing pods anti-affinity rules";
  it.each<[string, Record<string, string>, object | undefined, Array<[string, Record<string, string>]>, Placed[], Record<string, string>, string?]>([
    ['no terms and no existing anti-affinity: skipped', s1, undefined, [['node1', china]], [['node1', s2, undefined]], { node1: 'Skip' }],
    [
      'required affinity: only the region with a matching pod',
      s2,
      { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required(['S1'], 'region') } },
      [['node1', china], ['node2', india], ['node3', china]],
      [['node1', s1, undefined]],
      { node1: 'Success', node2: AFF, node3: 'Success' },
    ],
    [
      'the first pod of a self-affine group may go to any node with the topology key',
      s1,
      { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required(['S1'], 'region') } },
      [['node1', china], ['node2', india], ['node3', az1]],
      [],
      { node1: 'Success', node2: 'Success', node3: AFF },
    ],
    [
      'but not when it does not match its own terms',
      s2,
      { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required(['S1'], 'region') } },
      [['node1', china]],
      [],
      { node1: AFF },
    ],
    [
      'required anti-affinity: not in the zone of a matching pod',
      s1,
      { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required(['S1'], 'az') } },
      [['node1', az1], ['node2', az2], ['node3', az1]],
      [['node1', s1, undefined]],
      { node1: ANTI, node2: 'Success', node3: ANTI },
    ],
    [
      'existing pods anti-affinity keeps matching pods out of their topology (symmetry)',
      s2,
      undefined,
      [['node1', az1], ['node2', az2], ['node3', az1]],
      [['node1', s1, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required(['S2'], 'az') } }]],
      { node1: EXISTING, node2: 'Success', node3: EXISTING },
    ],
    [
      'terms count pods of the listed namespaces only',
      s2,
      { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required(['S1'], 'region', { namespaces: ['other'] }) } },
      [['node1', china], ['node2', china]],
      [['node1', s1, undefined]],
      { node1: 'Success', node2: 'Success' },
    ],
    [
      'a namespaceSelector picks namespaces by their labels',
      s2,
      { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required(['S1'], 'region', { namespaceSelector: { matchLabels: { team: 'team2' } } }) } },
      [['node1', china], ['node2', india]],
      [['node1', s1, undefined, 'subteam1.team2'], ['node2', s1, undefined, 'subteam1.team1']],
      { node1: ANTI, node2: 'Success' },
    ],
    [
      'an empty namespaceSelector means every namespace',
      s2,
      { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required(['S1'], 'region', { namespaceSelector: {} }) } },
      [['node1', china], ['node2', india]],
      [['node1', s1, undefined, 'subteam1.team2']],
      { node1: ANTI, node2: 'Success' },
    ],
  ])('%s', (_what, labels, affinity, nodes, placed, want, ns) => {
    const all = build(nodes, placed);
    const plugin = interPodAffinity({}, fakeHandle({ nodes: all, objects: { namespaces } }));
    expect(filterAll(plugin, podOf('p', labels, affinity ? { affinity } : {}, ns ?? 'default'), all, new CycleState())).toEqual(want);
  });

  it('AddPod and RemovePod update the counts on a copy of the state', () => {
    const all = build([['node1', az1], ['node2', az2]], [['node1', s1, undefined]]);
    const plugin = interPodAffinity({}, fakeHandle({ nodes: all }));
    const p = podOf('p', s1, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required(['S1'], 'az') } } });
    const state = new CycleState();
    plugin.preFilter(state, p, all);
    expect(plugin.filter(state, p, all[0]).code).toBe('Unschedulable');
    const copy = state.clone();
    plugin.preFilterExtensions!.removePod(copy, p, [...all[0].pods.values()][0], all[0]);
    expect(plugin.filter(copy, p, all[0]).code).toBe('Success');
    expect(plugin.filter(state, p, all[0]).code).toBe('Unschedulable');
    plugin.preFilterExtensions!.addPod(copy, p, newPodInfo(podOf('x', s1, { nodeName: 'node2' })), all[1]);
    expect(plugin.filter(copy, p, all[1]).code).toBe('Unschedulable');
  });

  it('queueing hints: a new matching pod helps affinity, a deleted matching pod helps anti-affinity', () => {
    const plugin = interPodAffinity({}, fakeHandle());
    const [podEvents, nodeEvents] = plugin.eventsToRegister();
    expect(podEvents.event).toEqual({ resource: 'Pod', action: Action.Add | Action.UpdatePodLabel | Action.Delete });
    const assigned = (labels: Record<string, string>, affinity?: object): Stored<Pod> => podOf('x', labels, { nodeName: 'n', ...(affinity ? { affinity } : {}) });
    const wantsS1 = podOf('p', {}, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required(['S1'], 'region') } } });
    const avoidsS1 = podOf('p', {}, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required(['S1'], 'region') } } });
    expect(podEvents.hint!(wantsS1, undefined, assigned(s1))).toBe('Queue');
    expect(podEvents.hint!(wantsS1, undefined, assigned(s2))).toBe('QueueSkip');
    expect(podEvents.hint!(avoidsS1, assigned(s1), undefined)).toBe('Queue');
    expect(podEvents.hint!(avoidsS1, assigned(s2), undefined)).toBe('QueueSkip');
    expect(podEvents.hint!(wantsS1, undefined, podOf('unassigned', s1))).toBe('QueueSkip');
    expect(nodeEvents.hint!(wantsS1, undefined, labeledNode('n', china).node)).toBe('Queue');
    expect(nodeEvents.hint!(wantsS1, undefined, labeledNode('n', az1).node)).toBe('QueueSkip');
  });
});
