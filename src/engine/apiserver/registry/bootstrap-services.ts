/**
 * The Services a new cluster has before anyone applies anything:
 * `default/kubernetes`, which the API server's kubernetes-service controller
 * keeps at the first address of the service range (10.96.0.1) with the
 * Endpoints and EndpointSlice its endpoint reconciler writes, and
 * `kube-system/kube-dns` at the tenth (10.96.0.10), which kubeadm's CoreDNS
 * addon creates (cmd/kubeadm/app/phases/addons/dns/manifests.go).
 */
import { R } from '../../api/kinds.ts';
import type { KubeObject } from '../../api/types.ts';
import type { Client } from '../../client/client.ts';

/**
 * The API server's address, where `kubernetes` sends traffic (port 6443).
 * A simulation constant: the simulated control plane has no node of its
 * own, so it takes the first address of the node network (nodes start at
 * 172.18.0.2).
 */
export const APISERVER_ADDRESS = '172.18.0.1';
export const APISERVER_PORT = 6443;

export function bootstrapServices(client: Client, ip: (n: number) => string): void {
  client.create(R.services, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: ip(1), sessionAffinity: 'None', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: APISERVER_PORT }] },
  } as KubeObject);
  client.create(R.endpoints, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: APISERVER_ADDRESS }], ports: [{ name: 'https', port: APISERVER_PORT, protocol: 'TCP' }] }],
  } as KubeObject);
  client.create(R.endpointSlices, {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [APISERVER_ADDRESS], conditions: { ready: true } }],
    ports: [{ name: 'https', port: APISERVER_PORT, protocol: 'TCP' }],
  } as KubeObject);
  client.create(R.services, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      clusterIP: ip(10),
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
    },
  } as KubeObject);
}
