import { describe, it, expect } from 'vitest';
import { applyDefaults } from '../../../src/engine/api/defaults/index.ts';
import { R } from '../../../src/engine/api/kinds.ts';
import type { ResourceType } from '../../../src/engine/api/kinds.ts';
import type { KubeObject } from '../../../src/engine/api/types.ts';

type Obj = Record<string, any>;

const template = () => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { limits: { cpu: '1' } } }] } });

function defaulted(type: ResourceType, spec: Obj, meta: Obj = {}): Obj {
  const o: Obj = { apiVersion: `${type.group}/${type.version}`, kind: type.kind, metadata: { name: 'w', namespace: 'default', ...meta }, spec };
  applyDefaults(type, o as KubeObject);
  return o;
}

describe('workload defaults', () => {
  it('Deployment: one replica, 25% rolling update, history 10, deadline 600', () => {
    const d = defaulted(R.deployments, { template: template() });
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    expect(d.spec.revisionHistoryLimit).toBe(10);
    expect(d.spec.progressDeadlineSeconds).toBe(600);
    const pod = d.spec.template.spec;
    expect(pod.restartPolicy).toBe('Always');
    expect(pod.schedulerName).toBe('default-scheduler');
    // Pod-only defaults are not applied to templates.
    expect(pod.enableServiceLinks).toBeUndefined();
    expect(pod.containers[0].resources.requests).toBeUndefined();
  });

  it('Deployment: a Recreate strategy gets no rolling update, partial rolling updates are completed', () => {
    expect(defaulted(R.deployments, { strategy: { type: 'Recreate' }, template: template() }).spec.strategy).toEqual({ type: 'Recreate' });
    expect(defaulted(R.deployments, { strategy: { rollingUpdate: { maxSurge: 1 } }, template: template() }).spec.strategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' },
    });
  });

  it('ReplicaSet: one replica, no labels copied from the template in apps/v1', () => {
    const rs = defaulted(R.replicaSets, { template: template() });
    expect(rs.spec.replicas).toBe(1);
    expect(rs.metadata.labels).toBeUndefined();
  });

  it('StatefulSet: OrderedReady, rolling update from partition 0, retained claims', () => {
    const s = defaulted(R.statefulSets, {
      template: template(),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    });
    expect(s.spec.podManagementPolicy).toBe('OrderedReady');
    expect(s.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(s.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(s.spec.replicas).toBe(1);
    expect(s.spec.revisionHistoryLimit).toBe(10);
    expect(s.spec.volumeClaimTemplates[0].spec.volumeMode).toBe('Filesystem');
    expect(s.spec.volumeClaimTemplates[0].status).toEqual({ phase: 'Pending' });
  });

  it('StatefulSet: OnDelete gets no rolling update', () => {
    expect(defaulted(R.statefulSets, { updateStrategy: { type: 'OnDelete' }, template: template() }).spec.updateStrategy).toEqual({ type: 'OnDelete' });
  });

  it('DaemonSet: rolling update of one pod at a time, no surge', () => {
    const ds = defaulted(R.daemonSets, { template: template() });
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(ds.spec.revisionHistoryLimit).toBe(10);
  });

  it('Job: one completion, backoff 6, NonIndexed, not suspended, labels from the template', () => {
    const j = defaulted(R.jobs, { template: { ...template(), spec: { ...template().spec, restartPolicy: 'Never' } } });
    expect(j.spec).toMatchObject({
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      manualSelector: false,
    });
    expect(j.metadata.labels).toEqual({ app: 'web' });
  });

  it('Job: parallel jobs keep completions unset; per-index backoff lifts the job backoff limit', () => {
    const j = defaulted(R.jobs, { parallelism: 3, template: template() });
    expect(j.spec.completions).toBeUndefined();
    expect(defaulted(R.jobs, { completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 1, template: template() }).spec.backoffLimit).toBe(2147483647);
    const withPolicy = defaulted(R.jobs, { podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] }, template: template() });
    expect(withPolicy.spec.podReplacementPolicy).toBe('Failed');
    expect(withPolicy.spec.podFailurePolicy.rules[0].onPodConditions[0].status).toBe('True');
  });

  it('CronJob: Allow, not suspended, history 3 and 1', () => {
    const cj = defaulted(R.cronJobs, { schedule: '* * * * *', jobTemplate: { spec: { template: template() } } });
    expect(cj.spec).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(cj.spec.jobTemplate.spec.template.spec.dnsPolicy).toBe('ClusterFirst');
    // Job defaults apply when the controller creates the Job, not to the template.
    expect(cj.spec.jobTemplate.spec.backoffLimit).toBeUndefined();
  });
});
