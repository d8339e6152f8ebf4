import { describe, it, expect } from 'vitest';
import { applyDefaults } from '../../../src/engine/api/defaults/index.ts';
import { imageTag } from '../../../src/engine/api/defaults/pod.ts';
import { R } from '../../../src/engine/api/kinds.ts';
import type { KubeObject } from '../../../src/engine/api/types.ts';

type Obj = Record<string, any>;

function defaultedPod(spec: Obj): Obj {
  const p: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec };
  applyDefaults(R.pods, p as KubeObject);
  return p;
}

describe('pod defaults', () => {
  it('fills the pod spec as SetDefaults_PodSpec and SetDefaults_Pod do', () => {
    const p = defaultedPod({ containers: [{ name: 'app', image: 'nginx:1.27' }] });
    expect(p.spec).toEqual({
      containers: [
        { name: 'app', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' },
      ],
      enableServiceLinks: true,
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
    });
  });

  it('keeps values that are set', () => {
    const p = defaultedPod({ containers: [{ name: 'a', image: 'x', imagePullPolicy: 'Never' }], restartPolicy: 'Never', terminationGracePeriodSeconds: 0, enableServiceLinks: false });
    expect(p.spec.restartPolicy).toBe('Never');
    expect(p.spec.terminationGracePeriodSeconds).toBe(0);
    expect(p.spec.enableServiceLinks).toBe(false);
    expect(p.spec.containers[0].imagePullPolicy).toBe('Never');
  });

  it.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['registry.example.com:5000/team/app', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['nginx@sha256:' + 'a'.repeat(64), 'IfNotPresent'],
    ['nginx:latest@sha256:' + 'a'.repeat(64), 'Always'],
    ['Nginx', 'IfNotPresent'],
  ])('pulls %j with %s', (image, policy) => {
    expect(defaultedPod({ containers: [{ name: 'a', image }] }).spec.containers[0].imagePullPolicy).toBe(policy);
  });

  it('reads image tags as the kubelet parser does', () => {
    expect(imageTag('localhost:5000/app')).toBe('latest');
    expect(imageTag('app:v1.2')).toBe('v1.2');
  });

  it('copies limits to missing requests and canonicalizes quantities', () => {
    const p = defaultedPod({
      containers: [{ name: 'a', image: 'x:1', resources: { limits: { cpu: 0.5, memory: '1024Mi' }, requests: { memory: '512Mi' } } }],
      initContainers: [{ name: 'i', image: 'x:1', resources: { limits: { cpu: '1000m' } } }],
    });
    expect(p.spec.containers[0].resources).toEqual({ limits: { cpu: '500m', memory: '1Gi' }, requests: { memory: '512Mi', cpu: '500m' } });
    expect(p.spec.initContainers[0].resources).toEqual({ limits: { cpu: '1' }, requests: { cpu: '1' } });
  });

  it('rounds requests up to milli units', () => {
    const p = defaultedPod({ containers: [{ name: 'a', image: 'x:1', resources: { requests: { cpu: '100u' } } }] });
    expect(p.spec.containers[0].resources.requests.cpu).toBe('1m');
  });

  it('defaults ports, downward API fields and probes', () => {
    const p = defaultedPod({
      containers: [
        {
          name: 'a',
          image: 'x:1',
          ports: [{ containerPort: 80 }],
          env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
          livenessProbe: { httpGet: { port: 80 } },
          readinessProbe: { grpc: { port: 9090 }, periodSeconds: 5 },
          lifecycle: { preStop: { httpGet: { port: 80, path: '/stop' } } },
        },
      ],
    });
    const c = p.spec.containers[0];
    expect(c.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(c.env[0].valueFrom.fieldRef).toEqual({ fieldPath: 'spec.nodeName', apiVersion: 'v1' });
    expect(c.livenessProbe).toEqual({ httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(c.readinessProbe).toEqual({ grpc: { port: 9090, service: '' }, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3 });
    expect(c.lifecycle.preStop.httpGet).toEqual({ port: 80, path: '/stop', scheme: 'HTTP' });
  });

  it('defaults volume sources', () => {
    const p = defaultedPod({
      containers: [{ name: 'a', image: 'x:1' }],
      volumes: [
        { name: 'scratch' },
        { name: 'cfg', configMap: { name: 'c' } },
        { name: 'sec', secret: { secretName: 's' } },
        { name: 'host', hostPath: { path: '/var' } },
        { name: 'proj', projected: { sources: [{ serviceAccountToken: { path: 'token' } }, { downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
        { name: 'eph', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1024Mi' } } } } } },
      ],
    });
    const v = p.spec.volumes;
    expect(v[0]).toEqual({ name: 'scratch', emptyDir: {} });
    expect(v[1].configMap.defaultMode).toBe(420);
    expect(v[2].secret.defaultMode).toBe(420);
    expect(v[3].hostPath.type).toBe('');
    expect(v[4].projected.defaultMode).toBe(420);
    expect(v[4].projected.sources[0].serviceAccountToken.expirationSeconds).toBe(3600);
    expect(v[4].projected.sources[1].downwardAPI.items[0].fieldRef.apiVersion).toBe('v1');
    expect(v[5].ephemeral.volumeClaimTemplate.spec.volumeMode).toBe('Filesystem');
    expect(v[5].ephemeral.volumeClaimTemplate.spec.resources.requests.storage).toBe('1Gi');
  });

  it('sets host ports on the host network', () => {
    const p = defaultedPod({ hostNetwork: true, containers: [{ name: 'a', image: 'x:1', ports: [{ containerPort: 53 }] }] });
    expect(p.spec.containers[0].ports[0].hostPort).toBe(53);
  });
});
