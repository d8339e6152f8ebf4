import { describe, it, expect } from 'vitest';
import { validateCreate, validateStatusUpdate, validateUpdate } from '../../../src/engine/api/validation/index.ts';
import { applyDefaults } from '../../../src/engine/api/defaults/index.ts';
import { R, mustResource } from '../../../src/engine/api/kinds.ts';
import type { ResourceType } from '../../../src/engine/api/kinds.ts';
import { fieldErrorMessage } from '../../../src/engine/api/errors.ts';
import type { KubeObject } from '../../../src/engine/api/types.ts';

type Obj = Record<string, any>;

const STORED = { uid: 'u1', resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' };

function make(type: ResourceType, body: Obj, name = 'x'): Obj {
  const o: Obj = {
    apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
    kind: type.kind,
    metadata: { name, ...(type.namespaced ? { namespace: 'default' } : {}), ...STORED },
    ...structuredClone(body),
  };
  applyDefaults(type, o as KubeObject);
  return o;
}

const create = (type: ResourceType, o: Obj) => validateCreate(type, o as KubeObject).map(fieldErrorMessage);
const update = (type: ResourceType, o: Obj, old: Obj) => validateUpdate(type, o as KubeObject, old as KubeObject).map(fieldErrorMessage);
const status = (type: ResourceType, o: Obj, old: Obj) => validateStatusUpdate(type, o as KubeObject, old as KubeObject).map(fieldErrorMessage);

describe('Node', () => {
  it('validates taints (reported under metadata.taints, as upstream does)', () => {
    const node = make(R.nodes, {
      spec: {
        taints: [
          { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
          { key: 'dedicated', value: 'cpu', effect: 'NoSchedule' },
          { key: 'bad key', effect: 'Sometimes' },
          { key: 'x', effect: '' },
        ],
      },
    });
    expect(create(R.nodes, node)).toEqual([
      'metadata.taints[1]: Duplicate value: core.Taint{Key:"dedicated", Value:"cpu", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair',
      "metadata.taints[2].key: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'metadata.taints[2].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      'metadata.taints[3].effect: Required value',
    ]);
  });

  it('validates pod CIDRs and keeps them once set', () => {
    expect(create(R.nodes, make(R.nodes, { spec: { podCIDR: '10.244.1.0/33' } }))).toEqual([
      'spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
    expect(create(R.nodes, make(R.nodes, { spec: { podCIDRs: ['10.244.1.0/24', '10.244.2.0/24'] } }))).toEqual([
      'spec.podCIDRs: Invalid value: []string{"10.244.1.0/24", "10.244.2.0/24"}: may specify no more than one CIDR for each IP family',
    ]);
    const old = make(R.nodes, { spec: { podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } });
    expect(update(R.nodes, make(R.nodes, { spec: { unschedulable: true, podCIDR: '10.244.1.0/24', podCIDRs: ['10.244.1.0/24'] } }), old)).toEqual([]);
    expect(update(R.nodes, make(R.nodes, { spec: { podCIDR: '10.244.9.0/24', podCIDRs: ['10.244.9.0/24'] } }), old)).toEqual([
      'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    ]);
    const unset = make(R.nodes, {});
    expect(update(R.nodes, old, unset)).toEqual([]);
  });

  it('checks capacity quantities and addresses in status updates', () => {
    const old = make(R.nodes, { status: { capacity: { cpu: '4' } } });
    const next = make(R.nodes, { status: { capacity: { cpu: '-4', pods: '1.5' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }, { type: 'InternalIP', address: '10.0.0.1' }] } });
    const errs = status(R.nodes, next, old);
    expect(errs[0]).toBe('status.capacity.cpu: Invalid value: "-4": must be greater than or equal to 0');
    expect(errs[1]).toMatch(/^status\.capacity\.pods: Invalid value: resource\.Quantity\{.*s:"1500m".*\}: must be an integer$/);
    expect(errs).toContain('status.addresses[1]: Duplicate value: core.NodeAddress{Type:"InternalIP", Address:"10.0.0.1"}');
  });
});

describe('Namespace', () => {
  it('validates spec finalizers on the list path', () => {
    expect(create(R.namespaces, make(R.namespaces, { spec: { finalizers: ['kubernetes', 'cleanup'] } }, 'team-a'))).toEqual([
      'spec.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });

  it('ties the phase to the deletion timestamp', () => {
    const old = make(R.namespaces, {}, 'team-a');
    expect(status(R.namespaces, { ...old, status: { phase: 'Terminating' } }, old)).toEqual([
      "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty",
    ]);
  });
});

describe('ConfigMap and Secret', () => {
  it('checks keys, duplicates and size', () => {
    expect(create(R.configMaps, make(R.configMaps, { data: { 'a/b': 'x', dup: 'y' }, binaryData: { dup: 'eQ==' } }))).toEqual([
      "data[a/b]: Invalid value: \"a/b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      'data[dup]: Invalid value: "dup": duplicate of key present in binaryData',
    ]);
    expect(create(R.configMaps, make(R.configMaps, { data: { big: 'x'.repeat(1024 * 1024 + 1) } }))).toEqual([': Too long: may not be more than 1048576 bytes']);
  });

  it('keeps immutable config maps immutable', () => {
    const old = make(R.configMaps, { data: { a: '1' }, immutable: true });
    expect(update(R.configMaps, make(R.configMaps, { data: { a: '2' } }), old)).toEqual([
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });

  it('checks secret data by type', () => {
    expect(create(R.secrets, make(R.secrets, { type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } }))).toEqual(['data[tls.key]: Required value']);
    expect(create(R.secrets, make(R.secrets, { type: 'kubernetes.io/dockerconfigjson', stringData: { '.dockerconfigjson': 'nope' } }))).toEqual([
      "data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'n' looking for beginning of value",
    ]);
    expect(create(R.secrets, make(R.secrets, { type: 'kubernetes.io/service-account-token' }))).toEqual([
      'metadata.annotations[kubernetes.io/service-account.name]: Required value',
    ]);
    expect(create(R.secrets, make(R.secrets, { stringData: { '.hidden': 'ok', '..x': 'no' } }))).toEqual(["data[..x]: Invalid value: \"..x\": must not start with '..'"]);
  });

  it('keeps the secret type immutable', () => {
    const old = make(R.secrets, { data: { a: 'eA==' } });
    expect(update(R.secrets, make(R.secrets, { type: 'kubernetes.io/basic-auth', data: { username: 'eA==' } }), old)).toEqual([
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    ]);
  });
});

describe('Service', () => {
  const svc = (spec: Obj) => make(R.services, { spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...spec } }, 'web');

  it('accepts a defaulted service', () => {
    expect(create(R.services, svc({}))).toEqual([]);
    expect(create(R.services, svc({ type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))).toEqual([]);
    expect(create(R.services, svc({ clusterIP: 'None' }))).toEqual([]);
  });

  it.each<[string, Obj, string[]]>([
    ['no ports', { ports: [] }, ['spec.ports: Required value']],
    [
      'unnamed ports among several',
      { ports: [{ port: 80 }, { port: 443 }] },
      ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'],
    ],
    [
      'a bad port, protocol and selector',
      { ports: [{ port: 0, targetPort: 8080, protocol: 'ICMP' }], selector: { app: '-x' } },
      [
        'spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'spec.ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
        expect.stringMatching(/^spec\.selector: Invalid value: "-x": a valid label must be an empty string/) as unknown as string,
      ],
    ],
    ['an unknown type', { type: 'Internal' }, ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    ['a node port on a ClusterIP service', { ports: [{ port: 80, nodePort: 30080 }] }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    [
      'duplicate ports',
      { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] },
      ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'],
    ],
    ['a bad cluster IP', { clusterIP: '10.96.0.300' }, ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['a headless NodePort service', { type: 'NodePort', clusterIP: 'None' }, ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]],
  ])('rejects %s', (_what, spec, expected) => {
    expect(create(R.services, svc(spec))).toEqual(expected);
  });

  it('keeps the cluster IP once set', () => {
    const old = svc({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'] });
    const next = svc({ clusterIP: '10.96.0.11', clusterIPs: ['10.96.0.11'] });
    expect(update(R.services, next, old)).toEqual(['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set']);
  });
});

describe('other core and small kinds', () => {
  it('checks that an event lives in its object namespace', () => {
    const ev = make(R.events, { involvedObject: { kind: 'Pod', name: 'web', namespace: 'other' }, reason: 'Started' });
    expect(create(R.events, ev)).toEqual(['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  });

  it('checks lease durations', () => {
    expect(create(R.leases, make(R.leases, { spec: { leaseDurationSeconds: 0, leaseTransitions: -1 } }))).toEqual([
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('limits priority class values and reserves the system- prefix', () => {
    const pc = R.priorityClasses;
    expect(create(pc, make(pc, { value: 2_000_000_000 }, 'high'))).toEqual(['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']);
    expect(create(pc, make(pc, { value: 1 }, 'system-mine'))).toEqual([
      "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class",
    ]);
    expect(create(pc, make(pc, { value: 2_000_001_000 }, 'system-node-critical'))).toEqual([]);
    const old = make(pc, { value: 10 }, 'high');
    expect(update(pc, make(pc, { value: 20 }, 'high'), old)).toEqual(['value: Forbidden: may not be changed in an update.']);
  });

  it('allows minAvailable or maxUnavailable in a disruption budget, not both', () => {
    const pdb = R.podDisruptionBudgets;
    const both = make(pdb, { spec: { minAvailable: 1, maxUnavailable: '10%', selector: { matchLabels: { app: 'web' } } } });
    expect(create(pdb, both)).toEqual([
      'spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:&intstr.IntOrString{Type:0, IntVal:1, StrVal:""}, Selector:&v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}, MaxUnavailable:&intstr.IntOrString{Type:1, IntVal:0, StrVal:"10%"}, UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set',
    ]);
    expect(create(pdb, make(pdb, { spec: { minAvailable: '120%' } }))).toEqual([
      'spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%',
    ]);
    // Its metadata is checked by the generic registry, with path-segment names.
    expect(create(pdb, make(pdb, { spec: { minAvailable: 1 } }, 'Web_Budget'))).toEqual([]);
  });

  it('validates service account names like other names', () => {
    const sa = mustResource('v1', 'ServiceAccount');
    expect(create(sa, make(sa, {}, 'default'))).toEqual([]);
    expect(create(sa, make(sa, {}, 'Default'))[0]).toMatch(/^metadata\.name: Invalid value: "Default": a lowercase RFC 1123 subdomain/);
  });
});
