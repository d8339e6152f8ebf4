import { describe, expect, it } from 'vitest';
import { R, type DaemonSet, type Pod, type Stored } from '../../../src/engine/index.ts';
import { testCluster } from './helpers.ts';

const ds = (extra = '') => `
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
${extra}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "fluentd:1"}]
`;

describe('daemonset-controller', () => {
  it('runs one pod per node, pinned by node affinity, with the daemon tolerations', () => {
    const t = testCluster();
    t.apply(ds());
    const pods = t.pods('agent-') as Stored<Pod>[];
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    expect(pods[0].spec.tolerations?.map((x) => `${x.key}:${x.effect}`)).toEqual([
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unreachable:NoExecute',
      'node.kubernetes.io/disk-pressure:NoSchedule',
      'node.kubernetes.io/memory-pressure:NoSchedule',
      'node.kubernetes.io/pid-pressure:NoSchedule',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    const st = (t.get(R.daemonSets, 'agent') as Stored & { status: Record<string, number> }).status;
    expect(st).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3, numberMisscheduled: 0 });
  });

  it('gives a joining node a pod', () => {
    const t = testCluster();
    t.apply(ds());
    t.cluster.addNode({ name: 'node-4' });
    t.cluster.settle();
    expect(t.until(() => t.pods('agent-').length === 4 && t.pods('agent-').every((p) => (p as Stored<Pod>).status?.phase === 'Running'))).toBeGreaterThanOrEqual(0);
  });

  it('rolls out a new template one node at a time', () => {
    const t = testCluster();
    t.apply(ds());
    t.update<DaemonSet>(R.daemonSets, 'agent', (d) => (d.spec.template.spec!.containers[0].image = 'fluentd:2'));
    expect(t.until(() => (t.pods('agent-') as Stored<Pod>[]).filter((p) => !p.metadata.deletionTimestamp && p.spec.containers[0].image === 'fluentd:2' && p.status?.phase === 'Running').length === 3)).toBeGreaterThanOrEqual(0);
    expect(t.list(R.controllerRevisions, 'default').length).toBe(2);
    // The template generation, kept by the API server, labels the new pods.
    expect(t.get(R.daemonSets, 'agent')!.metadata.annotations?.['deprecated.daemonset.template.generation']).toBe('2');
    expect((t.pods('agent-') as Stored<Pod>[]).filter((p) => !p.metadata.deletionTimestamp).every((p) => p.metadata.labels?.['pod-template-generation'] === '2')).toBe(true);
  });
});

describe('daemonset-controller, updates and failures', () => {
  const slowReady = (d: DaemonSet, image: string) => {
    d.spec.template.spec!.containers[0].image = image;
    d.spec.template.metadata!.annotations = { 'kubecuke.io/ready-after': '10s' };
    d.spec.template.spec!.containers[0].readinessProbe = { httpGet: { path: '/', port: 80 }, periodSeconds: 1 };
  };

  it('with maxSurge, starts the new pod before deleting the old one', () => {
    const t = testCluster();
    t.apply(ds('  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}'));
    t.update<DaemonSet>(R.daemonSets, 'agent', (d) => slowReady(d, 'fluentd:2'));
    // One new pod beside an old one on one node, nothing deleted yet.
    expect(t.pods('agent-').length).toBe(4);
    expect(t.events('SuccessfulDelete').length).toBe(0);
    expect(t.until(() => (t.pods('agent-') as Stored<Pod>[]).filter((p) => !p.metadata.deletionTimestamp && p.spec.containers[0].image === 'fluentd:2').length === 3, 120_000)).toBeGreaterThan(0);
  });

  it('with maxUnavailable 1, deletes one old pod at a time', () => {
    const t = testCluster();
    t.apply(ds());
    t.update<DaemonSet>(R.daemonSets, 'agent', (d) => slowReady(d, 'fluentd:2'));
    expect(t.events('SuccessfulDelete').length).toBe(1);
  });

  it('with OnDelete, leaves running pods alone', () => {
    const t = testCluster();
    t.apply(ds('  updateStrategy: {type: OnDelete}'));
    t.update<DaemonSet>(R.daemonSets, 'agent', (d) => (d.spec.template.spec!.containers[0].image = 'fluentd:2'));
    t.pass(60_000);
    expect((t.pods('agent-') as Stored<Pod>[]).every((p) => p.spec.containers[0].image === 'fluentd:1')).toBe(true);
  });

  it('replaces a failed daemon pod and says so', () => {
    const t = testCluster();
    t.apply(ds());
    const pod = t.pods('agent-')[0] as Stored<Pod>;
    t.cluster.client().updateStatus(R.pods, { ...pod, status: { ...pod.status, phase: 'Failed' } });
    t.cluster.settle();
    expect(t.events('FailedDaemonPod')[0].message).toBe(`Found failed daemon pod default/${pod.metadata.name} on node ${pod.spec.nodeName}, will try to kill it`);
    expect(t.until(() => t.pods('agent-').filter((p) => (p as Stored<Pod>).status?.phase === 'Running').length === 3)).toBeGreaterThanOrEqual(0);
  });

  it('removes the pod of a node that stops matching the selector', () => {
    const t = testCluster();
    t.apply(ds().replace('    spec:\n', '    spec:\n      nodeSelector: {role: agent}\n'));
    expect(t.pods('agent-').length).toBe(0);
    t.update(R.nodes, 'node-1', (n) => (n.metadata.labels = { ...n.metadata.labels, role: 'agent' }));
    expect((t.pods('agent-') as Stored<Pod>[]).map((p) => p.spec.nodeName)).toEqual(['node-1']);
    t.update(R.nodes, 'node-1', (n) => delete n.metadata.labels!.role);
    expect(t.until(() => t.pods('agent-').length === 0)).toBeGreaterThanOrEqual(0);
  });
});
