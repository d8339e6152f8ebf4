/**
 * ServiceAccount (plugin/pkg/admission/serviceaccount): every pod runs as a
 * service account (`default` unless it names one), which must exist; unless
 * automounting is turned off, the pod gets the projected `kube-api-access-*`
 * volume with the token, the cluster CA and its namespace, mounted read-only
 * at /var/run/secrets/kubernetes.io/serviceaccount in every container.
 */
import { R, groupResource } from '../../api/kinds.ts';
import { forbiddenRequest } from '../../api/errors.ts';
import type { Container, Pod } from '../../api/types.ts';
import type { AdmissionPlugin } from './types.ts';

export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

export function serviceAccount(): AdmissionPlugin {
  return {
    name: 'ServiceAccount',
    admit(a, ctx) {
      if (a.type !== R.pods || a.operation !== 'CREATE' || a.subresource) return;
      const pod = a.object as Pod;
      // Mirror pods (static pods reported by a kubelet) are left alone.
      if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return;
      const spec = pod.spec;
      if (!spec.serviceAccountName) spec.serviceAccountName = 'default';
      const sa = ctx.get(R.serviceAccounts, a.namespace, spec.serviceAccountName);
      if (!sa) {
        throw forbiddenRequest(
          { groupResource: groupResource(a.type), group: '', kind: 'Pod' },
          a.name,
          `error looking up service account ${a.namespace}/${spec.serviceAccountName}: serviceaccount ${JSON.stringify(spec.serviceAccountName)} not found`,
        );
      }
      const automount = spec.automountServiceAccountToken ?? (sa as { automountServiceAccountToken?: boolean }).automountServiceAccountToken ?? true;
      if (!automount) return;
      const all: Container[] = [...(spec.initContainers ?? []), ...spec.containers];
      // A pod that already mounts something at the token path keeps its own.
      if (all.some((c) => (c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH))) return;
      const volumeName = `kube-api-access-${ctx.nameSuffix()}`;
      spec.volumes = [
        ...(spec.volumes ?? []),
        {
          name: volumeName,
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              {
                downwardAPI: {
                  items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
                },
              },
            ],
          },
        },
      ];
      for (const c of all) {
        c.volumeMounts = [...(c.volumeMounts ?? []), { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
      }
    },
  };
}
