/**
 * `kubectl describe node` (describeNode): roles, labels, taints,
 * Unschedulable, lease, conditions, addresses, capacity, system info, the
 * non-terminated pods with their requests, and Allocated resources.
 */
import { resourceAmount } from '../../../engine/index.ts';
import { type Json, list, map, str, at } from '../fields.ts';
import { since } from '../duration.ts';
import { canonicalQuantity, formatMilli, isBinary } from '../quantity-format.ts';
import { nodeRoles } from '../tables/cluster.ts';
import { PrefixWriter, annotationsMultiline, describeEvents, labelsMultiline, rfc1123z, taintsMultiline } from './writer.ts';

type Amounts = Map<string, { milli: number; binary: boolean }>;

function addAll(into: Amounts, res: Json, max = false): void {
  for (const [r, q] of Object.entries(res)) {
    const milli = resourceAmount(r, q as string) * (r === 'cpu' ? 1 : 1000);
    const cur = into.get(r);
    const binary = cur?.binary ?? isBinary(q as string);
    into.set(r, { milli: max ? Math.max(cur?.milli ?? 0, milli) : (cur?.milli ?? 0) + milli, binary });
  }
}

/** resourcehelper.PodRequestsAndLimits: containers summed, init containers as a floor, plus overhead. */
export function podRequestsAndLimits(pod: Json): { requests: Amounts; limits: Amounts } {
  const out = { requests: new Map() as Amounts, limits: new Map() as Amounts };
  for (const kind of ['requests', 'limits'] as const) {
    const sum: Amounts = new Map();
    for (const c of list(pod, 'spec', 'containers')) addAll(sum, map(c, 'resources', kind));
    for (const c of list(pod, 'spec', 'initContainers')) if (str(c, 'restartPolicy') === 'Always') addAll(sum, map(c, 'resources', kind));
    const init: Amounts = new Map();
    for (const c of list(pod, 'spec', 'initContainers')) if (str(c, 'restartPolicy') !== 'Always') addAll(init, map(c, 'resources', kind), true);
    for (const [r, v] of init) if (v.milli > (sum.get(r)?.milli ?? 0)) sum.set(r, v);
    addAll(sum, map(pod, 'spec', 'overhead'));
    out[kind] = sum;
  }
  return out;
}

const qty = (a: Amounts, r: string) => formatMilli(a.get(r)?.milli ?? 0, a.get(r)?.binary ?? false);
const pct = (part: number, whole: number) => (whole === 0 ? 0 : Math.trunc((part / whole) * 100));

function describeNodeResources(w: PrefixWriter, node: Json, pods: Json[], now: number): void {
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  const alloc = Object.keys(map(node, 'status', 'allocatable')).length > 0 ? map(node, 'status', 'allocatable') : map(node, 'status', 'capacity');
  const allocMilli = (r: string) => (alloc[r] === undefined ? 0 : resourceAmount(r, alloc[r] as string) * (r === 'cpu' ? 1 : 1000));
  const totalReq: Amounts = new Map();
  const totalLim: Amounts = new Map();
  const merge = (into: Amounts, from: Amounts) => {
    for (const [r, v] of from) {
      const cur = into.get(r);
      into.set(r, { milli: (cur?.milli ?? 0) + v.milli, binary: cur?.binary ?? v.binary });
    }
  };
  for (const pod of pods) {
    const { requests, limits } = podRequestsAndLimits(pod);
    merge(totalReq, requests);
    merge(totalLim, limits);
    const cell = (a: Amounts, r: string) => `${qty(a, r)} (${pct(a.get(r)?.milli ?? 0, allocMilli(r))}%)`;
    w.write(
      1,
      `${str(pod, 'metadata', 'namespace')}\t${str(pod, 'metadata', 'name')}\t\t${cell(requests, 'cpu')}\t${cell(limits, 'cpu')}\t${cell(requests, 'memory')}\t${cell(limits, 'memory')}\t${since(at(pod, 'metadata', 'creationTimestamp'), now)}\n`,
    );
  }
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  for (const r of ['cpu', 'memory', 'ephemeral-storage'])
    w.write(1, `${r}\t${qty(totalReq, r)} (${pct(totalReq.get(r)?.milli ?? 0, allocMilli(r))}%)\t${qty(totalLim, r)} (${pct(totalLim.get(r)?.milli ?? 0, allocMilli(r))}%)\n`);
  const standard = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods']);
  const huge = Object.keys(alloc).filter((r) => r.startsWith('hugepages-')).sort();
  for (const r of huge) w.write(1, `${r}\t${qty(totalReq, r)} (${pct(totalReq.get(r)?.milli ?? 0, allocMilli(r))}%)\t${qty(totalLim, r)} (${pct(totalLim.get(r)?.milli ?? 0, allocMilli(r))}%)\n`);
  const ext = Object.keys(alloc).filter((r) => !standard.has(r) && !r.startsWith('hugepages-') && !r.startsWith('requests.') && !r.startsWith('limits.')).sort();
  for (const r of ext) w.write(1, `${r}\t${qty(totalReq, r)}\t${qty(totalLim, r)}\n`);
}

/** describeNode. `pods` are the node's non-terminated pods; `lease` its kube-node-lease Lease, if any. */
export function describeNode(node: Json, pods: Json[], lease: Json | undefined, events: Json[] | undefined, now: number): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${str(node, 'metadata', 'name')}\n`);
  w.write(0, `Roles:\t${nodeRoles(node)}\n`);
  labelsMultiline(w, 'Labels', at(node, 'metadata', 'labels'));
  annotationsMultiline(w, 'Annotations', at(node, 'metadata', 'annotations'));
  w.write(0, `CreationTimestamp:\t${rfc1123z(at(node, 'metadata', 'creationTimestamp'))}\n`);
  taintsMultiline(w, 'Taints', at(node, 'spec', 'taints'));
  w.write(0, `Unschedulable:\t${at(node, 'spec', 'unschedulable') === true}\n`);
  if (lease) {
    w.write(0, 'Lease:\n');
    w.write(1, `HolderIdentity:\t${str(lease, 'spec', 'holderIdentity') || '<unset>'}\n`);
    w.write(1, `AcquireTime:\t${at(lease, 'spec', 'acquireTime') ? rfc1123z(at(lease, 'spec', 'acquireTime')) : '<unset>'}\n`);
    w.write(1, `RenewTime:\t${at(lease, 'spec', 'renewTime') ? rfc1123z(at(lease, 'spec', 'renewTime')) : '<unset>'}\n`);
  } else w.write(0, `Lease:\tFailed to get lease: leases.coordination.k8s.io ${JSON.stringify(str(node, 'metadata', 'name'))} not found\n`);
  const conditions = list(node, 'status', 'conditions');
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
    w.write(1, '----\t------\t-----------------\t------------------\t------\t-------\n');
    for (const c of conditions)
      w.write(1, `${str(c, 'type')} \t${str(c, 'status')} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${str(c, 'reason')} \t${str(c, 'message')}\n`);
  }
  w.write(0, 'Addresses:\n');
  for (const a of list(node, 'status', 'addresses')) w.write(1, `${str(a, 'type')}:\t${str(a, 'address')}\n`);
  for (const [key, title] of [['capacity', 'Capacity'], ['allocatable', 'Allocatable']] as const) {
    const m = map(node, 'status', key);
    if (Object.keys(m).length === 0) continue;
    w.write(0, `${title}:\n`);
    for (const r of Object.keys(m).sort()) w.write(0, `  ${r}:\t${canonicalQuantity(m[r] as string)}\n`);
  }
  const info = map(node, 'status', 'nodeInfo');
  w.write(0, 'System Info:\n');
  for (const [k, t] of [
    ['machineID', 'Machine ID'],
    ['systemUUID', 'System UUID'],
    ['bootID', 'Boot ID'],
    ['kernelVersion', 'Kernel Version'],
    ['osImage', 'OS Image'],
    ['operatingSystem', 'Operating System'],
    ['architecture', 'Architecture'],
    ['containerRuntimeVersion', 'Container Runtime Version'],
    ['kubeletVersion', 'Kubelet Version'],
    ['kubeProxyVersion', 'Kube-Proxy Version'],
  ])
    w.write(0, `  ${t}:\t${str(info, k)}\n`);
  if (str(node, 'spec', 'podCIDR')) w.write(0, `PodCIDR:\t${str(node, 'spec', 'podCIDR')}\n`);
  if (list(node, 'spec', 'podCIDRs').length > 0) w.write(0, `PodCIDRs:\t${list<string>(node, 'spec', 'podCIDRs').join(',')}\n`);
  if (str(node, 'spec', 'providerID')) w.write(0, `ProviderID:\t${str(node, 'spec', 'providerID')}\n`);
  describeNodeResources(w, node, pods, now);
  describeEvents(w, events, now);
  return w.toString();
}
