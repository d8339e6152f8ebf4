import { describe, expect, it } from 'vitest';
import { R, type Job, type Pod, type Stored } from '../../../src/engine/index.ts';
import { testCluster } from './helpers.ts';

const job = (spec: string, command = '["sh", "-c", "sleep 5"]') => `
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
${spec}
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: "busybox:1.36", command: ${command}}]
`;

const getJob = (t: ReturnType<typeof testCluster>) => t.get<Job>(R.jobs, 'pi')!;
const types = (j: Job) => (j.status?.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.type);

describe('job-controller', () => {
  it('runs completions pods, parallelism at a time, and completes', () => {
    const t = testCluster();
    t.apply(job('  completions: 3\n  parallelism: 2'));
    expect(t.pods('pi-').length).toBe(2);
    expect((t.pods('pi-')[0] as Stored<Pod>).metadata.finalizers).toEqual(['batch.kubernetes.io/job-tracking']);
    expect(t.until(() => types(getJob(t)).includes('Complete'))).toBeGreaterThan(0);
    const j = getJob(t);
    expect(j.status).toMatchObject({ succeeded: 3, ready: 0, terminating: 0, uncountedTerminatedPods: {} });
    expect(types(j)).toEqual(['SuccessCriteriaMet', 'Complete']);
    expect(j.status?.completionTime).toBeDefined();
    expect(t.pods('pi-').every((p) => !p.metadata.finalizers?.length)).toBe(true);
    expect(t.events('Completed').map((e) => e.message)).toEqual(['Job completed']);
  });

  it('retries failed pods with a 10 s doubling backoff and fails past backoffLimit', () => {
    const t = testCluster();
    t.apply(job('  backoffLimit: 2', '["sh", "-c", "exit 1"]'));
    expect(t.until(() => types(getJob(t)).includes('Failed'), 300_000)).toBeGreaterThan(0);
    const pods = (t.pods('pi-') as Stored<Pod>[]).sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : 1));
    expect(pods.length).toBe(3);
    const created = pods.map((p) => Date.parse(p.metadata.creationTimestamp));
    // Each pod fails at once; the next one starts 10 s, then 20 s after the failure.
    expect(Math.round((created[1] - created[0]) / 1000)).toBeGreaterThanOrEqual(10);
    expect(Math.round((created[1] - created[0]) / 1000)).toBeLessThan(13);
    expect(Math.round((created[2] - created[1]) / 1000)).toBeGreaterThanOrEqual(20);
    expect(Math.round((created[2] - created[1]) / 1000)).toBeLessThan(23);
    const j = getJob(t);
    expect(j.status?.failed).toBe(3);
    expect(j.status?.conditions?.find((c) => c.type === 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
  });

  it('runs Indexed jobs with one pod per index', () => {
    const t = testCluster();
    t.apply(job('  completions: 3\n  parallelism: 3\n  completionMode: Indexed'));
    const pods = t.pods('pi-') as Stored<Pod>[];
    expect(pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort()).toEqual(['0', '1', '2']);
    expect(pods.map((p) => p.spec.hostname).sort()).toEqual(['pi-0', 'pi-1', 'pi-2']);
    t.until(() => types(getJob(t)).includes('Complete'));
    expect(getJob(t).status?.completedIndexes).toBe('0-2');
  });

  it('fails a job past activeDeadlineSeconds, deleting its pods first', () => {
    const t = testCluster();
    t.apply(job('  activeDeadlineSeconds: 20', '["sh", "-c", "sleep 600"]'));
    t.pass(21_000);
    const j = getJob(t);
    expect(types(j)).toContain('FailureTarget');
    expect(t.until(() => types(getJob(t)).includes('Failed'))).toBeGreaterThan(0);
    expect(getJob(t).status?.conditions?.find((c) => c.type === 'Failed')?.reason).toBe('DeadlineExceeded');
  });

  it('suspends and resumes', () => {
    const t = testCluster();
    t.apply(job('  suspend: true', '["sh", "-c", "sleep 600"]'));
    expect(t.pods('pi-').length).toBe(0);
    expect(getJob(t).status?.conditions?.[0]).toMatchObject({ type: 'Suspended', status: 'True', reason: 'JobSuspended' });
    t.update<Job>(R.jobs, 'pi', (j) => (j.spec.suspend = false));
    expect(t.pods('pi-').length).toBe(1);
    expect(getJob(t).status?.conditions?.[0]).toMatchObject({ type: 'Suspended', status: 'False', reason: 'JobResumed' });
  });
});

describe('job-controller, failure policies and indexes', () => {
  it('ignores failures a podFailurePolicy rule says to ignore', () => {
    const t = testCluster();
    t.apply(`
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  backoffLimit: 0
  podFailurePolicy:
    rules:
      - action: Ignore
        onExitCodes: {operator: In, values: [3]}
  template:
    metadata:
      annotations: {kubecuke.io/exit-after: "5s", kubecuke.io/exit-code: "3"}
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: "busybox:1.36", command: ["sh", "-c", "sleep 60"]}]
`);
    t.pass(20_000);
    const j = getJob(t);
    expect(types(j)).toEqual([]);
    expect(j.status?.failed ?? 0).toBe(0);
    expect(t.pods('pi-').length).toBeGreaterThan(1);
  });

  it('fails an index past backoffLimitPerIndex, and the job once every index is done', () => {
    const t = testCluster();
    t.apply(`
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  completions: 2
  parallelism: 2
  completionMode: Indexed
  backoffLimitPerIndex: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: "busybox:1.36", command: ["sh", "-c", "exit 1"]}]
`);
    expect(t.until(() => types(getJob(t)).includes('Failed'), 120_000)).toBeGreaterThan(0);
    const j = getJob(t);
    // Each index fails twice (one retry each), after its own 10 s back-off.
    expect(j.status).toMatchObject({ failedIndexes: '0,1', failed: 4 });
    expect(j.status?.conditions?.find((c) => c.type === 'Failed')).toMatchObject({ reason: 'FailedIndexes', message: 'Job has failed indexes' });
    const pods = t.pods('pi-1-') as Stored<Pod>[];
    expect(pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-index-failure-count']).sort()).toEqual(['0', '1']);
  });

  it('succeeds early when a successPolicy rule is met', () => {
    const t = testCluster();
    t.apply(`
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  completions: 3
  parallelism: 1
  completionMode: Indexed
  successPolicy:
    rules:
      - succeededIndexes: "0"
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: "busybox:1.36", command: ["sh", "-c", "sleep 5"]}]
`);
    expect(t.until(() => types(getJob(t)).includes('Complete'), 120_000)).toBeGreaterThan(0);
    expect(getJob(t).status?.conditions?.find((c) => c.type === 'SuccessCriteriaMet')).toMatchObject({ reason: 'SuccessPolicy', message: 'Matched rules at index 0' });
    // Index 0 was enough: the others never ran to completion.
    expect(getJob(t).status?.completedIndexes).toBe('0');
  });

  it('fails an OnFailure job once its containers restarted backoffLimit times', () => {
    const t = testCluster();
    t.apply(`
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: OnFailure
      containers: [{name: pi, image: "busybox:1.36", command: ["sh", "-c", "exit 1"]}]
`);
    expect(t.until(() => types(getJob(t)).includes('Failed'), 120_000)).toBeGreaterThan(0);
    expect(getJob(t).status?.conditions?.find((c) => c.type === 'Failed')?.reason).toBe('BackoffLimitExceeded');
  });
});

describe('job-controller, parallelism changes', () => {
  it('deletes the newest pods when parallelism drops', () => {
    const t = testCluster();
    t.apply(job('  completions: 6\n  parallelism: 3', '["sh", "-c", "sleep 600"]'));
    expect(t.pods('pi-').length).toBe(3);
    t.update<Job>(R.jobs, 'pi', (j) => (j.spec.parallelism = 1));
    expect(t.events('SuccessfulDelete').length).toBe(2);
    expect(getJob(t).status?.active).toBe(1);
  });
});

describe('job-controller, with a lagging pod cache', () => {
  it('counts a deleted pod as failed once, though its cache still shows the finalizer it removed', () => {
    // Pod events reach the controller manager 5 s late; its own job updates arrive at once and resync the job meanwhile.
    let lag = false;
    const t = testCluster({ perturbation: { watchDelivery: (b) => (lag && b.watcher === 'kube-controller-manager' && b.resource === 'pods' ? { delayMs: 5000 } : undefined) } });
    t.apply(job('  backoffLimit: 6', '["sh", "-c", "sleep 600"]'));
    t.pass(5000);
    const first = t.pods('pi-')[0].metadata.name;
    lag = true;
    t.cluster.client().delete(R.pods, 'default', first);
    t.pass(60_000);
    lag = false;
    t.pass(60_000);
    expect(getJob(t).status?.failed).toBe(1);
    expect(t.pods('pi-').filter((p) => !p.metadata.deletionTimestamp).length).toBe(1);
  });
});
