/**
 * A simulated metrics-server: every metric resolution (15 s, as the
 * metrics-server manifests configure `--metric-resolution=15s`) it scrapes
 * the running containers of the pods on live nodes (what each kubelet's
 * resource metrics endpoint reports) and serves them as the resource
 * metrics API (metrics.k8s.io PodMetrics). As metrics-server computes CPU
 * as a rate between two scrapes, a pod has metrics only once two scrapes
 * have seen it: its metrics carry the last scrape's timestamp and the
 * window between the two. Pods on a node that stopped answering lose their
 * metrics.
 */
import { R } from '../api/kinds.ts';
import type { Pod, Stored } from '../api/types.ts';
import type { Clock, TaskHandle } from '../clock/clock.ts';
import type { Client } from '../client/client.ts';
import { Informer } from '../client/informer.ts';
import type { ContainerUsage, PodMetrics, PodUsageSample, ResourceMetricsSource } from '../api/metrics.ts';

export const METRIC_RESOLUTION_MS = 15_000;

export interface MetricsServerOptions {
  clock: Pick<Clock, 'now' | 'schedule'>;
  client: Client;
  /** The node's kubelet answers (a dead node reports nothing). */
  nodeAlive(node: string): boolean;
  /** What a running container of a pod uses now, in millicores and bytes (the node agent's measurement). */
  containerUsage(pod: Stored<Pod>, container: string): { cpu: number; memory: number };
  resolutionMs?: number;
}

interface Seen {
  sample: PodUsageSample;
  /** When the pod was first seen in the current run of scrapes. */
  first: number;
  last: number;
  previous?: number;
}

export class MetricsServer implements ResourceMetricsSource {
  private readonly seen = new Map<string, Seen>();
  private timer?: TaskHandle;
  private readonly resolution: number;
  private readonly pods: Informer<Pod>;

  constructor(private readonly o: MetricsServerOptions) {
    this.resolution = o.resolutionMs ?? METRIC_RESOLUTION_MS;
    this.pods = new Informer<Pod>(o.client, R.pods);
  }

  start(): void {
    this.pods.start();
    const tick = () => {
      this.scrapeNow();
      this.timer = this.o.clock.schedule(this.resolution, 'metrics-server scrape', tick);
    };
    this.timer = this.o.clock.schedule(this.resolution, 'metrics-server scrape', tick);
  }

  stop(): void {
    this.timer?.cancel();
  }

  /** What the live kubelets report: the running containers of their pods. */
  private scrape(): PodUsageSample[] {
    const out: PodUsageSample[] = [];
    for (const pod of this.pods.list()) {
      const node = pod.spec.nodeName;
      if (!node || pod.status?.phase !== 'Running' || !this.o.nodeAlive(node)) continue;
      const containers: ContainerUsage[] = [];
      for (const s of pod.status.containerStatuses ?? []) {
        if (!s.state?.running) continue;
        containers.push({ name: s.name, ...this.o.containerUsage(pod, s.name) });
      }
      if (containers.length) out.push({ namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, uid: pod.metadata.uid, labels: { ...(pod.metadata.labels ?? {}) }, containers });
    }
    return out;
  }

  /** One scrape of every kubelet. */
  scrapeNow(): void {
    const now = this.o.clock.now();
    const current = new Set<string>();
    for (const sample of this.scrape()) {
      current.add(sample.uid);
      const prev = this.seen.get(sample.uid);
      const sameContainers = prev && prev.sample.containers.map((c) => c.name).join() === sample.containers.map((c) => c.name).join();
      if (prev && sameContainers) this.seen.set(sample.uid, { sample, first: prev.first, last: now, previous: prev.last });
      else this.seen.set(sample.uid, { sample, first: now, last: now });
    }
    for (const uid of [...this.seen.keys()]) if (!current.has(uid)) this.seen.delete(uid);
  }

  podMetrics(namespace: string): PodMetrics[] {
    const out: PodMetrics[] = [];
    for (const s of this.seen.values()) {
      if (s.sample.namespace !== namespace || s.previous === undefined) continue;
      out.push({
        namespace,
        name: s.sample.name,
        labels: s.sample.labels,
        timestamp: s.last,
        windowMs: s.last - s.previous,
        containers: s.sample.containers.map((c: ContainerUsage) => ({ ...c })),
      });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}
