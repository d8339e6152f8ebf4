import { describe, it, expect } from 'vitest';
import type { Node, Stored } from '../../../src/engine/api/types.ts';
import { Action, CycleState, NodeInfo, type QueuedPodInfo, newPodInfo } from '../../../src/engine/scheduler/framework.ts';
import { schedulingGates } from '../../../src/engine/scheduler/plugins/scheduling-gates.ts';
import { prioritySort } from '../../../src/engine/scheduler/plugins/priority-sort.ts';
import { nodePorts } from '../../../src/engine/scheduler/plugins/node-ports.ts';
import { imageLocality, normalizedImageName } from '../../../src/engine/scheduler/plugins/image-locality.ts';
import { defaultBinder } from '../../../src/engine/scheduler/plugins/default-binder.ts';
import { nodeAffinity } from '../../../src/engine/scheduler/plugins/node-affinity.ts';
import { SchedulerCache } from '../../../src/engine/scheduler/cache.ts';
import { fakeHandle, filterAll, labeledNode, podOf, scoreAll } from './fake-handle.ts';
import { node } from './helpers.ts';

describe('SchedulingGates', () => {
  const plugin = schedulingGates();
  it.each<[string, Array<{ name: string }> | undefined, string]>([
    ['no gates', undefined, 'Success'],
    ['empty gates', [], 'Success'],
    ['one gate', [{ name: 'example.com/quota' }], 'UnschedulableAndUnresolvable: waiting for scheduling gates: [example.com/quota]'],
    ['two gates, in order', [{ name: 'a' }, { name: 'b' }], 'UnschedulableAndUnresolvable: waiting for scheduling gates: [a b]'],
  ])('%s', (_what, gates, want) => {
    const st = plugin.preEnqueue(podOf('p', {}, gates ? { schedulingGates: gates } : {}));
    expect(st.code === 'Success' ? 'Success' : `${st.code}: ${st.reasons.join(', ')}`).toBe(want);
  });

  it('lets the pod in only when its own gates go', () => {
    const [reg] = plugin.eventsToRegister();
    expect(reg.event).toEqual({ resource: 'Pod', action: Action.UpdatePodSchedulingGatesEliminated });
    const p = podOf('p');
    expect(reg.hint!(p, p, p)).toBe('Queue');
    expect(reg.hint!(p, undefined, podOf('other'))).toBe('QueueSkip');
  });
});

describe('PrioritySort', () => {
  const plugin = prioritySort();
  const q = (priority: number | undefined, timestamp: number): QueuedPodInfo => ({
    pod: podOf('p', {}, priority === undefined ? {} : { priority }),
    timestamp,
    initialAttemptTimestamp: timestamp,
    attempts: 0,
    unschedulablePlugins: new Set(),
  });
  it.each<[string, QueuedPodInfo, QueuedPodInfo, boolean]>([
    ['higher priority first', q(10, 2), q(1, 1), true],
    ['lower priority later', q(1, 1), q(10, 2), false],
    ['equal priority: earlier first', q(5, 1), q(5, 2), true],
    ['equal priority and time: not less', q(5, 1), q(5, 1), false],
    ['no priority counts as 0', q(undefined, 1), q(-1, 0), true],
  ])('%s', (_what, a, b, want) => expect(plugin.less(a, b)).toBe(want));
});

describe('NodePorts', () => {
  const port = (hostPort: number, protocol?: string, hostIP?: string) => ({ containerPort: 80, hostPort, ...(protocol ? { protocol } : {}), ...(hostIP ? { hostIP } : {}) });
  const withPorts = (...ports: object[]) => podOf(`p${Math.random()}`.slice(0, 6), {}, { containers: [{ name: 'c', image: 'nginx', ports }] });
  const on = (...pods: ReturnType<typeof withPorts>[]) => labeledNode('n1', {}, pods);
  const CONFLICT = "Unschedulable: node(s) didn't have free ports for the requested pod ports";
  it.each<[string, ReturnType<typeof withPorts>, NodeInfo, string]>([
    ['a pod without host ports is skipped', withPorts({ containerPort: 80 }), on(withPorts(port(8080))), 'Skip'],
    ['a free port', withPorts(port(8080)), on(withPorts(port(8081))), 'Success'],
    ['the same port and protocol', withPorts(port(8080)), on(withPorts(port(8080))), CONFLICT],
    ['another protocol', withPorts(port(8080, 'UDP')), on(withPorts(port(8080))), 'Success'],
    ['another specific address', withPorts(port(8080, 'TCP', '10.0.0.1')), on(withPorts(port(8080, 'TCP', '10.0.0.2'))), 'Success'],
    ['the wildcard address takes every address', withPorts(port(8080, 'TCP', '10.0.0.1')), on(withPorts(port(8080))), CONFLICT],
    ['a specific address conflicts with the wildcard', withPorts(port(8080)), on(withPorts(port(8080, 'TCP', '10.0.0.2'))), CONFLICT],
  ])('%s', (_what, p, n, want) => {
    expect(filterAll(nodePorts(), p, [n], new CycleState()).n1).toBe(want);
  });

  it('counts the ports of sidecars but not of init containers', () => {
    const sidecar = podOf('s', {}, { initContainers: [{ name: 'i', image: 'x', restartPolicy: 'Always', ports: [port(9000)] }] });
    const init = podOf('i', {}, { initContainers: [{ name: 'i', image: 'x', ports: [port(9001)] }] });
    const n = on(sidecar, init);
    expect(filterAll(nodePorts(), withPorts(port(9000)), [n], new CycleState()).n1).toBe(CONFLICT);
    expect(filterAll(nodePorts(), withPorts(port(9001)), [n], new CycleState()).n1).toBe('Success');
  });

  it('re-queues pods when a pod holding one of their ports is deleted', () => {
    const [podEvents, nodeEvents] = nodePorts().eventsToRegister();
    expect(nodeEvents.event).toEqual({ resource: 'Node', action: Action.Add });
    const holder = { ...withPorts(port(8080)), spec: { ...withPorts(port(8080)).spec, nodeName: 'n1' } };
    expect(podEvents.hint!(withPorts(port(8080)), holder, undefined)).toBe('Queue');
    expect(podEvents.hint!(withPorts(port(9090)), holder, undefined)).toBe('QueueSkip');
  });
});

describe('ImageLocality', () => {
  const MB = 1024 * 1024;
  const withImages = (name: string, images: Array<[string[], number]>): Stored<Node> => {
    const n = node({ name });
    return { ...n, status: { ...n.status, images: images.map(([names, size]) => ({ names, sizeBytes: size })) } } as Stored<Node>;
  };
  it.each<[string, string, string[]]>([
    ['a name without a tag is :latest', 'nginx', ['nginx:latest']],
    ['a tag is kept', 'nginx:1.27', ['nginx:1.27']],
    ['a registry port is not a tag', 'localhost:5000/app', ['localhost:5000/app:latest']],
    ['a digest is kept', 'app@sha256:abc', ['app@sha256:abc']],
  ])('%s', (_what, image, want) => expect([normalizedImageName(image)]).toEqual(want));

  it('scales each image by its size and the share of nodes that have it (upstream TestImageLocalityPriority)', () => {
    const cache = new SchedulerCache();
    // node1 has gcr.io/40:latest (40MB) and gcr.io/250:latest (250MB); node2 has gcr.io/10:latest (10MB) and gcr.io/2000:latest (2000MB).
    cache.addNode(withImages('node1', [[['gcr.io/40:latest'], 40 * MB], [['gcr.io/250:latest'], 250 * MB]]));
    cache.addNode(withImages('node2', [[['gcr.io/10:latest'], 10 * MB], [['gcr.io/2000:latest'], 2000 * MB]]));
    const plugin = imageLocality({ nodes: () => cache.nodes() });
    const pod = (...images: string[]) => podOf('p', {}, { containers: images.map((image, i) => ({ name: `c${i}`, image })) });
    const nodes = [...cache.nodes()];
    // Pod with gcr.io/40 and gcr.io/250: node1 scores (40/2 + 250/2 - 23) * 100 / (2000 - 23) = 6, node2 0.
    expect(scoreAll(plugin, pod('gcr.io/40', 'gcr.io/250'), nodes, new CycleState())).toEqual({ node1: 6, node2: 0 });
    // Pod with gcr.io/40 and gcr.io/10: (20 - 23) -> 0 on node1; (5 - 23) -> 0 on node2.
    expect(scoreAll(plugin, pod('gcr.io/40', 'gcr.io/10'), nodes, new CycleState())).toEqual({ node1: 0, node2: 0 });
    // Pod with gcr.io/2000 and gcr.io/10: node2 scores (1000 + 5 - 23) * 100 / 1977 = 49.
    expect(scoreAll(plugin, pod('gcr.io/2000', 'gcr.io/10'), nodes, new CycleState())).toEqual({ node1: 0, node2: 49 });
  });

  it('matches the names containerd reports, as upstream: a short Docker Hub name is not expanded', () => {
    const cache = new SchedulerCache();
    // What the simulated kubelet reports for nginx:1.25 (containerd's RepoDigests and RepoTags).
    cache.addNode(withImages('node1', [[['docker.io/library/nginx@sha256:0123', 'docker.io/library/nginx:1.25'], 500 * MB]]));
    cache.addNode(withImages('node2', []));
    const plugin = imageLocality({ nodes: () => cache.nodes() });
    const nodes = [...cache.nodes()];
    const pod = (image: string) => podOf('p', {}, { containers: [{ name: 'c', image }] });
    // (500/2 - 23) * 100 / (1000 - 23) = 23.
    expect(scoreAll(plugin, pod('docker.io/library/nginx:1.25'), nodes, new CycleState())).toEqual({ node1: 23, node2: 0 });
    expect(scoreAll(plugin, pod('nginx:1.25'), nodes, new CycleState())).toEqual({ node1: 0, node2: 0 });
  });

  it('scores 0 on nodes that report no images', () => {
    const n = new NodeInfo(node({ name: 'a' }));
    expect(scoreAll(imageLocality({ nodes: () => [n] }), podOf('p'), [n], new CycleState())).toEqual({ a: 0 });
  });
});

describe('DefaultBinder', () => {
  it('binds through the pods/binding subresource and reports refusals as errors', () => {
    const handle = fakeHandle();
    expect(defaultBinder(handle).bind(new CycleState(), podOf('p'), 'node-1').code).toBe('Success');
    expect(handle.bound).toEqual([['p', 'node-1']]);
    const refusing = { ...handle, bind: () => { throw new Error('pods "p" is already assigned to node "x"'); } };
    const st = defaultBinder(refusing).bind(new CycleState(), podOf('p'), 'node-1');
    expect([st.code, st.reasons[0]]).toEqual(['Error', 'pods "p" is already assigned to node "x"']);
  });
});

describe('NodeAffinity: PreFilter, addedAffinity and PreScore', () => {
  const term = (key: string, values: string[], op = 'In') => ({ matchFields: [{ key, operator: op, values }] });
  const affinity = (...terms: object[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
  it.each<[string, Record<string, unknown>, string | string[] | undefined]>([
    ['no nodeSelector and no required affinity: skipped', {}, 'Skip'],
    ['a nodeSelector: all nodes', { nodeSelector: { a: 'b' } }, undefined],
    ['metadata.name In narrows to those nodes', affinity(term('metadata.name', ['n1', 'n2'])), ['n1', 'n2']],
    ['terms are ORed', affinity(term('metadata.name', ['n1']), term('metadata.name', ['n3'])), ['n1', 'n3']],
    ['a term without metadata.name means all nodes', affinity(term('metadata.name', ['n1']), { matchExpressions: [{ key: 'x', operator: 'Exists' }] }), undefined],
    [
      'fields of one term are ANDed; an empty intersection conflicts',
      affinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }, { key: 'metadata.name', operator: 'In', values: ['n2'] }] }),
      'UnschedulableAndUnresolvable: pod affinity terms conflict',
    ],
  ])('%s', (_what, spec, want) => {
    const r = nodeAffinity().preFilter(new CycleState(), podOf('p', {}, spec), []);
    const got = r.status.code === 'Skip' ? 'Skip' : r.status.code !== 'Success' ? `${r.status.code}: ${r.status.reasons.join(', ')}` : r.result?.nodeNames ? [...r.result.nodeNames].sort() : undefined;
    expect(got).toEqual(want);
  });

  it('enforces the profile addedAffinity before the pod own rules', () => {
    const plugin = nodeAffinity({ addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['batch'] }] }] } } });
    const nodes = [labeledNode('batch', { pool: 'batch' }), labeledNode('web', { pool: 'web' })];
    expect(filterAll(plugin, podOf('p'), nodes, new CycleState())).toEqual({
      batch: 'Success',
      web: "UnschedulableAndUnresolvable: node(s) didn't match scheduler-enforced node affinity",
    });
  });

  it('scores preferred terms, the profile ones included, and skips pods with none', () => {
    const nodes = [labeledNode('a', { disk: 'ssd', zone: 'z1' }), labeledNode('b', { disk: 'hdd', zone: 'z1' }), labeledNode('c', {})];
    const pref = (weight: number, key: string, value: string) => ({ weight, preference: { matchExpressions: [{ key, operator: 'In' as const, values: [value] }] } });
    const p = podOf('p', {}, { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(2, 'disk', 'ssd'), pref(1, 'zone', 'z1'), pref(0, 'disk', 'hdd')] } } });
    expect(scoreAll(nodeAffinity(), p, nodes, new CycleState())).toEqual({ a: 100, b: 33, c: 0 });
    expect(scoreAll(nodeAffinity(), podOf('q'), nodes, new CycleState())).toBe('Skip');
    const added = nodeAffinity({ addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [pref(5, 'disk', 'hdd')] } });
    expect(scoreAll(added, podOf('q'), nodes, new CycleState())).toEqual({ a: 0, b: 100, c: 0 });
  });

  it('re-queues pods when a node starts to match', () => {
    const [reg] = nodeAffinity().eventsToRegister();
    expect(reg.event).toEqual({ resource: 'Node', action: Action.Add | Action.UpdateNodeLabel });
    const p = podOf('p', {}, { nodeSelector: { disk: 'ssd' } });
    const n = (labels: Record<string, string>) => labeledNode('n', labels).node;
    expect(reg.hint!(p, undefined, n({ disk: 'ssd' }))).toBe('Queue');
    expect(reg.hint!(p, n({}), n({ disk: 'ssd' }))).toBe('Queue');
    expect(reg.hint!(p, n({ disk: 'ssd' }), n({ disk: 'ssd', x: 'y' }))).toBe('QueueSkip');
    expect(reg.hint!(p, undefined, n({ disk: 'hdd' }))).toBe('QueueSkip');
  });
});

export { newPodInfo };
