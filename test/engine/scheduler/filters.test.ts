import { describe, it, expect } from 'vitest';
import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from '../../../src/engine/api/types.ts';
import { Action, CycleState, type Status } from '../../../src/engine/scheduler/framework.ts';
import { nodeUnschedulable } from '../../../src/engine/scheduler/plugins/node-unschedulable.ts';
import { nodeName } from '../../../src/engine/scheduler/plugins/node-name.ts';
import { taintToleration } from '../../../src/engine/scheduler/plugins/taint-toleration.ts';
import { nodeAffinity, termMatches } from '../../../src/engine/scheduler/plugins/node-affinity.ts';
import { node, nodeInfo, pod, scores } from './helpers.ts';

const brief = (s: Status) => (s.code === 'Success' ? 'Success' : `${s.code}: ${s.reasons.join(', ')}`);

describe('NodeUnschedulable', () => {
  const plugin = nodeUnschedulable();
  it.each<[string, boolean, Toleration[] | undefined, string]>([
    ['a schedulable node takes any pod', false, undefined, 'Success'],
    ['a cordoned node refuses a pod without tolerations', true, undefined, "UnschedulableAndUnresolvable: node(s) were unschedulable"],
    ['a cordoned node takes a pod tolerating the unschedulable taint', true, [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }], 'Success'],
    ['an Exists toleration with empty key tolerates everything', true, [{ operator: 'Exists' }], 'Success'],
    ['a NoExecute toleration does not cover the NoSchedule taint', true, [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoExecute' }], "UnschedulableAndUnresolvable: node(s) were unschedulable"],
    ['a toleration for another key does not help', true, [{ key: 'dedicated', operator: 'Exists' }], "UnschedulableAndUnresolvable: node(s) were unschedulable"],
  ])('%s', (_what, unschedulable, tolerations, want) => {
    const p = pod({ spec: tolerations ? { tolerations } : {} });
    expect(brief(plugin.filter(new CycleState(), p, nodeInfo({ unschedulable })))).toBe(want);
  });

  it('is cured by node additions and taint changes', () => {
    expect(plugin.eventsToRegister().map((e) => e.event)).toEqual([
      { resource: 'Node', action: Action.Add | Action.UpdateNodeTaint },
      { resource: 'Pod', action: Action.UpdatePodToleration },
    ]);
  });
});

describe('NodeName', () => {
  const plugin = nodeName();
  it.each([
    ['no nodeName fits every node', undefined, 'node-1', 'Success'],
    ['the named node fits', 'node-1', 'node-1', 'Success'],
    ['another node does not', 'node-2', 'node-1', "UnschedulableAndUnresolvable: node(s) didn't match the requested node name"],
  ])('%s', (_what, want, on, expected) => {
    const p = pod({ spec: want ? { nodeName: want } : {} });
    expect(brief(plugin.filter(new CycleState(), p, nodeInfo({ name: on })))).toBe(expected);
  });
});

describe('TaintToleration filter', () => {
  const plugin = taintToleration();
  const gpu: Taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  it.each<[string, Taint[], Toleration[] | undefined, string]>([
    ['a node without taints', [], undefined, 'Success'],
    ['an untolerated NoSchedule taint', [gpu], undefined, 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}'],
    ['an untolerated NoExecute taint', [{ key: 'k', value: 'v', effect: 'NoExecute' }], undefined, 'UnschedulableAndUnresolvable: node(s) had untolerated taint {k: v}'],
    ['a taint without value prints an empty value', [{ key: 'k', effect: 'NoSchedule' }], undefined, 'UnschedulableAndUnresolvable: node(s) had untolerated taint {k: }'],
    ['PreferNoSchedule never filters', [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }], undefined, 'Success'],
    ['Equal with the same value', [gpu], [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], 'Success'],
    ['Equal is the default operator', [gpu], [{ key: 'dedicated', value: 'gpu' }], 'Success'],
    ['Equal with another value', [gpu], [{ key: 'dedicated', operator: 'Equal', value: 'cpu' }], 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}'],
    ['Exists ignores the value', [gpu], [{ key: 'dedicated', operator: 'Exists' }], 'Success'],
    ['Exists with empty key and effect tolerates every taint', [gpu, { key: 'x', effect: 'NoExecute' }], [{ operator: 'Exists' }], 'Success'],
    ['Exists with empty key but an effect tolerates only that effect', [gpu, { key: 'x', effect: 'NoExecute' }], [{ operator: 'Exists', effect: 'NoSchedule' }], 'UnschedulableAndUnresolvable: node(s) had untolerated taint {x: }'],
    ['a toleration for another effect', [gpu], [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }], 'UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}'],
    [
      'the first untolerated taint is the one reported',
      [{ key: 'a', value: '1', effect: 'NoSchedule' }, { key: 'b', value: '2', effect: 'NoSchedule' }],
      [{ key: 'a', operator: 'Exists' }],
      'UnschedulableAndUnresolvable: node(s) had untolerated taint {b: 2}',
    ],
  ])('%s', (_what, taints, tolerations, want) => {
    const p = pod({ spec: tolerations ? { tolerations } : {} });
    expect(brief(plugin.filter(new CycleState(), p, nodeInfo({ taints })))).toBe(want);
  });
});

describe('TaintToleration score', () => {
  const plugin = taintToleration();
  const prefer = (key: string, value = ''): Taint => ({ key, value, effect: 'PreferNoSchedule' });

  it('counts untolerated PreferNoSchedule taints and normalizes in reverse', () => {
    const infos = [
      nodeInfo({ name: 'none' }),
      nodeInfo({ name: 'one', taints: [prefer('a')] }),
      nodeInfo({ name: 'two', taints: [prefer('a'), prefer('b')] }),
      nodeInfo({ name: 'three', taints: [prefer('a'), prefer('b'), prefer('c')] }),
      nodeInfo({ name: 'noschedule', taints: [{ key: 'x', effect: 'NoSchedule' }] }),
    ];
    // 100 - 100 * count / max, with integer division.
    expect(scores(plugin, pod(), infos)).toEqual({ none: 100, one: 67, two: 34, three: 0, noschedule: 100 });
  });

  it('gives every node 100 when no node has an untolerated PreferNoSchedule taint', () => {
    const p = pod({ spec: { tolerations: [{ key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }] } });
    expect(scores(plugin, p, [nodeInfo({ name: 'x', taints: [prefer('a')] }), nodeInfo({ name: 'y' })])).toEqual({ x: 100, y: 100 });
  });

  it.each<[string, Toleration, number]>([
    ['a PreferNoSchedule toleration counts', { key: 'a', operator: 'Exists', effect: 'PreferNoSchedule' }, 50],
    ['a toleration without effect counts', { key: 'a', operator: 'Exists' }, 50],
    ['a NoSchedule toleration does not count for scoring', { key: 'a', operator: 'Exists', effect: 'NoSchedule' }, 0],
  ])('%s', (_what, toleration, score) => {
    const p = pod({ spec: { tolerations: [toleration] } });
    const got = scores(plugin, p, [nodeInfo({ name: 'x', taints: [prefer('a'), prefer('b')] }), nodeInfo({ name: 'y', taints: [prefer('b'), prefer('c')] })]);
    expect(got.x).toBe(score);
    expect(got.y).toBe(0);
  });
});

describe('NodeAffinity filter', () => {
  const plugin = nodeAffinity();
  const labelled = nodeInfo({ name: 'node-a', labels: { zone: 'a', disktype: 'ssd', cores: '8' } });
  const req = (key: string, operator: string, values?: string[]): NodeSelectorRequirement => ({ key, operator, ...(values ? { values } : {}) }) as NodeSelectorRequirement;
  const required = (...terms: NodeSelectorTerm[]) => pod({ spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } } });
  const NO = "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector";

  it.each([
    ['no selector, no affinity', pod(), 'Success'],
    ['a nodeSelector that matches', pod({ spec: { nodeSelector: { zone: 'a', disktype: 'ssd' } } }), 'Success'],
    ['a nodeSelector with one wrong value', pod({ spec: { nodeSelector: { zone: 'a', disktype: 'hdd' } } }), NO],
    ['a nodeSelector naming a missing label', pod({ spec: { nodeSelector: { gpu: 'true' } } }), NO],
    ['In', required({ matchExpressions: [req('zone', 'In', ['b', 'a'])] }), 'Success'],
    ['In without the value', required({ matchExpressions: [req('zone', 'In', ['b'])] }), NO],
    ['In on a missing label', required({ matchExpressions: [req('gpu', 'In', ['true'])] }), NO],
    ['NotIn', required({ matchExpressions: [req('zone', 'NotIn', ['b'])] }), 'Success'],
    ['NotIn with the value', required({ matchExpressions: [req('zone', 'NotIn', ['a'])] }), NO],
    ['NotIn on a missing label matches', required({ matchExpressions: [req('gpu', 'NotIn', ['true'])] }), 'Success'],
    ['Exists', required({ matchExpressions: [req('disktype', 'Exists')] }), 'Success'],
    ['Exists on a missing label', required({ matchExpressions: [req('gpu', 'Exists')] }), NO],
    ['DoesNotExist', required({ matchExpressions: [req('gpu', 'DoesNotExist')] }), 'Success'],
    ['DoesNotExist on a present label', required({ matchExpressions: [req('zone', 'DoesNotExist')] }), NO],
    ['Gt', required({ matchExpressions: [req('cores', 'Gt', ['4'])] }), 'Success'],
    ['Gt is strict', required({ matchExpressions: [req('cores', 'Gt', ['8'])] }), NO],
    ['Lt', required({ matchExpressions: [req('cores', 'Lt', ['10'])] }), 'Success'],
    ['Lt is strict', required({ matchExpressions: [req('cores', 'Lt', ['8'])] }), NO],
    ['Gt compares numbers, not strings', required({ matchExpressions: [req('cores', 'Gt', ['10'])] }), NO],
    ['Gt on a non-numeric label', required({ matchExpressions: [req('zone', 'Gt', ['1'])] }), NO],
    ['Gt on a missing label', required({ matchExpressions: [req('gpu', 'Gt', ['1'])] }), NO],
    ['matchFields metadata.name In', required({ matchFields: [req('metadata.name', 'In', ['node-a'])] }), 'Success'],
    ['matchFields metadata.name In another name', required({ matchFields: [req('metadata.name', 'In', ['node-b'])] }), NO],
    ['matchFields metadata.name NotIn', required({ matchFields: [req('metadata.name', 'NotIn', ['node-b'])] }), 'Success'],
    ['terms are ORed: the second term matches', required({ matchExpressions: [req('zone', 'In', ['b'])] }, { matchExpressions: [req('disktype', 'In', ['ssd'])] }), 'Success'],
    ['expressions of a term are ANDed', required({ matchExpressions: [req('zone', 'In', ['a']), req('disktype', 'In', ['hdd'])] }), NO],
    ['labels and fields of a term are ANDed', required({ matchExpressions: [req('zone', 'In', ['a'])], matchFields: [req('metadata.name', 'In', ['node-b'])] }), NO],
    ['an empty term matches nothing', required({}), NO],
    ['an empty term next to a matching one', required({}, { matchExpressions: [req('zone', 'Exists')] }), 'Success'],
    ['no terms match nothing', required(), NO],
    [
      'nodeSelector and affinity must both hold',
      pod({ spec: { nodeSelector: { zone: 'b' }, affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [req('zone', 'Exists')] }] } } } } }),
      NO,
    ],
  ])('%s', (_what, p, want) => {
    expect(brief(plugin.filter(new CycleState(), p, labelled))).toBe(want);
  });

  it.each([
    ['a decimal label value is not an integer', '2.5', 'Gt', '1', false],
    ['trailing characters make it no integer', '10x', 'Gt', '1', false],
    ['a leading plus sign is accepted', '+10', 'Gt', '9', true],
    ['negative values compare as integers', '-3', 'Lt', '-2', true],
    ['a non-integer requirement value matches nothing', '10', 'Gt', '1.5', false],
    ['an empty label value is not an integer', '', 'Lt', '1', false],
    ['a value beyond int64 is not an integer', '9223372036854775808', 'Gt', '1', false],
    ['the largest int64 is one', '9223372036854775807', 'Gt', '9223372036854775806', true],
  ])('Gt/Lt parse values as strconv.ParseInt does: %s', (_what, label, op, value, want) => {
    const n = node({ labels: { v: label } });
    expect(termMatches({ matchExpressions: [req('v', op, [value])] }, n)).toBe(want);
  });

  it('Gt and Lt need exactly one value', () => {
    const n = node({ labels: { v: '5' } });
    expect(termMatches({ matchExpressions: [req('v', 'Gt', ['1', '2'])] }, n)).toBe(false);
    expect(termMatches({ matchExpressions: [req('v', 'Gt', [])] }, n)).toBe(false);
  });
});

describe('NodeAffinity score', () => {
  const plugin = nodeAffinity();
  const preferred = (...terms: Array<[number, NodeSelectorTerm]>) =>
    pod({ spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms.map(([weight, preference]) => ({ weight, preference })) } } } });
  const infos = [
    nodeInfo({ name: 'ssd-a', labels: { disktype: 'ssd', zone: 'a' } }),
    nodeInfo({ name: 'ssd-b', labels: { disktype: 'ssd', zone: 'b' } }),
    nodeInfo({ name: 'hdd-a', labels: { disktype: 'hdd', zone: 'a' } }),
    nodeInfo({ name: 'bare' }),
  ];

  it('sums the weights of matching terms and scales the best to 100', () => {
    const p = preferred(
      [80, { matchExpressions: [{ key: 'disktype', operator: 'In', values: ['ssd'] }] }],
      [30, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }],
    );
    // raw 110, 80, 30, 0 -> 100 * raw / 110 with integer division.
    expect(scores(plugin, p, infos)).toEqual({ 'ssd-a': 100, 'ssd-b': 72, 'hdd-a': 27, bare: 0 });
  });

  it('ignores empty preferences', () => {
    const p = preferred([50, {}], [10, { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] }]);
    expect(scores(plugin, p, infos)).toEqual({ 'ssd-a': 0, 'ssd-b': 100, 'hdd-a': 0, bare: 0 });
  });

  it('leaves all scores at 0 when nothing matches (no reversal)', () => {
    const p = preferred([10, { matchExpressions: [{ key: 'gpu', operator: 'Exists' }] }]);
    expect(scores(plugin, p, infos)).toEqual({ 'ssd-a': 0, 'ssd-b': 0, 'hdd-a': 0, bare: 0 });
  });

  it('matches preferred terms on metadata.name', () => {
    const p = preferred([5, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['bare'] }] }]);
    expect(scores(plugin, p, infos)).toEqual({ 'ssd-a': 0, 'ssd-b': 0, 'hdd-a': 0, bare: 100 });
  });
});
