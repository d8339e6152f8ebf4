import { describe, it, expect } from 'vitest';
import { tableFor } from '../../src/kubectl/printers/tables/index.ts';
import { renderTable, tabwrite } from '../../src/kubectl/printers/table.ts';

const NOW = Date.UTC(2025, 0, 3, 0, 0, 0);
type Loose = Record<string, any>;
const meta = (name: string, extra: Loose = {}) => ({ name, namespace: 'default', creationTimestamp: '2025-01-01T00:00:00Z', ...extra });
const render = (kind: string, objs: Loose[], wide = false, opts: Loose = {}) => renderTable(tableFor(kind, objs as never, { now: NOW, wide }), { wide, ...opts });

describe('tab writer', () => {
  it('pads every column but the last to its widest cell plus 3, at least 6', () => {
    expect(tabwrite([['A', 'B', 'C'], ['x', 'yy', 'zzz']])).toBe('A     B     C\nx     yy    zzz\n');
    expect(tabwrite([['NAME', 'X'], ['a-long-name', '1']])).toBe('NAME          X\na-long-name   1\n');
  });
});

describe('kubectl get tables', () => {
  it('deployments: READY UP-TO-DATE AVAILABLE AGE, wide with containers and selector', () => {
    const d = { kind: 'Deployment', metadata: meta('web'), spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }, { name: 'log', image: 'busybox' }] } } }, status: { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 } };
    expect(render('Deployment', [d])).toBe('NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    2/3     3            2           2d\n');
    expect(render('Deployment', [d], true)).toBe(
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES               SELECTOR\nweb    2/3     3            2           2d    web,log      nginx:1.27,busybox   app=web\n',
    );
  });

  it('nodes: Ready,SchedulingDisabled, NotReady, Unknown and roles', () => {
    const node = (name: string, ready: string | undefined, extra: Loose = {}, labels: Loose = {}) => ({
      kind: 'Node',
      metadata: { name, creationTimestamp: '2025-01-02T23:00:00Z', labels },
      spec: extra,
      status: { conditions: ready ? [{ type: 'Ready', status: ready }] : [], nodeInfo: { kubeletVersion: 'v1.33.1' } },
    });
    expect(
      render('Node', [
        node('node-1', 'True', { unschedulable: true }),
        node('node-2', 'Unknown'),
        node('node-3', undefined),
        node('cp', 'True', {}, { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master' }),
      ]),
    ).toBe(
      'NAME     STATUS                     ROLES                  AGE   VERSION\n' +
        'node-1   Ready,SchedulingDisabled   <none>                 60m   v1.33.1\n' +
        'node-2   NotReady                   <none>                 60m   v1.33.1\n' +
        'node-3   Unknown                    <none>                 60m   v1.33.1\n' +
        'cp       Ready                      control-plane,master   60m   v1.33.1\n',
    );
  });

  it('services: cluster IP, external IP and ports', () => {
    const svc = (name: string, spec: Loose, status: Loose = {}) => ({ kind: 'Service', metadata: meta(name), spec, status });
    expect(
      render('Service', [
        svc('web', { type: 'ClusterIP', clusterIPs: ['10.96.12.4'], ports: [{ port: 80, protocol: 'TCP' }] }),
        svc('np', { type: 'NodePort', clusterIPs: ['10.96.0.20'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }),
        svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.96.0.30'], ports: [{ port: 443, protocol: 'TCP', nodePort: 31443 }] }),
        svc('ext', { type: 'ExternalName', externalName: 'db.example.com' }),
      ]),
    ).toBe(
      'NAME   TYPE           CLUSTER-IP   EXTERNAL-IP      PORT(S)               AGE\n' +
        'web    ClusterIP      10.96.12.4   <none>           80/TCP                2d\n' +
        'np     NodePort       10.96.0.20   <none>           80:30080/TCP,53/UDP   2d\n' +
        'lb     LoadBalancer   10.96.0.30   <pending>        443:31443/TCP         2d\n' +
        'ext    ExternalName   <none>       db.example.com   <none>                2d\n',
    );
  });

  it('events: LAST SEEN TYPE REASON OBJECT MESSAGE', () => {
    const e = { kind: 'Event', metadata: meta('web-0.1'), involvedObject: { kind: 'Pod', name: 'web-0' }, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container web in pod web-0_default(1)\n', firstTimestamp: '2025-01-02T23:58:00Z', lastTimestamp: '2025-01-02T23:59:30Z', count: 4 };
    expect(render('Event', [e])).toBe('LAST SEEN   TYPE      REASON    OBJECT      MESSAGE\n30s         Warning   BackOff   pod/web-0   Back-off restarting failed container web in pod web-0_default(1)\n');
  });

  it('jobs, cronjobs, statefulsets, daemonsets and replicasets', () => {
    const job = { kind: 'Job', metadata: meta('pi'), spec: { completions: 1, template: { spec: { containers: [] } } }, status: { succeeded: 1, startTime: '2025-01-01T00:00:00Z', completionTime: '2025-01-01T00:00:42Z', conditions: [{ type: 'Complete', status: 'True' }] } };
    expect(render('Job', [job])).toBe('NAME   STATUS     COMPLETIONS   DURATION   AGE\npi     Complete   1/1           42s        2d\n');
    const cj = { kind: 'CronJob', metadata: meta('tick'), spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [] } } } } }, status: {} };
    expect(render('CronJob', [cj])).toBe('NAME   SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\ntick   */5 * * * *   <none>     False     0        <none>          2d\n');
    const sts = { kind: 'StatefulSet', metadata: meta('db'), spec: { replicas: 3 }, status: { readyReplicas: 1 } };
    expect(render('StatefulSet', [sts])).toBe('NAME   READY   AGE\ndb     1/3     2d\n');
    const ds = { kind: 'DaemonSet', metadata: meta('agent'), spec: { template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' } } } }, status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 } };
    expect(render('DaemonSet', [ds])).toBe('NAME    DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE\nagent   3         3         2       3            2           kubernetes.io/os=linux   2d\n');
    const rs = { kind: 'ReplicaSet', metadata: meta('web-7d4b9'), spec: { replicas: 2 }, status: { replicas: 2, readyReplicas: 2 } };
    expect(render('ReplicaSet', [rs])).toBe('NAME        DESIRED   CURRENT   READY   AGE\nweb-7d4b9   2         2         2       2d\n');
  });

  it('configmaps, secrets, namespaces, leases, pvcs and the default table', () => {
    expect(render('ConfigMap', [{ metadata: meta('cfg'), data: { a: '1', b: '2' } }])).toBe('NAME   DATA   AGE\ncfg    2      2d\n');
    expect(render('Secret', [{ metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }])).toBe('NAME   TYPE                DATA   AGE\ntls    kubernetes.io/tls   2      2d\n');
    expect(render('Namespace', [{ metadata: meta('shop'), status: { phase: 'Active' } }])).toBe('NAME   STATUS   AGE\nshop   Active   2d\n');
    expect(render('Lease', [{ metadata: meta('node-1'), spec: { holderIdentity: 'node-1' } }])).toBe('NAME     HOLDER   AGE\nnode-1   node-1   2d\n');
    expect(render('PersistentVolumeClaim', [{ metadata: meta('data'), spec: { volumeName: 'pv-1', storageClassName: 'standard' }, status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } }])).toBe(
      'NAME   STATUS   VOLUME   CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\ndata   Bound    pv-1     1Gi        RWO            standard       <unset>                 2d\n',
    );
    expect(render('Role', [{ metadata: meta('reader') }])).toBe('NAME     CREATED AT\nreader   2025-01-01T00:00:00Z\n');
  });

  it('adds NAMESPACE, kind prefixes, label columns and LABELS', () => {
    const cm = { metadata: meta('cfg', { labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' } }), data: {} };
    expect(render('ConfigMap', [cm], false, { withNamespace: true, withKind: 'configmap', columnLabels: ['app.kubernetes.io/part-of'], showLabels: true })).toBe(
      'NAMESPACE   NAME            DATA   AGE   PART-OF   LABELS\ndefault     configmap/cfg   0      2d    shop      app=web,app.kubernetes.io/part-of=shop\n',
    );
    expect(render('ConfigMap', [cm], false, { noHeaders: true })).toBe('cfg   0     2d\n');
    expect(render('ConfigMap', [])).toBe('');
  });
});
