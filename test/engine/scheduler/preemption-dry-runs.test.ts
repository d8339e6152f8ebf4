/**
 * Preemption remembers each node's last dry run and reuses it while the node,
 * the pods nominated to it, the preemptor's spec, the PodDisruptionBudgets and
 * the time are unchanged. Whatever happens in between, the cluster must come
 * out exactly as it does when every dry run is done afresh.
 */
import { afterEach, describe, it, expect } from 'vitest';
import { R, createCluster, type KubeEvent, type KubeObject, type Pod } from '../../../src/engine/index.ts';
import { Random } from '../../../src/engine/clock/random.ts';
import { rememberDryRuns } from '../../../src/engine/scheduler/preemption.ts';

function pod(name: string, priority: number, cpu: string, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: { priority, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu } } }], ...extra },
  } as KubeObject;
}

/** Nodes full of low-priority pods, preemptors of one spec arriving in waves, low pods coming and going in between. */
function run(seed: number): string {
  const rnd = new Random(seed);
  const c = createCluster({ seed, nodes: 0, disabledControllers: ['*'], admission: { disabled: ['ServiceAccount', 'TaintNodesByCondition', 'Priority'] }, explainScheduling: false });
  const admin = c.client();
  for (let i = 0; i < 8; i++) {
    admin.create(R.nodes, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `n${i}`, labels: { 'kubernetes.io/hostname': `n${i}` } },
      spec: {},
      status: { capacity: { pods: '110', cpu: '4', memory: '32Gi' }, conditions: [{ type: 'Ready', status: 'True' }] },
    } as KubeObject);
  }
  // Low-priority pods pinned four to a node; those on n0 are the cheapest to preempt.
  let low = 0;
  const lowPod = (node: number) => pod(`low-${low++}`, node === 0 ? 0 : 1 + rnd.int(2), '900m', { nodeName: `n${node}` });
  for (let i = 0; i < 32; i++) admin.create(R.pods, lowPod(i % 8));
  c.settle();
  if (rnd.int(2)) admin.create(R.podDisruptionBudgets, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'pdb', namespace: 'default' }, spec: { selector: {}, minAvailable: 1 } } as KubeObject);
  for (let wave = 0; wave < 4; wave++) {
    for (let i = 0; i < 3; i++) admin.create(R.pods, pod(`high-${wave}-${i}`, 10, '3'));
    c.settle();
    const lows = admin.list<Pod>(R.pods, { namespace: 'default' }).items.filter((p) => p.metadata.name.startsWith('low-'));
    for (let i = 0; i < 2 && lows.length; i++) admin.delete(R.pods, 'default', lows.splice(rnd.int(lows.length), 1)[0].metadata.name);
    for (let i = 0; i < 3; i++) admin.create(R.pods, lowPod(rnd.int(8)));
    c.settle();
    c.advance(1000);
  }
  c.advance(60_000);
  const pods = admin.list<Pod>(R.pods, { namespace: 'default' }).items.map((p) => `${p.metadata.name}@${p.spec.nodeName ?? '-'}/${p.status?.nominatedNodeName ?? ''}`);
  const events = admin
    .list<KubeEvent>(R.events, { namespace: 'default' })
    .items.map((e) => `${e.involvedObject.name} ${e.reason} ${e.message} x${e.count}`)
    .sort();
  return JSON.stringify({ pods: pods.sort(), events });
}

afterEach(() => {
  rememberDryRuns.enabled = true;
});

describe('remembered preemption dry runs', () => {
  it.each([1, 2, 3])('leave the cluster as fresh dry runs do (seed %i)', (seed) => {
    rememberDryRuns.enabled = false;
    const fresh = run(seed);
    rememberDryRuns.enabled = true;
    const before = rememberDryRuns.reused;
    const remembered = run(seed);
    expect(rememberDryRuns.reused).toBeGreaterThan(before);
    expect(remembered).toBe(fresh);
  });
});
