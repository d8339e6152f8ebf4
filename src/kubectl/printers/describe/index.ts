/**
 * `kubectl describe` for one object: fetches what the describer of its kind
 * shows besides the object (events, pods, ReplicaSets, EndpointSlices, the
 * node lease) through the Client and renders the text.
 */
import { R, Selector, tryGet } from '../../../engine/index.ts';
import type { Client, KubeObject, ResourceType } from '../../../engine/index.ts';
import { type Json, at } from '../fields.ts';
import { eventsFor } from './writer.ts';
import { describePod } from './pod.ts';
import { describeNode } from './node.ts';
import { describeService } from './service.ts';
import { describeGeneric } from './generic.ts';
import { describeDaemonSet, describeDeployment, describeJob, describeReplicaSet, describeStatefulSet, podCounts } from './workloads.ts';
import { deploymentReplicaSets } from '../../history.ts';

export interface DescribeOptions {
  now: number;
  /** Show the Events section (default true). */
  showEvents?: boolean;
}

function events(client: Client, obj: KubeObject, kind?: string): Json[] {
  const ns = obj.metadata.namespace;
  const all = client.list(R.events, { namespace: ns ?? 'default' }).items as unknown as Json[];
  return eventsFor(all, { namespace: ns, name: obj.metadata.name ?? '', uid: obj.metadata.uid, kind });
}

function selectedPods(client: Client, obj: KubeObject, selector: Selector): Json[] {
  return client.list(R.pods, { namespace: obj.metadata.namespace, labelSelector: selector }).items as unknown as Json[];
}

/** The text `kubectl describe` prints for `obj`, of type `type`. */
export function describeObject(client: Client, type: ResourceType, obj: KubeObject, opts: DescribeOptions): string {
  const o = obj as unknown as Json;
  const show = opts.showEvents ?? true;
  const ev = (kind?: string) => (show ? events(client, obj, kind) : undefined);
  const uid = obj.metadata.uid ?? '';
  switch (type.kind) {
    case 'Pod':
      return describePod(o, ev(), opts.now);
    case 'Node': {
      const pods = client.list(R.pods, { fieldSelector: `spec.nodeName=${obj.metadata.name}` }).items.filter((p) => !['Succeeded', 'Failed'].includes(String(at(p, 'status', 'phase'))));
      const lease = tryGet(client, R.leases, 'kube-node-lease', obj.metadata.name ?? '') as unknown as Json | undefined;
      let nodeEvents: Json[] | undefined;
      if (show) {
        const all = client.list(R.events, {}).items as unknown as Json[];
        nodeEvents = [
          ...eventsFor(all, { name: obj.metadata.name ?? '', uid, kind: 'Node' }),
          ...eventsFor(all, { name: obj.metadata.name ?? '', uid: obj.metadata.name, kind: 'Node' }),
        ];
      }
      return describeNode(o, pods as unknown as Json[], lease, nodeEvents, opts.now);
    }
    case 'Deployment': {
      const { oldRSs, newRS } = deploymentReplicaSets(client, obj);
      return describeDeployment(o, oldRSs as unknown as Json[], newRS as unknown as Json | undefined, ev('Deployment'), opts.now);
    }
    case 'ReplicaSet':
    case 'StatefulSet':
    case 'DaemonSet': {
      let pods: Json[] = [];
      try {
        pods = selectedPods(client, obj, Selector.fromLabelSelector(at(o, 'spec', 'selector') as never));
      } catch {
        pods = [];
      }
      const counts = podCounts(pods, uid);
      if (type.kind === 'ReplicaSet') return describeReplicaSet(o, counts, ev('ReplicaSet'), opts.now);
      if (type.kind === 'StatefulSet') return describeStatefulSet(o, counts, ev('StatefulSet'), opts.now);
      return describeDaemonSet(o, counts, ev('DaemonSet'), opts.now);
    }
    case 'Job':
      return describeJob(o, ev('Job'), opts.now);
    case 'Service': {
      const slices = client.list(R.endpointSlices, { namespace: obj.metadata.namespace, labelSelector: `kubernetes.io/service-name=${obj.metadata.name}` }).items as unknown as Json[];
      return describeService(o, slices, ev('Service'), opts.now);
    }
    default:
      return describeGeneric(o, ev(type.kind), opts.now);
  }
}

/** Names of objects of a type whose name starts with `prefix` (describe's fallback when NAME is not found). */
export function namesWithPrefix(client: Client, type: ResourceType, namespace: string | undefined, prefix: string): KubeObject[] {
  return client.list(type, { namespace }).items.filter((x) => (x.metadata.name ?? '').startsWith(prefix));
}

