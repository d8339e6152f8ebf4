/**
 * The scheduler on a running cluster: the queue (retries on the events that
 * can help, the leftover flush, scheduling gates), preemption, nominated
 * pods, PriorityClasses, profiles and the configuration's validation.
 */
import { describe, it, expect } from 'vitest';
import {
  R,
  SchedulerConfigError,
  createCluster,
  isStatusError,
  validateSchedulerConfiguration,
  type Cluster,
  type KubeEvent,
  type KubeObject,
  type NodeOptions,
  type Pod,
  type SchedulerConfiguration,
  type Stored,
} from '../../../src/engine/index.ts';

function cluster(nodes: number | NodeOptions[] = 3, scheduler?: SchedulerConfiguration): Cluster {
  return createCluster({ seed: 1, nodes, scheduler });
}

function create(c: Cluster, o: Record<string, unknown>): void {
  const type = o.kind === 'Pod' ? R.pods : o.kind === 'PriorityClass' ? R.priorityClasses : o.kind === 'PodDisruptionBudget' ? R.podDisruptionBudgets : o.kind === 'StorageClass' ? R.storageClasses : R.persistentVolumeClaims;
  c.client().create(type, { metadata: { namespace: 'default' }, ...o } as unknown as KubeObject);
  c.settle();
}

function pod(name: string, spec: Record<string, unknown> = {}, labels?: Record<string, string>, cpu?: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { containers: [{ name: 'c', image: 'nginx', ...(cpu ? { resources: { requests: { cpu } } } : {}) }], ...spec },
  };
}

const priorityClass = (name: string, value: number, extra: Record<string, unknown> = {}) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });

const get = (c: Cluster, name: string) => c.client().get<Pod>(R.pods, 'default', name) as Stored<Pod>;
const nodeOf = (c: Cluster, name: string) => get(c, name).spec.nodeName;
const failedScheduling = (c: Cluster, name: string) =>
  c.client()
    .list<KubeEvent>(R.events, { namespace: 'default' })
    .items.filter((e) => e.involvedObject.name === name && e.reason === 'FailedScheduling')
    .reduce((n, e) => n + (e.count ?? 1), 0);

describe('the scheduling queue', () => {
  it('retries a pod at once when a node that fits it joins', () => {
    const c = cluster(1);
    create(c, pod('big', {}, undefined, '6'));
    expect(nodeOf(c, 'big')).toBeUndefined();
    expect(c.scheduler.queueSnapshot().unschedulable).toEqual(['default/big']);
    c.addNode({ name: 'large', cpu: '8' });
    c.settle();
    expect(nodeOf(c, 'big')).toBe('large');
  });

  it('retries a pod that lacked room when a pod on a node is deleted', () => {
    const c = cluster(1);
    create(c, pod('first', {}, undefined, '3'));
    create(c, pod('second', {}, undefined, '3'));
    expect(nodeOf(c, 'second')).toBeUndefined();
    c.client().delete(R.pods, 'default', 'first', { gracePeriodSeconds: 0 });
    c.settle();
    expect(nodeOf(c, 'second')).toBe('node-1');
  });

  it('leaves pods an event cannot help waiting, and flushes them after 5 minutes (checked every 30 s)', () => {
    const c = cluster(1);
    create(c, pod('picky', { nodeSelector: { disktype: 'ssd' } }));
    expect(failedScheduling(c, 'picky')).toBe(1);
    // A pod deletion cannot help a node selector.
    create(c, pod('other'));
    c.client().delete(R.pods, 'default', 'other', { gracePeriodSeconds: 0 });
    c.settle();
    expect(failedScheduling(c, 'picky')).toBe(1);
    c.advance(329_000);
    expect(failedScheduling(c, 'picky')).toBe(1);
    c.advance(1_000);
    expect(failedScheduling(c, 'picky')).toBe(2);
    // A node label that matches is an event that helps.
    const n = c.client().get(R.nodes, undefined, 'node-1');
    c.client().update(R.nodes, { ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, disktype: 'ssd' } } });
    c.settle();
    expect(nodeOf(c, 'picky')).toBe('node-1');
  });

  it('keeps pods with scheduling gates out of the queue until the gates are gone', () => {
    const c = cluster(1);
    create(c, pod('gated', { schedulingGates: [{ name: 'example.com/quota' }] }));
    const p = get(c, 'gated');
    expect(p.status?.conditions).toEqual([{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }]);
    expect(failedScheduling(c, 'gated')).toBe(0);
    expect(c.scheduler.queueSnapshot().gated).toEqual(['default/gated']);
    c.client().patch(R.pods, 'default', 'gated', { spec: { schedulingGates: null } }, 'merge');
    c.settle();
    expect(nodeOf(c, 'gated')).toBe('node-1');
  });

  it('leaves pods of other schedulers alone', () => {
    const c = cluster(1);
    create(c, pod('mine', { schedulerName: 'my-scheduler' }));
    expect(get(c, 'mine').status?.conditions ?? []).toEqual([]);
    expect(c.scheduler.queueSnapshot().active).toEqual([]);
  });
});

describe('preemption', () => {
  it('evicts the lowest-priority pods, nominates the node, then places the pod', () => {
    const c = cluster([{ name: 'n1', cpu: '4' }]);
    create(c, priorityClass('low', 100));
    create(c, priorityClass('mid', 500));
    create(c, priorityClass('high', 1000));
    create(c, pod('low-1', { priorityClassName: 'low' }, undefined, '1500m'));
    create(c, pod('mid-1', { priorityClassName: 'mid' }, undefined, '1500m'));
    create(c, pod('high-1', { priorityClassName: 'high' }, undefined, '2'));
    const preempted = c.client().list<KubeEvent>(R.events, { namespace: 'default' }).items.filter((e) => e.reason === 'Preempted');
    expect(preempted.map((e) => e.involvedObject.name)).toEqual(['low-1']);
    expect(preempted[0].message).toBe(`Preempted by pod ${get(c, 'high-1').metadata.uid} on node n1`);
    expect(get(c, 'high-1').status?.nominatedNodeName).toBe('n1');
    c.advance(35_000);
    expect(nodeOf(c, 'high-1')).toBe('n1');
    expect(nodeOf(c, 'mid-1')).toBe('n1');
    expect(() => get(c, 'low-1')).toThrow(/not found/);
  });

  it('marks victims with the DisruptionTarget condition before deleting them gracefully', () => {
    const c = cluster([{ name: 'n1', cpu: '2' }]);
    create(c, priorityClass('high', 1000));
    // A shell as PID 1 ignores SIGTERM: the pod stays Terminating for its grace period.
    const stubborn = { name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 3600'], resources: { requests: { cpu: '2' } } };
    create(c, pod('victim', { terminationGracePeriodSeconds: 60, containers: [stubborn] }));
    create(c, pod('vip', { priorityClassName: 'high' }, undefined, '1'));
    const v = get(c, 'victim');
    expect(v.metadata.deletionTimestamp).toBeDefined();
    expect(v.status?.conditions?.find((x) => x.type === 'DisruptionTarget')).toMatchObject({
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: 'default-scheduler: preempting to accommodate a higher priority pod',
    });
  });

  it('does not preempt pods of equal priority', () => {
    const c = cluster([{ name: 'n1', cpu: '2' }]);
    create(c, pod('a', {}, undefined, '2'));
    create(c, pod('b', {}, undefined, '2'));
    expect(get(c, 'b').status?.conditions?.find((x) => x.type === 'PodScheduled')?.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('prefers the node whose victims no PodDisruptionBudget protects', () => {
    const c = cluster([{ name: 'n1', cpu: '2' }, { name: 'n2', cpu: '2' }]);
    create(c, priorityClass('high', 1000));
    create(c, pod('guarded', { nodeName: 'n1' }, { app: 'guarded' }, '2'));
    create(c, pod('free', { nodeName: 'n2' }, { app: 'free' }, '2'));
    create(c, { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'guard' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } } });
    create(c, pod('vip', { priorityClassName: 'high' }, undefined, '1'));
    expect(get(c, 'vip').status?.nominatedNodeName).toBe('n2');
  });

  it('keeps a nominated node for the preemptor: lower-priority pods may not take it', () => {
    const c = cluster([{ name: 'n1', cpu: '2' }]);
    create(c, priorityClass('high', 1000));
    const stubborn = { name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 3600'], resources: { requests: { cpu: '2' } } };
    create(c, pod('victim', { terminationGracePeriodSeconds: 30, containers: [stubborn] }));
    create(c, pod('vip', { priorityClassName: 'high' }, undefined, '2'));
    expect(get(c, 'vip').status?.nominatedNodeName).toBe('n1');
    create(c, pod('sneaky', {}, undefined, '1'));
    c.advance(31_000);
    expect(nodeOf(c, 'vip')).toBe('n1');
    expect(nodeOf(c, 'sneaky')).toBeUndefined();
  });
});

describe('PriorityClasses', () => {
  it('gives pods without a class the global default, and allows only one default', () => {
    const c = cluster(1);
    create(c, priorityClass('standard', 50, { globalDefault: true }));
    create(c, pod('p'));
    expect(get(c, 'p').spec).toMatchObject({ priorityClassName: 'standard', priority: 50, preemptionPolicy: 'PreemptLowerPriority' });
    let err: unknown;
    try {
      create(c, priorityClass('another', 60, { globalDefault: true }));
    } catch (e) {
      err = e;
    }
    expect(isStatusError(err, 'Forbidden')).toBe(true);
    expect((err as Error).message).toBe('priorityclasses.scheduling.k8s.io "another" is forbidden: PriorityClass standard is marked as default. Only one default can exist');
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a value above one billion', priorityClass('huge', 2_000_000_000), 'value: Forbidden: maximum allowed value of a user defined priority is 1000000000'],
    ['the reserved system- prefix', priorityClass('system-mine', 10), "priority class names with 'system-' prefix are reserved for system use only"],
  ])('refuses %s', (_what, pc, want) => {
    const c = cluster(0);
    expect(() => create(c, pc)).toThrow(want);
  });

  it('refuses a preemptionPolicy that contradicts the class', () => {
    const c = cluster(0);
    create(c, priorityClass('polite', 10, { preemptionPolicy: 'Never' }));
    expect(() => create(c, pod('p', { priorityClassName: 'polite', preemptionPolicy: 'PreemptLowerPriority' }))).toThrow(
      'the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name',
    );
  });
});

describe('profiles and configuration', () => {
  it('schedules each pod with the profile its schedulerName names', () => {
    const c = cluster([{ name: 'small', cpu: '2' }, { name: 'large', cpu: '8' }], {
      profiles: [
        { schedulerName: 'default-scheduler' },
        // Without BalancedAllocation, whose preference for the emptier large node would tie with MostAllocated's.
        {
          schedulerName: 'bin-packer',
          plugins: { multiPoint: { disabled: [{ name: 'NodeResourcesBalancedAllocation' }] } },
          pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'MostAllocated' } } }],
        },
      ],
    });
    create(c, pod('spread', {}, undefined, '1'));
    create(c, pod('packed', { schedulerName: 'bin-packer' }, undefined, '1'));
    expect([nodeOf(c, 'spread'), nodeOf(c, 'packed')]).toEqual(['large', 'small']);
  });

  it('can be restarted with another configuration', () => {
    const c = cluster([{ name: 'n1', taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }]);
    create(c, pod('p'));
    expect(nodeOf(c, 'p')).toBeUndefined();
    c.configureScheduler({ profiles: [{ schedulerName: 'default-scheduler', plugins: { multiPoint: { disabled: [{ name: 'TaintToleration' }] } } }] });
    expect(nodeOf(c, 'p')).toBe('n1');
  });

  it.each<[string, SchedulerConfiguration, string]>([
    ['percentageOfNodesToScore out of range', { percentageOfNodesToScore: 120 }, 'percentageOfNodesToScore: Invalid value: 120: not in valid range [0-100]'],
    ['backoff out of order', { podInitialBackoffSeconds: 5, podMaxBackoffSeconds: 2 }, 'podMaxBackoffSeconds: Invalid value: 2: must be greater than or equal to PodInitialBackoffSeconds'],
    ['profiles without names', { profiles: [{}, {}] }, '[profiles[0].schedulerName: Required value, profiles[1].schedulerName: Required value]'],
    ['two profiles of one name', { profiles: [{ schedulerName: 'a' }, { schedulerName: 'a' }] }, 'profiles[1].schedulerName: Duplicate value'],
    ['an unknown plugin', { profiles: [{ schedulerName: 'x', plugins: { multiPoint: { enabled: [{ name: 'Foo' }] } } }] }, 'creating profile for scheduler name x: PreFilterPlugin "Foo" does not exist'],
    [
      'a bad scoring strategy',
      { profiles: [{ schedulerName: 'x', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { type: 'Fastest' } } }] }] },
      'profiles[0].pluginConfig[0].args.scoringStrategy.type: Unsupported value: "Fastest": supported values: "LeastAllocated", "MostAllocated", "RequestedToCapacityRatio"',
    ],
    [
      'a resource weight out of range',
      { profiles: [{ schedulerName: 'x', pluginConfig: [{ name: 'NodeResourcesFit', args: { scoringStrategy: { resources: [{ name: 'cpu', weight: 0 }] } } }] }] },
      'profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight: Invalid value: 0: resource weight of cpu not in valid range (0, 100]',
    ],
    [
      'hardPodAffinityWeight out of range',
      { profiles: [{ schedulerName: 'x', pluginConfig: [{ name: 'InterPodAffinity', args: { hardPodAffinityWeight: 101 } }] }] },
      'profiles[0].pluginConfig[0].args.hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]',
    ],
    [
      'default spread constraints with System defaulting',
      { profiles: [{ schedulerName: 'x', pluginConfig: [{ name: 'PodTopologySpread', args: { defaultConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway' }] } }] }] },
      'profiles[0].pluginConfig[0].args.defaultingType: Invalid value: "System": when .defaultConstraints are not empty',
    ],
    [
      'queue sort differing between profiles',
      { profiles: [{ schedulerName: 'a' }, { schedulerName: 'b', plugins: { queueSort: { disabled: [{ name: '*' }] } } }] },
      'profiles[1].plugins.queueSort: Invalid value',
    ],
  ])('refuses %s', (_what, config, want) => {
    let err: unknown;
    try {
      validateSchedulerConfiguration(config);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SchedulerConfigError);
    expect((err as Error).message).toContain(want);
    expect(() => cluster(0, config)).toThrow(SchedulerConfigError);
  });
});

describe('WaitForFirstConsumer volumes', () => {
  const sc = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'wait' }, provisioner: 'example.com/csi', volumeBindingMode: 'WaitForFirstConsumer' };
  const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { storageClassName: 'wait', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  const user = pod('db', { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] });

  it('tells the provisioner which node it chose, and binds the pod once the claim is bound', () => {
    const c = cluster(2);
    create(c, sc);
    create(c, claim);
    create(c, user);
    // The scheduler chose a node and annotated the claim; the (engine's) provisioner made a volume there.
    const pvc = c.client().get(R.persistentVolumeClaims, 'default', 'data');
    const chosen = pvc.metadata.annotations?.['volume.kubernetes.io/selected-node'];
    expect(['node-1', 'node-2']).toContain(chosen);
    expect(nodeOf(c, 'db')).toBeUndefined();
    // VolumeBinding's PreBind checks every second whether the claim is bound.
    c.advance(1_000);
    expect((c.client().get(R.persistentVolumeClaims, 'default', 'data').status as { phase?: string } | undefined)?.phase).toBe('Bound');
    expect(nodeOf(c, 'db')).toBe(chosen);
  });

  it('gives up after bindTimeoutSeconds and tries again', () => {
    // No provisioner runs: the claim is never bound.
    const c = createCluster({
      seed: 1,
      nodes: 1,
      disabledControllers: ['external-provisioner'],
      scheduler: { profiles: [{ schedulerName: 'default-scheduler', pluginConfig: [{ name: 'VolumeBinding', args: { bindTimeoutSeconds: 30 } }] }] },
    });
    create(c, sc);
    create(c, claim);
    create(c, user);
    c.advance(31_000);
    const msg = get(c, 'db').status?.conditions?.find((x) => x.type === 'PodScheduled')?.message;
    expect(msg).toBe('running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded');
    expect(get(c, 'db').status?.conditions?.find((x) => x.type === 'PodScheduled')?.reason).toBe('SchedulerError');
  });
});
