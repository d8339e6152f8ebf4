/**
 * The pod checks of issue 4 and their failure messages: a failed check
 * about one pod shows `kubectl describe pod`, with its conditions,
 * container states (reasons, exit codes, last states) and events.
 */
import { describe, it, expect } from 'vitest';
import { createCluster, R, type Pod } from '../../src/engine/index.ts';
import { liveView } from '../../src/harness/view.ts';
import { inCrashLoop, podPhase } from '../../src/harness/checks.ts';
import { logsContain, podEvicted, podOOMKilled, podReady, podShowsStatus } from '../../src/harness/pod-checks.ts';
import { describePodText } from '../../src/harness/describe.ts';

function crasher() {
  const cluster = createCluster({ seed: 1, nodes: 1 });
  cluster.client().create(R.pods, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'crasher', namespace: 'default' },
    spec: { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'echo starting; exit 3'], resources: { limits: { memory: '64Mi' } } }] },
  });
  cluster.settle();
  cluster.advance(15_000);
  return cluster;
}
const ref = { namespace: 'default', name: 'crasher' };

describe('kubectl describe pod in failure messages', () => {
  it('shows conditions, the container state with its reason, the last state with its exit code, and the events', () => {
    const cluster = crasher();
    const text = describePodText(liveView(cluster), cluster.client().get<Pod>(R.pods, 'default', 'crasher'));
    expect(text).toMatch(/^Name:\s+crasher$/m);
    expect(text).toMatch(/State:\s+Waiting\n\s+Reason:\s+CrashLoopBackOff/);
    expect(text).toMatch(/Last State:\s+Terminated\n\s+Reason:\s+Error\n\s+Exit Code:\s+3/);
    expect(text).toMatch(/Restart Count:\s+2/);
    expect(text).toMatch(/Conditions:\n\s+Type\s+Status\n\s+PodReadyToStartContainers\s+True/);
    expect(text).toMatch(/Warning\s+BackOff\s+.*kubelet\s+Back-off restarting failed container app in pod crasher_default/);
    expect(text).toMatch(/QoS Class:\s+Burstable/);
  });

  it('is the evidence of a failed check about one pod', () => {
    const cluster = crasher();
    const out = podPhase(ref, 'succeeded')(liveView(cluster));
    expect(out.ok).toBe(false);
    expect(out.details!()).toContain('kubectl describe pod crasher:');
    expect(out.details!()).toMatch(/Reason:\s+CrashLoopBackOff/);
    expect(inCrashLoop(ref)(liveView(cluster)).ok).toBe(true);
  });
});

describe('pod checks', () => {
  it('read readiness, the STATUS column, OOM kills and evictions', () => {
    const cluster = crasher();
    const view = liveView(cluster);
    expect(podReady(ref, false)(view).ok).toBe(true);
    expect(podReady(ref, true)(view)).toMatchObject({ ok: false, found: 'its Ready condition is False (ContainersNotReady: containers with unready status: [app])' });
    expect(podShowsStatus(ref, 'CrashLoopBackOff')(view).ok).toBe(true);
    expect(podShowsStatus(ref, 'Running')(view).found).toBe('kubectl get pods shows CrashLoopBackOff');
    expect(podOOMKilled(ref)(view)).toMatchObject({ ok: false, found: 'its containers ended with Error' });
    expect(podEvicted(ref)(view)).toMatchObject({ ok: false, found: 'its phase is Running' });
    expect(podShowsStatus({ namespace: 'default', name: 'nope' }, 'Running')(view)).toMatchObject({ ok: false, found: 'there is no pod "nope" in namespace "default" (its pods: crasher)' });
  });

  it('read the logs of the current and the previous run, and say why there are none', () => {
    const cluster = crasher();
    const view = liveView(cluster);
    const read = (ns: string, pod: string, c: string | undefined, previous: boolean) => cluster.logs(ns, pod, c, previous);
    expect(logsContain(read, ref, undefined, 'starting', true)(view).ok).toBe(true);
    expect(logsContain(read, ref, 'app', 'nothing like this', false)(view)).toMatchObject({ ok: false, found: 'they do not (1 line)' });
    expect(logsContain(read, ref, 'sidecar', 'x', false)(view)).toMatchObject({ ok: false, found: 'the pod has no container "sidecar" (its containers: app)' });
  });
});
