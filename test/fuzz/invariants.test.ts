/**
 * Each invariant reports what it covers when it breaks, and stays quiet on a
 * healthy history. Breaks are made in test-only ways: writes straight to
 * the store, clients acting as a component, controllers left out.
 */
import { describe, expect, it } from 'vitest';
import { R, createCluster, storeKey, type Cluster, type ClusterOptions, type KubeObject, type Pod, type Stored } from '../../src/engine/index.ts';
import { HistoryChecker, startOf } from '../../src/fuzz/invariants/checker.ts';
import { INVARIANTS } from '../../src/fuzz/invariants/registry.ts';
import { liveView } from '../../src/harness/view.ts';

const inv = (name: string) => INVARIANTS.get(name)!;

function cluster(options: Partial<ClusterOptions> = {}): Cluster {
  return createCluster({ seed: 1, nodes: [{ name: 'node-1', cpu: '1' }, { name: 'node-2', cpu: '1', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }], ...options });
}

function watch(c: Cluster, ...names: string[]): HistoryChecker {
  return new HistoryChecker(c, names.map(inv), startOf(c));
}

const pod = (name: string, spec: Partial<Pod['spec']> = {}, meta: Partial<Pod['metadata']> = {}): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', ...meta }, spec: { containers: [{ name: 'app', image: 'nginx:1.27', ...(spec.containers?.[0] ?? {}) }], ...spec } }) as Pod;

const deployment = (replicas: number) =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
  }) as KubeObject;

/** A client acting as the scheduler: binds wherever it is told. */
const scheduler = (c: Cluster) => c.client({ user: 'system:kube-scheduler', component: 'default-scheduler' });

/** Rewrites an object in the store directly, as no component could. */
function tamper(c: Cluster, type: typeof R.pods, name: string, change: (o: Stored) => Stored, keepVersion = false): void {
  const key = storeKey(type, 'default', name);
  c.store.update(key, undefined, (rev) => {
    const next = change(c.store.get(key)!.value);
    return { ...next, metadata: { ...next.metadata, resourceVersion: keepVersion ? next.metadata.resourceVersion : String(rev) } } as Stored;
  });
}

describe('scheduling-safety', () => {
  it('is quiet while the scheduler places pods', () => {
    const c = cluster();
    const h = watch(c, 'scheduling-safety');
    c.client().create(R.deployments, deployment(3));
    c.advance(30_000);
    expect(h.advance()).toEqual([]);
  });

  it('reports a binding to a tainted node, over capacity, against a node selector, to a cordoned node, and a host port clash', () => {
    const c = cluster({ scheduler: { profiles: [{ schedulerName: 'nobody' }] } });
    const admin = c.client();
    const h = watch(c, 'scheduling-safety');
    admin.create(R.pods, pod('tainted'));
    admin.create(R.pods, pod('big-1', { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '700m' } } }] }));
    admin.create(R.pods, pod('big-2', { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '700m' } } }] }));
    admin.create(R.pods, pod('picky', { nodeSelector: { disktype: 'ssd' } }));
    admin.create(R.pods, pod('port-1', { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80, hostPort: 8080 }] }] }));
    admin.create(R.pods, pod('port-2', { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80, hostPort: 8080 }] }] }));
    c.settle();
    const s = scheduler(c);
    s.bind('default', 'tainted', 'node-2');
    s.bind('default', 'big-1', 'node-1');
    s.bind('default', 'big-2', 'node-1');
    s.bind('default', 'picky', 'node-1');
    s.bind('default', 'port-1', 'node-1');
    s.bind('default', 'port-2', 'node-1');
    c.settle();
    const messages = h.advance().map((v) => v.message);
    expect(messages).toEqual([
      'pod "default/tainted" was bound to node "node-2" although the node has the taint dedicated=gpu:NoSchedule, which the pod does not tolerate',
      'pod "default/big-2" was bound to node "node-1", over-committing its cpu: its pods request 1400 of 1000 allocatable',
      'pod "default/picky" was bound to node "node-1" although its nodeSelector asks for disktype=ssd, the node has no disktype label',
      'pod "default/port-2" was bound to node "node-1", where pod "port-1" already holds host port TCP/0.0.0.0:8080',
    ]);
    admin.patch(R.nodes, undefined, 'node-1', { spec: { unschedulable: true } }, 'merge');
    c.advance(1000);
    admin.create(R.pods, pod('late'));
    c.settle();
    s.bind('default', 'late', 'node-1');
    c.settle();
    expect(h.advance().map((v) => v.message)).toContain('pod "default/late" was bound to node "node-1" although the node is cordoned (spec.unschedulable)');
  });
});

describe('scheduling-safety with a lagging cache', () => {
  it('lets a pod deleted within the lag (or at that instant) still satisfy required pod affinity, and no longer after it', () => {
    const run = (staleness: number, waitMs: number) => {
      const c = cluster({ scheduler: { profiles: [{ schedulerName: 'nobody' }] } });
      const admin = c.client();
      const s = scheduler(c);
      admin.create(R.pods, pod('web', {}, { labels: { app: 'web' } }));
      const affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } };
      admin.create(R.pods, pod('db', { affinity }));
      c.settle();
      s.bind('default', 'web', 'node-1');
      c.settle();
      const h = new HistoryChecker(c, [inv('scheduling-safety')], startOf(c), { staleness, watchesPerturbed: staleness > 0 });
      admin.delete(R.pods, 'default', 'web', { gracePeriodSeconds: 0 });
      c.advance(waitMs);
      s.bind('default', 'db', 'node-1');
      c.settle();
      return h.advance().map((v) => v.message);
    };
    const broken = ['pod "default/db" was bound to node "node-1" although its required pod affinity (kubernetes.io/hostname) has no matching pod in the node\'s domain'];
    // Unperturbed, the scheduler's cache hears of the deletion later in the same instant.
    expect(run(0, 0)).toEqual([]);
    expect(run(0, 1)).toEqual(broken);
    expect(run(1000, 500)).toEqual([]);
    expect(run(1000, 2000)).toEqual(broken);
  });

  it('accepts a spread the state as of an earlier change of that instant allowed, but never forgets the scheduler\'s own bindings', () => {
    const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchLabels: { app: 'web' } } }] };
    const c = createCluster({ seed: 1, nodes: 2, scheduler: { profiles: [{ schedulerName: 'nobody' }] } });
    const admin = c.client();
    const s = scheduler(c);
    for (const n of ['a', 'b', 'c', 'd', 'e']) admin.create(R.pods, pod(n, spread, { labels: { app: 'web' } }));
    c.settle();
    s.bind('default', 'a', 'node-1');
    s.bind('default', 'b', 'node-2');
    c.advance(1000);
    const h = watch(c, 'scheduling-safety');
    // At one instant: "b" begins terminating (spread stops counting it), then "c" is bound to node-1 (2 against 0),
    // which the state before the deletion allowed (2 against 1): the cache may not have heard of it yet.
    admin.delete(R.pods, 'default', 'b');
    s.bind('default', 'c', 'node-1');
    c.settle();
    expect(h.advance()).toEqual([]);
    // Then "d" to node-1 too, at the same instant: 3 against 0, and 3 against 1 before the deletion. The state
    // before "c" was bound would allow it, but the scheduler knows its own bindings from the moment it decides them.
    s.bind('default', 'd', 'node-1');
    c.settle();
    expect(h.advance().map((v) => v.message)).toEqual([
      'pod "default/d" was bound to node "node-1" although placing it in kubernetes.io/hostname=node-1 makes a skew of 3, more than its maxSkew 1',
    ]);
    h.dispose();
  });
});

describe('scheduling-safety for a pod assumed while its volume is provisioned', () => {
  const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'default' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } as KubeObject;
  const withClaim = () => pod('db', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] });

  /** db decided for node-1 (the scheduler writes the node on its claim) or not, then node-1 cordoned, then db bound there. */
  const run = (decidedFirst: boolean) => {
    const c = cluster({ scheduler: { profiles: [{ schedulerName: 'nobody' }] } });
    const admin = c.client();
    const s = scheduler(c);
    admin.create(R.persistentVolumeClaims, claim);
    admin.create(R.pods, withClaim());
    c.settle();
    const h = watch(c, 'scheduling-safety');
    if (decidedFirst) {
      const pvc = s.get(R.persistentVolumeClaims, 'default', 'data') as Stored;
      s.update(R.persistentVolumeClaims, { ...pvc, metadata: { ...pvc.metadata, annotations: { 'volume.kubernetes.io/selected-node': 'node-1' } } });
    }
    c.advance(1000);
    admin.patch(R.nodes, undefined, 'node-1', { spec: { unschedulable: true } }, 'merge');
    c.advance(1000);
    s.bind('default', 'db', 'node-1');
    c.settle();
    return h.advance().map((v) => v.message);
  };

  it('judges a cordon as of the decision, which came before the volume was ready', () => {
    expect(run(true)).toEqual([]);
    expect(run(false)).toEqual([
      'pod "default/db" was bound to node "node-1" although the node has the taint node.kubernetes.io/unschedulable=:NoSchedule, which the pod does not tolerate',
      'pod "default/db" was bound to node "node-1" although the node is cordoned (spec.unschedulable)',
    ]);
  });
});

describe('node-name-set-once', () => {
  it('reports a pod moved to another node', () => {
    const c = cluster();
    c.client().create(R.pods, pod('p'));
    c.settle();
    const h = watch(c, 'node-name-set-once');
    tamper(c, R.pods, 'p', (o) => ({ ...o, spec: { ...(o as Stored<Pod>).spec, nodeName: 'node-2' } }) as Stored);
    expect(h.advance().map((v) => v.message)).toEqual(['pod "default/p" moved from node "node-1" to "node-2"']);
  });
});

describe('resource-versions', () => {
  it('reports a write that keeps the old resourceVersion', () => {
    const c = cluster();
    c.client().create(R.pods, pod('p'));
    c.settle();
    const h = watch(c, 'resource-versions');
    expect(h.advance()).toEqual([]);
    tamper(c, R.pods, 'p', (o) => ({ ...o, metadata: { ...o.metadata, labels: { x: 'y' } } }) as Stored, true);
    expect(h.advance().map((v) => v.message)).toEqual([expect.stringMatching(/^\/registry\/pods\/default\/p carries resourceVersion \d+ after the write of revision \d+$/)]);
  });
});

describe('watch-delivery and list-watch-rebuild', () => {
  it('report a watch that coalesced changes, and one that fell behind', () => {
    const c = createCluster({ seed: 1, nodes: 1, perturbation: { watchDelivery: (b) => (b.watcher === 'kubecuke-observer' ? { delayMs: 100, coalesce: true } : undefined) } });
    const h = watch(c, 'watch-delivery', 'list-watch-rebuild');
    c.client().create(R.pods, pod('p'));
    c.settle();
    const behind = h.advance();
    expect(behind.map((v) => v.invariant)).toEqual(expect.arrayContaining(['watch-delivery', 'list-watch-rebuild']));
    expect(behind.find((v) => v.invariant === 'list-watch-rebuild')!.message).toMatch(/the rebuilt pods lack default\/p/);
    c.advance(1000);
    expect(h.advance().map((v) => `[${v.invariant}] ${v.message}`).join('\n')).toMatch(/\[watch-delivery\] the watch of pods was sent MODIFIED \/registry\/pods\/default\/p at revision \d+ where MODIFIED \/registry\/pods\/default\/p at revision \d+ was due/);
  });
});

describe('eventual invariants', () => {
  it('no-orphans reports replica sets left by a deleted deployment when nothing collects garbage', () => {
    const c = cluster({ disabledControllers: ['garbage-collector-controller'] });
    c.client().create(R.deployments, deployment(1));
    c.advance(10_000);
    expect(inv('no-orphans').unsettled!(liveView(c))).toEqual([]);
    c.client().delete(R.deployments, 'default', 'web');
    c.advance(60_000);
    expect(inv('no-orphans').unsettled!(liveView(c)).join('\n')).toMatch(/replicaset "default\/web-\w+" is owned by Deployment "web" \(uid [\w-]+\), which no longer exists/);
  });

  it('scheduler-liveness reports a pod that fits but is never scheduled', () => {
    const c = cluster({ scheduler: { profiles: [{ schedulerName: 'nobody' }] } });
    c.client().create(R.pods, pod('waiting'));
    c.advance(10 * 60_000);
    expect(inv('scheduler-liveness').unsettled!(liveView(c))).toEqual(['pod "default/waiting" is pending although node "node-1" can take it']);
  });

  it('eventual-stability reports a deployment whose replica sets get no pods', () => {
    const c = cluster({ disabledControllers: ['replicaset-controller'] });
    c.client().create(R.deployments, deployment(2));
    c.advance(60_000);
    expect(inv('eventual-stability').unsettled!(liveView(c))).toContain('deployment "default/web" has 0 live pods, not 2');
    const ok = cluster();
    ok.client().create(R.deployments, deployment(2));
    ok.advance(60_000);
    expect(inv('eventual-stability').unsettled!(liveView(ok))).toEqual([]);
  });
});

describe('pdb-respected', () => {
  it('reports an eviction that takes a budget below its minimum, unless the Eviction API refuses it', () => {
    const c = createCluster({ seed: 1, nodes: 2 });
    const admin = c.client();
    admin.create(R.podDisruptionBudgets, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'default' }, spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } } } as KubeObject);
    admin.create(R.deployments, deployment(2));
    c.advance(30_000);
    const h = watch(c, 'pdb-respected');
    const victim = admin.list<Pod>(R.pods, { namespace: 'default' }).items[0].metadata.name;
    let refused = false;
    try {
      admin.evict('default', victim);
    } catch {
      refused = true;
    }
    c.settle();
    const v = h.advance();
    if (refused) expect(v).toEqual([]);
    else expect(v.map((x) => x.message)).toEqual([`pod "default/${victim}" was evicted although PodDisruptionBudget "web" then had 1 healthy pods, fewer than the 2 it requires`]);
  });
});

describe('preemption-safety', () => {
  it('is quiet while the scheduler preempts a lower priority pod for a higher one', () => {
    const c = createCluster({ seed: 1, nodes: [{ name: 'node-1', cpu: '1' }] });
    const admin = c.client();
    admin.create(R.priorityClasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 } as KubeObject);
    const big = (name: string, extra: Partial<Pod['spec']> = {}) => pod(name, { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '700m' } } }], ...extra });
    admin.create(R.pods, big('low'));
    c.advance(10_000);
    const h = watch(c, 'preemption-safety');
    admin.create(R.pods, big('high', { priorityClassName: 'high' }));
    c.advance(60_000);
    expect(admin.get<Pod>(R.pods, 'default', 'high').spec.nodeName).toBe('node-1');
    expect(h.advance()).toEqual([]);
  });

  it('reports a preemption of an equal-priority pod on another node than it names, while a node could take the preemptor', () => {
    const c = createCluster({ seed: 1, nodes: 2, scheduler: { profiles: [{ schedulerName: 'nobody' }] } });
    const admin = c.client();
    admin.create(R.pods, pod('victim'));
    const preemptor = admin.create(R.pods, pod('preemptor'));
    c.settle();
    const s = scheduler(c);
    s.bind('default', 'victim', 'node-1');
    c.settle();
    const h = watch(c, 'preemption-safety');
    s.patch(R.pods, 'default', 'preemptor', { status: { nominatedNodeName: 'node-2' } }, 'merge', { subresource: 'status' });
    const condition = { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod' };
    s.patch(R.pods, 'default', 'victim', { status: { conditions: [condition] } }, 'merge', { subresource: 'status' });
    const victim = s.get<Pod>(R.pods, 'default', 'victim');
    s.delete(R.pods, 'default', 'victim', { gracePeriodSeconds: 0 });
    s.create(R.events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'victim.1', namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'default', name: 'victim', uid: victim.metadata.uid },
      reason: 'Preempted',
      message: `Preempted by pod ${preemptor.metadata.uid} on node node-2`,
      type: 'Normal',
    } as KubeObject);
    c.settle();
    expect(h.advance().map((v) => v.message)).toEqual([
      'pod "default/preemptor" (priority 0) preempted pod "default/victim" of priority 0',
      'pod "default/preemptor" preempted pod "default/victim" on node "node-1" for room on node "node-2"',
      'pod "default/preemptor" preempted pod "default/victim" although node "node-1" could take it',
    ]);
  });

  it('reports one preemption over two nodes, not two preemptions of one instant on a node each', () => {
    const run = (nominations: string[]) => {
      const c = createCluster({ seed: 1, nodes: [{ name: 'node-1', cpu: '1' }, { name: 'node-2', cpu: '1' }], scheduler: { profiles: [{ schedulerName: 'nobody' }] } });
      const admin = c.client();
      admin.create(R.priorityClasses, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 } as KubeObject);
      const big = (name: string, extra: Partial<Pod['spec']> = {}) => pod(name, { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu: '700m' } } }], ...extra });
      admin.create(R.pods, big('low-1'));
      admin.create(R.pods, big('low-2'));
      const preemptor = admin.create(R.pods, big('high', { priorityClassName: 'high' }));
      c.settle();
      const s = scheduler(c);
      s.bind('default', 'low-1', 'node-1');
      s.bind('default', 'low-2', 'node-2');
      c.settle();
      const h = watch(c, 'preemption-safety');
      const preempt = (victim: string, node: string) => {
        const v = s.get<Pod>(R.pods, 'default', victim);
        s.delete(R.pods, 'default', victim, { gracePeriodSeconds: 0 });
        s.create(R.events, {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: `${victim}.1`, namespace: 'default' },
          involvedObject: { kind: 'Pod', namespace: 'default', name: victim, uid: v.metadata.uid },
          reason: 'Preempted',
          message: `Preempted by pod ${preemptor.metadata.uid} on node ${node}`,
          type: 'Normal',
        } as KubeObject);
      };
      s.patch(R.pods, 'default', 'high', { status: { nominatedNodeName: nominations[0] } }, 'merge', { subresource: 'status' });
      preempt('low-1', 'node-1');
      if (nominations[1]) s.patch(R.pods, 'default', 'high', { status: { nominatedNodeName: nominations[1] } }, 'merge', { subresource: 'status' });
      preempt('low-2', 'node-2');
      c.settle();
      return h.advance().map((v) => v.message);
    };
    expect(run(['node-1'])).toEqual(['pod "default/high" preempted pods on two nodes at once: "node-1" and "node-2"']);
    expect(run(['node-1', 'node-2'])).toEqual([]);
  });
});

describe('endpoints-ready', () => {
  it('reports endpoints that are not the ready pods of a service', () => {
    // Without the EndpointSlice controller the slice says what we write into it.
    const c = createCluster({ seed: 1, nodes: 1, disabledControllers: ['endpointslice-controller'] });
    const admin = c.client();
    admin.create(R.deployments, deployment(1));
    admin.create(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } } as KubeObject);
    c.advance(30_000);
    const ip = admin.list<Pod>(R.pods, { namespace: 'default' }).items[0].status!.podIP!;
    const slice = (addresses: string[]) =>
      ({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'web-x', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
        addressType: 'IPv4',
        endpoints: addresses.map((a) => ({ addresses: [a], conditions: { ready: true } })),
      }) as KubeObject;
    admin.create(R.endpointSlices, slice(['10.244.9.9']));
    expect(inv('endpoints-ready').unsettled!(liveView(c))).toEqual([`service "default/web" has ready endpoints 10.244.9.9, its ready pods are ${ip} (missing ${ip}) (not ready or gone: 10.244.9.9)`]);
    admin.update(R.endpointSlices, slice([ip]));
    expect(inv('endpoints-ready').unsettled!(liveView(c))).toEqual([]);
  });
});
