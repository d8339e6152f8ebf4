import { describe, it, expect } from 'vitest';
import { describePod } from '../../src/kubectl/printers/describe/pod.ts';
import { describeNode } from '../../src/kubectl/printers/describe/node.ts';
import { describeGeneric, smartLabel } from '../../src/kubectl/printers/describe/generic.ts';
import { describeEvents, PrefixWriter } from '../../src/kubectl/printers/describe/writer.ts';

const NOW = Date.UTC(2025, 0, 1, 0, 10, 0);
const pod: any = {
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name: 'web-7d4b9c6f5-abcde', namespace: 'default', uid: 'u1', creationTimestamp: '2025-01-01T00:00:00Z', labels: { app: 'web', 'pod-template-hash': '7d4b9c6f5' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-7d4b9c6f5', uid: 'rs1', controller: true }] },
  spec: { nodeName: 'node-1', serviceAccountName: 'default', priority: 0, containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }], resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '128Mi' } }, readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 }, env: [{ name: 'MODE', value: 'prod' }], volumeMounts: [{ name: 'kube-api-access-x', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }] }], volumes: [{ name: 'kube-api-access-x', projected: { sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }, { configMap: { name: 'kube-root-ca.crt' } }, { downwardAPI: {} }] } }], tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }] },
  status: { phase: 'Running', hostIP: '172.18.0.2', podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }], startTime: '2025-01-01T00:00:01Z', qosClass: 'Burstable',
    conditions: [{ type: 'PodReadyToStartContainers', status: 'True' }, { type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }, { type: 'ContainersReady', status: 'True' }, { type: 'PodScheduled', status: 'True' }],
    containerStatuses: [{ name: 'web', ready: true, restartCount: 4, containerID: 'containerd://abc', imageID: 'docker.io/library/nginx@sha256:1', state: { running: { startedAt: '2025-01-01T00:08:00Z' } }, lastState: { terminated: { reason: 'Error', exitCode: 1, startedAt: '2025-01-01T00:05:00Z', finishedAt: '2025-01-01T00:07:50Z' } } }] },
};
const events: any[] = [
  { involvedObject: { name: 'web-7d4b9c6f5-abcde' }, type: 'Normal', reason: 'Scheduled', message: 'Successfully assigned default/web-7d4b9c6f5-abcde to node-1', source: {}, reportingComponent: 'default-scheduler', firstTimestamp: '2025-01-01T00:00:00Z', lastTimestamp: '2025-01-01T00:00:00Z', count: 1 },
  { involvedObject: { name: 'web-7d4b9c6f5-abcde' }, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container web in pod web-7d4b9c6f5-abcde_default(u1)', source: { component: 'kubelet', host: 'node-1' }, firstTimestamp: '2025-01-01T00:02:00Z', lastTimestamp: '2025-01-01T00:07:55Z', count: 4 },
];
const node: any = { kind: 'Node', metadata: { name: 'node-1', creationTimestamp: '2025-01-01T00:00:00Z', labels: { 'kubernetes.io/hostname': 'node-1', 'kubernetes.io/os': 'linux' }, annotations: { 'node.alpha.kubernetes.io/ttl': '0' } }, spec: { unschedulable: true, podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'], taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }, { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
  status: { conditions: [{ type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: '2025-01-01T00:09:50Z', lastTransitionTime: '2025-01-01T00:00:00Z' }, { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: '2025-01-01T00:09:50Z', lastTransitionTime: '2025-01-01T00:00:05Z' }], addresses: [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'node-1' }], capacity: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' }, allocatable: { cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' }, nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: '6.8.0', osImage: 'Debian GNU/Linux 12 (bookworm)', operatingSystem: 'linux', architecture: 'amd64', containerRuntimeVersion: 'containerd://2.0.0', kubeletVersion: 'v1.33.1', kubeProxyVersion: 'v1.33.1' } } };

describe('kubectl describe pod', () => {
  it('prints every section aligned as kubectl does', () => {
    expect(describePod(pod, events, NOW).split('\n')).toEqual([
      'Name:             web-7d4b9c6f5-abcde',
      'Namespace:        default',
      'Priority:         0',
      'Service Account:  default',
      'Node:             node-1/172.18.0.2',
      'Start Time:       Wed, 01 Jan 2025 00:00:01 +0000',
      'Labels:           app=web',
      '                  pod-template-hash=7d4b9c6f5',
      'Annotations:      <none>',
      'Status:           Running',
      'IP:               10.244.0.5',
      'IPs:',
      '  IP:           10.244.0.5',
      'Controlled By:  ReplicaSet/web-7d4b9c6f5',
      'Containers:',
      '  web:',
      '    Container ID:   containerd://abc',
      '    Image:          nginx:1.27',
      '    Image ID:       docker.io/library/nginx@sha256:1',
      '    Port:           80/TCP',
      '    Host Port:      0/TCP',
      '    State:          Running',
      '      Started:      Wed, 01 Jan 2025 00:08:00 +0000',
      '    Last State:     Terminated',
      '      Reason:       Error',
      '      Exit Code:    1',
      '      Started:      Wed, 01 Jan 2025 00:05:00 +0000',
      '      Finished:     Wed, 01 Jan 2025 00:07:50 +0000',
      '    Ready:          True',
      '    Restart Count:  4',
      '    Limits:',
      '      memory:  128Mi',
      '    Requests:',
      '      cpu:      250m',
      '      memory:   64Mi',
      '    Readiness:  http-get http://:8080/healthz delay=0s timeout=1s period=5s #success=1 #failure=3',
      '    Environment:',
      '      MODE:  prod',
      '    Mounts:',
      '      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x (ro)',
      'Conditions:',
      '  Type                        Status',
      '  PodReadyToStartContainers   True ',
      '  Initialized                 True ',
      '  Ready                       True ',
      '  ContainersReady             True ',
      '  PodScheduled                True ',
      'Volumes:',
      '  kube-api-access-x:',
      '    Type:                    Projected (a volume that contains injected data from multiple sources)',
      '    TokenExpirationSeconds:  3607',
      '    ConfigMapName:           kube-root-ca.crt',
      '    Optional:                false',
      '    DownwardAPI:             true',
      'QoS Class:                   Burstable',
      'Node-Selectors:              <none>',
      'Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s',
      '                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s',
      'Events:',
      '  Type     Reason     Age                From               Message',
      '  ----     ------     ----               ----               -------',
      '  Normal   Scheduled  10m                default-scheduler  Successfully assigned default/web-7d4b9c6f5-abcde to node-1',
      '  Warning  BackOff    2m5s (x4 over 8m)  kubelet            Back-off restarting failed container web in pod web-7d4b9c6f5-abcde_default(u1)',
      '',
    ]);
  });

  it('shows a pod being deleted and omits events when asked', () => {
    const deleting = { ...pod, metadata: { ...pod.metadata, deletionTimestamp: '2025-01-01T00:09:30Z', deletionGracePeriodSeconds: 30 } };
    const text = describePod(deleting, undefined, NOW);
    expect(text).toContain('Status:                    Terminating (lasts 30s)\nTermination Grace Period:  30s\n');
    expect(text).not.toContain('Events:');
    expect(describePod(pod, [], NOW)).toMatch(/\nEvents:\s+<none>\n$/);
  });
});

describe('kubectl describe node', () => {
  const text = describeNode(node, [pod], { spec: { holderIdentity: 'node-1', renewTime: '2025-01-01T00:09:55.000000Z' } }, [], NOW);
  it('lists taints sorted by effect and key, and Unschedulable', () => {
    expect(text).toContain('Taints:             dedicated=gpu:NoSchedule\n                    node.kubernetes.io/unschedulable:NoSchedule\nUnschedulable:      true\n');
  });
  it('shows conditions with RFC 1123 times and the allocated resources', () => {
    expect(text).toContain('  Ready            True    Wed, 01 Jan 2025 00:09:50 +0000   Wed, 01 Jan 2025 00:00:05 +0000   KubeletReady                 kubelet is posting ready status\n');
    expect(text).toContain('  default                     web-7d4b9c6f5-abcde    250m (6%)     0 (0%)      64Mi (0%)        128Mi (0%)     10m\n');
    expect(text).toContain('  cpu                250m (6%)  0 (0%)\n  memory             64Mi (0%)  128Mi (0%)\n  ephemeral-storage  0 (0%)     0 (0%)\n');
  });
});

describe('events section', () => {
  it('orders by last seen and aggregates repeats', () => {
    const w = new PrefixWriter();
    describeEvents(w, [events[1], events[0]], NOW);
    expect(w.toString()).toBe(
      'Events:\n' +
        '  Type     Reason     Age                From               Message\n' +
        '  ----     ------     ----               ----               -------\n' +
        '  Normal   Scheduled  10m                default-scheduler  Successfully assigned default/web-7d4b9c6f5-abcde to node-1\n' +
        '  Warning  BackOff    2m5s (x4 over 8m)  kubelet            Back-off restarting failed container web in pod web-7d4b9c6f5-abcde_default(u1)\n',
    );
  });
});

describe('generic describer', () => {
  it('labels fields as kubectl does', () => {
    expect(smartLabel('creationTimestamp')).toBe('Creation Timestamp');
    expect(smartLabel('apiVersion')).toBe('API Version');
    expect(smartLabel('uid')).toBe('UID');
    expect(smartLabel('holderIdentity')).toBe('Holder Identity');
    expect(smartLabel('kubernetes.io/role')).toBe('kubernetes.io/role');
  });
  it('prints nested content sorted, without name and namespace twice', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: 'default', uid: 'r1' }, rules: [{ verbs: ['get', 'list'], resources: ['pods'] }] };
    expect(describeGeneric(role, undefined, NOW)).toBe(
      [
        'Name:         reader',
        'Namespace:    default',
        'Labels:       <none>',
        'Annotations:  <none>',
        'API Version:  rbac.authorization.k8s.io/v1',
        'Kind:         Role',
        'Metadata:',
        '  UID:  r1',
        'Rules:',
        '  Resources:',
        '    pods',
        '  Verbs:',
        '    get',
        '    list',
        '',
      ].join('\n'),
    );
  });
});
