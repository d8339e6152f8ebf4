/**
 * The Node object a kubelet registers and the status it reports
 * (pkg/kubelet/nodestatus setters): capacity and allocatable, the four
 * conditions with their reasons and messages, addresses, nodeInfo.
 */
import type { Node, NodeCondition, Taint } from '../api/types.ts';

export const KUBELET_VERSION = 'v1.33.1';
export const CONTAINER_RUNTIME_VERSION = 'containerd://2.1.1';
/** The kubelet's default --max-pods. */
export const DEFAULT_MAX_PODS = 110;

export interface NodeConfig {
  name: string;
  /** Quantities as written: `4`, `16Gi`. */
  cpu: string;
  memory: string;
  pods: number;
  ephemeralStorage: string;
  labels: Record<string, string>;
  taints: Taint[];
  internalIP: string;
  /** machineID / systemUUID / bootID, fixed per node. */
  machineID: string;
}

/** Labels every kubelet sets on its node, then the user's. */
export function nodeLabels(cfg: NodeConfig): Record<string, string> {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': cfg.name,
    'kubernetes.io/os': 'linux',
    ...cfg.labels,
  };
  return labels;
}

export function capacityOf(cfg: NodeConfig): Record<string, string> {
  return {
    cpu: cfg.cpu,
    'ephemeral-storage': cfg.ephemeralStorage,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: cfg.memory,
    pods: String(cfg.pods),
  };
}

/** The pressure conditions, each with the reasons, messages and events of the nodestatus setters. */
const PRESSURE: Record<string, { on: [string, string, string]; off: [string, string, string] }> = {
  MemoryPressure: {
    on: ['KubeletHasInsufficientMemory', 'kubelet has insufficient memory available', 'NodeHasInsufficientMemory'],
    off: ['KubeletHasSufficientMemory', 'kubelet has sufficient memory available', 'NodeHasSufficientMemory'],
  },
  DiskPressure: {
    on: ['KubeletHasDiskPressure', 'kubelet has disk pressure', 'NodeHasDiskPressure'],
    off: ['KubeletHasNoDiskPressure', 'kubelet has no disk pressure', 'NodeHasNoDiskPressure'],
  },
  PIDPressure: {
    on: ['KubeletHasInsufficientPID', 'kubelet has insufficient PID available', 'NodeHasInsufficientPID'],
    off: ['KubeletHasSufficientPID', 'kubelet has sufficient PID available', 'NodeHasSufficientPID'],
  },
};

/** The event a pressure condition's change records ("Node x status is now: NodeHasInsufficientMemory"). */
export function pressureEvent(type: string, on: boolean): string {
  return PRESSURE[type][on ? 'on' : 'off'][2];
}

/**
 * The kubelet's conditions: the three pressure conditions (True for those in
 * `pressure`) and Ready, with upstream reasons and messages; a condition
 * keeps its lastTransitionTime while its status stays.
 */
export function kubeletConditions(nowIso: string, prev: readonly NodeCondition[] | undefined, pressure: ReadonlySet<string> = new Set()): NodeCondition[] {
  const make = (type: string, st: string, reason: string, message: string): NodeCondition => {
    const old = prev?.find((c) => c.type === type);
    return {
      type,
      status: st,
      lastHeartbeatTime: nowIso,
      lastTransitionTime: old && old.status === st ? old.lastTransitionTime : nowIso,
      reason,
      message,
    };
  };
  const conditions = Object.entries(PRESSURE).map(([type, p]) => {
    const on = pressure.has(type);
    const [reason, message] = on ? p.on : p.off;
    return make(type, on ? 'True' : 'False', reason, message);
  });
  return [...conditions, make('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status')];
}

/** The kubelet's conditions when all is well. */
export function healthyConditions(nowIso: string, prev: readonly NodeCondition[] | undefined): NodeCondition[] {
  return kubeletConditions(nowIso, prev);
}

export function newNode(cfg: NodeConfig, nowIso: string): Node {
  const capacity = capacityOf(cfg);
  const node: Node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: cfg.name,
      labels: nodeLabels(cfg),
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: cfg.taints.length ? { taints: cfg.taints.map((t) => ({ ...t })) } : {},
    status: {
      capacity,
      allocatable: { ...capacity },
      conditions: healthyConditions(nowIso, undefined),
      addresses: [
        { type: 'InternalIP', address: cfg.internalIP },
        { type: 'Hostname', address: cfg.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: cfg.machineID,
        systemUUID: cfg.machineID,
        bootID: cfg.machineID,
        kernelVersion: '6.8.0-60-generic',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: CONTAINER_RUNTIME_VERSION,
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
  return node;
}
