import { describe, it, expect } from 'vitest';
import { HostLocalIPAM } from '../../../src/engine/kubelet/host-local-ipam.ts';
import { capacityOf, healthyConditions, newNode, nodeLabels, type NodeConfig } from '../../../src/engine/kubelet/node-status.ts';

describe('host-local IPAM', () => {
  const ipam = (cidr = '10.244.1.0/24') => {
    const a = new HostLocalIPAM();
    expect(a.setRange(cidr)).toBe(true);
    return a;
  };

  it('is not ready without a range, and refuses unusable CIDRs', () => {
    const a = new HostLocalIPAM();
    expect(a.ready).toBe(false);
    expect(a.allocate()).toBeUndefined();
    expect(a.setRange(undefined)).toBe(false);
    expect(a.setRange('10.244.1.0')).toBe(false);
    expect(a.setRange('10.244.1.0/31')).toBe(false);
    expect(a.ready).toBe(false);
  });

  it('hands out .2 first (.1 is the gateway), then in order', () => {
    const a = ipam();
    expect([a.allocate(), a.allocate(), a.allocate()]).toEqual(['10.244.1.2', '10.244.1.3', '10.244.1.4']);
  });

  it('does not reuse a released address at once: it goes on after the last one given', () => {
    const a = ipam();
    const first = a.allocate();
    a.allocate();
    a.release(first);
    expect(a.allocate()).toBe('10.244.1.4');
  });

  it('wraps around to the lowest free address after .254, never giving the broadcast address', () => {
    const a = ipam();
    const all: string[] = [];
    for (let i = 0; i < 253; i++) all.push(a.allocate()!);
    expect(all[0]).toBe('10.244.1.2');
    expect(all.at(-1)).toBe('10.244.1.254');
    expect(new Set(all).size).toBe(253);
    expect(a.allocate()).toBeUndefined();
    a.release('10.244.1.7');
    a.release('10.244.1.3');
    expect(a.allocate()).toBe('10.244.1.3');
    expect(a.allocate()).toBe('10.244.1.7');
  });

  it('keeps what it gave when told the same range again, and starts afresh on a new one', () => {
    const a = ipam();
    a.allocate();
    expect(a.setRange('10.244.1.0/24')).toBe(true);
    expect(a.allocate()).toBe('10.244.1.3');
    a.setRange('10.244.7.0/24');
    expect(a.allocate()).toBe('10.244.7.2');
  });

  it('takes addresses a pod already had after a restart out of the pool', () => {
    const a = ipam();
    a.reserve('10.244.1.2');
    a.reserve('10.244.1.3');
    expect(a.allocate()).toBe('10.244.1.4');
  });

  it('works on other prefix lengths', () => {
    const a = ipam('10.0.0.0/30');
    // .0 network, .1 gateway, .3 broadcast: one address.
    expect([a.allocate(), a.allocate()]).toEqual(['10.0.0.2', undefined]);
  });
});

describe('node status', () => {
  const cfg: NodeConfig = {
    name: 'node-1',
    cpu: '4',
    memory: '16Gi',
    pods: 110,
    ephemeralStorage: '100Gi',
    labels: { zone: 'a' },
    taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    internalIP: '172.18.0.2',
    machineID: 'abc',
  };
  const T0 = '2025-01-01T00:00:00Z';
  const T1 = '2025-01-01T00:00:10Z';

  it('labels the node as a kubelet does, the user\'s labels last', () => {
    expect(nodeLabels(cfg)).toEqual({
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': 'node-1',
      'kubernetes.io/os': 'linux',
      zone: 'a',
    });
  });

  it('reports capacity, and allocatable equal to it', () => {
    const n = newNode(cfg, T0);
    expect(capacityOf(cfg)).toEqual({ cpu: '4', 'ephemeral-storage': '100Gi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '16Gi', pods: '110' });
    expect(n.status!.allocatable).toEqual(n.status!.capacity);
    expect(n.spec!.taints).toEqual(cfg.taints);
    expect(n.status!.addresses).toEqual([{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'node-1' }]);
    expect(n.status!.nodeInfo).toMatchObject({ kubeletVersion: 'v1.33.1', operatingSystem: 'linux', architecture: 'amd64' });
  });

  it('reports the four conditions with the kubelet\'s reasons and messages', () => {
    expect(healthyConditions(T0, undefined).map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
      ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
    ]);
  });

  it('moves the heartbeat but keeps the transition time while a condition holds', () => {
    const first = healthyConditions(T0, undefined);
    const next = healthyConditions(T1, first);
    for (const c of next) expect([c.lastHeartbeatTime, c.lastTransitionTime]).toEqual([T1, T0]);
    const wasUnknown = first.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown' } : c));
    const ready = healthyConditions(T1, wasUnknown).find((c) => c.type === 'Ready')!;
    expect(ready.lastTransitionTime).toBe(T1);
  });
});
