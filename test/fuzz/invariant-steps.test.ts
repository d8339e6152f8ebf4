/**
 * `Then within D the invariants "..." hold for S`: holding has to begin
 * within D. A workload whose objects never stop changing fails at the
 * deadline, however briefly each state lasts (it once kept the clock
 * running forever).
 */
import { describe, expect, it } from 'vitest';
import { R, formatOffset, type Deployment, type Stored } from '../../src/engine/index.ts';
import { detachedWorld } from '../../src/fuzz/history.ts';
import { checkSettles } from '../../src/fuzz/invariant-steps.ts';
import { CheckFailed } from '../../src/harness/errors.ts';

const web = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
};

function world() {
  const w = detachedWorld({ seed: 1 });
  w.createCluster(2);
  w.cluster.client().create(R.deployments, web);
  w.cluster.settle();
  return w;
}

describe('within D the invariants hold for S', () => {
  it('holds once the workload is at rest for S', () => {
    const w = world();
    const start = w.cluster.clock.now();
    checkSettles(w, ['eventual-stability'], 15 * 60_000, 60_000);
    expect(w.cluster.clock.now() - start).toBeGreaterThanOrEqual(60_000);
    expect(w.cluster.clock.now() - start).toBeLessThan(3 * 60_000);
  });

  it('fails at the deadline when what the invariant watches changes every 50 seconds for ever', () => {
    const w = world();
    const c = w.cluster;
    const start = c.clock.now();
    let n = 0;
    // Something rewrites the deployment's annotation every 50 s: each state lasts less than the minute asked for.
    const touch = () => {
      const d = c.client().get<Deployment>(R.deployments, 'default', 'web') as Stored<Deployment>;
      c.client().update(R.deployments, { ...d, metadata: { ...d.metadata, annotations: { touched: String(++n) } } });
      c.clock.schedule(50_000, 'touch', touch);
    };
    c.clock.schedule(50_000, 'touch', touch);
    let failure: unknown;
    try {
      checkSettles(w, ['eventual-stability'], 5 * 60_000, 60_000);
    } catch (e) {
      failure = e;
    }
    expect(failure).toBeInstanceOf(CheckFailed);
    expect((failure as Error).message).toMatch(/did not come to hold for 1m within 5m/);
    expect((failure as Error).message).toContain('what they watch kept changing');
    // It stopped right after the deadline, not an hour later.
    expect(c.clock.now() - start).toBeLessThanOrEqual(5 * 60_000 + 50_000);
    expect(formatOffset(c.clock.now())).toMatch(/^\+0[56]m/);
  });
});
