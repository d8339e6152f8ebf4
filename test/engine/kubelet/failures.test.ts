/**
 * The kubelet under failure, at engine level: images, configuration,
 * OOM kills, memory and disk pressure, a restarted kubelet and a cut
 * network, probe faults, preStop hooks and node status images.
 */
import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { ContainerStatus, KubeObject, Node, Pod } from '../../../src/engine/api/types.ts';
import { podManifest, testCluster, SECOND, MINUTE } from '../controllers/cluster-helpers.ts';
import { goDuration } from '../../../src/engine/kubelet/image-manager.ts';

const app = (p: Pod | undefined, name = 'app') => p?.status?.containerStatuses?.find((s) => s.name === name) as ContainerStatus | undefined;
const waitingReason = (p: Pod | undefined) => app(p)?.state?.waiting?.reason;
const cond = (p: { status?: { conditions?: Array<{ type: string; status: string }> } } | undefined, type: string) => p?.status?.conditions?.find((c) => c.type === type)?.status;

describe('images', () => {
  it('formats pull durations as Go does', () => {
    expect([0, 250, 1000, 1500, 30_000, 90_000, 3_723_000].map(goDuration)).toEqual(['0s', '250ms', '1s', '1.5s', '30s', '1m30s', '1h2m3s']);
  });

  it('pulls one image at a time, and lists pulled images in the node status, largest first', () => {
    const tc = testCluster({ nodes: 1 });
    tc.cluster.imagePullTimes.set('*', 10 * SECOND);
    tc.create(R.pods, podManifest('a', { image: 'redis:7.4' }));
    tc.create(R.pods, podManifest('b', { image: 'nginx:1.27' }));
    expect(tc.events('Pod', 'a')).toContain('Pulling: Pulling image "redis:7.4"');
    tc.advance(10 * SECOND);
    expect(tc.pod('a')!.status?.phase).toBe('Running');
    expect(tc.pod('b')!.status?.phase).toBe('Pending');
    tc.advance(10 * SECOND);
    expect(tc.pod('b')!.status?.phase).toBe('Running');
    expect(tc.events('Pod', 'b')).toContain('Pulled: Successfully pulled image "nginx:1.27" in 10s (20s including waiting). Image size: 72000000 bytes.');
    tc.advance(10 * SECOND);
    const images = tc.get<Node>(R.nodes, 'node-1')!.status!.images!;
    expect(images.map((i) => i.names![1])).toEqual(['docker.io/library/nginx:1.27', 'docker.io/library/redis:7.4', 'registry.k8s.io/pause:3.10']);
    expect(images[0].names![0]).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  });

  it('ErrImageNeverPull for a missing image with pull policy Never', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('p', { image: 'example.com/app:1', container: { imagePullPolicy: 'Never' } }));
    expect(app(tc.pod('p'))!.state!.waiting).toEqual({ reason: 'ErrImageNeverPull', message: 'Container image "example.com/app:1" is not present with pull policy of Never' });
  });
});

describe('configuration', () => {
  const cm = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data }) as KubeObject;

  it('CreateContainerConfigError until the ConfigMap exists, retried 10 to 15 s apart', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('p', { container: { envFrom: [{ configMapRef: { name: 'cfg' } }] } }));
    expect(app(tc.pod('p'))!.state!.waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "cfg" not found' });
    expect(tc.events('Pod', 'p')).toContain('Failed: Error: configmap "cfg" not found');
    tc.create(R.configMaps, cm({ a: 'b' }));
    const waited = tc.until(() => tc.pod('p')!.status?.phase === 'Running', MINUTE, 100);
    expect(waited).toBeGreaterThanOrEqual(10 * SECOND);
    expect(waited).toBeLessThanOrEqual(15 * SECOND);
  });

  it('a volume that cannot be mounted: FailedMount, no sandbox, retried with back-off', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('p', { spec: { volumes: [{ name: 'v', secret: { secretName: 'creds' } }] } }));
    const p = tc.pod('p')!;
    expect(waitingReason(p)).toBe('ContainerCreating');
    expect(cond(p, 'PodReadyToStartContainers')).toBe('False');
    expect(p.status?.podIP).toBeUndefined();
    expect(tc.events('Pod', 'p')).toContain('FailedMount: MountVolume.SetUp failed for volume "v" : secret "creds" not found');
    tc.create(R.secrets, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: {} } as KubeObject);
    tc.until(() => tc.pod('p')!.status?.phase === 'Running', 3 * MINUTE);
  });
});

describe('resources', () => {
  it('OOMKilled when memory use goes over the limit; back in its limit, it runs', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('p', { container: { resources: { limits: { memory: '256Mi' } } } }));
    tc.cluster.loads.setForPod({ namespace: 'default', pod: 'p', container: 'app', memory: '300Mi' });
    tc.cluster.settle();
    const s = app(tc.pod('p'))!;
    expect(s.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    expect(s.state?.waiting?.reason).toBe('CrashLoopBackOff');
    tc.cluster.loads.setForPod({ namespace: 'default', pod: 'p', container: 'app', memory: '100Mi' });
    tc.advance(10 * SECOND);
    expect(app(tc.pod('p'))!.state?.running).toBeDefined();
  });

  it('under memory pressure: rejects BestEffort pods, reports the condition, evicts one pod per look', () => {
    const tc = testCluster({ nodes: [{ memory: '2Gi' }] });
    tc.create(R.pods, podManifest('a', { annotations: { 'kubecuke.io/memory-usage': '1Gi' } }));
    tc.create(R.pods, podManifest('b', { annotations: { 'kubecuke.io/memory-usage': '1Gi' } }));
    tc.advance(10 * SECOND);
    const node = tc.get<Node>(R.nodes, 'node-1')!;
    expect(node.status!.conditions!.find((c) => c.type === 'MemoryPressure')).toMatchObject({ status: 'True', reason: 'KubeletHasInsufficientMemory', message: 'kubelet has insufficient memory available' });
    expect(tc.events('Node', 'node-1')).toContain('NodeHasInsufficientMemory: Node node-1 status is now: NodeHasInsufficientMemory');
    const evicted = ['a', 'b'].filter((n) => tc.pod(n)!.status?.reason === 'Evicted');
    expect(evicted).toEqual(['a']);
    expect(tc.pod('a')!.status).toMatchObject({ phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 0. Container app was using 1Gi, request is 0, has larger consumption of memory. ' });
    tc.create(R.pods, podManifest('late', { spec: { nodeName: 'node-1' } }));
    expect(tc.pod('late')!.status).toMatchObject({ phase: 'Failed', reason: 'Evicted', message: 'Pod was rejected: The node had condition: [MemoryPressure]. ' });
  });

  it('never evicts a system-critical pod', () => {
    const tc = testCluster({ nodes: [{ memory: '1Gi' }] });
    tc.create(R.pods, podManifest('dns', { annotations: { 'kubecuke.io/memory-usage': '1Gi' }, spec: { priorityClassName: 'system-cluster-critical' } }));
    tc.advance(30 * SECOND);
    expect(tc.pod('dns')!.status?.phase).toBe('Running');
  });
});

describe('node failures', () => {
  it('a restarted kubelet keeps containers running, re-registers, and re-probes readiness', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('p', { container: { readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 10 } } }));
    expect(cond(tc.pod('p'), 'Ready')).toBe('True');
    const id = app(tc.pod('p'))!.containerID;
    tc.cluster.restartKubelet('node-1');
    tc.cluster.settle();
    expect(cond(tc.pod('p'), 'Ready')).toBe('False');
    tc.advance(10 * SECOND);
    expect(cond(tc.pod('p'), 'Ready')).toBe('True');
    expect(app(tc.pod('p'))!.containerID).toBe(id);
    expect(app(tc.pod('p'))!.restartCount).toBe(0);
    // The second "Starting kubelet." is a repeat: the event's count goes up.
    expect(tc.rawEvents('default').find((e) => e.reason === 'Starting' && e.involvedObject.name === 'node-1')?.count).toBe(2);
  });

  it('a rebooted node restarts the containers that may restart; a restartPolicy Never pod whose containers ended with the machine has Failed', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('always', { command: ['sleep', '3600'], image: 'busybox' }));
    tc.create(R.pods, podManifest('never', { command: ['sleep', '3600'], image: 'busybox', spec: { restartPolicy: 'Never' } }));
    expect(tc.pod('never')!.status?.phase).toBe('Running');
    tc.cluster.killNode('node-1');
    tc.cluster.reviveNode('node-1');
    tc.advance(10 * SECOND);
    expect(tc.pod('always')!.status?.phase).toBe('Running');
    expect(app(tc.pod('always'))!.restartCount).toBe(1);
    const never = tc.pod('never')!;
    expect(never.status?.phase).toBe('Failed');
    expect(app(never)!.state?.running).toBeUndefined();
    expect(app(never)!.lastState?.terminated).toBeDefined();
  });

  it('a cut network: no lease, no status; back, the pods deleted meanwhile are stopped', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.pods, podManifest('p', { spec: { nodeName: 'node-1' }, command: ['sleep', '3600'], image: 'busybox' }));
    const lease = () => (tc.client.get(R.leases, 'kube-node-lease', 'node-1') as unknown as { spec: { renewTime: string } }).spec.renewTime;
    const before = lease();
    tc.cluster.setNodeNetwork('node-1', false);
    expect(tc.cluster.isNodeReachable('node-1')).toBe(false);
    tc.advance(MINUTE);
    expect(lease()).toBe(before);
    expect(tc.cluster.logs('default', 'p')).toBeUndefined();
    tc.client.delete(R.pods, 'default', 'p');
    tc.advance(MINUTE);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeDefined();
    tc.cluster.setNodeNetwork('node-1', true);
    tc.cluster.settle();
    expect(lease()).not.toBe(before);
    // sleep ignores SIGTERM: the 30 s grace period, counted from the kubelet's notice.
    tc.advance(30 * SECOND);
    expect(tc.pod('p')).toBeUndefined();
  });

  it('probe faults: a liveness probe that starts failing restarts its container once', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('p', { container: { livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 10 } } }));
    expect(tc.cluster.setProbeFault('default', 'p', undefined, 'liveness', 'instance')).toEqual(['app']);
    expect(tc.cluster.setProbeFault('default', 'p', undefined, 'readiness', 'instance')).toEqual([]);
    expect(tc.cluster.setProbeFault('default', 'nope', undefined, 'liveness', 'instance')).toBeUndefined();
    tc.advance(5 * MINUTE);
    expect(app(tc.pod('p'))!.restartCount).toBe(1);
    expect(tc.events('Pod', 'p')).toContain('Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500');
  });
});

describe('termination', () => {
  it('a sidecar stops after the app container', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, {
      ...podManifest('p'),
      spec: {
        terminationGracePeriodSeconds: 30,
        initContainers: [{ name: 'proxy', image: 'busybox', command: ['sleep', '3600'], restartPolicy: 'Always' }],
        containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', "trap 'sleep 5; exit 0' TERM; while true; do sleep 1; done"] }],
      },
    });
    const seen: string[] = [];
    tc.client.watch<KubeObject>(R.events, { namespace: 'default' }, (e) => {
      const ev = e.object as unknown as { reason: string; message: string };
      if (e.type === 'ADDED' && ev.reason === 'Killing') seen.push(`${tc.elapsed() / 1000}: ${ev.message}`);
    });
    tc.client.delete(R.pods, 'default', 'p');
    tc.advance(MINUTE);
    // The app's trap takes 5 s after the sleep it waits on: the sidecar is stopped once it exited.
    expect(seen).toEqual(['0: Stopping container app', '6: Stopping container proxy']);
    expect(tc.pod('p')).toBeUndefined();
  });
});
