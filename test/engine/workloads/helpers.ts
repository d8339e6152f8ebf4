/**
 * A simulated cluster for controller tests: objects from YAML, reads by
 * type, time that passes in simulated milliseconds.
 */
import { parseAllDocuments } from 'yaml';
import { R, clone, createCluster, resourceFor, type Cluster, type ClusterOptions, type KubeObject, type ResourceType, type Stored } from '../../../src/engine/index.ts';

export interface TestCluster {
  cluster: Cluster;
  /** Creates every object of the YAML (in the default namespace unless it says otherwise), then settles. */
  apply(yaml: string): Stored[];
  list<T extends KubeObject = KubeObject>(type: ResourceType, namespace?: string): Stored<T>[];
  get<T extends KubeObject = KubeObject>(type: ResourceType, name: string, namespace?: string): Stored<T> | undefined;
  /** Pods in the namespace whose name starts with `prefix`, by name. */
  pods(prefix?: string, namespace?: string): Stored[];
  /** Reads the object, lets `fn` change a copy, and updates it. */
  update<T extends KubeObject = KubeObject>(type: ResourceType, name: string, fn: (o: Stored<T>) => void, namespace?: string): Stored<T>;
  pass(ms: number): void;
  /** Runs time forward in 1 s steps until `pred` holds; returns the simulated ms it took, or -1. */
  until(pred: () => boolean, maxMs?: number): number;
  events(reason?: string): Array<{ reason?: string; message?: string; involvedObject?: { name?: string } }>;
}

export function testCluster(options: ClusterOptions = {}): TestCluster {
  const cluster = createCluster({ seed: 1, nodes: 3, ...options });
  const client = cluster.client();
  const t: TestCluster = {
    cluster,
    apply(yaml) {
      const out: Stored[] = [];
      for (const doc of parseAllDocuments(yaml)) {
        const obj = doc.toJS() as KubeObject | null;
        if (!obj) continue;
        const type = resourceFor(obj.apiVersion, obj.kind);
        if (!type) throw new Error(`unknown kind ${obj.apiVersion} ${obj.kind}`);
        if (type.namespaced) obj.metadata.namespace ??= 'default';
        out.push(client.create(type, obj));
        cluster.settle();
      }
      return out;
    },
    list: (type, namespace) => client.list(type, namespace ? { namespace } : {}).items as never,
    get: (type, name, namespace = 'default') => {
      try {
        return client.get(type, type.namespaced ? namespace : undefined, name) as never;
      } catch {
        return undefined;
      }
    },
    pods: (prefix = '', namespace = 'default') => client.list(R.pods, { namespace }).items.filter((p) => p.metadata.name.startsWith(prefix)),
    update(type, name, fn, namespace = 'default') {
      const obj = clone(client.get(type, type.namespaced ? namespace : undefined, name)) as never;
      fn(obj);
      const out = client.update(type, obj);
      cluster.settle();
      return out as never;
    },
    pass: (ms) => cluster.advance(ms),
    until(pred, maxMs = 600_000) {
      const start = cluster.clock.now();
      cluster.settle();
      while (!pred()) {
        if (cluster.clock.now() - start >= maxMs) return -1;
        cluster.advance(1000);
      }
      return cluster.clock.now() - start;
    },
    events: (reason) =>
      (client.list(R.events).items as Array<{ reason?: string; message?: string; involvedObject?: { name?: string } }>).filter((e) => !reason || e.reason === reason),
  };
  return t;
}
