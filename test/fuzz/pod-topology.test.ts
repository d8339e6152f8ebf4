/**
 * The inter-pod rules invariants judge bindings by: the first pod of a
 * group with required affinity to itself may go anywhere, but only to a
 * node that carries the term's topology key, as kube-scheduler's
 * InterPodAffinity filter allows it.
 */
import { describe, expect, it } from 'vitest';
import type { Node, Pod, Stored } from '../../src/engine/index.ts';
import { interPodProblems } from '../../src/fuzz/invariants/pod-topology.ts';

const node = (name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name, resourceVersion: '1', labels } }) as unknown as Stored<Node>;
const pod = (name: string, app: string, affinityTo?: string) =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: name, resourceVersion: '1', labels: { app } },
    spec: {
      containers: [{ name: 'app', image: 'busybox:1.36' }],
      ...(affinityTo ? { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: affinityTo } }, topologyKey: 'topology.kubernetes.io/zone' }] } } } : {}),
    },
  }) as unknown as Stored<Pod>;

describe('required pod affinity', () => {
  const zoned = node('node-1', { 'topology.kubernetes.io/zone': 'a' });
  const bare = node('node-2', {});

  it('lets the first pod of a group with affinity to itself go to a node with the topology key, not to one without', () => {
    const first = pod('cache-1', 'cache', 'cache');
    expect(interPodProblems(first, zoned, [], [zoned, bare])).toEqual([]);
    expect(interPodProblems(first, bare, [], [zoned, bare])).toEqual(["its required pod affinity (topology.kubernetes.io/zone) has no matching pod in the node's domain"]);
  });

  it('asks later pods for a matching pod in the node\'s domain', () => {
    const other = node('node-3', { 'topology.kubernetes.io/zone': 'b' });
    const placed = [{ pod: pod('cache-1', 'cache', 'cache'), node: zoned }];
    expect(interPodProblems(pod('cache-2', 'cache', 'cache'), zoned, placed, [zoned, other])).toEqual([]);
    expect(interPodProblems(pod('cache-2', 'cache', 'cache'), other, placed, [zoned, other])).toEqual(["its required pod affinity (topology.kubernetes.io/zone) has no matching pod in the node's domain"]);
  });
});
