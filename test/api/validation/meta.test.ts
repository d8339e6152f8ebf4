import { describe, it, expect } from 'vitest';
import { validateCreate, validateUpdate } from '../../../src/engine/api/validation/index.ts';
import { applyDefaults } from '../../../src/engine/api/defaults/index.ts';
import { R, resourceFor } from '../../../src/engine/api/kinds.ts';
import type { ResourceType } from '../../../src/engine/api/kinds.ts';
import { fieldErrorMessage } from '../../../src/engine/api/errors.ts';
import type { KubeObject } from '../../../src/engine/api/types.ts';

const SUBDOMAIN =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const QNAME =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

function create(type: ResourceType, o: Record<string, unknown>): string[] {
  const obj = structuredClone(o) as unknown as KubeObject;
  applyDefaults(type, obj);
  return validateCreate(type, obj).map(fieldErrorMessage);
}

function update(type: ResourceType, o: Record<string, unknown>, old: Record<string, unknown>): string[] {
  return validateUpdate(type, o as unknown as KubeObject, old as unknown as KubeObject).map(fieldErrorMessage);
}

const cm = (meta: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default', ...meta } });

describe('object names by kind', () => {
  it.each([
    [R.configMaps, 'Web_1', `metadata.name: Invalid value: "Web_1": ${SUBDOMAIN}`],
    [R.namespaces, 'team.a', 'metadata.name: Invalid value: "team.a": must not contain dots'],
    [R.statefulSets, 'db.main', 'metadata.name: Invalid value: "db.main": must not contain dots'],
    [
      R.services,
      '1web',
      `metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ],
  ])('%s rejects %j', (type, name, message) => {
    const o = { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, metadata: { name, namespace: type.namespaced ? 'default' : undefined } };
    expect(create(type, o)).toContain(message);
  });

  it('RBAC names only need to be path segments', () => {
    const role = resourceFor('rbac.authorization.k8s.io/v1', 'ClusterRole')!;
    expect(create(role, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'system:Admin' } })).toEqual([]);
    expect(create(role, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'a/b' } })).toEqual([
      `metadata.name: Invalid value: "a/b": may not contain '/'`,
    ]);
  });

  it('requires a name or generateName, and validates generateName as a prefix', () => {
    expect(create(R.configMaps, cm({}))).toEqual(['metadata.name: Required value: name or generateName is required']);
    expect(create(R.configMaps, cm({ generateName: 'web-', name: 'web-abcde' }))).toEqual([]);
    expect(create(R.configMaps, cm({ generateName: 'Web-', name: 'web-abcde' }))).toEqual([
      `metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN}`,
    ]);
  });

  it('requires a namespace for namespaced kinds and forbids it for cluster-scoped ones', () => {
    expect(create(R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } })).toEqual(['metadata.namespace: Required value']);
    expect(create(R.configMaps, cm({ name: 'a', namespace: 'Bad' }))).toEqual([`metadata.namespace: Invalid value: "Bad": ${LABEL}`]);
    expect(create(R.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n', namespace: 'default' } })).toEqual([
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });
});

describe('labels, annotations and finalizers', () => {
  it('checks label keys and values', () => {
    expect(create(R.configMaps, cm({ name: 'a', labels: { '-bad': 'ok', good: '-bad' } }))).toEqual([
      `metadata.labels: Invalid value: "-bad": ${QNAME}`,
      `metadata.labels: Invalid value: "-bad": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ]);
  });

  it('limits annotations to 256 KiB in total and checks their keys case-insensitively', () => {
    expect(create(R.configMaps, cm({ name: 'a', annotations: { 'Example.COM/Key': 'v' } }))).toEqual([]);
    expect(create(R.configMaps, cm({ name: 'a', annotations: { big: 'x'.repeat(256 * 1024) } }))).toEqual([
      'metadata.annotations: Too long: may not be more than 262144 bytes',
    ]);
  });

  it('requires qualified finalizer names, standard ones when unqualified', () => {
    expect(create(R.configMaps, cm({ name: 'a', finalizers: ['example.com/cleanup', 'kubernetes', 'foregroundDeletion'] }))).toEqual([]);
    expect(create(R.configMaps, cm({ name: 'a', finalizers: ['cleanup'] }))).toEqual([
      'metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified',
    ]);
    expect(create(R.configMaps, cm({ name: 'a', finalizers: ['orphan', 'foregroundDeletion'] }))).toEqual([
      'metadata.finalizers: Invalid value: []string{"orphan", "foregroundDeletion"}: finalizer orphan and foregroundDeletion cannot be both set',
    ]);
  });
});

describe('owner references', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u1' };
  it('requires apiVersion, kind, name and uid (reported on the list path)', () => {
    expect(create(R.configMaps, cm({ name: 'a', ownerReferences: [{ apiVersion: 'apps/', kind: '', name: '', uid: '' }] }))).toEqual([
      'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ]);
  });

  it('allows at most one controller', () => {
    const errs = create(R.configMaps, cm({ name: 'a', ownerReferences: [{ ...ref, controller: true }, { ...ref, name: 'other', uid: 'u2', controller: true }] }));
    expect(errs).toHaveLength(1);
    expect(errs[0]).toMatch(/^metadata\.ownerReferences: Invalid value: \[\]v1\.OwnerReference\{v1\.OwnerReference\{APIVersion:"apps\/v1", Kind:"ReplicaSet", Name:"web"/);
    expect(errs[0]).toMatch(/: Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/web and ReplicaSet\/other$/);
  });

  it('bans events as owners', () => {
    const errs = create(R.configMaps, cm({ name: 'a', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] }));
    expect(errs[0]).toMatch(/^metadata\.ownerReferences: Invalid value: v1\.OwnerReference\{.*\}: \/v1, Kind=Event is disallowed from being an owner$/);
  });
});

describe('metadata updates', () => {
  const stored = cm({ name: 'a', uid: 'u1', resourceVersion: '5', creationTimestamp: '2024-01-02T03:04:05Z', generation: 2 });
  const changed = (meta: Record<string, unknown>) => ({ ...stored, metadata: { ...stored.metadata, ...meta } });

  it.each([
    [{ name: 'b' }, 'metadata.name: Invalid value: "b": field is immutable'],
    [{ namespace: 'other' }, 'metadata.namespace: Invalid value: "other": field is immutable'],
    [{ uid: 'u2' }, 'metadata.uid: Invalid value: "u2": field is immutable'],
    [{ creationTimestamp: '2025-01-01T00:00:00Z' }, 'metadata.creationTimestamp: Invalid value: 2025-01-01 00:00:00 +0000 UTC: field is immutable'],
    [{ resourceVersion: '' }, 'metadata.resourceVersion: Invalid value: "": must be specified for an update'],
    [{ generation: 1 }, 'metadata.generation: Invalid value: 1: must not be decremented'],
  ])('%j', (meta, message) => {
    expect(update(R.configMaps, changed(meta), stored)).toContain(message);
  });

  it('accepts an unchanged object', () => {
    expect(update(R.configMaps, stored, stored)).toEqual([]);
  });

  it('forbids new finalizers once deletion started', () => {
    const deleting = changed({ deletionTimestamp: '2024-02-01T00:00:00Z', finalizers: ['kubernetes'] });
    expect(update(R.configMaps, { ...deleting, metadata: { ...deleting.metadata, finalizers: ['kubernetes', 'example.com/x'] } }, deleting)).toContain(
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/x"}',
    );
  });
});
