import { describe, it, expect } from 'vitest';
import { applyDefaults } from '../../../src/engine/api/defaults/index.ts';
import { R, mustResource } from '../../../src/engine/api/kinds.ts';
import type { ResourceType } from '../../../src/engine/api/kinds.ts';
import type { KubeObject } from '../../../src/engine/api/types.ts';

type Obj = Record<string, any>;

function defaulted(type: ResourceType, body: Obj, name = 'x'): Obj {
  const o: Obj = { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, metadata: { name }, ...body };
  applyDefaults(type, o as KubeObject);
  return o;
}

describe('core defaults', () => {
  it('Service: ClusterIP, no session affinity, TCP ports targeting themselves, Cluster traffic policy', () => {
    const s = defaulted(R.services, { spec: { ports: [{ port: 80 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] } });
    expect(s.spec).toEqual({
      ports: [
        { port: 80, protocol: 'TCP', targetPort: 80 },
        { port: 53, protocol: 'UDP', targetPort: 'dns' },
      ],
      sessionAffinity: 'None',
      type: 'ClusterIP',
      internalTrafficPolicy: 'Cluster',
    });
  });

  it('Service: externally reachable types get an external policy; LoadBalancers allocate node ports', () => {
    const lb = defaulted(R.services, { spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } });
    expect(lb.spec).toMatchObject({ externalTrafficPolicy: 'Cluster', internalTrafficPolicy: 'Cluster', allocateLoadBalancerNodePorts: true });
    const external = defaulted(R.services, { spec: { type: 'ExternalName', externalName: 'example.com' } });
    expect(external.spec.internalTrafficPolicy).toBeUndefined();
    const affinity = defaulted(R.services, { spec: { sessionAffinity: 'ClientIP', ports: [{ port: 80 }] } });
    expect(affinity.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
  });

  it('Namespace: the metadata.name label and phase Active', () => {
    const ns = defaulted(R.namespaces, {}, 'shop');
    expect(ns.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'shop' });
    expect(ns.status).toEqual({ phase: 'Active' });
  });

  it('Node: allocatable from capacity, in canonical form', () => {
    const n = defaulted(R.nodes, { status: { capacity: { cpu: '4000m', memory: '16384Mi', pods: '110' } } });
    expect(n.status.capacity).toEqual({ cpu: '4', memory: '16Gi', pods: '110' });
    expect(n.status.allocatable).toEqual({ cpu: '4', memory: '16Gi', pods: '110' });
  });

  it('Secret: Opaque', () => {
    expect(defaulted(R.secrets, {}).type).toBe('Opaque');
    expect(defaulted(R.secrets, { type: 'kubernetes.io/tls' }).type).toBe('kubernetes.io/tls');
  });

  it('PersistentVolumeClaim and PersistentVolume: Filesystem, Pending, Retain', () => {
    const pvc = defaulted(R.persistentVolumeClaims, { spec: { resources: { requests: { storage: '2048Mi' } } } });
    expect(pvc.spec.volumeMode).toBe('Filesystem');
    expect(pvc.spec.resources.requests.storage).toBe('2Gi');
    expect(pvc.status).toEqual({ phase: 'Pending' });
    const pv = defaulted(R.persistentVolumes, { spec: { capacity: { storage: '1Gi' }, hostPath: { path: '/data' } } });
    expect(pv.spec).toMatchObject({ persistentVolumeReclaimPolicy: 'Retain', volumeMode: 'Filesystem', hostPath: { path: '/data', type: '' } });
  });

  it('ReplicationController: selector and labels from the template, one replica', () => {
    const rc = defaulted(mustResource('v1', 'ReplicationController'), { spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } } });
    expect(rc.spec.selector).toEqual({ app: 'web' });
    expect(rc.metadata.labels).toEqual({ app: 'web' });
    expect(rc.spec.replicas).toBe(1);
  });

  it('LimitRange: container defaults from max and min', () => {
    const lr = defaulted(mustResource('v1', 'LimitRange'), { spec: { limits: [{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }] } });
    expect(lr.spec.limits[0].default).toEqual({ cpu: '2' });
    expect(lr.spec.limits[0].defaultRequest).toEqual({ cpu: '2', memory: '64Mi' });
  });
});

describe('other defaults', () => {
  it('HorizontalPodAutoscaler: one replica minimum, 80% CPU, complete behaviors', () => {
    const hpa = defaulted(R.horizontalPodAutoscalers, { spec: { maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } });
    expect(hpa.spec.minReplicas).toBe(1);
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]);
    expect(hpa.spec.behavior.scaleUp).toEqual({
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [
        { type: 'Pods', value: 4, periodSeconds: 15 },
        { type: 'Percent', value: 100, periodSeconds: 15 },
      ],
    });
    expect(hpa.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] });
    expect(defaulted(R.horizontalPodAutoscalers, { spec: { maxReplicas: 5 } }).spec.behavior).toBeUndefined();
  });

  it('NetworkPolicy: policy types from the rules, TCP ports', () => {
    expect(defaulted(R.networkPolicies, { spec: { podSelector: {} } }).spec.policyTypes).toEqual(['Ingress']);
    const np = defaulted(R.networkPolicies, { spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] } });
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.spec.egress[0].ports[0].protocol).toBe('TCP');
  });

  it('StorageClass, PriorityClass and RBAC bindings', () => {
    expect(defaulted(R.storageClasses, { provisioner: 'p' })).toMatchObject({ reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' });
    expect(defaulted(R.priorityClasses, { value: 1 }).preemptionPolicy).toBe('PreemptLowerPriority');
    const rb = defaulted(mustResource('rbac.authorization.k8s.io/v1', 'RoleBinding'), {
      roleRef: { kind: 'Role', name: 'r' },
      subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'default' }],
    });
    expect(rb.roleRef.apiGroup).toBe('rbac.authorization.k8s.io');
    expect(rb.subjects.map((s: Obj) => s.apiGroup)).toEqual(['rbac.authorization.k8s.io', '']);
  });
});
