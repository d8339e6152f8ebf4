/**
 * The root CA certificate publisher (pkg/controller/certificates/rootcacertpublisher):
 * every active namespace has the ConfigMap `kube-root-ca.crt` holding the
 * cluster's CA bundle, which the projected service account volume mounts.
 */
import { R } from '../api/kinds.ts';
import type { KubeObject, Namespace } from '../api/types.ts';
import { isStatusError } from '../api/errors.ts';
import { deepEqual } from '../api/meta.ts';
import type { Informer } from '../client/informer.ts';
import type { Controller } from './manager.ts';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

export function rootCACertPublisher(caBundle: string): Controller {
  let namespaces: Informer<Namespace>;
  let configMaps: Informer<KubeObject & { data?: Record<string, string> }>;
  return {
    name: 'root-ca-cert-publisher',
    setup(ctx) {
      namespaces = ctx.informers.informer<Namespace>(R.namespaces);
      configMaps = ctx.informers.informer(R.configMaps);
      namespaces.on({ add: (ns) => ctx.enqueue(ns.metadata.name), update: (_o, ns) => ctx.enqueue(ns.metadata.name) });
      configMaps.on({
        update: (_o, cm) => cm.metadata.name === ROOT_CA_CONFIGMAP && ctx.enqueue(cm.metadata.namespace!),
        delete: (cm) => cm.metadata.name === ROOT_CA_CONFIGMAP && ctx.enqueue(cm.metadata.namespace!),
      });
    },
    reconcile(name, ctx) {
      const ns = namespaces.get(undefined, name);
      if (!ns || ns.status?.phase !== 'Active') return;
      const cm = configMaps.get(name, ROOT_CA_CONFIGMAP);
      const want = { 'ca.crt': caBundle };
      try {
        if (!cm) {
          ctx.client.create(R.configMaps, {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: ROOT_CA_CONFIGMAP, namespace: name, annotations: { 'kubernetes.io/description': DESCRIPTION } },
            data: want,
          });
        } else if (!deepEqual(cm.data, want) || !cm.metadata.annotations?.['kubernetes.io/description']) {
          // Upstream replaces the whole data map and puts the description back.
          ctx.client.update(R.configMaps, {
            ...cm,
            metadata: { ...cm.metadata, annotations: { ...(cm.metadata.annotations ?? {}), 'kubernetes.io/description': DESCRIPTION } },
            data: want,
          });
        }
      } catch (e) {
        if (isStatusError(e, 'AlreadyExists') || isStatusError(e, 'Forbidden') || isStatusError(e, 'NotFound') || isStatusError(e, 'Conflict')) return;
        throw e;
      }
    },
  };
}
