import { describe, it, expect } from 'vitest';
import { validateCreate, validateStatusUpdate, validateUpdate } from '../../../src/engine/api/validation/index.ts';
import { applyDefaults } from '../../../src/engine/api/defaults/index.ts';
import { RESOURCE_TYPES } from '../../../src/engine/api/kinds.ts';
import type { FieldError } from '../../../src/engine/api/errors.ts';
import type { KubeObject } from '../../../src/engine/api/types.ts';

/** Bodies of the wrong shape everywhere: validation must answer with field errors, never throw. */
const ODD: Record<string, unknown>[] = [
  {},
  { metadata: null, spec: 5 },
  { metadata: { name: 7, labels: 'x', annotations: [], finalizers: 'a', ownerReferences: {} }, spec: 'x', status: 3 },
  {
    metadata: { name: 'a', namespace: 'default' },
    spec: {
      containers: 'nope',
      initContainers: [null, 5, { name: {}, ports: 'x', env: {}, resources: { limits: 'x', requests: { cpu: {} } } }],
      volumes: [{ name: 'v', secret: 'x' }, 3],
      selector: { matchLabels: 'x', matchExpressions: [{ key: 'k', operator: 'Like' }, 7] },
      template: { metadata: { labels: 4 }, spec: { containers: [{}] } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: {}, maxUnavailable: [] } },
      ports: [{ port: 'x', targetPort: {} }],
      taints: [{}],
      rules: 'x',
      schedule: 5,
      jobTemplate: 'x',
      metrics: [{ type: 'Resource' }],
    },
    data: { a: 5 },
    roleRef: 'x',
    subjects: [null],
  },
];

function noInternalErrors(errs: FieldError[]): void {
  expect(Array.isArray(errs)).toBe(true);
  expect(errs.filter((e) => e.type === 'InternalError')).toEqual([]);
}

describe('validation of malformed objects', () => {
  for (const type of RESOURCE_TYPES) {
    it(`${type.group || 'core'}/${type.kind} never throws`, () => {
      for (const body of ODD) {
        const o = { apiVersion: type.version, kind: type.kind, ...structuredClone(body) } as unknown as KubeObject;
        expect(() => applyDefaults(type, structuredClone(o))).not.toThrow();
        noInternalErrors(validateCreate(type, o));
        noInternalErrors(validateUpdate(type, o, o));
        noInternalErrors(validateStatusUpdate(type, o, o));
      }
    });
  }
});

describe('defaulting of malformed objects', () => {
  it('leaves fields of the wrong type for schema validation', () => {
    const type = RESOURCE_TYPES.find((t) => t.kind === 'Deployment')!;
    const o = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: 'oops' } as unknown as KubeObject;
    applyDefaults(type, o);
    expect(o.spec).toBe('oops');
  });
});
