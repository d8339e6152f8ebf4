import { describe, it, expect } from 'vitest';
import { validateCreate, validateStatusUpdate, validateUpdate } from '../../../src/engine/api/validation/index.ts';
import { applyDefaults } from '../../../src/engine/api/defaults/index.ts';
import { R, mustResource } from '../../../src/engine/api/kinds.ts';
import { fieldErrorMessage } from '../../../src/engine/api/errors.ts';
import type { KubeObject } from '../../../src/engine/api/types.ts';

type Obj = Record<string, any>;

const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/** A valid pod after defaulting; `edit` changes it before validation. */
function pod(edit: (p: Obj) => void = () => {}, defaults = true): Obj {
  const p: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } };
  if (defaults) applyDefaults(R.pods, p as KubeObject);
  edit(p);
  return p;
}

const create = (p: Obj) => validateCreate(R.pods, p as KubeObject).map(fieldErrorMessage);
const stored = (p: Obj) => {
  p.metadata = { ...p.metadata, uid: 'u1', resourceVersion: '3', creationTimestamp: '2024-01-01T00:00:00Z' };
  return p;
};

describe('pod spec', () => {
  it('accepts a defaulted pod', () => {
    expect(create(pod())).toEqual([]);
  });

  it.each<[string, (p: Obj) => void, string[]]>([
    ['no containers', (p) => (p.spec.containers = []), ['spec.containers: Required value']],
    ['a bad container name', (p) => (p.spec.containers[0].name = 'App'), [`spec.containers[0].name: Invalid value: "App": ${LABEL}`]],
    ['no image', (p) => delete p.spec.containers[0].image, ['spec.containers[0].image: Required value']],
    [
      'an init container named like a container',
      (p) => (p.spec.initContainers = [{ ...p.spec.containers[0] }]),
      ['spec.initContainers[0].name: Duplicate value: "app"'],
    ],
    [
      'duplicate containers',
      (p) => p.spec.containers.push({ ...p.spec.containers[0] }),
      ['spec.containers[1].name: Duplicate value: "app"'],
    ],
    [
      'a port out of range and an unknown protocol',
      (p) => (p.spec.containers[0].ports = [{ containerPort: 70000, protocol: 'HTTP' }]),
      [
        'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
        'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
      ],
    ],
    ['a missing container port', (p) => (p.spec.containers[0].ports = [{ protocol: 'TCP' }]), ['spec.containers[0].ports[0].containerPort: Required value']],
    [
      'duplicate port names',
      (p) => (p.spec.containers[0].ports = [{ name: 'http', containerPort: 80, protocol: 'TCP' }, { name: 'http', containerPort: 81, protocol: 'TCP' }]),
      ['spec.containers[0].ports[1].name: Duplicate value: "http"'],
    ],
    [
      'an env var with = in its name and a value source with a value',
      (p) => (p.spec.containers[0].env = [{ name: 'A=B' }, { name: 'X', value: 'v', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }]),
      [
        `spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
        'spec.containers[0].env[1].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
      ],
    ],
    [
      'an unsupported downward API field',
      (p) => (p.spec.containers[0].env = [{ name: 'X', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.phase' } } }]),
      [
        'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
      ],
    ],
    [
      'envFrom without a source',
      (p) => (p.spec.containers[0].envFrom = [{ prefix: 'P_' }]),
      ['spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`'],
    ],
    [
      'a request above its limit',
      (p) => (p.spec.containers[0].resources = { requests: { cpu: '2', memory: '1Gi' }, limits: { cpu: '1', memory: '512Mi' } }),
      [
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
        'spec.containers[0].resources.requests: Invalid value: "1Gi": must be less than or equal to memory limit of 512Mi',
      ],
    ],
    [
      'a negative request and an unknown resource',
      (p) => (p.spec.containers[0].resources = { requests: { cpu: '-1', gpu: '1' } }),
      [
        'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
        'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
        'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
      ],
    ],
    [
      'an extended resource requested without a limit',
      (p) => (p.spec.containers[0].resources = { requests: { 'example.com/gpu': '1' } }),
      ['spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources'],
    ],
    [
      'duplicate volumes and a volume without a source',
      (p) => (p.spec.volumes = [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }, { name: 'none' }]),
      ['spec.volumes[1].name: Duplicate value: "data"', 'spec.volumes[2]: Required value: must specify a volume type'],
    ],
    [
      'a volume with two sources',
      (p) => (p.spec.volumes = [{ name: 'data', emptyDir: {}, secret: { secretName: 's', defaultMode: 420 } }]),
      ['spec.volumes[0].secret: Forbidden: may not specify more than 1 volume type'],
    ],
    [
      'a mount of an unknown volume, twice on one path',
      (p) => (p.spec.containers[0].volumeMounts = [{ name: 'x', mountPath: '/d' }, { name: 'x', mountPath: '/d' }]),
      [
        'spec.containers[0].volumeMounts[0].name: Not found: "x"',
        'spec.containers[0].volumeMounts[1].name: Not found: "x"',
        'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/d": must be unique',
      ],
    ],
    ['an unknown restart policy', (p) => (p.spec.restartPolicy = 'Sometimes'), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    [
      'an unknown DNS policy',
      (p) => (p.spec.dnsPolicy = 'Google'),
      ['spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'],
    ],
    ['no grace period', (p) => delete p.spec.terminationGracePeriodSeconds, ['spec.terminationGracePeriodSeconds: Required value']],
    ['a zero active deadline', (p) => (p.spec.activeDeadlineSeconds = 0), ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
    [
      'a probe without a handler',
      (p) => (p.spec.containers[0].readinessProbe = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 }),
      ['spec.containers[0].readinessProbe: Required value: must specify a handler type'],
    ],
    [
      'a probe with two handlers and a negative period',
      (p) =>
        (p.spec.containers[0].livenessProbe = {
          exec: { command: ['true'] },
          tcpSocket: { port: 80 },
          timeoutSeconds: 1,
          periodSeconds: -1,
          successThreshold: 2,
          failureThreshold: 3,
        }),
      [
        'spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
        'spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
        'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      ],
    ],
    [
      'probes on a plain init container',
      (p) => (p.spec.initContainers = [{ ...p.spec.containers[0], name: 'init', readinessProbe: { exec: { command: ['true'] } } }]),
      ['spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'],
    ],
    [
      'toleration rules',
      (p) =>
        (p.spec.tolerations = [
          { operator: 'Equal', value: 'x' },
          { key: 'k', operator: 'Exists', value: 'v' },
          { key: 'k', tolerationSeconds: 30, effect: 'NoSchedule' },
          { key: 'k', operator: 'In' },
          { key: 'k', effect: 'Sometimes' },
        ]),
      [
        'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
        "spec.tolerations[1].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
        "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set",
        'spec.tolerations[3].operator: Unsupported value: "In": supported values: "Equal", "Exists"',
        'spec.tolerations[4].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      ],
    ],
    [
      'node affinity without terms and with a bad operator',
      (p) =>
        (p.spec.affinity = {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Like', values: ['a'] }] }] },
            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }],
          },
        }),
      [
        'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator',
        'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
      ],
    ],
    [
      'an empty list of node selector terms',
      (p) => (p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } }),
      ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term'],
    ],
    [
      'pod anti-affinity without a topology key',
      (p) => (p.spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } } }] } }),
      [
        'spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty',
        "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: \"\": name part must be non-empty",
        "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    ],
    [
      'a node selector with a bad label value',
      (p) => (p.spec.nodeSelector = { disktype: 'ssd!' }),
      [
        "spec.nodeSelector: Invalid value: \"ssd!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    [
      'topology spread with zero skew and a bad action',
      (p) => (p.spec.topologySpreadConstraints = [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }]),
      [
        'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
        'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
      ],
    ],
    [
      'host network ports that differ',
      (p) => {
        p.spec.hostNetwork = true;
        p.spec.containers[0].ports = [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }];
      },
      ['spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true'],
    ],
    ['a bad node name', (p) => (p.spec.nodeName = 'Node_1'), [expect.stringMatching(/^spec\.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain/) as unknown as string]],
    [
      'an image with surrounding spaces',
      (p) => (p.spec.containers[0].image = ' nginx'),
      ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'],
    ],
    [
      'ephemeral containers on create',
      (p) => (p.spec.ephemeralContainers = [{ name: 'debug', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }]),
      ['spec.ephemeralContainers: Forbidden: cannot be set on create'],
    ],
    [
      'a node name with scheduling gates',
      (p) => {
        p.spec.nodeName = 'node-1';
        p.spec.schedulingGates = [{ name: 'example.com/wait' }];
      },
      ['spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared'],
    ],
  ])('rejects %s', (_what, edit, expected) => {
    expect(create(pod(edit))).toEqual(expected);
  });
});

describe('pod updates', () => {
  const base = () => stored(pod());
  const upd = (edit: (p: Obj) => void) => {
    const old = base();
    const next = structuredClone(old);
    edit(next);
    return validateUpdate(R.pods, next as KubeObject, old as KubeObject).map(fieldErrorMessage);
  };

  it('allows changing images, lowering activeDeadlineSeconds and adding tolerations', () => {
    expect(
      upd((p) => {
        p.spec.containers[0].image = 'nginx:1.28';
        p.spec.activeDeadlineSeconds = 60;
        p.spec.tolerations = [{ key: 'k', operator: 'Exists' }];
      }),
    ).toEqual([]);
  });

  it('forbids other spec changes, listing what may change', () => {
    const errs = upd((p) => (p.spec.restartPolicy = 'Never'));
    expect(errs).toHaveLength(1);
    expect(errs[0].split('\n')[0]).toBe(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    );
    expect(errs[0]).toContain('RestartPolicy: "Never"');
  });

  it('treats spec.nodeName as immutable (binding sets it)', () => {
    expect(upd((p) => (p.spec.nodeName = 'node-1'))[0]).toMatch(/^spec: Forbidden: pod updates may not change fields other than/);
  });

  it.each<[string, (p: Obj) => void, string]>([
    ['adding a container', (p) => p.spec.containers.push({ ...p.spec.containers[0], name: 'b' }), 'spec.containers: Forbidden: pod updates may not add or remove containers'],
    ['raising activeDeadlineSeconds', (p) => (p.spec.activeDeadlineSeconds = 10), 'spec.activeDeadlineSeconds: Invalid value: 10: must be less than or equal to previous value'],
    ['changing a toleration', (p) => (p.spec.tolerations = [{ key: 'other', operator: 'Exists' }]), 'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'],
  ])('refuses %s', (_what, edit, message) => {
    const old = base();
    old.spec.activeDeadlineSeconds = 5;
    old.spec.tolerations = [{ key: 'k', operator: 'Exists' }];
    const next = structuredClone(old);
    edit(next);
    expect(validateUpdate(R.pods, next as KubeObject, old as KubeObject).map(fieldErrorMessage)).toContain(message);
  });
});

describe('pod status updates', () => {
  const status = (edit: (p: Obj) => void, oldEdit: (p: Obj) => void = () => {}) => {
    const old = stored(pod());
    oldEdit(old);
    const next = structuredClone(old);
    edit(next);
    return validateStatusUpdate(R.pods, next as KubeObject, old as KubeObject).map(fieldErrorMessage);
  };

  it('accepts phase and condition changes', () => {
    expect(status((p) => (p.status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }] }))).toEqual([]);
  });

  it.each<[string, (p: Obj) => void, (p: Obj) => void, string]>([
    ['a node name change', (p) => (p.spec.nodeName = 'node-2'), () => {}, 'status.nodeName: Forbidden: may not be changed directly'],
    ['a QoS class change', (p) => (p.status = { qosClass: 'Burstable' }), (p) => (p.status = { qosClass: 'BestEffort' }), 'status.qosClass: Invalid value: "Burstable": field is immutable'],
    ['a bad pod IP', (p) => (p.status = { podIPs: [{ ip: '10.0.0' }] }), () => {}, 'status.podIPs[0]: Invalid value: "10.0.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    [
      'restarting a terminated container of a pod that never restarts',
      (p) => (p.status.containerStatuses = [{ name: 'app', state: { running: {} } }]),
      (p) => {
        p.spec.restartPolicy = 'Never';
        p.status = { containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0 } } }] };
      },
      'status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state',
    ],
  ])('refuses %s', (_what, edit, oldEdit, message) => {
    expect(status(edit, oldEdit)).toContain(message);
  });
});

describe('bindings and pod templates', () => {
  it('checks a binding target', () => {
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web', namespace: 'default' }, target: { kind: 'Pod' } };
    expect(validateCreate(mustResource('v1', 'Binding'), binding as KubeObject).map(fieldErrorMessage)).toEqual([
      'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
      'target.name: Required value',
    ]);
  });

  it('reports template label errors on the template path', () => {
    const type = mustResource('v1', 'PodTemplate');
    const template = pod().spec;
    const pt = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 't', namespace: 'default' }, template: { metadata: { labels: { 'bad key': 'x' } }, spec: template } };
    expect(validateCreate(type, pt as KubeObject).map(fieldErrorMessage)[0]).toMatch(/^template\.labels: Invalid value: "bad key": name part must consist/);
  });
});
