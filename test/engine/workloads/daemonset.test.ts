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
  });
});
