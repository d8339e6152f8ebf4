import { describe, expect, it } from 'vitest';
import { R, type CronJob, type Job } from '../../../src/engine/index.ts';
import { testCluster } from './helpers.ts';
import { mostRecentScheduleTime, parseSchedule, jobName, rfc3339In, type Schedule } from '../../../src/engine/controllers/cronjob-util.ts';

const cron = (spec: string, command = '["sh", "-c", "sleep 5"]') => `
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup}
spec:
${spec}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: backup, image: "busybox:1.36", command: ${command}}]
`;

const at = (iso: string) => Date.parse(iso);

describe('cron schedules', () => {
  const s = parseSchedule('*/15 * * * *', undefined) as Schedule;
  it('finds the next start strictly after a time, in the time zone', () => {
    expect(new Date(s.next(at('2026-01-01T10:00:00Z'))).toISOString()).toBe('2026-01-01T10:15:00.000Z');
    const berlin = parseSchedule('0 9 * * *', 'Europe/Berlin') as Schedule;
    expect(new Date(berlin.next(at('2026-01-01T00:00:00Z'))).toISOString()).toBe('2026-01-01T08:00:00.000Z');
    expect(new Date((parseSchedule('@hourly', undefined) as Schedule).next(at('2026-01-01T10:30:00Z'))).toISOString()).toBe('2026-01-01T11:00:00.000Z');
    expect(new Date((parseSchedule('@every 90s', undefined) as Schedule).next(at('2026-01-01T10:00:00.400Z'))).toISOString()).toBe('2026-01-01T10:01:30.000Z');
  });
  it('gives the same answers in any order, for schedules that share a parsed expression', () => {
    const again = parseSchedule('*/15 * * * *', undefined) as Schedule;
    const kolkata = parseSchedule('*/15 * * * *', 'Asia/Kolkata') as Schedule;
    expect(new Date(again.next(at('2026-01-01T12:01:00Z'))).toISOString()).toBe('2026-01-01T12:15:00.000Z');
    expect(new Date(s.next(at('2026-01-01T09:59:00Z'))).toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(new Date(again.next(at('2026-01-01T12:01:00Z'))).toISOString()).toBe('2026-01-01T12:15:00.000Z');
    // Quarter hours are quarter hours in a zone 5:30 ahead; in Kathmandu (5:45) too, shifted by the offset.
    expect(new Date(kolkata.next(at('2026-01-01T12:01:00Z'))).toISOString()).toBe('2026-01-01T12:15:00.000Z');
    const kathmandu = parseSchedule('0 * * * *', 'Asia/Kathmandu') as Schedule;
    expect(new Date(kathmandu.next(at('2026-01-01T12:01:00Z'))).toISOString()).toBe('2026-01-01T12:15:00.000Z');
  });

  it('refuses what robfig/cron refuses', () => {
    expect(typeof parseSchedule('0 0 * * * *', undefined)).toBe('string');
    expect(typeof parseSchedule('@fortnightly', undefined)).toBe('string');
  });
  it('counts missed start times and picks the most recent one', () => {
    const cj = { metadata: { creationTimestamp: '2026-01-01T10:00:00Z' }, spec: { schedule: '' }, status: {} } as unknown as CronJob;
    expect(mostRecentScheduleTime(cj, at('2026-01-01T10:10:00Z'), s, true)).toEqual({ earliest: at('2026-01-01T10:00:00Z'), missed: 0 });
    expect(mostRecentScheduleTime(cj, at('2026-01-01T10:20:00Z'), s, true).mostRecent).toBe(at('2026-01-01T10:15:00Z'));
    const r = mostRecentScheduleTime(cj, at('2026-01-02T10:05:00Z'), s, true);
    expect(r.missed).toBe(96);
    expect(r.mostRecent).toBe(at('2026-01-02T10:00:00Z'));
    // startingDeadlineSeconds moves the earliest time considered forward.
    const withDeadline = { ...cj, spec: { ...cj.spec, startingDeadlineSeconds: 200 } } as CronJob;
    expect(mostRecentScheduleTime(withDeadline, at('2026-01-02T10:05:00Z'), s, true).missed).toBe(0);
  });
  it('names jobs after the scheduled minute and stamps the local time', () => {
    expect(jobName({ metadata: { name: 'backup' } }, at('2026-01-01T10:15:00Z'))).toBe(`backup-${at('2026-01-01T10:15:00Z') / 60000}`);
    expect(rfc3339In(at('2026-07-01T10:15:00Z'), 'Europe/Berlin')).toBe('2026-07-01T12:15:00+02:00');
    expect(rfc3339In(at('2026-07-01T10:15:00Z'), undefined)).toBe('2026-07-01T10:15:00Z');
  });
});

describe('cronjob-controller', () => {
  it('starts a job at each scheduled time and keeps 3 successful ones', () => {
    const t = testCluster();
    t.apply(cron('  schedule: "*/10 * * * *"'));
    // Starts land 100 ms after each scheduled minute: six in the first hour and a minute.
    t.pass(61 * 60 * 1000);
    const jobs = t.list<Job>(R.jobs, 'default');
    expect(jobs.length).toBe(3);
    expect(t.events('SuccessfulCreate').filter((e) => e.message?.startsWith('Created job backup-')).length).toBe(6);
    const cj = t.get<CronJob>(R.cronJobs, 'backup')!;
    expect(cj.status?.lastScheduleTime).toMatch(/:00:00Z$/);
    expect(cj.status?.lastSuccessfulTime).toBeDefined();
  });

  it('with Forbid, skips a start while the previous job runs', () => {
    const t = testCluster();
    t.apply(cron('  schedule: "*/5 * * * *"\n  concurrencyPolicy: Forbid', '["sh", "-c", "sleep 420"]'));
    t.pass(20 * 60 * 1000);
    expect(t.events('JobAlreadyActive').length).toBeGreaterThan(0);
    const active = (t.get<CronJob>(R.cronJobs, 'backup')!.status?.active ?? []).length;
    expect(active).toBeLessThanOrEqual(1);
  });

  it('with Replace, deletes the running job and starts a new one', () => {
    const t = testCluster();
    t.apply(cron('  schedule: "*/5 * * * *"\n  concurrencyPolicy: Replace', '["sh", "-c", "sleep 600"]'));
    t.pass(11 * 60 * 1000);
    expect(t.events('SuccessfulDelete').some((e) => e.message?.startsWith('Deleted job backup-'))).toBe(true);
    expect(t.get<CronJob>(R.cronJobs, 'backup')!.status?.active?.length).toBe(1);
  });

  it('starts nothing while suspended', () => {
    const t = testCluster();
    t.apply(cron('  schedule: "* * * * *"\n  suspend: true'));
    t.pass(5 * 60 * 1000);
    expect(t.list(R.jobs, 'default').length).toBe(0);
  });

  it('deletes a finished job after ttlSecondsAfterFinished', () => {
    const t = testCluster();
    t.apply(`
apiVersion: batch/v1
kind: Job
metadata: {name: once}
spec:
  ttlSecondsAfterFinished: 30
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: "busybox:1.36", command: ["true"]}]
`);
    t.pass(10_000);
    expect(t.get<Job>(R.jobs, 'once')).toBeDefined();
    expect(t.until(() => !t.get(R.jobs, 'once'), 60_000)).toBeGreaterThan(15_000);
  });
});

describe('cronjob-controller, missed starts', () => {
  it('after more than 100 missed starts, records TooManyMissedTimes and still starts the latest one', () => {
    const t = testCluster();
    t.apply(cron('  schedule: "* * * * *"\n  suspend: true'));
    t.pass(150 * 60_000);
    t.update<CronJob>(R.cronJobs, 'backup', (c) => (c.spec.suspend = false));
    expect(t.events('TooManyMissedTimes')[0].message).toBe('too many missed start times: 150. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    expect(t.list(R.jobs, 'default').length).toBe(1);
  });

  it('stamps jobs with their scheduled time in the CronJob time zone', () => {
    const t = testCluster();
    t.apply(cron('  schedule: "30 9 * * *"\n  timeZone: America/New_York'));
    t.pass(24 * 60 * 60_000);
    const job = t.list<Job>(R.jobs, 'default')[0];
    expect(job.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2025-01-01T09:30:00-05:00');
  });

});
