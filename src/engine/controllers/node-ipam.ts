/**
 * The node IPAM controller (pkg/controller/nodeipam, range allocator): gives
 * each node a /24 of the cluster CIDR (10.244.0.0/16) as spec.podCIDR and
 * spec.podCIDRs, the next free one after the last given (CidrSet.AllocateNext
 * goes round the range), and frees it when the node goes.
 */
import { R } from '../api/kinds.ts';
import type { Node } from '../api/types.ts';
import { isStatusError } from '../api/errors.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller } from './manager.ts';

export interface NodeIpamOptions {
  /** First two octets of the /16 cluster CIDR. */
  clusterCIDR?: string;
}

export function nodeIpamController(options: NodeIpamOptions = {}): Controller {
  const [a, b] = (options.clusterCIDR ?? '10.244.0.0/16').split('.').map(Number);
  let nodes: Informer<Node>;
  const used = new Map<number, string>();
  /** CidrSet.nextCandidate: the search for a free range starts after the last one given. */
  let nextCandidate = 0;
  const indexOf = (cidr: string | undefined) => {
    const m = /^(\d+)\.(\d+)\.(\d+)\.0\/24$/.exec(cidr ?? '');
    return m && Number(m[1]) === a && Number(m[2]) === b ? Number(m[3]) : undefined;
  };
  return {
    name: 'node-ipam-controller',
    // The range allocator records its events as "cidrAllocator".
    eventSource: 'cidrAllocator',
    setup(ctx) {
      nodes = ctx.informers.informer<Node>(R.nodes);
      nodes.on({
        add: (n) => {
          const i = indexOf(n.spec?.podCIDR);
          if (i !== undefined) used.set(i, n.metadata.name);
          else ctx.enqueue(n.metadata.name);
        },
        update: (_o, n) => !n.spec?.podCIDR && ctx.enqueue(n.metadata.name),
        delete: (n) => {
          const i = indexOf(n.spec?.podCIDR);
          if (i !== undefined && used.get(i) === n.metadata.name) used.delete(i);
        },
      });
    },
    reconcile(name, ctx) {
      const node = nodes.get(undefined, name);
      if (!node || node.spec?.podCIDR) return;
      let i = -1;
      for (let k = 0; k < 256; k++) {
        const candidate = (nextCandidate + k) % 256;
        if (!used.has(candidate)) {
          i = candidate;
          break;
        }
      }
      if (i < 0) {
        ctx.recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
        return;
      }
      const cidr = `${a}.${b}.${i}.0/24`;
      used.set(i, name);
      nextCandidate = (i + 1) % 256;
      try {
        ctx.client.patch(R.nodes, undefined, name, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, 'merge');
      } catch (e) {
        used.delete(i);
        if (!isStatusError(e, 'NotFound')) throw e;
      }
    },
  };
}
