/**
 * Scheduler throughput workloads after kubernetes' scheduler_perf
 * (test/integration/scheduler_perf): nodes and pods are created through the
 * Client and bound by the scheduler through it, on a cluster that runs only
 * the API server and the scheduler, as scheduler_perf does:
 *
 * - no kubelets and no controllers (`disabledControllers`); nodes are plain
 *   Node objects made from scheduler_perf's node-default template (4 CPU,
 *   32Gi, 110 pods, Ready), created by an admin client;
 * - the admission plugins scheduler_perf's API server turns off are off here
 *   too (ServiceAccount, TaintNodesByCondition, Priority), so pods carry
 *   spec.priority directly as its templates do;
 * - the measured figure is measured pods bound per wall-clock second, from
 *   the first measured pod's creation until the last one is bound.
 *
 * Simulated time stays at one instant unless a workload advances it.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { R, createCluster, type Client, type Cluster, type KubeObject, type Pod, type Stored } from '../src/engine/index.ts';

export interface Workload {
  name: string;
  nodes: number;
  /** Labels every node gets (beyond kubernetes.io/hostname), by node index. */
  nodeLabels?: (i: number) => Record<string, string>;
  namespaces?: string[];
  /** Pods created and scheduled before measuring. */
  init: Array<{ count: number; namespace?: string; pod: (i: number) => KubeObject }>;
  /** Pods whose scheduling is measured. */
  measure: { count: number; namespace?: string; pod: (i: number) => KubeObject };
}

/** scheduler_perf's pod-default container: pause, port 80, 100m and 500Mi. */
export function pauseContainer(cpu = '100m', memory = '500Mi') {
  return {
    name: 'pause',
    image: 'registry.k8s.io/pause:3.10',
    ports: [{ containerPort: 80 }],
    resources: { limits: { cpu, memory }, requests: { cpu, memory } },
  };
}

export function podTemplate(generateName: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>, cpu?: string, memory?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName, ...(labels ? { labels } : {}) },
    spec: { containers: [pauseContainer(cpu, memory)], ...spec },
  } as KubeObject;
}

function nodeObject(i: number, labels: Record<string, string>): KubeObject {
  const name = `scheduler-perf-${String(i).padStart(5, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    spec: {},
    status: {
      capacity: { pods: '110', cpu: '4', memory: '32Gi' },
      conditions: [{ type: 'Ready', status: 'True' }],
      phase: 'Running',
    },
  } as KubeObject;
}

export function newPerfCluster(): Cluster {
  return createCluster({
    seed: 1,
    nodes: 0,
    disabledControllers: ['*'],
    admission: { disabled: ['ServiceAccount', 'TaintNodesByCondition', 'Priority'] },
    maxTasksPerInstant: 100_000_000,
    // Explanations keep every plugin's verdict per node: off, as scheduler_perf has nothing like them.
    explainScheduling: false,
  });
}

function createPods(client: Client, count: number, namespace: string, make: (i: number) => KubeObject): void {
  for (let i = 0; i < count; i++) client.create(R.pods, { ...make(i), metadata: { ...make(i).metadata, namespace } } as KubeObject);
}

function boundCount(cluster: Cluster, namespace: string): number {
  let n = 0;
  for (const e of cluster.store.list(`/registry/pods/${namespace}/`)) if ((e.value as Stored<Pod>).spec.nodeName) n++;
  return n;
}

export async function runWorkload(w: Workload, args: string[] = []): Promise<void> {
  const scale = Number(args.find((a) => a.startsWith('--scale='))?.slice(8) ?? '1');
  const nodes = Math.max(1, Math.round(w.nodes * scale));
  const cluster = newPerfCluster();
  const admin = cluster.client();
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const t0 = performance.now();
  for (let i = 0; i < nodes; i++) admin.create(R.nodes, nodeObject(i, w.nodeLabels?.(i) ?? {}));
  for (const ns of w.namespaces ?? []) admin.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  cluster.settle();
  sample();
  const t1 = performance.now();
  let initCount = 0;
  for (const step of w.init) {
    const count = Math.round(step.count * scale);
    createPods(admin, count, step.namespace ?? 'default', step.pod);
    cluster.settle();
    initCount += count;
    sample();
  }
  // BENCH_CPU_PROFILE=<file>: a V8 CPU profile of the measured part only (open it in Chrome DevTools).
  const profileTo = process.env.BENCH_CPU_PROFILE;
  const session = profileTo ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const t2 = performance.now();
  const cpu0 = process.cpuUsage();
  const ns = w.measure.namespace ?? 'default';
  const before = boundCount(cluster, ns);
  const count = Math.round(w.measure.count * scale);
  // Create in batches and let the scheduler run between them, as pods keep arriving in scheduler_perf.
  const batch = 500;
  for (let done = 0; done < count; done += batch) {
    createPods(admin, Math.min(batch, count - done), ns, (i) => w.measure.pod(done + i));
    cluster.settle();
    sample();
  }
  const t3 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  if (session) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileTo!, JSON.stringify(profile));
    session.disconnect();
  }
  const bound = boundCount(cluster, ns) - before;
  sample();
  const seconds = (t3 - t2) / 1000;
  console.log(`setup: ${nodes} nodes in ${((t1 - t0) / 1000).toFixed(2)} s, ${initCount} initial pods in ${((t2 - t1) / 1000).toFixed(2)} s`);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // CPU time as well: on a busy machine the wall-clock figure also counts time the process waited for a CPU.
  console.log(`measured: ${bound}/${count} pods bound in ${seconds.toFixed(2)} s (${cpuSeconds.toFixed(2)} s of CPU, ${(bound / cpuSeconds).toFixed(0)} pods per CPU second)`);
  if (bound !== count) console.log(`WARNING: ${count - bound} measured pods were not bound`);
  console.log(`RESULT ${w.name} nodes=${nodes} pods=${count} pods_per_s=${(bound / seconds).toFixed(0)} peak_rss_mb=${(peak / 1024 / 1024).toFixed(0)}`);
}
