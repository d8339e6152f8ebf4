/**
 * Helpers for engine tests that run a whole simulated cluster: objects from
 * short descriptions, reading pods and events, stepping simulated time.
 */
import { createCluster, type Cluster, type ClusterOptions } from '../../../src/engine/cluster.ts';
import { R, type ResourceType } from '../../../src/engine/api/kinds.ts';
import type { Container, Deployment, KubeEvent, KubeObject, Pod, PodSpec, ReplicaSet, Stored } from '../../../src/engine/api/types.ts';
import type { Client } from '../../../src/engine/client/client.ts';
import { isStatusError } from '../../../src/engine/api/errors.ts';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;

export interface TestCluster {
  cluster: Cluster;
  client: Client;
  /** Creates an object and lets the cluster settle. */
  create<T extends KubeObject>(type: ResourceType, obj: T): Stored<T>;
  get<T extends KubeObject>(type: ResourceType, name: string, namespace?: string): Stored<T> | undefined;
  pod(name: string, namespace?: string): Stored<Pod> | undefined;
  pods(namespace?: string, labelSelector?: string): Stored<Pod>[];
  /** Events of an object (by kind and name), oldest first, as `Reason: message`. */
  events(kind: string, name: string, namespace?: string): string[];
  rawEvents(namespace?: string): Stored<KubeEvent>[];
  /** Milliseconds of simulated time since the cluster was created. */
  elapsed(): number;
  advance(ms: number): void;
  /** Advances in steps of `stepMs` until `pred` holds (or `maxMs` passed); returns the time waited. */
  until(pred: () => boolean, maxMs?: number, stepMs?: number): number;
}

export function testCluster(options: ClusterOptions = {}): TestCluster {
  const cluster = createCluster({ seed: 1, ...options });
  const client = cluster.client();
  const start = cluster.clock.now();
  const tc: TestCluster = {
    cluster,
    client,
    create(type, obj) {
      const created = client.create(type, obj);
      cluster.settle();
      return created;
    },
    get<T extends KubeObject>(type: ResourceType, name: string, namespace = type.namespaced ? 'default' : undefined) {
      try {
        return client.get<T>(type, namespace, name);
      } catch (e) {
        if (isStatusError(e, 'NotFound')) return undefined;
        throw e;
      }
    },
    pod: (name, namespace = 'default') => tc.get<Pod>(R.pods, name, namespace),
    pods: (namespace = 'default', labelSelector) => client.list<Pod>(R.pods, { namespace, labelSelector }).items,
    rawEvents: (namespace = 'default') => client.list<KubeEvent>(R.events, { namespace }).items,
    events(kind, name, namespace = 'default') {
      return tc
        .rawEvents(namespace)
        .filter((e) => e.involvedObject?.kind === kind && e.involvedObject?.name === name)
        .sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion))
        .map((e) => `${e.reason}: ${e.message}`);
    },
    elapsed: () => cluster.clock.now() - start,
    advance: (ms) => cluster.advance(ms),
    until(pred, maxMs = 10 * MINUTE, stepMs = 100) {
      cluster.settle();
      const t0 = cluster.clock.now();
      while (!pred()) {
        if (cluster.clock.now() - t0 >= maxMs) throw new Error(`condition not reached within ${maxMs} ms`);
        cluster.advance(stepMs);
      }
      return cluster.clock.now() - t0;
    },
  };
  return tc;
}

export interface PodSpecOptions {
  image?: string;
  requests?: Record<string, string>;
  command?: string[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  spec?: Partial<PodSpec>;
  container?: Partial<Container>;
}

export function podManifest(name: string, o: PodSpecOptions = {}): Pod {
  const c: Container = { name: 'app', image: o.image ?? 'nginx:1.27', ...o.container };
  if (o.requests) c.resources = { requests: o.requests };
  if (o.command) c.command = o.command;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(o.labels ? { labels: o.labels } : {}), ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: { containers: [c], ...o.spec },
  };
}

export function replicaSetManifest(name: string, replicas: number, o: PodSpecOptions & { selector?: Record<string, string>; minReadySeconds?: number } = {}): ReplicaSet {
  const labels = o.labels ?? { app: name };
  const pod = podManifest('x', { ...o, labels });
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', labels },
    spec: {
      replicas,
      ...(o.minReadySeconds ? { minReadySeconds: o.minReadySeconds } : {}),
      selector: { matchLabels: o.selector ?? labels },
      template: { metadata: { labels, ...(o.annotations ? { annotations: o.annotations } : {}) }, spec: pod.spec },
    },
  };
}

export function deploymentManifest(
  name: string,
  replicas: number,
  o: PodSpecOptions & { strategy?: Deployment['spec']['strategy']; minReadySeconds?: number; revisionHistoryLimit?: number; progressDeadlineSeconds?: number } = {},
): Deployment {
  const labels = o.labels ?? { app: name };
  const pod = podManifest('x', { ...o, labels });
  const spec: Deployment['spec'] = {
    replicas,
    selector: { matchLabels: labels },
    template: { metadata: { labels, ...(o.annotations ? { annotations: o.annotations } : {}) }, spec: pod.spec },
  };
  if (o.strategy) spec.strategy = o.strategy;
  if (o.minReadySeconds !== undefined) spec.minReadySeconds = o.minReadySeconds;
  if (o.revisionHistoryLimit !== undefined) spec.revisionHistoryLimit = o.revisionHistoryLimit;
  if (o.progressDeadlineSeconds !== undefined) spec.progressDeadlineSeconds = o.progressDeadlineSeconds;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default', labels }, spec };
}

export function condition(obj: { status?: { conditions?: Array<{ type: string }> } } | undefined, type: string): Record<string, unknown> | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type) as Record<string, unknown> | undefined;
}
