import { describe, it, expect } from 'vitest';
import { validateCreate, validateUpdate } from '../../../src/engine/api/validation/index.ts';
import { applyDefaults } from '../../../src/engine/api/defaults/index.ts';
import { R, mustResource } from '../../../src/engine/api/kinds.ts';
import type { ResourceType } from '../../../src/engine/api/kinds.ts';
import { fieldErrorMessage } from '../../../src/engine/api/errors.ts';
import type { KubeObject } from '../../../src/engine/api/types.ts';

type Obj = Record<string, any>;

function make(type: ResourceType, body: Obj, name = 'x'): Obj {
  const o: Obj = {
    apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
    kind: type.kind,
    metadata: { name, ...(type.namespaced ? { namespace: 'default' } : {}), uid: 'u1', resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' },
    ...structuredClone(body),
  };
  applyDefaults(type, o as KubeObject);
  return o;
}

const create = (type: ResourceType, o: Obj) => validateCreate(type, o as KubeObject).map(fieldErrorMessage);
const update = (type: ResourceType, o: Obj, old: Obj) => validateUpdate(type, o as KubeObject, old as KubeObject).map(fieldErrorMessage);

describe('HorizontalPodAutoscaler', () => {
  const hpa = (spec: Obj) => make(R.horizontalPodAutoscalers, { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, ...spec } });

  it('accepts a defaulted autoscaler', () => {
    expect(create(R.horizontalPodAutoscalers, hpa({}))).toEqual([]);
  });

  it.each<[string, Obj, string[]]>([
    [
      'zero replicas',
      { minReplicas: 0, maxReplicas: 0 },
      [
        'spec.minReplicas: Invalid value: 0: must be greater than or equal to 1',
        'spec.maxReplicas: Invalid value: 0: must be greater than 0',
        'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas',
      ],
    ],
    ['max below min', { minReplicas: 3, maxReplicas: 2 }, ['spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`']],
    ['no target name', { scaleTargetRef: { kind: 'Deployment' } }, ['spec.scaleTargetRef.name: Required value']],
    [
      'a resource metric with both targets',
      { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0, averageValue: '100m' } } }] },
      [
        'spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0',
        'spec.metrics[0].resource.target.averageValue: Forbidden: may not set both a target raw value and a target utilization',
      ],
    ],
    [
      'a scaling rule without policies',
      { behavior: { scaleDown: { policies: [], stabilizationWindowSeconds: 4000 } } },
      [
        'spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 4000: must be less than or equal to 3600',
        'spec.behavior.scaleDown.policies: Required value: must specify at least one Policy',
      ],
    ],
  ])('rejects %s', (_what, spec, expected) => {
    expect(create(R.horizontalPodAutoscalers, hpa(spec))).toEqual(expected);
  });
});

describe('Ingress and NetworkPolicy', () => {
  const rule = (path: Obj) => ({ rules: [{ host: 'shop.example.com', http: { paths: [path] } }] });
  const backend = { service: { name: 'web', port: { number: 80 } } };

  it('accepts a simple ingress', () => {
    expect(create(R.ingresses, make(R.ingresses, { spec: rule({ path: '/', pathType: 'Prefix', backend }) }))).toEqual([]);
  });

  it.each<[string, Obj, string[]]>([
    ['no rules and no default backend', {}, ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified']],
    ['a path without a type', rule({ path: '/', backend }), ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']],
    ['a relative prefix path', rule({ path: 'api', pathType: 'Prefix', backend }), ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']],
    [
      'a backend without a port',
      rule({ path: '/', pathType: 'Exact', backend: { service: { name: 'web', port: {} } } }),
      ['spec.rules[0].http.paths[0].backend: Required value: port name or number is required'],
    ],
    [
      'an IP as host',
      { rules: [{ host: '10.0.0.1' }] },
      ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'],
    ],
  ])('rejects an ingress with %s', (_what, spec, expected) => {
    expect(create(R.ingresses, make(R.ingresses, { spec }))).toEqual(expected);
  });

  it('checks network policy peers and ports', () => {
    const np = make(R.networkPolicies, {
      spec: {
        podSelector: {},
        ingress: [{ from: [{}, { ipBlock: { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] }, podSelector: {} }], ports: [{ port: 'http', endPort: 90 }] }],
      },
    });
    expect(create(R.networkPolicies, np)).toEqual([
      'spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
      'spec.ingress[0].from[0]: Required value: must specify a peer',
      'spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "11.0.0.0/16": must be a strict subset of `cidr`',
      'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
    ]);
  });
});

describe('storage', () => {
  const pvcType = R.persistentVolumeClaims;
  const pvc = (spec: Obj) => make(pvcType, { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec } });

  it('accepts a claim and checks access modes and size', () => {
    expect(create(pvcType, pvc({}))).toEqual([]);
    expect(create(pvcType, pvc({ accessModes: [], resources: { requests: { storage: '0' } } }))).toEqual([
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Invalid value: "0": must be greater than zero',
    ]);
    expect(create(pvcType, pvc({ accessModes: ['ReadWriteOncePod', 'ReadOnlyMany'] }))).toEqual([
      'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
    ]);
  });

  it('keeps a claim spec immutable but for a bound claim growing', () => {
    const old = pvc({});
    const bigger = pvc({ resources: { requests: { storage: '2Gi' } } });
    expect(update(pvcType, bigger, old)[0]).toMatch(/^spec: Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims\n/);
    bigger.status = { phase: 'Bound' };
    expect(update(pvcType, bigger, old)).toEqual([]);
  });

  it('checks storage classes and their immutability', () => {
    const sc = R.storageClasses;
    expect(create(sc, make(sc, { provisioner: 'example.com/disk' }))).toEqual([]);
    expect(create(sc, make(sc, { provisioner: '', volumeBindingMode: 'Later' }))).toEqual([
      'provisioner: Required value',
      'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"',
    ]);
    const old = make(sc, { provisioner: 'example.com/disk' });
    expect(update(sc, make(sc, { provisioner: 'example.com/other' }), old)).toEqual(['provisioner: Forbidden: updates to provisioner are forbidden.']);
  });
});

describe('RBAC', () => {
  it('checks rules and role references', () => {
    const role = mustResource('rbac.authorization.k8s.io/v1', 'Role');
    expect(create(role, make(role, { rules: [{ verbs: [], apiGroups: [''], resources: ['pods'] }, { verbs: ['get'], nonResourceURLs: ['/healthz'] }] }))).toEqual([
      'rules[0].verbs: Required value: verbs must contain at least one value',
      'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    ]);
    const crb = mustResource('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding');
    const binding = make(crb, { roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'default' }] });
    expect(create(crb, binding)).toEqual([
      'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
      'subjects[0].namespace: Required value',
    ]);
  });
});
