import { describe, it, expect } from 'vitest';
import { validateCreate, validateStatusUpdate, validateUpdate } from '../../../src/engine/api/validation/index.ts';
import { applyDefaults } from '../../../src/engine/api/defaults/index.ts';
import { R, mustResource } from '../../../src/engine/api/kinds.ts';
import type { ResourceType } from '../../../src/engine/api/kinds.ts';
import { fieldErrorMessage } from '../../../src/engine/api/errors.ts';
import type { KubeObject } from '../../../src/engine/api/types.ts';

type Obj = Record<string, any>;

const template = () => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } });

function workload(type: ResourceType, spec: Obj, edit: (o: Obj) => void = () => {}): Obj {
  const o: Obj = {
    apiVersion: `${type.group}/${type.version}`,
    kind: type.kind,
    metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' },
    spec: { selector: { matchLabels: { app: 'web' } }, template: template(), ...spec },
  };
  applyDefaults(type, o as KubeObject);
  edit(o);
  return o;
}

const create = (type: ResourceType, o: Obj) => validateCreate(type, o as KubeObject).map(fieldErrorMessage);
const update = (type: ResourceType, o: Obj, old: Obj) => validateUpdate(type, o as KubeObject, old as KubeObject).map(fieldErrorMessage);

describe('Deployment', () => {
  const d = (edit: (o: Obj) => void = () => {}) => workload(R.deployments, {}, edit);

  it('accepts a defaulted deployment', () => {
    expect(create(R.deployments, d())).toEqual([]);
  });

  it.each<[string, (o: Obj) => void, string[]]>([
    ['negative replicas', (o) => (o.spec.replicas = -1), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    [
      'no selector',
      (o) => delete o.spec.selector,
      ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
    ],
    [
      'an empty selector',
      (o) => (o.spec.selector = {}),
      ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'],
    ],
    [
      'a selector that does not match',
      (o) => (o.spec.selector = { matchLabels: { app: 'api' } }),
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
    ],
    [
      'a template without labels',
      (o) => delete o.spec.template.metadata.labels,
      ['spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`'],
    ],
    [
      'a bad selector operator',
      (o) => (o.spec.selector = { matchExpressions: [{ key: 'app', operator: 'Like', values: ['web'] }] }),
      [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator',
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"Like", Values:[]string{"web"}}}}: invalid label selector',
      ],
    ],
    [
      'maxSurge and maxUnavailable both 0',
      (o) => (o.spec.strategy.rollingUpdate = { maxSurge: 0, maxUnavailable: 0 }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'],
    ],
    [
      'percentages of 0% and above 100%',
      (o) => (o.spec.strategy.rollingUpdate = { maxSurge: '0%', maxUnavailable: '110%' }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"110%"}: must not be greater than 100%'],
    ],
    [
      'a malformed percentage and a negative count',
      (o) => (o.spec.strategy.rollingUpdate = { maxSurge: -1, maxUnavailable: '25' }),
      [
        `spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"25"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
        'spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0',
      ],
    ],
    [
      'rollingUpdate on a Recreate strategy',
      (o) => (o.spec.strategy.type = 'Recreate'),
      ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    ],
    [
      'an unknown strategy',
      (o) => (o.spec.strategy = { type: 'BlueGreen' }),
      ['spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'],
    ],
    [
      'a progress deadline not above minReadySeconds',
      (o) => (o.spec.minReadySeconds = 600),
      ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds'],
    ],
    ['a negative history limit', (o) => (o.spec.revisionHistoryLimit = -1), ['spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0']],
    [
      'a template that does not restart always',
      (o) => (o.spec.template.spec.restartPolicy = 'OnFailure'),
      ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"'],
    ],
    [
      'an active deadline in the template',
      (o) => (o.spec.template.spec.activeDeadlineSeconds = 10),
      ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'],
    ],
    [
      'a container error in the template',
      (o) => delete o.spec.template.spec.containers[0].image,
      ['spec.template.spec.containers[0].image: Required value'],
    ],
  ])('rejects %s', (_what, edit, expected) => {
    expect(create(R.deployments, d(edit))).toEqual(expected);
  });

  it('keeps the selector immutable in apps/v1', () => {
    const old = d();
    const next = d((o) => {
      o.spec.selector = { matchLabels: { app: 'web', tier: 'front' } };
      o.spec.template.metadata.labels.tier = 'front';
    });
    expect(update(R.deployments, next, old)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
    expect(update(R.deployments, d((o) => (o.spec.replicas = 5)), old)).toEqual([]);
  });

  it('checks status counters', () => {
    const old = d();
    const next = d((o) => (o.status = { replicas: 1, readyReplicas: 2, availableReplicas: 2, collisionCount: -1 }));
    expect(validateStatusUpdate(R.deployments, next as KubeObject, old as KubeObject).map(fieldErrorMessage)).toEqual([
      'status.collisionCount: Invalid value: -1: must be greater than or equal to 0',
      'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 2: cannot be greater than status.replicas',
    ]);
  });
});

describe('ReplicaSet', () => {
  it('shares the deployment rules, its empty-selector message included', () => {
    expect(create(R.replicaSets, workload(R.replicaSets, {}))).toEqual([]);
    expect(create(R.replicaSets, workload(R.replicaSets, {}, (o) => (o.spec.selector = {})))).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
    ]);
  });

  it('keeps the selector immutable', () => {
    const old = workload(R.replicaSets, {});
    const next = workload(R.replicaSets, {}, (o) => (o.spec.selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }] }));
    expect(update(R.replicaSets, next, old)[0]).toMatch(/^spec\.selector: Invalid value: v1\.LabelSelector\{.*\}: field is immutable$/);
  });
});

describe('StatefulSet', () => {
  const s = (edit: (o: Obj) => void = () => {}) => workload(R.statefulSets, { serviceName: 'web' }, edit);

  it('accepts a defaulted statefulset', () => {
    expect(create(R.statefulSets, s())).toEqual([]);
  });

  it.each<[string, (o: Obj) => void, string[]]>([
    ['an unknown pod management policy', (o) => (o.spec.podManagementPolicy = 'Random'), ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"]],
    ['a negative partition', (o) => (o.spec.updateStrategy.rollingUpdate.partition = -1), ['spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0']],
    [
      'an empty selector',
      (o) => (o.spec.selector = {}),
      ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset'],
    ],
    ['an active deadline', (o) => (o.spec.template.spec.activeDeadlineSeconds = 5), ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported']],
  ])('rejects %s', (_what, edit, expected) => {
    expect(create(R.statefulSets, s(edit))).toEqual(expected);
  });

  it('does not validate the pod spec of its template (as in 1.33)', () => {
    expect(create(R.statefulSets, s((o) => delete o.spec.template.spec.containers[0].image))).toEqual([]);
  });

  it('forbids changes outside replicas, template, strategies, ordinals and minReadySeconds', () => {
    const old = s();
    expect(update(R.statefulSets, s((o) => (o.spec.replicas = 3)), old)).toEqual([]);
    expect(update(R.statefulSets, s((o) => (o.spec.serviceName = 'other')), old)).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});

describe('DaemonSet', () => {
  const ds = (edit: (o: Obj) => void = () => {}) => workload(R.daemonSets, {}, edit);

  it('accepts a defaulted daemonset', () => {
    expect(create(R.daemonSets, ds())).toEqual([]);
  });

  it.each<[string, (o: Obj) => void, string[]]>([
    [
      'both maxSurge and maxUnavailable',
      (o) => (o.spec.updateStrategy.rollingUpdate = { maxSurge: 1, maxUnavailable: 1 }),
      ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero'],
    ],
    [
      'neither maxSurge nor maxUnavailable',
      (o) => (o.spec.updateStrategy.rollingUpdate = { maxSurge: 0, maxUnavailable: 0 }),
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0'],
    ],
    [
      'a missing selector (which matches nothing)',
      (o) => delete o.spec.selector,
      ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
    ],
  ])('rejects %s', (_what, edit, expected) => {
    expect(create(R.daemonSets, ds(edit))).toEqual(expected);
  });
});

describe('ReplicationController', () => {
  const rcType = mustResource('v1', 'ReplicationController');
  it('defaults its selector from the template and requires one', () => {
    const rc: Obj = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc', namespace: 'default' }, spec: { template: template() } };
    applyDefaults(rcType, rc as KubeObject);
    expect(create(rcType, rc)).toEqual([]);
    rc.spec.selector = {};
    expect(create(rcType, rc)).toEqual(['spec.selector: Required value']);
  });
});
