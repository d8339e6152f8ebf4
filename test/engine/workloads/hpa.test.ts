import { describe, expect, it } from 'vitest';
import { R, type HorizontalPodAutoscaler, type Deployment } from '../../../src/engine/index.ts';
import { testCluster } from './helpers.ts';

const app = (cpu = '200m') => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: nginx:1.27
          resources: {requests: {cpu: "${cpu}"}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 1
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
`;

describe('horizontal-pod-autoscaler', () => {
  it('scales up from CPU utilization: ceil(current * usage / target), at most doubling', () => {
    const t = testCluster();
    t.apply(app());
    t.cluster.loads.set({ namespace: 'default', selector: { matchLabels: { app: 'api' } }, cpu: '250m' });
    // Metrics come once metrics-server has scraped twice (15 s apart); the autoscaler syncs every 15 s.
    const took = t.until(() => t.get<Deployment>(R.deployments, 'api')!.spec.replicas !== 2, 60_000);
    expect(took).toBeGreaterThanOrEqual(30_000);
    const hpa = t.get<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers, 'api')!;
    // 250m of 200m is 125% against a 50% target: ceil(2 * 125 / 50) = 5, limited to max(2 x 2, 4) = 4.
    expect(hpa.status?.desiredReplicas).toBe(4);
    expect(hpa.status?.currentMetrics?.[0]).toEqual({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 125, averageValue: '250m' } } });
    expect(t.get<Deployment>(R.deployments, 'api')!.spec.replicas).toBe(4);
    expect(t.events('SuccessfulRescale')[0].message).toBe('New size: 4; reason: cpu resource utilization (percentage of request) above target');
    const types = hpa.status?.conditions?.map((c) => `${c.type}=${c.status}/${c.reason}`);
    expect(types).toEqual(['AbleToScale=True/SucceededRescale', 'ScalingActive=True/ValidMetricFound', 'ScalingLimited=True/ScaleUpLimit']);
  });

  it('waits out the 5-minute scale-down stabilization window', () => {
    const t = testCluster();
    t.apply(app());
    t.cluster.loads.set({ namespace: 'default', selector: { matchLabels: { app: 'api' } }, cpu: '250m' });
    t.until(() => t.get<Deployment>(R.deployments, 'api')!.spec.replicas !== 2, 60_000);
    // Every pod at the target: within the tolerance, nothing changes.
    t.cluster.loads.set({ namespace: 'default', selector: { matchLabels: { app: 'api' } }, cpu: '100m' });
    // The first recommendation (5, limited to 4 then) is still within the 5-minute window: the next sync applies it.
    t.pass(60_000);
    expect(t.get<Deployment>(R.deployments, 'api')!.spec.replicas).toBe(5);
    t.cluster.loads.set({ namespace: 'default', selector: { matchLabels: { app: 'api' } }, cpu: '20m' });
    t.pass(4 * 60_000);
    expect(t.get<Deployment>(R.deployments, 'api')!.spec.replicas).toBe(5);
    expect(t.get<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers, 'api')!.status?.conditions?.[0].reason).toBe('ScaleDownStabilized');
    t.pass(2 * 60_000);
    expect(t.get<Deployment>(R.deployments, 'api')!.spec.replicas).toBe(1);
  });

  it('says so when there are no metrics', () => {
    const t = testCluster();
    t.apply(app());
    t.pass(16_000);
    const hpa = t.get<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers, 'api')!;
    expect(hpa.status?.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
  });
});

describe('horizontal-pod-autoscaler, limits', () => {
  it('does nothing to a target scaled to zero', () => {
    const t = testCluster();
    t.apply(app());
    t.update<Deployment>(R.deployments, 'api', (d) => (d.spec.replicas = 0));
    t.pass(20_000);
    const hpa = t.get<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers, 'api')!;
    expect(hpa.status?.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({ status: 'False', reason: 'ScalingDisabled', message: 'scaling is disabled since the replica count of the target is zero' });
    expect(t.get<Deployment>(R.deployments, 'api')!.spec.replicas).toBe(0);
  });

  it('brings a target above maxReplicas back to it', () => {
    const t = testCluster();
    t.apply(app());
    t.update<Deployment>(R.deployments, 'api', (d) => (d.spec.replicas = 12));
    t.pass(20_000);
    expect(t.get<Deployment>(R.deployments, 'api')!.spec.replicas).toBe(10);
    expect(t.events('SuccessfulRescale')[0].message).toBe('New size: 10; reason: Current number of replicas above Spec.MaxReplicas');
  });

  it('reports a missing target', () => {
    const t = testCluster();
    t.apply(app().split('---')[1].replace('kind: Deployment, name: api}', 'kind: Deployment, name: nope}'));
    t.pass(20_000);
    expect(t.events('FailedGetScale')[0].message).toBe('deployments.apps "nope" not found');
  });
});

describe('horizontal-pod-autoscaler, other metric sources', () => {
  const withMetrics = (metrics: string) =>
    app().replace(/  metrics:\n[\s\S]*$/, `  metrics:\n${metrics}`).replace('resources: {requests: {cpu: "200m"}}', 'resources: {requests: {cpu: "200m", memory: 100Mi}}');

  it('scales on a memory average value', () => {
    const t = testCluster();
    t.apply(withMetrics('    - type: Resource\n      resource: {name: memory, target: {type: AverageValue, averageValue: 100Mi}}\n'));
    t.cluster.loads.set({ namespace: 'default', selector: { matchLabels: { app: 'api' } }, memory: '150Mi' });
    t.until(() => t.get<Deployment>(R.deployments, 'api')!.spec.replicas !== 2, 60_000);
    const hpa = t.get<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers, 'api')!;
    // 150Mi against 100Mi: ceil(2 x 1.5) = 3.
    expect(hpa.status?.desiredReplicas).toBe(3);
    expect(hpa.status?.currentMetrics?.[0]).toEqual({ type: 'Resource', resource: { name: 'memory', current: { averageValue: '150Mi' } } });
    expect(t.events('SuccessfulRescale')[0].message).toBe('New size: 3; reason: memory resource above target');
  });

  it('reads one container with ContainerResource', () => {
    const t = testCluster();
    t.apply(withMetrics('    - type: ContainerResource\n      containerResource: {name: cpu, container: api, target: {type: Utilization, averageUtilization: 50}}\n'));
    t.cluster.loads.set({ namespace: 'default', selector: { matchLabels: { app: 'api' } }, container: 'api', cpu: '150m' });
    t.until(() => t.get<Deployment>(R.deployments, 'api')!.spec.replicas !== 2, 60_000);
    const hpa = t.get<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers, 'api')!;
    expect(hpa.status?.currentMetrics?.[0]).toEqual({ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'api', current: { averageUtilization: 75, averageValue: '150m' } } });
    expect(hpa.status?.desiredReplicas).toBe(3);
  });

  it('explains that there is no custom metrics API', () => {
    const t = testCluster();
    t.apply(withMetrics('    - type: Pods\n      pods: {metric: {name: requests_per_second}, target: {type: AverageValue, averageValue: "10"}}\n'));
    t.pass(20_000);
    const c = t.get<HorizontalPodAutoscaler>(R.horizontalPodAutoscalers, 'api')!.status?.conditions?.find((x) => x.type === 'ScalingActive');
    expect(c).toMatchObject({ status: 'False', reason: 'FailedGetPodsMetric' });
    expect(c?.message).toContain('no custom metrics API (custom.metrics.k8s.io) registered');
  });
});
