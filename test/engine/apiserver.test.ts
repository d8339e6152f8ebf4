import { describe, expect, it } from 'vitest';
import { ApiServer, type AuditEntry } from '../../src/engine/apiserver/apiserver.ts';
import { defaultAdmissionChain } from '../../src/engine/apiserver/admission/index.ts';
import { Store } from '../../src/engine/store/store.ts';
import { Clock } from '../../src/engine/clock/clock.ts';
import { Random } from '../../src/engine/clock/random.ts';
import { R } from '../../src/engine/api/kinds.ts';
import { StatusError } from '../../src/engine/api/errors.ts';
import type { KubeObject, Pod, Stored } from '../../src/engine/api/types.ts';
import type { WatchEvent } from '../../src/engine/client/client.ts';
import { createCluster } from '../../src/engine/cluster.ts';
import type { Controller } from '../../src/engine/controllers/manager.ts';

function setup() {
  const clock = new Clock();
  const random = new Random(1);
  const store = new Store();
  const audit: AuditEntry[] = [];
  const server = new ApiServer(
    store,
    { now: () => clock.now(), iso: (ms) => clock.iso(ms), random, defer: (label, fn) => clock.schedule(0, label, fn) },
    { admission: defaultAdmissionChain(), audit: (e) => audit.push(e) },
  );
  const admin = server.client({ user: 'admin', component: 'kubectl' }, { fieldValidation: 'Strict' });
  admin.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  admin.create(R.serviceAccounts, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'default' } });
  return { clock, store, server, admin, audit };
}

const pod = (name: string, extra: Partial<Pod['spec']> = {}): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }], ...extra } }) as Pod;

const deployment = (spec: Record<string, unknown>): KubeObject =>
  ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec }) as KubeObject;

function refusal(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('API server: create', () => {
  it('fills system fields, defaults the pod and runs the admission chain', () => {
    const { admin } = setup();
    const p = admin.create<Pod>(R.pods, pod('web'));
    expect(p.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(p.metadata.creationTimestamp).toBe('2025-01-01T00:00:00Z');
    expect(p.metadata.namespace).toBe('default');
    expect(p.status?.phase).toBe('Pending');
    expect(p.status?.qosClass).toBe('BestEffort');
    // Defaults (SetObjectDefaults_Pod)
    expect(p.spec.restartPolicy).toBe('Always');
    expect(p.spec.terminationGracePeriodSeconds).toBe(30);
    expect(p.spec.containers[0].imagePullPolicy).toBe('IfNotPresent');
    // ServiceAccount admission: account and the projected token volume
    expect(p.spec.serviceAccountName).toBe('default');
    expect(p.spec.volumes?.[0].name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(p.spec.containers[0].volumeMounts?.[0].mountPath).toBe('/var/run/secrets/kubernetes.io/serviceaccount');
    // DefaultTolerationSeconds
    expect(p.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    // Priority
    expect(p.spec.priority).toBe(0);
    expect(p.spec.preemptionPolicy).toBe('PreemptLowerPriority');
  });

  it('does not duplicate tolerations a pod already has', () => {
    const { admin } = setup();
    const p = admin.create<Pod>(R.pods, pod('web', { tolerations: [{ operator: 'Exists' }] as never }));
    expect(p.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('generates names from generateName', () => {
    const { admin } = setup();
    const p = admin.create(R.pods, { ...pod(''), metadata: { generateName: 'web-' } });
    expect(p.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('refuses an existing name as AlreadyExists', () => {
    const { admin } = setup();
    admin.create(R.pods, pod('web'));
    const e = refusal(() => admin.create(R.pods, pod('web')));
    expect(e.status.code).toBe(409);
    expect(e.message).toBe('pods "web" already exists');
  });

  it('refuses an invalid object naming the field, in the API server\'s words', () => {
    const { admin } = setup();
    const e = refusal(() =>
      admin.create(R.deployments, deployment({ replicas: -1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'n', image: 'nginx' }] } } })),
    );
    expect(e.status.reason).toBe('Invalid');
    expect(e.status.code).toBe(422);
    expect(e.message).toBe('Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0');
    expect(e.status.details?.causes?.[0]).toEqual({ reason: 'FieldValueInvalid', message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' });
  });

  it('refuses unknown fields with strict field validation, and wrong types always', () => {
    const { admin, server } = setup();
    const body = deployment({ replica: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'n', image: 'nginx' }] } } });
    const e = refusal(() => admin.create(R.deployments, body));
    expect(e.status.reason).toBe('BadRequest');
    expect(e.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"');
    // A component client (field validation Warn) drops unknown fields instead.
    const lax = server.client({ user: 'x', component: 'x' });
    expect(() => lax.create(R.deployments, body)).not.toThrow();
    const typed = refusal(() => lax.create(R.pods, { ...pod('p'), metadata: { name: 'p', labels: { version: 1 as unknown as string } } }));
    expect(typed.message).toBe('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  });

  it('skips the decode and schema checks for a typed component client, not the kind\'s own validation', () => {
    const { server } = setup();
    const checked = server.client({ user: 'x', component: 'x' });
    const typed = server.client({ user: 'x', component: 'x' }, { typed: true });
    const badType = { ...pod('p'), metadata: { name: 'p', labels: { version: 1 as unknown as string } } };
    expect(refusal(() => checked.create(R.pods, badType)).status.reason).toBe('BadRequest');
    expect(typed.create(R.pods, badType).metadata.labels).toEqual({ version: 1 });
    // An event without involvedObject passes the kind's own validation; only the schema requires it.
    const event = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' }, reason: 'R', message: 'm', type: 'Normal' } as KubeObject;
    expect(refusal(() => checked.create(R.events, event)).status.reason).toBe('Invalid');
    expect(() => typed.create(R.events, event)).not.toThrow();
    // The kind's own validation still refuses what it refuses.
    const e = refusal(() => typed.create(R.pods, pod('Bad_Name')));
    expect(e.status.reason).toBe('Invalid');
  });

  it('refuses objects in a namespace that does not exist (NamespaceLifecycle)', () => {
    const { admin } = setup();
    const e = refusal(() => admin.create(R.pods, { ...pod('p'), metadata: { name: 'p', namespace: 'shop' } }));
    expect(e.status.code).toBe(404);
    expect(e.message).toBe('namespaces "shop" not found');
  });

  it('refuses pods whose service account does not exist', () => {
    const { admin } = setup();
    const e = refusal(() => admin.create(R.pods, pod('p', { serviceAccountName: 'robot' })));
    expect(e.status.reason).toBe('Forbidden');
    expect(e.message).toBe('pods "p" is forbidden: error looking up service account default/robot: serviceaccount "robot" not found');
  });

  it('gives new nodes the not-ready NoSchedule taint (TaintNodesByCondition)', () => {
    const { admin } = setup();
    const n = admin.create(R.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }) as Stored & { spec: { taints: unknown[] } };
    expect(n.spec.taints).toEqual([{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
  });

  it('dry runs validate without storing', () => {
    const { admin, store } = setup();
    const before = store.revision;
    admin.create(R.pods, pod('web'), { dryRun: true });
    expect(store.revision).toBe(before);
    expect(() => admin.get(R.pods, 'default', 'web')).toThrow(/not found/);
  });
});

describe('API server: update and patch', () => {
  it('rejects a stale resourceVersion as a conflict, and accepts an unconditional update', () => {
    const { admin } = setup();
    const cm = admin.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } } as KubeObject);
    admin.update(R.configMaps, { ...cm, data: { a: '2' } });
    const e = refusal(() => admin.update(R.configMaps, { ...cm, data: { a: '3' } }));
    expect(e.status.code).toBe(409);
    expect(e.message).toBe('Operation cannot be fulfilled on configmaps "c": the object has been modified; please apply your changes to the latest version and try again');
    const { resourceVersion: _rv, ...meta } = cm.metadata;
    const u = admin.update(R.configMaps, { ...cm, metadata: meta, data: { a: '4' } }) as Stored & { data: Record<string, string> };
    expect(u.data.a).toBe('4');
  });

  it('bumps generation on spec changes only, and keeps status out of main updates', () => {
    const { admin } = setup();
    const d = admin.create(R.deployments, deployment({ selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'n', image: 'nginx' }] } } }));
    expect(d.metadata.generation).toBe(1);
    const labelled = admin.update(R.deployments, { ...d, metadata: { ...d.metadata, labels: { x: 'y' } } });
    expect(labelled.metadata.generation).toBe(1);
    const scaled = admin.patch(R.deployments, 'default', 'web', { spec: { replicas: 5 }, status: { replicas: 99 } }, 'merge');
    expect(scaled.metadata.generation).toBe(2);
    expect((scaled as { status?: { replicas?: number } }).status?.replicas).toBeUndefined();
    const st = admin.patch(R.deployments, 'default', 'web', { status: { replicas: 5 }, spec: { replicas: 1 } }, 'merge', { subresource: 'status' });
    expect((st as { status?: { replicas?: number } }).status?.replicas).toBe(5);
    expect((st as unknown as { spec: { replicas: number } }).spec.replicas).toBe(5);
  });

  it('does not write an update that changes nothing', () => {
    const { admin, store } = setup();
    const cm = admin.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } } as KubeObject);
    const rev = store.revision;
    const same = admin.update(R.configMaps, cm);
    expect(store.revision).toBe(rev);
    expect(same.metadata.resourceVersion).toBe(cm.metadata.resourceVersion);
  });

  it('refuses changes to immutable fields', () => {
    const { admin } = setup();
    const d = admin.create(R.deployments, deployment({ selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'n', image: 'nginx' }] } } }));
    const e = refusal(() => admin.patch(R.deployments, 'default', d.metadata.name, { spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'other' } } } } }, 'merge'));
    expect(e.message).toContain('spec.selector: Invalid value');
    expect(e.message).toContain('field is immutable');
  });
});

describe('API server: delete', () => {
  it('deletes a scheduled pod gracefully, and at once when the grace period is 0', () => {
    const { admin, server, clock } = setup();
    admin.create(R.pods, pod('web'));
    server.bind({ user: 'scheduler', component: 'default-scheduler' }, 'default', 'web', 'node-1');
    clock.advance(5000);
    const marked = admin.delete(R.pods, 'default', 'web')!;
    expect(marked.metadata.deletionTimestamp).toBe('2025-01-01T00:00:35Z');
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    // A second delete may shorten the grace period.
    const shorter = admin.delete(R.pods, 'default', 'web', { gracePeriodSeconds: 10 })!;
    expect(shorter.metadata.deletionGracePeriodSeconds).toBe(10);
    expect(admin.delete(R.pods, 'default', 'web', { gracePeriodSeconds: 0 })).toBeUndefined();
    expect(() => admin.get(R.pods, 'default', 'web')).toThrow('pods "web" not found');
  });

  it('deletes an unscheduled pod at once', () => {
    const { admin } = setup();
    admin.create(R.pods, pod('web'));
    expect(admin.delete(R.pods, 'default', 'web')).toBeUndefined();
  });

  it('keeps an object with finalizers until they are removed', () => {
    const { admin } = setup();
    admin.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', finalizers: ['example.com/hold'] } } as KubeObject);
    const marked = admin.delete(R.configMaps, 'default', 'c')!;
    expect(marked.metadata.deletionTimestamp).toBe('2025-01-01T00:00:00Z');
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(0);
    admin.patch(R.configMaps, 'default', 'c', { metadata: { finalizers: null } }, 'merge');
    expect(() => admin.get(R.configMaps, 'default', 'c')).toThrow('configmaps "c" not found');
  });

  it('adds the orphan and foregroundDeletion finalizers for those propagation policies', () => {
    const { admin } = setup();
    admin.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } } as KubeObject);
    admin.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } } as KubeObject);
    expect(admin.delete(R.configMaps, 'default', 'a', { propagationPolicy: 'Orphan' })!.metadata.finalizers).toEqual(['orphan']);
    expect(admin.delete(R.configMaps, 'default', 'b', { propagationPolicy: 'Foreground' })!.metadata.finalizers).toEqual(['foregroundDeletion']);
  });

  it('checks uid preconditions', () => {
    const { admin } = setup();
    admin.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } } as KubeObject);
    const e = refusal(() => admin.delete(R.configMaps, 'default', 'a', { preconditions: { uid: 'nope' } }));
    expect(e.status.code).toBe(409);
    expect(e.message).toContain('Precondition failed: UID in precondition: nope');
  });

  it('marks a namespace Terminating instead of deleting it, and refuses to delete the default namespace', () => {
    const { admin } = setup();
    admin.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    const ns = admin.delete(R.namespaces, undefined, 'shop') as Stored & { status: { phase: string } };
    expect(ns.status.phase).toBe('Terminating');
    const e = refusal(() => admin.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'shop' } } as KubeObject));
    expect(e.message).toBe('configmaps "x" is forbidden: unable to create new content in namespace shop because it is being terminated');
    expect(refusal(() => admin.delete(R.namespaces, undefined, 'default')).message).toBe('namespaces "default" is forbidden: this namespace may not be deleted');
  });
});

describe('API server: binding', () => {
  it('assigns a node once, with the PodScheduled condition', () => {
    const { admin, server } = setup();
    admin.create(R.pods, pod('web'));
    const sched = { user: 'system:kube-scheduler', component: 'default-scheduler' };
    server.bind(sched, 'default', 'web', 'node-1');
    const p = admin.get<Pod>(R.pods, 'default', 'web');
    expect(p.spec.nodeName).toBe('node-1');
    expect(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    expect(() => server.bind(sched, 'default', 'web', 'node-2')).toThrow('pod web is already assigned to node "node-1"');
  });
});

describe('API server: list and watch', () => {
  it('filters by label and field selectors, and refuses unsupported field labels', () => {
    const { admin, server } = setup();
    admin.create(R.pods, { ...pod('a'), metadata: { name: 'a', labels: { app: 'web' } } });
    admin.create(R.pods, { ...pod('b'), metadata: { name: 'b', labels: { app: 'db' } } });
    server.bind({ user: 's', component: 's' }, 'default', 'b', 'node-1');
    expect(admin.list(R.pods, { labelSelector: 'app=web' }).items.map((p) => p.metadata.name)).toEqual(['a']);
    expect(admin.list(R.pods, { labelSelector: 'app in (web,db)' }).items).toHaveLength(2);
    expect(admin.list(R.pods, { fieldSelector: 'spec.nodeName=node-1' }).items.map((p) => p.metadata.name)).toEqual(['b']);
    expect(refusal(() => admin.list(R.pods, { fieldSelector: 'spec.foo=bar' })).message).toBe('field label not supported: spec.foo');
  });

  it('delivers watch events after the write, in order, and turns selector changes into ADDED/DELETED', () => {
    const { admin, clock } = setup();
    const seen: string[] = [];
    admin.watch(R.pods, { labelSelector: 'app=web' }, (e: WatchEvent) => seen.push(`${e.type} ${e.object.metadata.name}`));
    admin.create(R.pods, { ...pod('a'), metadata: { name: 'a', labels: { app: 'web' } } });
    expect(seen).toEqual([]);
    clock.settle();
    expect(seen).toEqual(['ADDED a']);
    admin.patch(R.pods, 'default', 'a', { metadata: { labels: { app: 'other' } } }, 'merge');
    admin.patch(R.pods, 'default', 'a', { metadata: { labels: { app: 'web' } } }, 'merge');
    admin.delete(R.pods, 'default', 'a');
    clock.settle();
    expect(seen).toEqual(['ADDED a', 'DELETED a', 'ADDED a', 'DELETED a']);
  });

  it('replays from a resourceVersion and reports compaction as 410 Gone', () => {
    const { admin, clock } = setup();
    const rv = admin.list(R.configMaps).resourceVersion;
    admin.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } } as KubeObject);
    const seen: string[] = [];
    admin.watch(R.configMaps, { resourceVersion: rv }, (e) => seen.push(`${e.type} ${e.object.metadata.name}`));
    clock.settle();
    expect(seen).toEqual(['ADDED a']);
  });

  it('records every write in the audit log with simulated time', () => {
    const { admin, audit, clock } = setup();
    clock.advance(1000);
    admin.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } } as KubeObject);
    const last = audit.at(-1)!;
    expect(last).toMatchObject({ verb: 'create', resource: 'configmaps', namespace: 'default', name: 'a', code: 201, component: 'kubectl' });
    expect(last.at - clock.now()).toBe(0);
  });
});

describe('API server: schema and semantic validation together', () => {
  it('accepts an empty toleration operator (it means Equal), as the API server does', () => {
    const { admin } = setup();
    const p = admin.create<Pod>(R.pods, pod('tol', { tolerations: [{ key: 'k', operator: '', value: 'v', effect: 'NoSchedule' }] as never }));
    expect(p.spec.tolerations?.[0].operator).toBe('');
  });
});

describe('cluster: checkComponentWrites', () => {
  // A controller that writes a label of the wrong JSON type when it starts, and notes the answer.
  const writesBadLabel = (answers: string[]) => (c: Controller): Controller =>
    c.name !== 'replicaset-controller'
      ? c
      : {
          name: c.name,
          setup(ctx) {
            c.setup(ctx);
            try {
              ctx.client.create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default', labels: { n: 1 as unknown as string } } });
              answers.push('stored');
            } catch (e) {
              answers.push((e as StatusError).status.reason ?? 'error');
            }
          },
          reconcile: (key, ctx) => c.reconcile(key, ctx),
        };

  it('checks components\' writes as users\' by default, and trusts them when off', () => {
    const checked: string[] = [];
    createCluster({ wrapController: writesBadLabel(checked) });
    expect(checked).toEqual(['BadRequest']);
    const trusted: string[] = [];
    createCluster({ wrapController: writesBadLabel(trusted), checkComponentWrites: false });
    expect(trusted).toEqual(['stored']);
  });
});
