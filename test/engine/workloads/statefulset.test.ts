import { describe, expect, it } from 'vitest';
import { R, type Stored } from '../../../src/engine/index.ts';
import { testCluster } from './helpers.ts';

const sts = (extra = '', replicas = 3) => `
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
${extra}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
  volumeClaimTemplates:
    - metadata: {name: www}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
`;

describe('statefulset-controller', () => {
  it('creates pods one at a time in ordinal order, with stable identity and claims', () => {
    const t = testCluster();
    t.apply(sts());
    const names = t.pods('web-').map((p) => p.metadata.name);
    expect(names).toEqual(['web-0', 'web-1', 'web-2']);
    const p0 = t.get(R.pods, 'web-0') as Stored & { spec: { hostname?: string; subdomain?: string; volumes?: unknown[] } };
    expect(p0.spec.hostname).toBe('web-0');
    expect(p0.spec.subdomain).toBe('web');
    expect(p0.metadata.labels?.['statefulset.kubernetes.io/pod-name']).toBe('web-0');
    expect(p0.metadata.labels?.['apps.kubernetes.io/pod-index']).toBe('0');
    expect(t.list(R.persistentVolumeClaims, 'default').map((c) => c.metadata.name)).toEqual(['www-web-0', 'www-web-1', 'www-web-2']);
    const set = t.get(R.statefulSets, 'web') as Stored & { status: Record<string, unknown> };
    expect(set.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3 });
    expect(set.status.currentRevision).toBe(set.status.updateRevision);
  });
});
