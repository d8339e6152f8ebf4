/**
 * The composition root: `createCluster(options)` wires a clock, a store, the
 * API server, the controller manager, the scheduler and one kubelet per node
 * into a running cluster on simulated time. Nothing else wires concrete
 * parts together.
 */
import { Clock, EPOCH_MS } from './clock/clock.ts';
import { Random } from './clock/random.ts';
import { Store } from './store/store.ts';
import { ApiServer, type AuditEntry } from './apiserver/apiserver.ts';
import { defaultAdmissionChain, type AdmissionOptions } from './apiserver/admission/index.ts';
import type { Client, Identity } from './client/client.ts';
import { EventSequence, newRecorder } from './client/events.ts';
import { Backoff } from './client/backoff.ts';
import { ControllerManager, type Controller, type ControllerConfig } from './controllers/manager.ts';
import { replicaSetController } from './controllers/replicaset.ts';
import { deploymentController } from './controllers/deployment.ts';
import { statefulSetController } from './controllers/statefulset.ts';
import { daemonSetController } from './controllers/daemonset.ts';
import { jobController } from './controllers/job.ts';
import { cronJobController } from './controllers/cronjob.ts';
import { ttlAfterFinishedController } from './controllers/ttl-after-finished.ts';
import { horizontalPodAutoscalerController } from './controllers/horizontal-pod-autoscaler.ts';
import { MetricsServer } from './metrics/metrics-server.ts';
import { namespaceController } from './controllers/namespace.ts';
import { persistentVolumeController } from './controllers/persistentvolume.ts';
import { pvcProtectionController } from './controllers/pvc-protection.ts';
import { ephemeralVolumeController } from './controllers/ephemeral-volume.ts';
import { pvProtectionController } from './controllers/pv-protection.ts';
import { resourceQuotaController } from './controllers/resourcequota.ts';
import { externalProvisioner } from './storage/external-provisioner.ts';
import type { ResourceMetricsSource } from './api/metrics.ts';
import { containerBehaviour } from './kubelet/behaviour.ts';
import { milliValue, value as quantityValue } from './api/quantity.ts';
import { nodeLifecycleController } from './controllers/node-lifecycle.ts';
import { taintEvictionController } from './controllers/taint-eviction.ts';
import { disruptionController } from './controllers/disruption.ts';
import { podGarbageCollector } from './controllers/pod-garbage-collector.ts';
import { garbageCollector } from './controllers/garbage-collector.ts';
import { serviceAccountController } from './controllers/serviceaccount.ts';
import { rootCACertPublisher } from './controllers/root-ca-cert-publisher.ts';
import { nodeIpamController } from './controllers/node-ipam.ts';
import { endpointSliceController } from './controllers/endpointslice.ts';
import { endpointsController } from './controllers/endpoints.ts';
import { ServiceAllocation } from './apiserver/registry/service-allocation.ts';
import { APISERVER_ADDRESS, APISERVER_PORT, bootstrapServices } from './apiserver/registry/bootstrap-services.ts';
import { Network } from './network/network.ts';
import type { ProxyMode } from './network/kube-proxy.ts';
import { INGRESS_CLASS, INGRESS_CONTROLLER, ingressController } from './network/ingress-controller.ts';
import { Cloud } from './cloud/cloud.ts';
import { serviceController } from './cloud/service-controller.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import type { SchedulerConfiguration } from './scheduler/config.ts';
import { Kubelet } from './kubelet/kubelet.ts';
import { DEFAULT_MAX_PODS, type NodeConfig } from './kubelet/node-status.ts';
import { R } from './api/kinds.ts';
import type { KubeObject, Pod, Stored, Taint } from './api/types.ts';
import { Trace } from './trace.ts';
import type { Perturbation } from './api/perturbation.ts';
import { Loads } from './loads.ts';

export interface NodeOptions {
  /** Default `node-<n>`. */
  name?: string;
  /** CPU capacity, a quantity; default 4. */
  cpu?: string;
  /** Memory capacity; default 16Gi. */
  memory?: string;
  /** Pod capacity; default 110. */
  pods?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** Shorthand for the topology.kubernetes.io/zone label. */
  zone?: string;
}

export interface ClusterOptions {
  /** Seed of the cluster's random source: one seed, one history. */
  seed?: number;
  /** Nodes to start with: a count (node-1..node-N with defaults) or specs. */
  nodes?: number | NodeOptions[];
  controllers?: Partial<ControllerConfig>;
  /** Controllers to leave out, by name (`deployment-controller`); `*` leaves out every one. */
  disabledControllers?: readonly string[];
  /** The scheduler's KubeSchedulerConfiguration; a bad one throws SchedulerConfigError. */
  scheduler?: SchedulerConfiguration;
  /** Record every scheduler plugin's verdict and score per node, for explanations (default true). */
  explainScheduling?: boolean;
  admission?: AdmissionOptions;
  /** Install the default StorageClass `standard` (WaitForFirstConsumer, as kind's); default true. */
  defaultStorageClass?: boolean;
  /** Tasks allowed at one instant before a livelock is reported. */
  maxTasksPerInstant?: number;
  /**
   * Disturbs watch delivery and crashes the controller manager mid-reconcile
   * (api/perturbation.ts); for fuzzing. None by default.
   */
  perturbation?: Perturbation;
  /**
   * Replaces each controller as it is built (also after a restart). A seam
   * for tests that plant a fault in a controller to show the fuzzer finds
   * it; never used by the cluster itself.
   */
  wrapController?: (controller: Controller) => Controller;
  /** kube-proxy's mode on every node: iptables (default) or ipvs. */
  proxyMode?: ProxyMode;
  /**
   * Decode and schema-check the components' own writes as users' are (default
   * true). Upstream's components send typed structs that always decode, so
   * this only catches a bug of the engine's; fuzzing turns it off for speed.
   * The kinds' own validation judges every write either way.
   */
  checkComponentWrites?: boolean;
}

/** The user a scenario acts as: cluster-admin through kubectl. */
export const USER: Identity = { user: 'kubernetes-admin', component: 'kubectl' };

export interface Cluster {
  readonly clock: Clock;
  readonly random: Random;
  readonly trace: Trace;
  readonly scheduler: Scheduler;
  /**
   * Restarts kube-scheduler with another configuration (as a new
   * --config would). Throws SchedulerConfigError, keeping the running one,
   * when the configuration is refused.
   */
  configureScheduler(config: SchedulerConfiguration): void;
  /** The network: kube-proxy per node, DNS, NetworkPolicy, ingress, and the requests sent through it. */
  readonly network: Network;
  /** The store, for history replay; components never touch it. */
  readonly store: Store;
  /** A client acting as the user (strict field validation, as kubectl asks). */
  client(identity?: Identity): Client;
  /** Images no registry has (`Given the image "nginx:9.9" does not exist`). */
  readonly missingImages: Set<string>;
  /** Standing resource usage set by scenarios; kubelets and metrics read it. */
  readonly loads: Loads;
  /** The resource metrics API (metrics-server), as `kubectl top` and autoscalers read it. */
  readonly metrics: ResourceMetricsSource;
  /**
   * How long pulling an image takes, in ms, by image as written in pod specs
   * (`nginx:1.27`, or `nginx` for every tag); `*` sets it for every image.
   * Pulls take no time otherwise.
   */
  readonly imagePullTimes: Map<string, number>;
  nodeNames(): string[];
  addNode(node: NodeOptions): string;
  /** The node's kubelet stops: no heartbeats, no pod updates. */
  killNode(name: string): void;
  /** The node's kubelet starts again. */
  reviveNode(name: string): void;
  /** The machine is gone and its Node object deleted. */
  removeNode(name: string): void;
  isNodeAlive(name: string): boolean;
  /** The node's kubelet process restarts; its containers keep running. */
  restartKubelet(name: string): void;
  /** Cuts (false) or restores (true) the node's network to the control plane; its containers keep running. */
  setNodeNetwork(name: string, up: boolean): void;
  isNodeReachable(name: string): boolean;
  /** Fills the node's disk (its kubelet reports DiskPressure and evicts pods) or frees it again. */
  setNodeDiskFull(name: string, full: boolean): void;
  /**
   * Makes a probe of a pod's containers (one, or all that have it) fail: for
   * the current container instance (`instance`, a restart cures it), for
   * every later one too (`always`), or pass again (undefined). Returns the
   * containers affected, or undefined when no live kubelet runs the pod.
   */
  setProbeFault(namespace: string, pod: string, container: string | undefined, probe: 'readiness' | 'liveness' | 'startup', scope: 'instance' | 'always' | undefined): string[] | undefined;
  logs(namespace: string, pod: string, container?: string, previous?: boolean): { lines?: Array<{ time: number; text: string }>; containers: string[] } | undefined;
  /**
   * The running containers of a pod exit with code 1 now (and, with `keep`,
   * at every later start). Returns how many crashed, or undefined when no
   * live kubelet runs the pod.
   */
  crashPod(namespace: string, pod: string, keep: boolean): number | undefined;
  /** Runs everything due now. */
  settle(): void;
  /** Runs everything due in the next `ms` of simulated time. */
  advance(ms: number): void;
}

function fakeCABundle(random: Random): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines: string[] = ['MIIDBTCCAe2gAwIBAgIIKubecukeCA0wDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE'];
  for (let i = 0; i < 16; i++) {
    let l = '';
    for (let j = 0; j < 64; j++) l += alphabet[random.int(64)];
    lines.push(l);
  }
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * What a running container uses, as its node agent measures it: the
 * scenario's standing load, else its `kubecuke.io/cpu-usage` and
 * `memory-usage`, else a whole CPU for a loop that never sleeps and nothing
 * for an idle process (a simulation choice: real idle processes use a
 * little). CPU is capped at the container's limit, as the CFS quota caps it.
 */
const behaviourCache = new WeakMap<object, Map<string, ReturnType<typeof containerBehaviour>>>();
function containerUsage(pod: Stored<Pod>, container: string, loads: Loads): { cpu: number; memory: number } {
  let byContainer = behaviourCache.get(pod);
  if (!byContainer) behaviourCache.set(pod, (byContainer = new Map()));
  let b = byContainer.get(container);
  if (!b) {
    try {
      b = containerBehaviour(pod, container);
    } catch {
      return { cpu: 0, memory: 0 };
    }
    byContainer.set(container, b);
  }
  const load = loads.usage(pod, container);
  let cpu = milliValue(load?.cpu ?? b.cpuUsage ?? (b.busy ? '1' : '0'));
  const limit = (pod.spec.containers.find((c) => c.name === container)?.resources?.limits as Record<string, string> | undefined)?.cpu;
  if (limit !== undefined) cpu = Math.min(cpu, milliValue(limit));
  return { cpu, memory: quantityValue(load?.memory ?? b.memoryUsage ?? '0') };
}

export function createCluster(options: ClusterOptions = {}): Cluster {
  const seed = options.seed ?? 1;
  const clock = new Clock({ start: EPOCH_MS, maxTasksPerInstant: options.maxTasksPerInstant });
  const random = new Random(seed);
  const store = new Store();
  const trace = new Trace();
  const missingImages = new Set<string>();
  const imagePullTimes = new Map<string, number>();
  const pullDurationMs = (image: string): number => {
    const exact = imagePullTimes.get(image);
    if (exact !== undefined) return exact;
    const repo = image.split('@')[0].replace(/:[^/:]+$/, '');
    return imagePullTimes.get(repo) ?? imagePullTimes.get('*') ?? 0;
  };
  const loads = new Loads();
  const events = new EventSequence();
  const serviceAllocation = new ServiceAllocation({ random });

  const apiserver = new ApiServer(
    store,
    {
      now: () => clock.now(),
      iso: (ms) => clock.iso(ms),
      random,
      defer: (label, fn, delayMs = 0) => clock.schedule(delayMs, label, fn),
    },
    {
      admission: defaultAdmissionChain(options.admission),
      audit: (e: AuditEntry) => trace.record({ kind: 'request', ...e }),
      perturbation: options.perturbation,
      serviceAllocation,
    },
  );
  clock.setLivelockDiagnostic((at) => {
    const writes = new Map<string, number>();
    for (const e of trace.since(at)) {
      if (e.kind !== 'request' || e.code >= 400) continue;
      const k = `${e.component} ${e.verb} ${e.resource} ${e.namespace ? `${e.namespace}/` : ''}${e.name}`;
      writes.set(k, (writes.get(k) ?? 0) + 1);
    }
    const top = [...writes].sort((a, b) => b[1] - a[1]).slice(0, 5);
    return top.length ? `writes at that instant: ${top.map(([k, n]) => `${k} (${n} times)`).join('; ')}` : '';
  });
  const typed = options.checkComponentWrites === false;
  const componentClient = (identity: Identity): Client => apiserver.client(identity, { typed });
  const system = (component: string, user = `system:serviceaccount:kube-system:${component}`): Client => componentClient({ user, component });

  // Bootstrap objects the API server and its bootstrap controllers create.
  const bootstrap = system('kube-apiserver', 'system:apiserver');
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    bootstrap.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'kubernetes.io/metadata.name': ns } } });
  }
  for (const [name, value] of [['system-node-critical', 2000001000], ['system-cluster-critical', 2000000000]] as const) {
    bootstrap.create(R.priorityClasses, {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name },
      value,
      description: 'Used for system critical pods that must not be moved from their current node.',
      preemptionPolicy: 'PreemptLowerPriority',
    } as KubeObject);
  }

  bootstrapServices(bootstrap, (n) => serviceAllocation.indexedIP(n));
  // ingress-nginx, installed as a cluster add-on: its IngressClass and its load balancer's address.
  const cloud = new Cloud();
  const ingressAddress = cloud.allocateIP()!;
  bootstrap.create(R.ingressClasses, {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: INGRESS_CLASS, labels: { 'app.kubernetes.io/component': 'controller', 'app.kubernetes.io/name': 'ingress-nginx' } },
    spec: { controller: INGRESS_CONTROLLER },
  } as KubeObject);

  // A default StorageClass, as kind installs one: local-path volumes provisioned once a pod is scheduled.
  if (options.defaultStorageClass !== false) {
    bootstrap.create(R.storageClasses, {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    } as KubeObject);
  }

  // Filled once the kubelets exist; metrics-server scrapes the live ones.
  const kubelets = new Map<string, Kubelet>();
  const metricsServer = new MetricsServer({
    clock,
    client: system('metrics-server'),
    nodeAlive: (n) => kubelets.get(n)?.running ?? false,
    containerUsage: (pod, container) => containerUsage(pod, container, loads),
  });

  const disabled = new Set(options.disabledControllers ?? []);
  const caBundle = fakeCABundle(random);
  const wrap = options.wrapController ?? ((c: Controller) => c);
  // A factory, so that a restarted controller manager starts from nothing.
  const makeControllers = (): Controller[] =>
    [
      serviceAccountController(),
      rootCACertPublisher(caBundle),
      nodeIpamController(),
      nodeLifecycleController(),
      taintEvictionController(),
      disruptionController(),
      replicaSetController(),
      deploymentController(),
      statefulSetController(),
      daemonSetController(),
      jobController(),
      cronJobController(),
      ttlAfterFinishedController(),
      horizontalPodAutoscalerController(metricsServer),
      namespaceController(),
      persistentVolumeController(),
      pvcProtectionController(),
      ephemeralVolumeController(),
      pvProtectionController(),
      resourceQuotaController(),
      podGarbageCollector(),
      garbageCollector(),
      endpointSliceController(),
      endpointsController(),
    ]
      .filter((c) => !disabled.has(c.name) && !disabled.has('*'))
      .map(wrap);
  const manager = new ControllerManager(
    {
      clock,
      random,
      clientFor: (name) => system(name),
      config: options.controllers,
      events,
      onError: (e) => trace.record({ kind: 'reconcile-error', ...e }),
      perturbation: options.perturbation,
      // kube-controller-manager runs as a static pod: the kubelet restarts it after a crash, with its back-off.
      restartBackoff: new Backoff(() => clock.now()),
      onRestart: (e) =>
        trace.record({
          kind: 'perturbation',
          at: e.at,
          text: e.phase === 'crashed' ? `kube-controller-manager crashed while ${e.controller} reconciled ${e.key}` : 'kube-controller-manager restarted',
        }),
    },
    makeControllers,
  );
  manager.start();
  // Outside kube-controller-manager: the cloud-controller-manager's service controller and the ingress controller.
  const addons = new ControllerManager(
    { clock, random, clientFor: (name) => system(name), events, onError: (e) => trace.record({ kind: 'reconcile-error', ...e }) },
    [serviceController(cloud), ingressController(ingressAddress), externalProvisioner()].filter((c) => !disabled.has(c.name) && !disabled.has('*')),
  );
  addons.start();

  const schedulerClient = componentClient({ user: 'system:kube-scheduler', component: 'default-scheduler' });
  const schedulerRecorder = newRecorder(schedulerClient, { component: 'default-scheduler', now: () => clock.now(), iso: (ms) => clock.iso(ms) }, events);
  const newScheduler = (config: SchedulerConfiguration | undefined) =>
    new Scheduler({ client: schedulerClient, clock, random, recorder: schedulerRecorder, config, explain: options.explainScheduling ?? true });
  let scheduler = newScheduler(options.scheduler);
  scheduler.start();

  metricsServer.start();

  const network = new Network({
    client: system('network', 'system:serviceaccount:kube-system:calico-node'),
    clock,
    seed,
    proxyMode: options.proxyMode,
    apiserver: { ip: APISERVER_ADDRESS, port: APISERVER_PORT },
    ingressAddress,
    ingressClass: INGRESS_CLASS,
    dataplane: {
      // A node cut off the network is as unreachable to traffic as a dead one.
      nodeAlive: (n) => (kubelets.get(n)?.running ?? false) && (kubelets.get(n)?.reachable ?? false),
      connect: (n, uid, port, protocol) => kubelets.get(n)?.connect(uid, port, protocol) ?? { ok: false, kind: 'timeout', why: `node ${n} does not exist` },
    },
  });
  const proxyClient = (name: string) => componentClient({ user: 'system:kube-proxy', component: 'kube-proxy', node: name });
  let nodeCount = 0;
  const addNode = (n: NodeOptions): string => {
    nodeCount++;
    const name = n.name ?? `node-${nodeCount}`;
    if (kubelets.has(name)) throw new Error(`node "${name}" already exists`);
    const labels = { ...(n.labels ?? {}) };
    if (n.zone) labels['topology.kubernetes.io/zone'] = n.zone;
    const cfg: NodeConfig = {
      name,
      cpu: n.cpu ?? '4',
      memory: n.memory ?? '16Gi',
      pods: n.pods ?? DEFAULT_MAX_PODS,
      ephemeralStorage: '100Gi',
      labels,
      taints: n.taints ?? [],
      internalIP: `172.18.${Math.floor((nodeCount + 1) / 256)}.${(nodeCount + 1) % 256}`,
      machineID: random.hex(32),
    };
    const client = componentClient({ user: `system:node:${name}`, component: 'kubelet', node: name });
    const kubelet = new Kubelet({
      node: cfg,
      client,
      clock,
      random,
      recorder: newRecorder(client, { component: 'kubelet', host: name, now: () => clock.now(), iso: (ms) => clock.iso(ms) }, events),
      missingImages: () => missingImages,
      usage: loads,
      pullDurationMs,
    });
    kubelets.set(name, kubelet);
    kubelet.start();
    network.startNode(name, proxyClient(name));
    return name;
  };
  loads.onChange(() => {
    for (const k of kubelets.values()) k.usageChanged();
  });
  const nodes = options.nodes ?? 0;
  if (typeof nodes === 'number') for (let i = 0; i < nodes; i++) addNode({});
  else for (const n of nodes) addNode(n);
  clock.settle();

  const kubelet = (name: string): Kubelet => {
    const k = kubelets.get(name);
    if (!k) throw new Error(`no node named "${name}"; the cluster has ${[...kubelets.keys()].join(', ') || 'no nodes'}`);
    return k;
  };

  return {
    clock,
    random,
    trace,
    get scheduler() {
      return scheduler;
    },
    configureScheduler: (config) => {
      const next = newScheduler(config);
      scheduler.stop();
      scheduler = next;
      scheduler.start();
      clock.settle();
    },
    network,
    store,
    missingImages,
    loads,
    metrics: metricsServer,
    imagePullTimes,
    client: (identity = USER) => apiserver.client(identity, { fieldValidation: 'Strict' }),
    nodeNames: () => [...kubelets.keys()],
    addNode,
    killNode: (name) => {
      kubelet(name).die();
      network.stopNode(name);
    },
    reviveNode: (name) => {
      kubelet(name).start();
      network.startNode(name, proxyClient(name));
    },
    removeNode: (name) => {
      kubelet(name).die();
      network.stopNode(name);
      kubelets.delete(name);
      try {
        system('cloud-node-lifecycle-controller').delete(R.nodes, undefined, name);
      } catch {
        // Already gone.
      }
    },
    isNodeAlive: (name) => kubelet(name).running,
    restartKubelet: (name) => kubelet(name).restart(),
    setNodeNetwork: (name, up) => kubelet(name).setNetwork(up),
    isNodeReachable: (name) => kubelet(name).reachable,
    setNodeDiskFull: (name, full) => kubelet(name).setDiskFull(full),
    setProbeFault: (ns, pod, container, probe, scope) => {
      for (const k of kubelets.values()) {
        if (!k.running) continue;
        const hit = k.setProbeFault(ns, pod, container, probe, scope);
        if (hit !== undefined) return hit;
      }
      return undefined;
    },
    logs: (ns, pod, container, previous = false) => {
      for (const k of kubelets.values()) {
        const r = k.logs(ns, pod, container, previous);
        if (r) return r;
      }
      return undefined;
    },
    crashPod: (ns, pod, keep) => {
      for (const k of kubelets.values()) {
        if (!k.running) continue;
        const n = k.crash(ns, pod, keep);
        if (n !== undefined) return n;
      }
      return undefined;
    },
    settle: () => clock.settle(),
    advance: (ms) => clock.advance(ms),
  };
}
