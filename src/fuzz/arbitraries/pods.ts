/**
 * Arbitraries of pod templates: image, requests and limits, node selectors,
 * required node affinity, tolerations, readiness delay, priority (through
 * the PriorityClasses of PRIORITY_CLASSES), and (when the scheduler has the
 * plugins) required pod affinity and anti-affinity, hard topology spread
 * and host ports. Valid by construction: limits never below requests, label
 * values and keys from fixed pools.
 */
import fc from 'fast-check';
import { sometimes } from './chance.ts';
import type { Toleration } from '../../engine/index.ts';
import { type Capabilities, engineCapabilities, has } from '../capabilities.ts';
import { DISK_TYPES, TAINT_POOL, ZONES } from './nodes.ts';
import { cpuText, memoryText } from './quantities.ts';

export const IMAGES = ['nginx:1.25', 'nginx:1.26', 'nginx:1.27', 'httpd:2.4', 'redis:7.2'] as const;

/** The apps (`app` label values) workloads are named from, and pod affinity may point at. */
export const WORKLOAD_NAMES = ['web', 'api', 'cache', 'worker', 'shop', 'db'] as const;

/**
 * The PriorityClasses templates may use. Pods without one have priority 0
 * (no class is the global default), so `low` pods are preempted by plain
 * ones, and both by `high` ones; `high-never` pods are as important but
 * never preempt (preemptionPolicy Never).
 */
export const PRIORITY_CLASSES = {
  low: { value: 10 },
  high: { value: 1000 },
  'high-never': { value: 1000, preemptionPolicy: 'Never' },
} as const satisfies Record<string, { value: number; preemptionPolicy?: string }>;

export type PriorityName = keyof typeof PRIORITY_CLASSES;

/** The PriorityClass object a template's priority needs, to apply before the workload. */
export function priorityClassManifest(name: PriorityName): Record<string, unknown> {
  const c: { value: number; preemptionPolicy?: string } = PRIORITY_CLASSES[name];
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value: c.value,
    ...(c.preemptionPolicy ? { preemptionPolicy: c.preemptionPolicy } : {}),
    description: 'fuzzing',
  };
}

/** A pod template, in the fuzzer's terms. */
export interface TemplateSpec {
  image: string;
  /** CPU request, millicores (0: none). */
  cpu: number;
  /** Memory request, MiB (0: none). */
  memory: number;
  /** Limits equal to requests (Guaranteed QoS when both are set). */
  limited: boolean;
  nodeSelector?: Record<string, string>;
  /** Required node affinity: zone In these. */
  zones?: string[];
  tolerations: Toleration[];
  /** Seconds until the readiness probe (tcpSocket, every 10 s) passes (kubecuke.io/ready-after); 0: no probe. */
  readyAfter: number;
  /** Required pod anti-affinity against its own pods, per hostname (InterPodAffinity). */
  antiAffinity?: boolean;
  /** A DoNotSchedule topology spread constraint over zones (PodTopologySpread). */
  spreadSkew?: number;
  /** A host port (NodePorts). */
  hostPort?: number;
  /** priorityClassName (PrioritySort, DefaultPreemption). */
  priority?: PriorityName;
  /** Required pod affinity to the pods of another app, per zone or per node (InterPodAffinity). */
  affinity?: { app: string; topologyKey: 'topology.kubernetes.io/zone' | 'kubernetes.io/hostname' };
}

export interface TemplateConstraints {
  capabilities?: Capabilities;
  /** Largest CPU request, millicores; default 2000. */
  maxCpu?: number;
  /** Largest memory request, MiB; default 2048. */
  maxMemory?: number;
}

export function podTemplateArb(c: TemplateConstraints = {}): fc.Arbitrary<TemplateSpec> {
  const caps = c.capabilities ?? engineCapabilities();
  const cpus = [100, 250, 0, 500, 1000, 2000].filter((v) => v <= (c.maxCpu ?? 2000));
  const mems = [128, 256, 0, 64, 512, 1024, 2048].filter((v) => v <= (c.maxMemory ?? 2048));
  const selector = fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom(...DISK_TYPES).map((d) => ({ disktype: d })) },
  );
  return fc.record({
    image: fc.constantFrom(...IMAGES),
    cpu: fc.constantFrom(...cpus),
    memory: fc.constantFrom(...mems),
    limited: fc.boolean(),
    nodeSelector: selector,
    zones: sometimes(fc.subarray([...ZONES], { minLength: 1, maxLength: 2 }), 25),
    tolerations: fc.subarray([...TAINT_POOL]).map((ts) => ts.map((t): Toleration => ({ key: t.key, operator: 'Equal', value: t.value, effect: t.effect }))),
    readyAfter: fc.constantFrom(0, 0, 5, 20),
    antiAffinity: has(caps, 'InterPodAffinity') ? sometimes(fc.constant(true), 20) : fc.constant(undefined),
    spreadSkew: has(caps, 'PodTopologySpread') ? sometimes(fc.constantFrom(1, 2), 20) : fc.constant(undefined),
    hostPort: has(caps, 'NodePorts') ? sometimes(fc.constantFrom(8080, 9090), 15) : fc.constant(undefined),
    priority: has(caps, 'DefaultPreemption')
      ? sometimes(fc.constantFrom<PriorityName>('high', 'low', 'high-never'), 35)
      : fc.constant(undefined),
    affinity: has(caps, 'InterPodAffinity')
      ? sometimes(
          fc.record({
            app: fc.constantFrom(...WORKLOAD_NAMES.slice(0, 3)),
            topologyKey: fc.constantFrom<'topology.kubernetes.io/zone' | 'kubernetes.io/hostname'>('topology.kubernetes.io/zone', 'kubernetes.io/hostname'),
          }),
          15,
        )
      : fc.constant(undefined),
  });
}

/** The pod template of a manifest, labelled `app: <app>`. */
export function podTemplate(app: string, t: TemplateSpec): Record<string, unknown> {
  const requests: Record<string, string> = {};
  if (t.cpu) requests.cpu = cpuText(t.cpu);
  if (t.memory) requests.memory = memoryText(t.memory);
  const resources: Record<string, unknown> = {};
  if (Object.keys(requests).length) {
    resources.requests = requests;
    if (t.limited) resources.limits = { ...requests };
  }
  const container: Record<string, unknown> = { name: 'app', image: t.image };
  if (Object.keys(resources).length) container.resources = resources;
  if (t.hostPort) container.ports = [{ containerPort: t.hostPort, hostPort: t.hostPort }];
  // The readiness probe is what kubecuke.io/ready-after holds back: without one a running container is ready at once.
  if (t.readyAfter) container.readinessProbe = { tcpSocket: { port: 80 }, periodSeconds: 10 };
  const spec: Record<string, unknown> = { containers: [container] };
  if (t.nodeSelector) spec.nodeSelector = t.nodeSelector;
  const affinity: Record<string, unknown> = {};
  if (t.zones) {
    affinity.nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: t.zones }] }],
      },
    };
  }
  if (t.affinity) {
    affinity.podAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: t.affinity.app } }, topologyKey: t.affinity.topologyKey }],
    };
  }
  if (t.antiAffinity) {
    affinity.podAntiAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' }],
    };
  }
  if (Object.keys(affinity).length) spec.affinity = affinity;
  if (t.tolerations.length) spec.tolerations = t.tolerations;
  if (t.priority) spec.priorityClassName = t.priority;
  if (t.spreadSkew) {
    spec.topologySpreadConstraints = [
      { maxSkew: t.spreadSkew, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app } } },
    ];
  }
  const metadata: Record<string, unknown> = { labels: { app } };
  if (t.readyAfter) metadata.annotations = { 'kubecuke.io/ready-after': `${t.readyAfter}s` };
  return { metadata, spec };
}
