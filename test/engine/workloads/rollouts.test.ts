import { describe, expect, it } from 'vitest';
import { R, type Pod, type StatefulSet, type Stored } from '../../../src/engine/index.ts';
import { kubectlOn } from '../../kubectl/cluster-helpers.ts';
import { createCluster } from '../../../src/engine/index.ts';

const sts = (image: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: "${image}"}]}
`;

describe('kubectl rollout verbs against the StatefulSet and DaemonSet controllers', () => {
  it('lists StatefulSet revisions, waits for the rollout and undoes to a revision', () => {
    const k = kubectlOn(createCluster({ seed: 1, nodes: 2 }), { 'v1.yaml': sts('redis:6'), 'v2.yaml': sts('redis:7') });
    k.run('kubectl apply -f v1.yaml');
    k.run('kubectl apply -f v2.yaml');
    expect(k.run('kubectl rollout status statefulset/db').stdout).toBe('partitioned roll out complete: 2 new pods have been updated...\n');
    expect(k.run('kubectl rollout history statefulset/db').stdout).toMatch(/REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    expect(k.run('kubectl rollout undo statefulset/db --to-revision=1').stdout).toBe('statefulset.apps/db rolled back\n');
    k.run('kubectl rollout status statefulset/db');
    const pods = k.cluster.client().list<Pod>(R.pods, { namespace: 'default' }).items;
    expect(pods.map((p) => p.spec.containers[0].image)).toEqual(['redis:6', 'redis:6']);
    // Rolling back renumbers the earlier revision instead of making a new one.
    const revs = k.cluster.client().list(R.controllerRevisions, { namespace: 'default' }).items as Array<Stored & { revision: number }>;
    expect(revs.map((r) => r.revision).sort()).toEqual([2, 3]);
    const set = k.cluster.client().get<StatefulSet>(R.statefulSets, 'default', 'db');
    expect(set.status?.currentRevision).toBe(set.status?.updateRevision);
  });

  it('reports a DaemonSet rollout', () => {
    const k = kubectlOn(createCluster({ seed: 1, nodes: 2 }), {
      'ds.yaml': 'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {containers: [{name: a, image: "fluentd:1"}]}\n',
    });
    k.run('kubectl apply -f ds.yaml');
    expect(k.run('kubectl rollout status daemonset/agent').stdout).toBe('daemon set "agent" successfully rolled out\n');
    k.run('kubectl set image daemonset/agent a=fluentd:2');
    expect(k.run('kubectl rollout status daemonset/agent').stdout).toContain('daemon set "agent" successfully rolled out');
    expect(k.run('kubectl rollout history daemonset/agent').stdout).toMatch(/1\s+<none>\n2\s+<none>/);
  });
});
