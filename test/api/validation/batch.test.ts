import { describe, it, expect } from 'vitest';
import { validateCreate, validateUpdate } from '../../../src/engine/api/validation/index.ts';
import { applyDefaults } from '../../../src/engine/api/defaults/index.ts';
import { R } from '../../../src/engine/api/kinds.ts';
import { fieldErrorMessage } from '../../../src/engine/api/errors.ts';
import type { KubeObject } from '../../../src/engine/api/types.ts';

type Obj = Record<string, any>;

/** A Job as the API server holds it after its strategy generated the selector and labels. */
function job(edit: (o: Obj) => void = () => {}): Obj {
  const labels = { 'batch.kubernetes.io/controller-uid': 'u1', 'batch.kubernetes.io/job-name': 'pi', 'controller-uid': 'u1', 'job-name': 'pi' };
  const o: Obj = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi', namespace: 'default', uid: 'u1', resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } },
      template: { metadata: { labels }, spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl' }] } },
    },
  };
  applyDefaults(R.jobs, o as KubeObject);
  edit(o);
  return o;
}

function cronJob(edit: (o: Obj) => void = () => {}): Obj {
  const o: Obj = {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'hello', namespace: 'default', uid: 'u1', resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox' }] } } } } },
  };
  applyDefaults(R.cronJobs, o as KubeObject);
  edit(o);
  return o;
}

const create = (type: typeof R.jobs, o: Obj) => validateCreate(type, o as KubeObject).map(fieldErrorMessage);

describe('Job', () => {
  it('accepts a job with generated selector and labels', () => {
    expect(create(R.jobs, job())).toEqual([]);
  });

  it.each<[string, (o: Obj) => void, string[]]>([
    [
      'a template that restarts always',
      (o) => (o.spec.template.spec.restartPolicy = 'Always'),
      ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'],
    ],
    ['negative parallelism', (o) => (o.spec.parallelism = -1), ['spec.parallelism: Invalid value: -1: must be greater than or equal to 0']],
    [
      'an indexed job without completions',
      (o) => {
        o.spec.completionMode = 'Indexed';
        delete o.spec.completions;
      },
      ['spec.completions: Required value: when completion mode is Indexed'],
    ],
    [
      'a backoff limit per index on a non-indexed job',
      (o) => (o.spec.backoffLimitPerIndex = 1),
      ['spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode'],
    ],
    [
      'a missing generated label',
      (o) => delete o.spec.template.metadata.labels['job-name'],
      ["spec.template.metadata.labels[job-name]: Required value: must be 'pi'"],
    ],
    [
      'a selector that was not generated',
      (o) => {
        o.spec.selector = { matchLabels: { app: 'pi' } };
        o.spec.template.metadata.labels.app = 'pi';
      },
      ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"pi"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated'],
    ],
    [
      'a pod failure policy with OnFailure pods',
      (o) => {
        o.spec.template.spec.restartPolicy = 'OnFailure';
        o.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] };
        o.spec.podReplacementPolicy = 'Failed';
      },
      ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified'],
    ],
  ])('rejects %s', (_what, edit, expected) => {
    expect(create(R.jobs, job(edit))).toEqual(expected);
  });

  it('keeps completions and the template immutable', () => {
    const old = job();
    const errs = validateUpdate(R.jobs, job((o) => (o.spec.completions = 3)) as KubeObject, old as KubeObject).map(fieldErrorMessage);
    expect(errs).toEqual(['spec.completions: Invalid value: 3: field is immutable']);
    const tmpl = validateUpdate(R.jobs, job((o) => (o.spec.template.spec.containers[0].image = 'perl:5')) as KubeObject, old as KubeObject).map(fieldErrorMessage);
    expect(tmpl).toHaveLength(1);
    expect(tmpl[0]).toMatch(/^spec\.template: Invalid value: core\.PodTemplateSpec\{.*\}: field is immutable$/);
  });
});

describe('CronJob', () => {
  it('accepts a defaulted cron job', () => {
    expect(create(R.cronJobs, cronJob())).toEqual([]);
  });

  it.each<[string, (o: Obj) => void, string[]]>([
    ['a schedule with four fields', (o) => (o.spec.schedule = '* * * *'), ['spec.schedule: Invalid value: "* * * *": expected exactly 5 fields, found 4: [* * * *]']],
    ['no schedule', (o) => (o.spec.schedule = ''), ['spec.schedule: Required value']],
    [
      'a time zone in the schedule',
      (o) => (o.spec.schedule = 'CRON_TZ=UTC 0 * * * *'),
      ['spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
    ],
    ['an unknown time zone', (o) => (o.spec.timeZone = 'Mars/Olympus'), ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']],
    ['an unknown concurrency policy', (o) => (o.spec.concurrencyPolicy = 'Never'), ['spec.concurrencyPolicy: Unsupported value: "Never": supported values: "Allow", "Forbid", "Replace"']],
    [
      'a selector in the job template',
      (o) => (o.spec.jobTemplate.spec.selector = { matchLabels: { a: 'b' } }),
      ['spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated'],
    ],
    [
      'a name longer than 52 characters',
      (o) => (o.metadata.name = 'c'.repeat(53)),
      [`metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`],
    ],
  ])('rejects %s', (_what, edit, expected) => {
    expect(create(R.cronJobs, cronJob(edit))).toEqual(expected);
  });

  it('accepts a known time zone', () => {
    expect(create(R.cronJobs, cronJob((o) => (o.spec.timeZone = 'Europe/Paris')))).toEqual([]);
  });
});
