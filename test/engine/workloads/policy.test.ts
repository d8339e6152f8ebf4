import { describe, expect, it } from 'vitest';
import { R, isStatusError, type Pod, type ResourceQuota } from '../../../src/engine/index.ts';
import { testCluster } from './helpers.ts';

const pod = (name: string, resources = '{requests: {cpu: 500m, memory: 256Mi}, limits: {cpu: "1", memory: 512Mi}}') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  containers: [{name: app, image: "nginx:1.27", resources: ${resources}}]
`;

const refusal = (f: () => void): string => {
  try {
    f();
  } catch (e) {
    if (isStatusError(e)) return e.message;
    throw e;
  }
  return '';
};

describe('ResourceQuota admission and the resource quota controller', () => {
  it('counts config maps, secrets and quotas by their resource names', () => {
    const t = testCluster();
    t.apply(`
apiVersion: v1
kind: ResourceQuota
metadata: {name: objects}
spec:
  hard: {configmaps: "2", secrets: "1", resourcequotas: "1"}
`);
    t.apply(`{apiVersion: v1, kind: Secret, metadata: {name: s1}}`);
    // The namespace already holds kube-root-ca.crt.
    t.apply(`{apiVersion: v1, kind: ConfigMap, metadata: {name: c1}}`);
    expect(t.get<ResourceQuota>(R.resourceQuotas, 'objects')!.status?.used).toEqual({ configmaps: '2', secrets: '1', resourcequotas: '1' });
    expect(refusal(() => t.apply(`{apiVersion: v1, kind: ConfigMap, metadata: {name: c2}}`))).toMatch(/^configmaps "c2" is forbidden: exceeded quota: objects, requested: configmaps=1/);
    expect(refusal(() => t.apply(`{apiVersion: v1, kind: Secret, metadata: {name: s2}}`))).toMatch(/^secrets "s2" is forbidden: exceeded quota: objects, requested: secrets=1/);
  });

  it('tracks usage and refuses what would exceed it, with the upstream message', () => {
    const t = testCluster();
    t.apply(`
apiVersion: v1
kind: ResourceQuota
metadata: {name: compute}
spec:
  hard: {pods: "2", requests.cpu: "1", limits.memory: 1Gi}
`);
    t.apply(pod('a'));
    expect(t.get<ResourceQuota>(R.resourceQuotas, 'compute')!.status).toEqual({
      hard: { pods: '2', 'requests.cpu': '1', 'limits.memory': '1Gi' },
      used: { pods: '1', 'requests.cpu': '500m', 'limits.memory': '512Mi' },
    });
    t.apply(pod('b'));
    expect(refusal(() => t.apply(pod('c')))).toBe(
      'pods "c" is forbidden: exceeded quota: compute, requested: limits.memory=512Mi,pods=1,requests.cpu=500m, used: limits.memory=1Gi,pods=2,requests.cpu=1, limited: limits.memory=1Gi,pods=2,requests.cpu=1',
    );
    expect(refusal(() => t.apply(pod('d', '{}')))).toBe('pods "d" is forbidden: failed quota: compute: must specify limits.memory for: app; requests.cpu for: app');
  });

  it('keeps a ReplicaSet from creating more pods than the quota allows, with FailedCreate events', () => {
    const t = testCluster();
    t.apply(`
apiVersion: v1
kind: ResourceQuota
metadata: {name: pods}
spec:
  hard: {pods: "2"}
`);
    t.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: "nginx:1.27"}]}
`);
    expect(t.pods('web-').length).toBe(2);
    expect(t.events('FailedCreate')[0].message).toMatch(/^Error creating: pods "web-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=2, limited: pods=2$/);
  });
});

describe('LimitRanger admission', () => {
  const ranges = `
apiVersion: v1
kind: LimitRange
metadata: {name: limits}
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 256Mi}
      defaultRequest: {cpu: 100m}
      max: {cpu: "1"}
`;
  it('sets default requests and limits, and says so in an annotation', () => {
    const t = testCluster();
    t.apply(ranges);
    t.apply(pod('p', '{}'));
    const p = t.get<Pod>(R.pods, 'p')!;
    expect(p.spec.containers[0].resources).toEqual({ limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '256Mi' } });
    expect(p.metadata.annotations?.['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app');
  });

  it('refuses a container over the max', () => {
    const t = testCluster();
    t.apply(ranges);
    expect(refusal(() => t.apply(pod('p', '{limits: {cpu: "2"}}')))).toBe('pods "p" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
  });
});

describe('the resource quota controller', () => {
  it('gives usage back when pods go', () => {
    const t = testCluster();
    t.apply(`
apiVersion: v1
kind: ResourceQuota
metadata: {name: pods}
spec:
  hard: {pods: "5", count/deployments.apps: "2", services: "1"}
`);
    t.apply(pod('a') + '---' + pod('b'));
    expect(t.get<ResourceQuota>(R.resourceQuotas, 'pods')!.status?.used).toEqual({ pods: '2', 'count/deployments.apps': '0', services: '1' });
    // The one service is the API server's own `kubernetes` service in default.
    t.cluster.client().delete(R.pods, 'default', 'a', { gracePeriodSeconds: 0 });
    t.cluster.settle();
    expect(t.get<ResourceQuota>(R.resourceQuotas, 'pods')!.status?.used?.pods).toBe('1');
  });
});
