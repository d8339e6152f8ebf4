/**
 * The StatefulSet, DaemonSet and Job kinds of the fuzzer: what
 * eventual-stability calls settled for each (quiet on a healthy cluster,
 * specific when a controller is left out), and what workload-bounds
 * reports when pods are made in test-only ways (an admin client acting as
 * a controller that is not running).
 */
import { describe, expect, it } from 'vitest';
import { R, createCluster, type Cluster, type ClusterOptions, type KubeObject, type Stored } from '../../src/engine/index.ts';
import { HistoryChecker, startOf } from '../../src/fuzz/invariants/checker.ts';
import { INVARIANTS } from '../../src/fuzz/invariants/registry.ts';
import { WORKLOAD_KINDS } from '../../src/fuzz/workloads/registry.ts';
import type { WorkloadSpec } from '../../src/fuzz/workloads/types.ts';
import type { TemplateSpec } from '../../src/fuzz/arbitraries/pods.ts';
import { liveView } from '../../src/harness/view.ts';

const stability = INVARIANTS.get('eventual-stability')!;
const template: TemplateSpec = { image: 'nginx:1.27', cpu: 100, memory: 64, limited: false, tolerations: [], readyAfter: 0 };

function cluster(options: Partial<ClusterOptions> = {}): Cluster {
  return createCluster({
    seed: 1,
    nodes: [{ name: 'node-1' }, { name: 'node-2' }, { name: 'node-3', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }],
    ...options,
  });
}

/** Applies what the kind's manifest holds, as `kubectl apply` of it would. */
function apply(c: Cluster, spec: WorkloadSpec): void {
  const admin = c.client();
  const kind = WORKLOAD_KINDS.get(spec.kind)!;
  for (const o of kind.manifest(spec)) {
    const obj = { ...o, metadata: { ...(o.metadata as object), ...(o.kind === 'PriorityClass' ? {} : { namespace: 'default' }) } } as KubeObject;
    const type = {
      Service: R.services,
      StatefulSet: R.statefulSets,
      DaemonSet: R.daemonSets,
      Job: R.jobs,
      CronJob: R.cronJobs,
      PriorityClass: R.priorityClasses,
      Deployment: R.deployments,
      HorizontalPodAutoscaler: R.horizontalPodAutoscalers,
    }[o.kind as string]!;
    admin.create(type, obj);
  }
}

const unsettled = (c: Cluster) => stability.unsettled!(liveView(c));

describe('statefulsets', () => {
  const spec = { kind: 'statefulset', name: 'db', replicas: 3, podManagementPolicy: 'OrderedReady', template: { ...template, readyAfter: 20 } } as WorkloadSpec;

  it('settle with every ordinal ready', () => {
    const c = cluster();
    apply(c, spec);
    c.settle();
    expect(unsettled(c).join('\n')).toMatch(/statefulset "default\/db" has no pod "db-2"/);
    c.advance(5 * 60_000);
    expect(unsettled(c)).toEqual([]);
  });

  it('may keep pods above replicas while OrderedReady scale-down waits behind a pod no node takes', () => {
    // As upstream's processCondemned: the highest condemned pod goes first, and only once it is Running and Ready or
    // is the first unhealthy pod; db-1 is neither while db-0 waits for a node.
    const uid = 'set-uid';
    const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid, controller: true };
    const set = { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'default', uid, generation: 2 }, spec: { replicas: 0, serviceName: 'db', podManagementPolicy: 'OrderedReady', selector: {}, template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } }, status: { observedGeneration: 2, replicas: 2, currentRevision: 'r', updateRevision: 'r' } };
    const pending = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', uid: name, ownerReferences: [ref] }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] }, status: { phase: 'Pending' } });
    const objects: Record<string, object[]> = { pods: [pending('db-0'), pending('db-1')], statefulsets: [set] };
    const view = { now: 0, list: (type: { resource: string }) => objects[type.resource] ?? [], get: () => undefined } as unknown as Parameters<NonNullable<typeof stability.unsettled>>[0];
    const kind = WORKLOAD_KINDS.get('statefulset')!;
    expect(kind.unsettled(view, set as unknown as Stored)).toEqual([]);
    const parallel = { ...set, spec: { ...set.spec, podManagementPolicy: 'Parallel' } };
    expect(kind.unsettled(view, parallel as unknown as Stored)).toEqual([
      'pod "db-0" of statefulset "default/db" has no ordinal below its 0 replicas',
      'pod "db-1" of statefulset "default/db" has no ordinal below its 0 replicas',
    ]);
  });

  it('are unsettled while their controller does not run', () => {
    const c = cluster({ disabledControllers: ['statefulset-controller'] });
    apply(c, spec);
    c.advance(5 * 60_000);
    expect(unsettled(c)).toEqual(['statefulset "default/db" has not been observed by its controller (generation 1, observed 0)']);
  });
});

describe('daemonsets', () => {
  const spec = { kind: 'daemonset', name: 'agent', maxUnavailable: 1, maxSurge: 0, template } as WorkloadSpec;

  it('settle with one ready pod on every node that should run one, none on a node whose taint they do not tolerate', () => {
    const c = cluster();
    apply(c, spec);
    c.advance(5 * 60_000);
    expect(unsettled(c)).toEqual([]);
    const nodes = c.client().list(R.pods, { namespace: 'default' }).items.map((p) => (p as Stored & { spec: { nodeName?: string } }).spec.nodeName);
    expect(nodes.sort()).toEqual(['node-1', 'node-2']);
  });

  it('are unsettled while their controller does not run', () => {
    const c = cluster({ disabledControllers: ['daemonset-controller'] });
    apply(c, spec);
    c.advance(5 * 60_000);
    expect(unsettled(c)).toEqual(['daemonset "default/agent" has not been observed by its controller (generation 1, observed 0)']);
  });
});

describe('jobs', () => {
  const spec = { kind: 'job', name: 'batch', completions: 3, parallelism: 2, seconds: 10, restartPolicy: 'Never', template: { ...template, image: 'busybox:1.36' } } as WorkloadSpec;

  it('settle once complete', () => {
    const c = cluster();
    apply(c, spec);
    c.advance(5_000);
    expect(unsettled(c)).toEqual(['job "default/batch" has not finished: 2 active, 0 succeeded, 0 failed pods']);
    c.advance(5 * 60_000);
    expect(unsettled(c)).toEqual([]);
  });

  it('are unsettled while their controller does not run', () => {
    const c = cluster({ disabledControllers: ['job-controller'] });
    apply(c, spec);
    c.advance(5 * 60_000);
    expect(unsettled(c)).toEqual(['job "default/batch" has not finished: 0 active, 0 succeeded, 0 failed pods']);
  });

  it('settle while suspended once their active pods are gone, and finish once resumed', () => {
    const c = cluster();
    apply(c, { ...spec, seconds: 60 } as WorkloadSpec);
    c.advance(5_000);
    const admin = c.client();
    admin.patch(R.jobs, 'default', 'batch', { spec: { suspend: true } }, 'merge');
    c.settle();
    // Its pods are terminating (busybox's grace period); until they are gone it is not at rest.
    expect(unsettled(c)).toEqual(['job "default/batch" is suspended but still has terminating pods (batch-vjdf6, batch-wt27q)']);
    c.advance(60_000);
    expect(unsettled(c)).toEqual([]);
    admin.patch(R.jobs, 'default', 'batch', { spec: { suspend: false } }, 'merge');
    c.advance(10_000);
    // The pods deleted on suspension count as failed (isPodFailed: deleted and not Succeeded).
    expect(unsettled(c)).toEqual(['job "default/batch" has not finished: 2 active, 0 succeeded, 2 failed pods']);
    c.advance(5 * 60_000);
    expect(unsettled(c)).toEqual([]);
  });

  it('are unsettled while suspended if their controller does not stop them', () => {
    const c = cluster({ disabledControllers: ['job-controller'] });
    apply(c, { ...spec, suspend: true } as WorkloadSpec);
    const admin = c.client();
    const job = admin.get(R.jobs, 'default', 'batch') as Stored;
    const ref = { apiVersion: 'batch/v1', kind: 'Job', name: 'batch', uid: job.metadata.uid, controller: true };
    admin.create(R.pods, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'batch-a', namespace: 'default', ownerReferences: [ref] },
      spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 600'] }] },
    } as KubeObject);
    admin.updateStatus(R.jobs, { ...(admin.get(R.jobs, 'default', 'batch') as Stored), status: { active: 1 } } as KubeObject);
    c.advance(60_000);
    expect(unsettled(c)).toEqual([
      'job "default/batch" is suspended but has no Suspended condition',
      'job "default/batch" is suspended but still has active pods (batch-a)',
      'job "default/batch" is suspended but reports 1 active pods',
    ]);
  });
});

describe('cronjobs', () => {
  const spec = (over: object = {}) =>
    ({ kind: 'cronjob', name: 'nightly', everyMinutes: 1, concurrencyPolicy: 'Allow', parallelism: 1, seconds: 10, restartPolicy: 'Never', template: { ...template, image: 'busybox:1.36' }, ...over }) as WorkloadSpec;
  const jobsOf = (c: Cluster) => c.client().list(R.jobs, { namespace: 'default' }).items.map((j) => j.metadata.name);

  it('settle while they run a job every minute, and their churn is not waited for', () => {
    const c = cluster();
    apply(c, spec({ successfulJobsHistoryLimit: 1 }));
    c.advance(90_000);
    const print = stability.fingerprint!(liveView(c));
    for (let minute = 0; minute < 4; minute++) {
      c.advance(60_000);
      expect(unsettled(c)).toEqual([]);
    }
    // New jobs every minute, the oldest deleted beyond the history limit; none of it counts as change.
    expect(jobsOf(c).length).toBeLessThanOrEqual(2);
    expect(stability.fingerprint!(liveView(c))).toBe(print);
  });

  it('are unsettled when a scheduled job has not started', () => {
    const c = cluster({ disabledControllers: ['cronjob-controller'] });
    apply(c, spec());
    c.advance(150_000);
    expect(unsettled(c)).toEqual(['cronjob "default/nightly" has not started the job due at 2025-01-01T00:02:00.000Z (last scheduled never)']);
  });

  it('excuse a start that Forbid holds back behind a running job, and one past its starting deadline', () => {
    const held = cluster({ disabledControllers: ['cronjob-controller'] });
    apply(held, spec({ concurrencyPolicy: 'Forbid' }));
    const cj = held.client().get(R.cronJobs, 'default', 'nightly') as Stored;
    const job = held.client().create(R.jobs, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'nightly-manual', namespace: 'default', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: cj.metadata.uid, controller: true }] },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 600'] }] } } },
    } as KubeObject);
    held.advance(150_000);
    // Not recorded in status.active (as after a crash between creating it and the status update): Forbid does not wait for it.
    expect(unsettled(held)).toEqual(['cronjob "default/nightly" has not started the job due at 2025-01-01T00:02:00.000Z (last scheduled never)']);
    const ref = { apiVersion: 'batch/v1', kind: 'Job', namespace: 'default', name: 'nightly-manual', uid: job.metadata.uid };
    held.client().updateStatus(R.cronJobs, { ...(held.client().get(R.cronJobs, 'default', 'nightly') as Stored), status: { active: [ref] } } as KubeObject);
    held.settle();
    expect(unsettled(held)).toEqual([]);

    const late = cluster({ disabledControllers: ['cronjob-controller'] });
    apply(late, spec({ startingDeadlineSeconds: 30 }));
    // 40 s after the start due at +2m: too late to start it.
    late.advance(160_000);
    expect(unsettled(late)).toEqual([]);
  });

  it('count a schedule\'s minutes on their time zone\'s wall clock', () => {
    // Kathmandu is UTC+5:45: every other minute there falls on the odd UTC minutes.
    const c = cluster({ disabledControllers: ['cronjob-controller'] });
    apply(c, spec({ everyMinutes: 2, timeZone: 'Asia/Kathmandu' }));
    c.advance(90_000);
    expect(unsettled(c)).toEqual(['cronjob "default/nightly" has not started the job due at 2025-01-01T00:01:00.000Z (last scheduled never)']);
    const utc = cluster({ disabledControllers: ['cronjob-controller'] });
    apply(utc, spec({ everyMinutes: 2 }));
    utc.advance(90_000);
    expect(unsettled(utc)).toEqual([]);
    // With its controller, it starts them.
    const live = cluster();
    apply(live, spec({ everyMinutes: 2, timeZone: 'Asia/Kathmandu' }));
    live.advance(200_000);
    expect(unsettled(live)).toEqual([]);
    expect(jobsOf(live)).toEqual([`nightly-${Date.parse('2025-01-01T00:01:00Z') / 60_000}`, `nightly-${Date.parse('2025-01-01T00:03:00Z') / 60_000}`]);
  });

  it('start no job while suspended, and the one due when resumed', () => {
    const c = cluster();
    apply(c, spec({ suspend: true }));
    c.advance(150_000);
    expect(jobsOf(c)).toEqual([]);
    expect(unsettled(c)).toEqual([]);
    c.client().patch(R.cronJobs, 'default', 'nightly', { spec: { suspend: false } }, 'merge');
    c.settle();
    // The run due at +2m (its name is the minute it was due, since the epoch).
    expect(jobsOf(c)).toEqual([`nightly-${Date.parse('2025-01-01T00:02:00Z') / 60_000}`]);
    expect(unsettled(c)).toEqual([]);
  });

  it('are unsettled with more finished jobs than their history limits keep', () => {
    const c = cluster({ disabledControllers: ['cronjob-controller'] });
    apply(c, spec({ startingDeadlineSeconds: 30 }));
    const cj = c.client().get(R.cronJobs, 'default', 'nightly') as Stored;
    for (const n of ['a', 'b', 'c', 'd']) {
      c.client().create(R.jobs, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: `nightly-${n}`, namespace: 'default', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: cj.metadata.uid, controller: true }] },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 5'] }] } } },
      } as KubeObject);
    }
    c.advance(160_000);
    expect(unsettled(c)).toEqual(['cronjob "default/nightly" keeps 4 completed jobs (nightly-a, nightly-b, nightly-c, nightly-d), more than its successfulJobsHistoryLimit of 3']);
  });
});

describe('deployments with an autoscaler', () => {
  const spec = { kind: 'deployment', name: 'web', replicas: 6, maxSurge: 1, maxUnavailable: 0, template, hpa: { minReplicas: 1, maxReplicas: 3, cpuPercent: 50 } } as WorkloadSpec;

  it('settle at the count their autoscaler decides (idle pods: its minimum, after the 5-minute scale-down window)', () => {
    const c = cluster();
    apply(c, spec);
    c.advance(10 * 60_000);
    expect(unsettled(c)).toEqual([]);
    expect((c.client().get(R.deployments, 'default', 'web') as Stored & { spec: { replicas: number } }).spec.replicas).toBe(1);
  });

  it('settle at their autoscaler\'s maximum when their pods use more than the target from the start', () => {
    const c = cluster();
    apply(c, { ...spec, replicas: 1, hpa: { ...(spec as unknown as { hpa: object }).hpa, load: 150 } } as WorkloadSpec);
    c.settle();
    const pod = c.client().list(R.pods, { namespace: 'default' }).items[0];
    expect(pod?.metadata.annotations?.['kubecuke.io/cpu-usage']).toBe('150m');
    c.advance(10 * 60_000);
    expect(unsettled(c)).toEqual([]);
    expect((c.client().get(R.deployments, 'default', 'web') as Stored & { spec: { replicas: number } }).spec.replicas).toBe(3);
  });

  it('are unsettled outside their autoscaler\'s bounds while it does not run', () => {
    const c = cluster({ disabledControllers: ['horizontal-pod-autoscaler'] });
    apply(c, spec);
    c.advance(5 * 60_000);
    expect(unsettled(c)).toEqual(['deployment "default/web" asks for 6 replicas, outside its autoscaler\'s 1..3']);
  });
});

describe('workload-bounds', () => {
  const bounds = INVARIANTS.get('workload-bounds')!;
  const owned = (name: string, owner: Stored, extra: object = {}) =>
    ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app: owner.metadata.name }, ownerReferences: [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true }] },
      spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...extra },
    }) as KubeObject;

  it('is quiet on healthy stateful sets, daemon sets, jobs and cron jobs', () => {
    const c = cluster();
    const h = new HistoryChecker(c, [bounds], startOf(c));
    apply(c, { kind: 'statefulset', name: 'db', replicas: 3, podManagementPolicy: 'OrderedReady', template } as WorkloadSpec);
    apply(c, { kind: 'daemonset', name: 'agent', maxUnavailable: 0, maxSurge: 1, template } as WorkloadSpec);
    apply(c, { kind: 'job', name: 'batch', completions: 4, parallelism: 2, seconds: 10, restartPolicy: 'Never', template: { ...template, image: 'busybox:1.36' } } as WorkloadSpec);
    for (const concurrencyPolicy of ['Forbid', 'Replace']) {
      const cron = { kind: 'cronjob', name: `every-${concurrencyPolicy.toLowerCase()}`, everyMinutes: 1, concurrencyPolicy, parallelism: 1, seconds: 90, restartPolicy: 'Never' };
      apply(c, { ...cron, template: { ...template, image: 'busybox:1.36' } } as WorkloadSpec);
    }
    c.advance(5 * 60_000);
    expect(c.client().list(R.jobs, { namespace: 'default' }).items.length).toBeGreaterThan(3);
    expect(h.advance()).toEqual([]);
    h.dispose();
  });

  it('reports a job over its parallelism, two daemon pods on a node, and a stateful pod created before its predecessor was ready', () => {
    const c = cluster({ disabledControllers: ['statefulset-controller', 'daemonset-controller', 'job-controller'] });
    apply(c, { kind: 'statefulset', name: 'db', replicas: 3, podManagementPolicy: 'OrderedReady', template } as WorkloadSpec);
    apply(c, { kind: 'daemonset', name: 'agent', maxUnavailable: 1, maxSurge: 0, template } as WorkloadSpec);
    apply(c, { kind: 'job', name: 'batch', completions: 4, parallelism: 1, seconds: 60, restartPolicy: 'Never', template: { ...template, image: 'busybox:1.36' } } as WorkloadSpec);
    c.settle();
    const admin = c.client();
    const h = new HistoryChecker(c, [bounds], startOf(c));
    const get = (type: typeof R.jobs, name: string) => admin.get(type, 'default', name) as Stored;
    admin.create(R.pods, owned('batch-a', get(R.jobs, 'batch'), { restartPolicy: 'Never' }));
    admin.create(R.pods, owned('batch-b', get(R.jobs, 'batch'), { restartPolicy: 'Never' }));
    admin.create(R.pods, owned('agent-a', get(R.daemonSets, 'agent'), { nodeName: 'node-1' }));
    admin.create(R.pods, owned('agent-b', get(R.daemonSets, 'agent'), { nodeName: 'node-1' }));
    admin.create(R.pods, owned('db-0', get(R.statefulSets, 'db'), { hostname: 'db-0', subdomain: 'db-headless' }));
    admin.create(R.pods, owned('db-1', get(R.statefulSets, 'db'), { hostname: 'db-1', subdomain: 'db-headless' }));
    c.settle();
    expect(h.advance().map((v) => v.message)).toEqual([
      'job "default/batch" runs 2 pods (batch-a, batch-b), more than its parallelism of 1',
      'daemonset "default/agent" runs 2 pods on node "node-1" (agent-a, agent-b), more than 1',
      'pod "default/db-1" of statefulset "db" was created while its predecessor "db-0" had never been Running and Ready (OrderedReady)',
    ]);
    h.dispose();
  });

  it('reports a cron job that forbids concurrent runs with two jobs running', () => {
    const c = cluster({ disabledControllers: ['cronjob-controller'] });
    apply(c, { kind: 'cronjob', name: 'nightly', everyMinutes: 1, concurrencyPolicy: 'Forbid', parallelism: 1, seconds: 10, restartPolicy: 'Never', template: { ...template, image: 'busybox:1.36' } } as WorkloadSpec);
    c.settle();
    const admin = c.client();
    const h = new HistoryChecker(c, [bounds], startOf(c));
    const cj = admin.get(R.cronJobs, 'default', 'nightly') as Stored;
    for (const n of ['a', 'b']) {
      admin.create(R.jobs, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: `nightly-${n}`, namespace: 'default', ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: cj.metadata.uid, controller: true }] },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] } } },
      } as KubeObject);
    }
    c.settle();
    expect(h.advance().map((v) => v.message)).toEqual(['cronjob "default/nightly" (concurrencyPolicy Forbid) runs 2 jobs at once (nightly-a, nightly-b)']);
    // A run started by hand is not the schedule's: it runs beside them.
    admin.create(R.jobs, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: 'nightly-manual-1',
        namespace: 'default',
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual' },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: cj.metadata.uid, controller: true }],
      },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] } } },
    } as KubeObject);
    c.settle();
    expect(h.advance()).toEqual([]);
    h.dispose();
  });

  it('reports a job that makes a pod after it ended, and one marked Complete while a pod still runs', () => {
    const c = cluster({ disabledControllers: ['job-controller'] });
    apply(c, { kind: 'job', name: 'batch', completions: 1, parallelism: 1, seconds: 60, restartPolicy: 'Never', template: { ...template, image: 'busybox:1.36' } } as WorkloadSpec);
    c.settle();
    const admin = c.client();
    const h = new HistoryChecker(c, [bounds], startOf(c));
    const job = admin.get(R.jobs, 'default', 'batch') as Stored;
    admin.create(R.pods, owned('batch-a', job, { restartPolicy: 'Never' }));
    const at = '2025-01-01T00:00:00Z';
    const condition = (type: string) => ({ type, status: 'True', lastProbeTime: at, lastTransitionTime: at, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
    admin.updateStatus(R.jobs, { ...(admin.get(R.jobs, 'default', 'batch') as Stored), status: { conditions: [condition('SuccessCriteriaMet')], startTime: at } } as KubeObject);
    admin.create(R.pods, owned('batch-b', job, { restartPolicy: 'Never' }));
    admin.updateStatus(R.jobs, { ...(admin.get(R.jobs, 'default', 'batch') as Stored), status: { conditions: [condition('SuccessCriteriaMet'), condition('Complete')], startTime: at, completionTime: at, succeeded: 1 } } as KubeObject);
    c.settle();
    expect(h.advance().map((v) => v.message)).toEqual([
      'job "default/batch" runs 2 pods (batch-a, batch-b), more than its parallelism of 1',
      'job "default/batch" created pod "batch-b" after it had ended (SuccessCriteriaMet)',
      'job "default/batch" was marked Complete while its pods batch-a, batch-b were still active',
    ]);
    h.dispose();
  });
});
