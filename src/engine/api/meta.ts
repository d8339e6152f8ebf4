/**
 * Helpers over object metadata and plain JSON values: names, keys, owner
 * references, conditions, copies and equality.
 */
import type { KubeObject, OwnerReference, Stored } from './types.ts';
import type { ResourceType } from './kinds.ts';
import { apiVersionOf } from './kinds.ts';

/** `namespace/name`, or `name` for cluster-scoped objects: the key of work queues and caches. */
export function namespacedName(obj: { metadata: { namespace?: string; name?: string } }): string {
  const ns = obj.metadata.namespace;
  return ns ? `${ns}/${obj.metadata.name}` : (obj.metadata.name ?? '');
}

export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The store key of an object: `/registry/deployments.apps/default/web`. */
export function storeKey(type: ResourceType, namespace: string | undefined, name: string): string {
  const res = type.group === '' ? type.resource : `${type.resource}.${type.group}`;
  return type.namespaced ? `/registry/${res}/${namespace}/${name}` : `/registry/${res}/${name}`;
}

/** Prefix of all keys of a type (optionally in one namespace). */
export function storePrefix(type: ResourceType, namespace?: string): string {
  const res = type.group === '' ? type.resource : `${type.resource}.${type.group}`;
  return type.namespaced && namespace ? `/registry/${res}/${namespace}/` : `/registry/${res}/`;
}

/**
 * A deep copy of a plain JSON value, as a JSON round trip makes it: fields
 * holding undefined (or functions) are left out, such array items and
 * non-finite numbers become null, values with toJSON (dates) are replaced by
 * what it returns. Plain objects and arrays are copied directly, which is
 * several times cheaper than printing and parsing; anything else takes the
 * round trip.
 */
export function clone<T>(v: T): T {
  if (v === undefined) return v;
  if (v === null || typeof v !== 'object') return JSON.parse(JSON.stringify(v)) as T;
  return copyJson(v) as T;
}

function copyJson(v: unknown): unknown {
  if (v === null) return null;
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      // -0 prints as 0.
      return Number.isFinite(v) ? (v === 0 ? 0 : v) : null;
    case 'object':
      break;
    default:
      // undefined, functions and symbols: the caller leaves them out (or writes null in arrays); bigint throws.
      return JSON.parse(JSON.stringify(v) ?? 'null');
  }
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      out[i] = x === undefined || typeof x === 'function' || typeof x === 'symbol' ? null : copyJson(x);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return JSON.parse(JSON.stringify(v));
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) {
    const x = src[k];
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
    if (k === '__proto__') Object.defineProperty(out, k, { value: copyJson(x), enumerable: true, writable: true, configurable: true });
    else out[k] = copyJson(x);
  }
  return out;
}

/** Structural equality of plain JSON values (key order ignored, undefined fields ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  // Plain JSON objects: own enumerable keys only; a key set to undefined counts as absent.
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let na = 0;
  for (const k in ao) {
    const v = ao[k];
    if (v === undefined) continue;
    na++;
    if (!deepEqual(v, bo[k])) return false;
  }
  let nb = 0;
  for (const k in bo) if (bo[k] !== undefined) nb++;
  return na === nb;
}

/** The owner reference with controller=true, if any. */
export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((r) => r.controller);
}

/** An owner reference naming `owner` as controller, as controllers set on what they create. */
export function newControllerRef(owner: Stored, type: ResourceType): OwnerReference {
  return {
    apiVersion: apiVersionOf(type),
    kind: type.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function isControlledBy(obj: KubeObject, owner: Stored): boolean {
  const ref = controllerRef(obj);
  return ref !== undefined && ref.uid === owner.metadata.uid;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
  lastHeartbeatTime?: string;
}

export function getCondition<C extends Condition>(conditions: readonly C[] | undefined, type: string): C | undefined {
  return conditions?.find((c) => c.type === type);
}

/**
 * Returns conditions with `next` set: the transition time moves only when the
 * status changes, as every upstream condition helper does.
 */
export function setCondition<C extends Condition>(conditions: readonly C[] | undefined, next: C): C[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) return [...list, next];
  const prev = list[i];
  const merged = { ...next } as C;
  if (prev.status === next.status && prev.lastTransitionTime) merged.lastTransitionTime = prev.lastTransitionTime;
  list[i] = merged;
  return list;
}

export function isBeingDeleted(obj: KubeObject): boolean {
  return !!obj.metadata.deletionTimestamp;
}
