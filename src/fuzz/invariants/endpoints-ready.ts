/**
 * endpoints-ready: once inputs stop, a Service's endpoints are exactly its
 * ready pods. For every Service with a selector, the ready addresses of the
 * EndpointSlices labelled kubernetes.io/service-name=<service> are the IPs
 * of the pods in its namespace that the selector matches, that are Ready
 * and not being deleted (the EndpointSlice controller's promise; only ready
 * endpoints receive traffic unless publishNotReadyAddresses).
 */
import { R, isPodReady, type KubeObject, type Pod } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import type { Invariant } from './types.ts';

interface Service extends KubeObject {
  spec?: { selector?: Record<string, string>; publishNotReadyAddresses?: boolean };
}

interface EndpointSlice extends KubeObject {
  endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean } }>;
}

export const endpointsReady: Invariant = {
  name: 'endpoints-ready',
  summary: 'a service\'s ready endpoints are exactly its ready matching pods',
  promise:
    'The EndpointSlice controller keeps, for each Service with a selector, one endpoint per matching Pod, ready exactly when the Pod is Ready and not terminating.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/',
    'https://kubernetes.io/docs/concepts/services-networking/service/#services-in-kubernetes',
  ],
  kind: 'eventual',
  unsettled(view: View) {
    const out: string[] = [];
    for (const svc of view.list<Service>(R.services)) {
      const selector = svc.spec?.selector;
      if (!selector || !Object.keys(selector).length) continue;
      const ns = svc.metadata.namespace;
      const want = new Set(
        view
          .list<Pod>(R.pods, ns)
          .filter((p) => Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v))
          .filter((p) => p.status?.podIP && !p.metadata.deletionTimestamp && (svc.spec?.publishNotReadyAddresses || isPodReady(p)))
          .map((p) => p.status!.podIP!),
      );
      const have = new Set<string>();
      for (const slice of view.list<EndpointSlice>(R.endpointSlices, ns)) {
        if (slice.metadata.labels?.['kubernetes.io/service-name'] !== svc.metadata.name) continue;
        for (const e of slice.endpoints ?? []) if (e.conditions?.ready !== false) for (const a of e.addresses) have.add(a);
      }
      const missing = [...want].filter((ip) => !have.has(ip));
      const extra = [...have].filter((ip) => !want.has(ip));
      if (missing.length || extra.length) {
        out.push(
          `service "${ns}/${svc.metadata.name}" has ready endpoints ${[...have].sort().join(', ') || 'none'}, its ready pods are ${[...want].sort().join(', ') || 'none'}` +
            (missing.length ? ` (missing ${missing.join(', ')})` : '') +
            (extra.length ? ` (not ready or gone: ${extra.join(', ')})` : ''),
        );
      }
    }
    return out;
  },
};
