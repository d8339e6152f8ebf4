/**
 * What the commands asked for, as the partial objects the last check of a
 * fuzzed history looks for: replicas unless an autoscaler decides them, the
 * image of the current revision, whether a job is suspended, a cron job's
 * schedule.
 */
import { describe, expect, it } from 'vitest';
import { addWorkload, askedFor, initialModel, newRevision } from '../../src/fuzz/commands/model.ts';
import type { TemplateSpec } from '../../src/fuzz/arbitraries/pods.ts';
import type { WorkloadSpec } from '../../src/fuzz/workloads/types.ts';
import { WORKLOAD_KINDS } from '../../src/fuzz/workloads/registry.ts';

const template: TemplateSpec = { image: 'nginx:1.27', cpu: 100, memory: 64, limited: false, tolerations: [], readyAfter: 0 };

describe('askedFor', () => {
  it('gives replicas and image where the kind has them, and follows scaling and new revisions', () => {
    const m = initialModel([], 40, 8);
    addWorkload(m, { kind: 'deployment', name: 'web', replicas: 3, maxSurge: 1, maxUnavailable: 0, template } as WorkloadSpec);
    addWorkload(m, { kind: 'daemonset', name: 'agent', maxUnavailable: 1, maxSurge: 0, template } as WorkloadSpec);
    addWorkload(m, { kind: 'job', name: 'batch', completions: 1, parallelism: 1, seconds: 10, restartPolicy: 'Never', template } as WorkloadSpec);
    const web = m.workloads.get('web')!;
    web.spec = { ...web.spec, replicas: 5 };
    newRevision(web, 'nginx:1.25');
    expect(askedFor(m, new Set())).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 5, template: { spec: { containers: [{ image: 'nginx:1.25' }] } } } },
      { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { template: { spec: { containers: [{ image: 'nginx:1.27' }] } } } },
      { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'batch' }, spec: { suspend: false } },
    ]);
    const batch = m.workloads.get('batch')!;
    batch.spec = { ...batch.spec, suspend: true };
    expect(askedFor(m, new Set())[2]).toEqual({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'batch' }, spec: { suspend: true } });
    addWorkload(m, { kind: 'cronjob', name: 'nightly', everyMinutes: 1, concurrencyPolicy: 'Allow', parallelism: 1, seconds: 10, restartPolicy: 'Never', template } as WorkloadSpec);
    const cron = m.workloads.get('nightly')!;
    cron.spec = WORKLOAD_KINDS.get('cronjob')!.rescheduled!(cron.spec).spec;
    expect(askedFor(m, new Set())[3]).toEqual({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { suspend: false, schedule: '*/2 * * * *' } });
    expect(askedFor(m, new Set(['web']))[0]).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ image: 'nginx:1.25' }] } } } });
  });
});
