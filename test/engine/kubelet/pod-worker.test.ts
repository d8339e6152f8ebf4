import { describe, it, expect } from 'vitest';
import { R } from '../../../src/engine/api/kinds.ts';
import type { ContainerStatus, Pod } from '../../../src/engine/api/types.ts';
import { BACKOFF_INITIAL_MS, BACKOFF_MAX_MS } from '../../../src/engine/kubelet/pod-worker.ts';
import { condition, podManifest, testCluster, SECOND, MINUTE, type PodSpecOptions, type TestCluster } from '../controllers/cluster-helpers.ts';

/** Records every version of a pod the API server reports, stamped with simulated time. */
function recorder(tc: TestCluster, name: string) {
  const seen: Array<{ at: number; pod: Pod }> = [];
  tc.client.watch<Pod>(R.pods, { namespace: 'default' }, (e) => {
    if (e.object.metadata.name === name) seen.push({ at: tc.elapsed(), pod: e.object });
  });
  return seen;
}
const app = (p: Pod | undefined, name = 'app') => p?.status?.containerStatuses?.find((s) => s.name === name) as ContainerStatus | undefined;
const stateOf = (s: ContainerStatus | undefined) => {
  if (!s?.state) return '';
  const [k, v] = Object.entries(s.state)[0] ?? [];
  return k ? `${k}${(v as { reason?: string })?.reason ? `:${(v as { reason?: string }).reason}` : ''}` : '';
};
const shell = (script: string, more: PodSpecOptions = {}): PodSpecOptions => ({ image: 'busybox', command: ['sh', '-c', script], ...more });

describe('kubelet: pod start', () => {
  it('reports ContainerCreating, then Running and Ready, with the pod IP from the node range', () => {
    const tc = testCluster({ nodes: 1 });
    const seen = recorder(tc, 'p');
    tc.create(R.pods, podManifest('p'));
    const creating = seen.find((s) => stateOf(app(s.pod)) === 'waiting:ContainerCreating')!;
    expect(creating.pod.status?.phase).toBe('Pending');
    expect(condition(creating.pod, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    const p = tc.pod('p')!;
    expect(p.status?.phase).toBe('Running');
    expect(stateOf(app(p))).toBe('running');
    expect(app(p)).toMatchObject({ ready: true, started: true, restartCount: 0, image: 'nginx:1.27' });
    expect(app(p)!.containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    for (const t of ['PodReadyToStartContainers', 'Initialized', 'ContainersReady', 'Ready', 'PodScheduled']) expect(condition(p, t)).toMatchObject({ status: 'True' });
    expect(p.status?.podIP).toBe('10.244.0.2');
    expect(p.status?.podIPs).toEqual([{ ip: '10.244.0.2' }]);
    expect(p.status?.hostIP).toBe('172.18.0.2');
    expect(p.status?.startTime).toBe(tc.cluster.clock.iso());
    expect(tc.events('Pod', 'p')).toEqual([
      'Scheduled: Successfully assigned default/p to node-1',
      'Pulling: Pulling image "nginx:1.27"',
      'Pulled: Successfully pulled image "nginx:1.27" in 0s (0s including waiting). Image size: 72000000 bytes.',
      'Created: Created container: app',
      'Started: Started container app',
    ]);
  });

  it('does not pull an image already on the node', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('a'));
    tc.create(R.pods, podManifest('b'));
    expect(tc.events('Pod', 'b')).toContain('Pulled: Container image "nginx:1.27" already present on machine');
  });

  it('gives each pod its own IP, in order', () => {
    const tc = testCluster({ nodes: 1 });
    for (const n of ['a', 'b', 'c']) tc.create(R.pods, podManifest(n));
    expect(['a', 'b', 'c'].map((n) => tc.pod(n)!.status?.podIP)).toEqual(['10.244.0.2', '10.244.0.3', '10.244.0.4']);
  });
});

describe('kubelet: exits, restarts and CrashLoopBackOff', () => {
  it('restarts a container that keeps crashing at 0, 10, 30, 70, 150, 310 and 610 s (10 s doubling, capped at 300 s)', () => {
    expect([BACKOFF_INITIAL_MS, BACKOFF_MAX_MS]).toEqual([10_000, 300_000]);
    const tc = testCluster({ nodes: 1 });
    const seen = recorder(tc, 'p');
    tc.create(R.pods, podManifest('p', shell('exit 1')));
    tc.advance(16 * MINUTE);
    const starts: number[] = [];
    let last = -1;
    for (const s of seen) {
      const c = app(s.pod);
      if (c?.state?.running && c.restartCount !== last) {
        starts.push(s.at / 1000);
        last = c.restartCount;
      }
    }
    // The first start, the first restart at once, then the backoff curve.
    expect(starts.slice(0, 9)).toEqual([0, 0, 10, 30, 70, 150, 310, 610, 910]);
    const p = tc.pod('p')!;
    expect(p.status?.phase).toBe('Running');
    expect(stateOf(app(p))).toBe('waiting:CrashLoopBackOff');
    expect(app(p)!.state!.waiting!.message).toBe(`back-off 5m0s restarting failed container=app pod=p_default(${p.metadata.uid})`);
    expect(app(p)!.lastState!.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(tc.events('Pod', 'p')).toContain(`BackOff: Back-off restarting failed container app in pod p_default(${p.metadata.uid})`);
  });

  it('resets the backoff when a container ran for more than 10 minutes before it failed', () => {
    const startsOf = (script: string, minutes: number) => {
      const tc = testCluster({ nodes: 1 });
      const seen = recorder(tc, 'p');
      tc.create(R.pods, podManifest('p', shell(script)));
      tc.advance(minutes * MINUTE);
      const starts: number[] = [];
      let last = -1;
      for (const s of seen) {
        const c = app(s.pod);
        if (c?.state?.running && c.restartCount !== last) {
          starts.push(s.at / 1000);
          last = c.restartCount;
        }
      }
      return starts;
    };
    // Runs 11 minutes each time: every failure is treated as the first, restarted at once.
    expect(startsOf('sleep 660; exit 1', 34)).toEqual([0, 660, 1320, 1980]);
    // Runs 5 minutes: the backoff keeps growing (10 s, then 20 s).
    expect(startsOf('sleep 300; exit 1', 16)).toEqual([0, 300, 610, 930]);
  });

  it('restartPolicy Never: the pod ends Failed or Succeeded with the exit code', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('bad', shell('sleep 5; exit 3', { spec: { restartPolicy: 'Never' } })));
    tc.create(R.pods, podManifest('good', shell('sleep 5', { spec: { restartPolicy: 'Never' } })));
    tc.advance(6 * SECOND);
    const bad = tc.pod('bad')!;
    const good = tc.pod('good')!;
    expect([bad.status?.phase, app(bad)!.state!.terminated!.exitCode, app(bad)!.state!.terminated!.reason, app(bad)!.restartCount]).toEqual(['Failed', 3, 'Error', 0]);
    expect([good.status?.phase, app(good)!.state!.terminated!.exitCode, app(good)!.state!.terminated!.reason]).toEqual(['Succeeded', 0, 'Completed']);
    expect(condition(good, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    tc.advance(MINUTE);
    expect(app(tc.pod('bad'))!.restartCount).toBe(0);
  });

  it('restartPolicy OnFailure: a failure restarts, a success ends the pod', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('bad', shell('sleep 5; exit 3', { spec: { restartPolicy: 'OnFailure' } })));
    tc.create(R.pods, podManifest('good', shell('sleep 5', { spec: { restartPolicy: 'OnFailure' } })));
    tc.advance(6 * SECOND);
    expect(tc.pod('bad')!.status?.phase).toBe('Running');
    expect(app(tc.pod('bad'))!.restartCount).toBe(1);
    expect(tc.pod('good')!.status?.phase).toBe('Succeeded');
  });

  it('restartPolicy Always restarts even a clean exit', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('p', shell('sleep 5')));
    tc.advance(6 * SECOND);
    expect([tc.pod('p')!.status?.phase, app(tc.pod('p'))!.restartCount, app(tc.pod('p'))!.lastState!.terminated!.reason]).toEqual(['Running', 1, 'Completed']);
  });
});

describe('kubelet: init containers', () => {
  it('runs init containers one after another, then the app containers', () => {
    const tc = testCluster({ nodes: 1 });
    const seen = recorder(tc, 'p');
    tc.create(R.pods, {
      ...podManifest('p'),
      spec: {
        initContainers: [
          { name: 'one', image: 'busybox', command: ['sh', '-c', 'sleep 5'] },
          { name: 'two', image: 'busybox', command: ['sh', '-c', 'sleep 5'] },
        ],
        containers: [{ name: 'app', image: 'nginx:1.27' }],
      },
    });
    const init = (p: Pod, n: string) => stateOf(p.status?.initContainerStatuses?.find((s) => s.name === n) as ContainerStatus);
    const first = tc.pod('p')!;
    expect([first.status?.phase, init(first, 'one'), init(first, 'two'), stateOf(app(first))]).toEqual(['Pending', 'running', 'waiting:PodInitializing', 'waiting:PodInitializing']);
    expect(condition(first, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [one two]' });
    tc.advance(5 * SECOND);
    expect(init(tc.pod('p')!, 'one')).toBe('terminated:Completed');
    expect(init(tc.pod('p')!, 'two')).toBe('running');
    tc.advance(5 * SECOND);
    const done = tc.pod('p')!;
    expect([done.status?.phase, init(done, 'two'), stateOf(app(done))]).toEqual(['Running', 'terminated:Completed', 'running']);
    expect(condition(done, 'Initialized')).toMatchObject({ status: 'True' });
    const appStarted = seen.find((s) => stateOf(app(s.pod)) === 'running')!.at;
    expect(appStarted).toBe(10 * SECOND);
  });

  it('a failing init container fails the pod under restartPolicy Never', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, {
      ...podManifest('p'),
      spec: { restartPolicy: 'Never', initContainers: [{ name: 'one', image: 'busybox', command: ['sh', '-c', 'exit 2'] }], containers: [{ name: 'app', image: 'nginx:1.27' }] },
    });
    tc.advance(SECOND);
    expect(tc.pod('p')!.status?.phase).toBe('Failed');
    expect(stateOf(app(tc.pod('p')))).toBe('waiting:PodInitializing');
  });

  it('a failing init container is retried with backoff under restartPolicy Always, the pod staying Pending', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, {
      ...podManifest('p'),
      spec: { initContainers: [{ name: 'one', image: 'busybox', command: ['sh', '-c', 'exit 2'] }], containers: [{ name: 'app', image: 'nginx:1.27' }] },
    });
    tc.advance(40 * SECOND);
    const p = tc.pod('p')!;
    const one = p.status!.initContainerStatuses![0];
    expect(p.status?.phase).toBe('Pending');
    expect(one.restartCount).toBe(3);
    expect(stateOf(one)).toBe('waiting:CrashLoopBackOff');
  });

  it('sidecars start before the app containers and keep running', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, {
      ...podManifest('p'),
      spec: {
        initContainers: [{ name: 'proxy', image: 'nginx:1.27', restartPolicy: 'Always' }],
        containers: [{ name: 'app', image: 'nginx:1.27' }],
      },
    });
    const p = tc.pod('p')!;
    expect(stateOf(p.status!.initContainerStatuses![0])).toBe('running');
    expect(stateOf(app(p))).toBe('running');
    expect([p.status?.phase, condition(p, 'Initialized')?.status, condition(p, 'Ready')?.status]).toEqual(['Running', 'True', 'True']);
  });
});

describe('kubelet: graceful termination', () => {
  it('a process that exits on SIGTERM is gone at once; the pod object is then removed', () => {
    const tc = testCluster({ nodes: 1 });
    const seen = recorder(tc, 'p');
    tc.create(R.pods, podManifest('p', shell('trap "exit 0" TERM; while true; do sleep 1; done')));
    tc.advance(5 * SECOND);
    tc.client.delete(R.pods, 'default', 'p');
    tc.cluster.settle();
    // The shell runs its trap once the current `sleep 1` returns.
    tc.advance(SECOND);
    expect(tc.pod('p')).toBeUndefined();
    const final = seen.at(-1)!.pod;
    expect(app(final)!.state!.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(tc.events('Pod', 'p')).toContain('Killing: Stopping container app');
  });

  it('a process that ignores SIGTERM is killed (137) when the grace period ends', () => {
    const tc = testCluster({ nodes: 1 });
    const seen = recorder(tc, 'p');
    tc.create(R.pods, podManifest('p', shell('sleep 3600', { spec: { terminationGracePeriodSeconds: 10 } })));
    tc.client.delete(R.pods, 'default', 'p');
    tc.cluster.settle();
    tc.advance(10 * SECOND - 1);
    expect(tc.pod('p')!.metadata.deletionTimestamp).toBeDefined();
    expect(stateOf(app(tc.pod('p')))).toBe('running');
    tc.advance(1);
    expect(tc.pod('p')).toBeUndefined();
    expect(app(seen.at(-1)!.pod)!.state!.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
  });

  it('the delete\'s grace period overrides the pod\'s', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('p', shell('sleep 3600')));
    tc.client.delete(R.pods, 'default', 'p', { gracePeriodSeconds: 3 });
    tc.cluster.settle();
    tc.advance(3 * SECOND);
    expect(tc.pod('p')).toBeUndefined();
  });
});

describe('kubelet: probes', () => {
  it('readiness: not ready until the probe passes, counting successThreshold', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(
      R.pods,
      podManifest('p', {
        annotations: { 'kubecuke.io/ready-after': '20s' },
        container: { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5, successThreshold: 2 } },
      }),
    );
    const readyAt = tc.until(() => condition(tc.pod('p'), 'Ready')?.status === 'True', 2 * MINUTE, 500);
    // Probes at 0, 5, ..., 20 (first pass), 25 (second pass): ready at 25 s.
    expect(readyAt).toBe(25 * SECOND);
    expect(tc.events('Pod', 'p')).toContain('Unhealthy: Readiness probe failed: Get "http://10.244.0.2:80/": dial tcp 10.244.0.2:80: connect: connection refused');
  });

  it('readiness: a ready container turns unready after failureThreshold failed probes', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(
      R.pods,
      podManifest('p', {
        annotations: { 'kubecuke.io/hang-after': '30s' },
        container: { readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 10, failureThreshold: 3 } },
      }),
    );
    expect(condition(tc.pod('p'), 'Ready')?.status).toBe('True');
    // Probes at 30, 40, 50 s time out after timeoutSeconds (1 s): unready when the third fails, at 51 s.
    tc.advance(50 * SECOND);
    expect(condition(tc.pod('p'), 'Ready')?.status).toBe('True');
    tc.advance(SECOND);
    expect(condition(tc.pod('p'), 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    expect(app(tc.pod('p'))!.restartCount).toBe(0);
  });

  it('liveness: failureThreshold failed probes restart the container', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(
      R.pods,
      podManifest('p', {
        annotations: { 'kubecuke.io/hang-after': '30s' },
        container: { livenessProbe: { httpGet: { path: '/healthz', port: 80 }, periodSeconds: 10, failureThreshold: 3 } },
      }),
    );
    // Probes at 30, 40, 50 s time out after timeoutSeconds (1 s): killed when the third fails, at 51 s.
    tc.advance(50 * SECOND);
    expect(app(tc.pod('p'))!.restartCount).toBe(0);
    expect(tc.events('Pod', 'p').some((e) => e.startsWith('Killing'))).toBe(false);
    tc.advance(SECOND);
    const events = tc.events('Pod', 'p');
    expect(events).toContain('Killing: Container app failed liveness probe, will be restarted');
    const unhealthy = tc.rawEvents().filter((e) => e.reason === 'Unhealthy' && e.involvedObject.name === 'p');
    expect(unhealthy.map((e) => [e.message, e.count, e.involvedObject.fieldPath])).toEqual([['Liveness probe failed: Get "http://10.244.0.2:80/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', 3, 'spec.containers{app}']]);
    tc.until(() => app(tc.pod('p'))!.restartCount === 1, MINUTE);
  });

  it('probes wait for initialDelaySeconds', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(
      R.pods,
      podManifest('p', {
        annotations: { 'kubecuke.io/hang-after': '0s' },
        container: { livenessProbe: { tcpSocket: { port: 80 }, initialDelaySeconds: 60, periodSeconds: 10, failureThreshold: 1 } },
      }),
    );
    tc.advance(59 * SECOND);
    expect(tc.events('Pod', 'p').some((e) => e.startsWith('Unhealthy'))).toBe(false);
    tc.advance(11 * SECOND);
    expect(tc.events('Pod', 'p').some((e) => e.startsWith('Unhealthy'))).toBe(true);
  });
});

describe('kubelet: image pulls', () => {
  it('reports ErrImagePull, then ImagePullBackOff, retrying pulls at 0, 10, 30, 70 s', () => {
    const tc = testCluster({ nodes: 1 });
    tc.cluster.missingImages.add('nginx:9.9');
    const seen = recorder(tc, 'p');
    tc.create(R.pods, podManifest('p', { image: 'nginx:9.9' }));
    expect(stateOf(app(tc.pod('p')))).toBe('waiting:ErrImagePull');
    tc.advance(2 * SECOND);
    const p = tc.pod('p')!;
    expect(stateOf(app(p))).toBe('waiting:ImagePullBackOff');
    expect(app(p)!.state!.waiting!.message).toBe('Back-off pulling image "nginx:9.9"');
    expect(p.status?.phase).toBe('Pending');
    tc.advance(80 * SECOND);
    const pulls = seen.filter((s, i) => stateOf(app(s.pod)) === 'waiting:ErrImagePull' && stateOf(app(seen[i - 1]?.pod)) !== 'waiting:ErrImagePull').map((s) => s.at / 1000);
    expect(pulls).toEqual([0, 10, 30, 70]);
    const events = tc.events('Pod', 'p');
    expect(events).toContain('Failed: Error: ErrImagePull');
    expect(events).toContain('BackOff: Back-off pulling image "nginx:9.9"');
    expect(events).toContain('Failed: Error: ImagePullBackOff');
  });

  it('starts the container once the image can be pulled', () => {
    const tc = testCluster({ nodes: 1 });
    tc.cluster.missingImages.add('nginx:9.9');
    tc.create(R.pods, podManifest('p', { image: 'nginx:9.9' }));
    tc.advance(5 * SECOND);
    tc.cluster.missingImages.delete('nginx:9.9');
    tc.until(() => tc.pod('p')!.status?.phase === 'Running', MINUTE);
    expect(tc.elapsed()).toBe(10 * SECOND);
  });
});

describe('kubelet: admission', () => {
  it('rejects a pod bound to it beyond its allocatable cpu: OutOfcpu', () => {
    const tc = testCluster({ nodes: 1 });
    tc.create(R.pods, podManifest('big', { requests: { cpu: '5' }, spec: { nodeName: 'node-1' } }));
    const p = tc.pod('big')!;
    expect(p.status).toMatchObject({ phase: 'Failed', reason: 'OutOfcpu', message: "Pod was rejected: Node didn't have enough resource: cpu, requested: 5000, used: 0, capacity: 4000" });
    expect(tc.events('Pod', 'big')).toEqual(["OutOfcpu: Node didn't have enough resource: cpu, requested: 5000, used: 0, capacity: 4000"]);
  });

  it('counts the pods already admitted: OutOfpods', () => {
    const tc = testCluster({ nodes: [{ pods: 2 }] });
    for (const n of ['a', 'b', 'c']) tc.create(R.pods, podManifest(n, { spec: { nodeName: 'node-1' } }));
    expect(tc.pod('c')!.status).toMatchObject({ phase: 'Failed', reason: 'OutOfpods', message: "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 2, capacity: 2" });
    expect(tc.pod('a')!.status?.phase).toBe('Running');
  });
});

describe('kubelet: a dead node', () => {
  it('reports nothing while dead, and on coming back restarts its pods and finishes their deletions', () => {
    const tc = testCluster({ nodes: 2 });
    tc.create(R.pods, podManifest('stay', { spec: { nodeName: 'node-1' } }));
    tc.create(R.pods, podManifest('go', { spec: { nodeName: 'node-1' } }));
    tc.cluster.killNode('node-1');
    expect(tc.cluster.isNodeAlive('node-1')).toBe(false);
    const lease = tc.client.get<{ spec: { renewTime: string } } & Pod>(R.leases, 'kube-node-lease', 'node-1').spec.renewTime;
    tc.client.delete(R.pods, 'default', 'go');
    tc.cluster.settle();
    tc.advance(MINUTE);
    expect(tc.client.get<{ spec: { renewTime: string } } & Pod>(R.leases, 'kube-node-lease', 'node-1').spec.renewTime).toBe(lease);
    expect(tc.pod('go')!.metadata.deletionTimestamp).toBeDefined();
    // The crash the test asks for finds no live kubelet.
    expect(tc.cluster.crashPod('default', 'stay', false)).toBeUndefined();
    tc.cluster.reviveNode('node-1');
    tc.cluster.settle();
    expect(tc.pod('go')).toBeUndefined();
    const stay = tc.pod('stay')!;
    expect(stay.status?.phase).toBe('Running');
    expect(app(stay)!.restartCount).toBe(1);
    expect(tc.client.get<{ spec: { renewTime: string } } & Pod>(R.leases, 'kube-node-lease', 'node-1').spec.renewTime).not.toBe(lease);
  });
});
