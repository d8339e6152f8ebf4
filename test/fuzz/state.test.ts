/**
 * The coarse states a campaign counts: nodes and workloads in numbers, so
 * that a CronJob making a job of a new name every minute is not a new state
 * every minute.
 */
import { describe, expect, it } from 'vitest';
import { R } from '../../src/engine/index.ts';
import { detachedWorld } from '../../src/fuzz/history.ts';
import { abstractState } from '../../src/fuzz/state.ts';

const cronJob = {
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'tick', namespace: 'default' },
  spec: {
    schedule: '*/1 * * * *',
    successfulJobsHistoryLimit: 1,
    jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 10'] }] } } } },
  },
};

describe('abstract states', () => {
  it('count nodes and workloads, not the names of a CronJob\'s jobs', () => {
    const w = detachedWorld({ seed: 1 });
    w.createCluster(1);
    w.cluster.client().create(R.cronJobs, cronJob);
    w.cluster.advance(150_000);
    const first = abstractState(w);
    expect(first).toBe('R1|0|tick:0/1');
    const jobs = () => w.cluster.client().list(R.jobs, { namespace: 'default' }).items.map((j) => j.metadata.name);
    const before = jobs();
    w.cluster.advance(60_000);
    expect(jobs()).not.toEqual(before);
    expect(abstractState(w)).toBe(first);
  });
});
