/**
 * Patches as the API server applies them and as `kubectl apply` computes them:
 *
 * - `json`: RFC 6902 JSON patch (a list of operations);
 * - `merge`: RFC 7386 JSON merge patch (null deletes, objects merge, lists replace);
 * - `strategic`: strategic merge patch (k8s.io/apimachinery/pkg/util/strategicpatch)
 *   for built-in kinds: lists tagged `patchStrategy:"merge"` in the Go types merge
 *   element by element on their `patchMergeKey` (containers by name, ports by
 *   containerPort, conditions by type ...), other lists are atomic, with the
 *   directives `$patch: replace|delete|merge`, `$retainKeys`,
 *   `$deleteFromPrimitiveList/<field>` and `$setElementOrder/<field>`.
 *
 * Also the three-way merge `kubectl apply` sends (`createThreeWayMergePatch`)
 * and the `kubectl.kubernetes.io/last-applied-configuration` annotation.
 *
 * Failures throw a StatusError as the API server's patch handler words them:
 * malformed patches are BadRequest, patches that cannot apply are Invalid (422).
 * Inputs are never modified; results share no structure with them.
 */
import jsonpatch from 'fast-json-patch';
import { StatusError, badRequest, internalError } from './errors.ts';

export type PatchType = 'merge' | 'strategic' | 'json';

/** The annotation where `kubectl apply` keeps the manifest it last applied. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = null | boolean | number | string | Json[] | JsonMap;
type JsonMap = { [key: string]: Json };

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList';
const SET_ORDER = '$setElementOrder';

const ERR_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_SET_ORDER = 'invalid patch format of setElementOrder list';

/** apierrors.NewGenericServerResponse(422): the message the server gives for a patch that cannot apply. */
function unprocessable(): StatusError {
  return new StatusError({ reason: 'Invalid', code: 422, message: 'the server rejected our request due to an error in our request' });
}

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const kindOf = (v: unknown): string => (v === null || v === undefined ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** Deep equality of JSON values (object key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Go's %v of a scalar, which strategic merge uses to sort and compare list items. */
const str = (v: unknown): string => (v === null || v === undefined ? '<nil>' : String(v));
const byStr = (a: unknown, b: unknown): number => (str(a) < str(b) ? -1 : str(a) > str(b) ? 1 : 0);

/** Go's %v of a map, for error messages: `map[name:web]`. */
function goMap(v: unknown): string {
  if (isMap(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goMap(v[k])}`).join(' ')}]`;
  if (Array.isArray(v)) return `[${v.map(goMap).join(' ')}]`;
  return str(v);
}

function parsePatch(patch: unknown): Json {
  if (typeof patch !== 'string') return clone(patch as Json);
  try {
    return JSON.parse(patch) as Json;
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

/**
 * Applies a patch to an object and returns the patched copy.
 * `kind` selects the strategic-merge metadata (kinds without tagged lists,
 * and custom kinds, merge maps and replace lists). A string patch is parsed as JSON.
 */
export function applyPatch<T>(obj: T, patch: unknown, patchType: PatchType, kind?: string): T {
  const p = parsePatch(patch);
  const original = clone(obj) as unknown as Json;
  switch (patchType) {
    case 'json':
      return applyJsonPatch(original, p) as unknown as T;
    case 'merge':
      if (!isMap(p)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
      return mergePatch(original, p) as unknown as T;
    case 'strategic':
      if (!isMap(p)) throw badRequest('json: cannot unmarshal array into Go value of type map[string]interface {}');
      return strategicMergePatch(isMap(original) ? original : {}, p, kind) as unknown as T;
    default:
      throw badRequest(`unknown patch type: ${String(patchType)}`);
  }
}

function applyJsonPatch(doc: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    return jsonpatch.applyPatch(doc, ops as unknown as jsonpatch.Operation[], true, false).newDocument as Json;
  } catch {
    throw unprocessable();
  }
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return clone(patch);
  const out: JsonMap = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

/** Creates the JSON merge patch that turns `original` into `modified` (jsonpatch.CreateMergePatch). */
export function createMergePatch(original: Json, modified: Json): JsonMap {
  const patch: JsonMap = {};
  const o = isMap(original) ? original : {};
  const m = isMap(modified) ? modified : {};
  for (const [k, mv] of Object.entries(m)) {
    if (!(k in o)) patch[k] = clone(mv);
    else if (isMap(o[k]) && isMap(mv)) {
      const sub = createMergePatch(o[k], mv);
      if (Object.keys(sub).length > 0) patch[k] = sub;
    } else if (!jsonEqual(o[k], mv)) patch[k] = clone(mv);
  }
  for (const k of Object.keys(o)) if (!(k in m)) patch[k] = null;
  return patch;
}

// ---------------------------------------------------------------------------
// strategic merge: applying

interface MergeOptions {
  /** Server side: parallel lists ($deleteFromPrimitiveList, $setElementOrder) are applied. */
  mergeParallelList: boolean;
  /** Nulls without a key to delete are dropped (server side) or kept (when merging two patches). */
  ignoreUnmatchedNulls: boolean;
}

const SERVER: MergeOptions = { mergeParallelList: true, ignoreUnmatchedNulls: true };

/** Applies a strategic merge patch (StrategicMergeMapPatch) for a kind. */
export function strategicMergePatch(original: JsonMap, patch: JsonMap, kind?: string): JsonMap {
  return wrap(() => mergeMap(clone(original), clone(patch), schemaForKind(kind), SERVER));
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof StatusError) throw e;
    const msg = (e as Error).message;
    if ([ERR_RETAIN_KEYS, ERR_PRIMITIVE_LIST, ERR_SET_ORDER].includes(msg)) throw badRequest(msg);
    if (msg === 'lists of lists are not supported' || msg === "patch content doesn't match retainKeys list") throw unprocessable();
    throw internalError(msg);
  }
}

function field(t: StructMeta | undefined, key: string): FieldMeta {
  return t?.[key] ?? {};
}
const typeOfField = (f: FieldMeta): StructMeta | undefined => (f.t ? PATCH_SCHEMA[f.t] : undefined);
const strategyOf = (f: FieldMeta): string => (f.s ?? '').split(',').filter((s) => s !== 'retainKeys')[0] ?? '';
const retainsKeys = (f: FieldMeta): boolean => (f.s ?? '').split(',').includes('retainKeys');

function mergeMap(original: JsonMap | null, patch: JsonMap, t: StructMeta | undefined, opts: MergeOptions): JsonMap {
  if (DIRECTIVE in patch) {
    const d = patch[DIRECTIVE];
    if (d === 'replace') {
      delete patch[DIRECTIVE];
      return patch;
    }
    if (d === 'delete') return {};
    throw new Error(`unknown patch type: ${str(d)} in map: ${goMap(patch)}`);
  }
  const orig: JsonMap = original ?? {};
  applyRetainKeys(orig, patch, opts);
  mergeOrderedLists(orig, patch, t, opts);
  for (const key of Object.keys(patch)) {
    const pv = patch[key];
    let k = key;
    let isDeleteList = false;
    if (key.startsWith(DELETE_PRIMITIVE)) {
      if (!opts.mergeParallelList) {
        orig[key] = pv;
        continue;
      }
      k = extractKey(key, DELETE_PRIMITIVE, ERR_PRIMITIVE_LIST);
      isDeleteList = true;
    }
    if (pv === null) {
      delete orig[k];
      if (opts.ignoreUnmatchedNulls) continue;
    }
    if (!(k in orig)) {
      orig[k] = opts.mergeParallelList && !isDeleteList ? fresh(pv, field(t, k), opts) : pv;
      continue;
    }
    const ov = orig[k];
    if (kindOf(ov) !== kindOf(pv)) {
      orig[k] = pv;
      continue;
    }
    const f = field(t, k);
    if (isMap(ov) && isMap(pv)) orig[k] = strategyOf(f) === 'replace' ? pv : mergeMap(ov, pv, typeOfField(f), opts);
    else if (Array.isArray(ov) && Array.isArray(pv)) orig[k] = mergeSliceHandler(ov, pv, f, isDeleteList, opts);
    else orig[k] = pv;
  }
  return orig;
}

/** A patch value for a field the object lacks: applied to nothing, so that directives and nulls vanish. */
function fresh(pv: Json, f: FieldMeta, opts: MergeOptions): Json {
  if (isMap(pv)) return strategyOf(f) === 'replace' ? pv : mergeMap({}, pv, typeOfField(f), opts);
  if (Array.isArray(pv) && strategyOf(f) === 'merge' && pv.some(isMap)) return mergeSlice([], pv, f, false, opts);
  return pv;
}

function extractKey(s: string, prefix: string, err: string): string {
  const i = s.indexOf('/');
  if (i < 0 || s.slice(0, i) !== prefix) throw new Error(err);
  return s.slice(i + 1);
}

function applyRetainKeys(original: JsonMap, patch: JsonMap, opts: MergeOptions): void {
  if (!(RETAIN_KEYS in patch)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!opts.mergeParallelList) {
    if (RETAIN_KEYS in original && !jsonEqual(original[RETAIN_KEYS], retain))
      throw new Error(`${goMap(original[RETAIN_KEYS])} and ${goMap(retain)} are not deep equal: this may happen when calculating the 3-way diff patch`);
    original[RETAIN_KEYS] = retain;
    return;
  }
  if (!Array.isArray(retain)) throw new Error(ERR_RETAIN_KEYS);
  const keep = new Set(retain.map(str));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE) || k.startsWith(SET_ORDER)) continue;
    if (!keep.has(k)) throw new Error(ERR_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** $setElementOrder/<field>: merges the list it names and orders the result (mergePatchIntoOriginal). */
function mergeOrderedLists(original: JsonMap, patch: JsonMap, t: StructMeta | undefined, opts: MergeOptions): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ORDER)) continue;
    const order = patch[key];
    if (!opts.mergeParallelList) {
      if (key in original && !jsonEqual(original[key], order)) throw new Error(ERR_SET_ORDER);
      original[key] = order;
    }
    delete patch[key];
    if (!Array.isArray(order)) throw new Error(`expected a []interface {}, but received a ${kindOf(order)}`);
    const k = extractKey(key, SET_ORDER, ERR_SET_ORDER);
    const f = field(t, k);
    const mergeKey = f.k ?? '';
    const foundOriginal = k in original;
    const foundPatch = k in patch;
    const ol = original[k];
    const pl = patch[k];
    if (foundOriginal && !Array.isArray(ol)) throw new Error(`expected a []interface {}, but received a ${kindOf(ol)}`);
    if (foundPatch && !Array.isArray(pl)) throw new Error(`expected a []interface {}, but received a ${kindOf(pl)}`);
    const origList = (ol ?? []) as Json[];
    const patchList = (pl ?? []) as Json[];
    validateSetOrder(patchList, order, mergeKey);
    let merged: Json[];
    if (foundOriginal && foundPatch) merged = mergeSliceHandler(origList, patchList, f, false, opts);
    else if (foundOriginal) merged = origList;
    else if (foundPatch) merged = patchList;
    else continue;
    const [inOrder, serverOnly] = partition(merged, order, mergeKey);
    original[k] = normalizeElementOrder(inOrder, serverOnly, order, origList, mergeKey);
    delete patch[k];
  }
}

function validateSetOrder(patchList: Json[], order: Json[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => !(isMap(v) && v[DIRECTIVE] === 'delete')) : patchList;
  let pi = 0;
  let si = 0;
  while (pi < items.length && si < order.length) {
    if (isMap(items[pi]) && DIRECTIVE in (items[pi] as JsonMap)) {
      pi++;
      continue;
    }
    if (mergeKeyEqual(items[pi], order[si], mergeKey)) pi++;
    si++;
  }
  if (pi < items.length && si >= order.length) throw new Error(ERR_SET_ORDER);
}

function mergeKeyEqual(a: Json, b: Json, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  if (!isMap(a) || !isMap(b)) throw new Error('expected a map[string]interface {}, but received a list item');
  if (!(mergeKey in a)) throw new Error(`map: ${goMap(a)} does not contain declared merge key: ${mergeKey}`);
  if (!(mergeKey in b)) throw new Error(`map: ${goMap(b)} does not contain declared merge key: ${mergeKey}`);
  return a[mergeKey] === b[mergeKey];
}

function mergeSliceHandler(original: Json[], patch: Json[], f: FieldMeta, isDeleteList: boolean, opts: MergeOptions): Json[] {
  return strategyOf(f) === 'merge' ? mergeSlice(original, patch, f, isDeleteList, opts) : patch;
}

function elementKind(...lists: Json[][]): string | undefined {
  let kind: string | undefined;
  for (const l of lists)
    for (const v of l) {
      const k = kindOf(v);
      if (kind === undefined) {
        if (k === 'array') throw new Error('lists of lists are not supported');
        kind = k;
      } else if (k !== kind) throw new Error(`list element types are not identical: ${goMap(lists)}`);
    }
  return kind;
}

function mergeSlice(original: Json[], patch: Json[], f: FieldMeta, isDeleteList: boolean, opts: MergeOptions): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  const mergeKey = f.k ?? '';
  let merged: Json[];
  if (kind !== 'object') {
    if (opts.mergeParallelList && isDeleteList) {
      const del = new Set(patch);
      return original.filter((v) => !del.has(v));
    }
    merged = dedupe([...original, ...patch]);
  } else {
    if (!mergeKey) throw new Error('cannot merge lists without merge key for type map');
    let replace = false;
    let orig = original;
    const plain: Json[] = [];
    for (const v of patch as JsonMap[]) {
      if (!(DIRECTIVE in v)) {
        plain.push(v);
        continue;
      }
      const d = v[DIRECTIVE];
      if (d === 'delete') {
        if (!(mergeKey in v)) throw new Error(`map: ${goMap(v)} does not contain declared merge key: ${mergeKey}`);
        orig = orig.filter((o) => !(isMap(o) && mergeKey in o && o[mergeKey] === v[mergeKey]));
      } else if (d === 'replace') replace = true;
      else if (d === 'merge') throw new Error('merging lists cannot yet be specified in the patch');
      else throw new Error(`unknown patch type: ${str(d)} in map: ${goMap(v)}`);
    }
    if (replace) return plain.map((v) => (isMap(v) ? mergeMap({}, v, typeOfField(f), opts) : v));
    patch = plain;
    merged = [...orig];
    for (const v of plain as JsonMap[]) {
      if (!(mergeKey in v)) throw new Error(`map: ${goMap(v)} does not contain declared merge key: ${mergeKey}`);
      const i = merged.findIndex((o) => isMap(o) && mergeKey in o && o[mergeKey] === v[mergeKey]);
      if (i >= 0) merged[i] = mergeMap(merged[i] as JsonMap, v, typeOfField(f), opts);
      else merged.push(opts.mergeParallelList ? mergeMap({}, v, typeOfField(f), opts) : v);
    }
    original = orig;
  }
  const [inPatch, serverOnly] = partition(merged, patch, mergeKey);
  return normalizeElementOrder(inPatch, serverOnly, patch, original, mergeKey);
}

function dedupe(list: Json[]): Json[] {
  const out: Json[] = [];
  for (const v of list) if (!out.includes(v)) out.push(v);
  return out;
}

function keyOf(v: Json, mergeKey: string): Json | undefined {
  return mergeKey ? (isMap(v) ? v[mergeKey] : undefined) : v;
}

function indexIn(list: Json[], v: Json, mergeKey: string): number {
  const key = keyOf(v, mergeKey);
  return list.findIndex((x) => keyOf(x, mergeKey) === key);
}

/** Splits items into those present in `by` (by merge key) and the rest. */
function partition(items: Json[], by: Json[], mergeKey: string): [Json[], Json[]] {
  const inBy: Json[] = [];
  const rest: Json[] = [];
  for (const v of items) {
    if (mergeKey && !(isMap(v) && mergeKey in v)) throw new Error(`map: ${goMap(v)} does not contain declared merge key: ${mergeKey}`);
    (indexIn(by, v, mergeKey) >= 0 ? inBy : rest).push(v);
  }
  return [inBy, rest];
}

function sortByOrder(items: Json[], order: Json[], mergeKey: string): Json[] {
  let list = items;
  let toDelete: Json[] = [];
  if (mergeKey) {
    toDelete = list.filter((v) => isMap(v) && v[DIRECTIVE] === 'delete');
    list = list.filter((v) => !(isMap(v) && v[DIRECTIVE] === 'delete'));
  }
  const indexed = list.map((v, i) => ({ v, i, o: indexIn(order, v, mergeKey) }));
  indexed.sort((a, b) => (a.o >= 0 && b.o >= 0 && a.o !== b.o ? a.o - b.o : a.i - b.i));
  return [...indexed.map((x) => x.v), ...toDelete];
}

/**
 * Orders a merged list: items named by the patch in the patch's order, the
 * server's other items in their live order, interleaved by live position.
 */
function normalizeElementOrder(patchItems: Json[], serverOnly: Json[], patchOrder: Json[], serverOrder: Json[], mergeKey: string): Json[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey);
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey);
      const ri = indexIn(serverOrder, right[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}


// ---------------------------------------------------------------------------
// strategic merge: patch metadata of the Go types (patchStrategy / patchMergeKey
// struct tags of k8s.io/api and apimachinery's ObjectMeta, release 1.33)

/** One field's tags: `t` the struct type it holds, `s` patchStrategy, `k` patchMergeKey. */
export interface FieldMeta {
  t?: string;
  s?: 'merge' | 'replace' | 'retainKeys' | 'merge,retainKeys';
  k?: string;
}
export type StructMeta = Readonly<Record<string, FieldMeta>>;

const byName = (t?: string): FieldMeta => ({ t, s: 'merge', k: 'name' });
const M: StructMeta = { metadata: { t: 'ObjectMeta' } };
const CONDS: FieldMeta = { s: 'merge', k: 'type' };
const withConditions: FieldMeta = { t: 'WithConditions' };
const templated = (spec: string): StructMeta => ({ ...M, spec: { t: spec }, status: withConditions });

/** Struct types whose fields carry patch tags, and the kinds' top-level shapes. */
export const PATCH_SCHEMA: Readonly<Record<string, StructMeta>> = {
  ObjectMeta: { ownerReferences: { s: 'merge', k: 'uid' }, finalizers: { s: 'merge' } },
  WithConditions: { conditions: CONDS },
  PodTemplateSpec: { ...M, spec: { t: 'PodSpec' } },
  WithTemplate: { template: { t: 'PodTemplateSpec' } },
  PodSpec: {
    volumes: { s: 'merge,retainKeys', k: 'name' },
    initContainers: byName('Container'),
    containers: byName('Container'),
    ephemeralContainers: byName('Container'),
    imagePullSecrets: byName(),
    hostAliases: { s: 'merge', k: 'ip' },
    topologySpreadConstraints: { s: 'merge', k: 'topologyKey' },
    schedulingGates: byName(),
    resourceClaims: { s: 'merge,retainKeys', k: 'name' },
  },
  Container: {
    ports: { s: 'merge', k: 'containerPort' },
    env: byName(),
    volumeMounts: { s: 'merge', k: 'mountPath' },
    volumeDevices: { s: 'merge', k: 'devicePath' },
  },
  PodStatus: {
    conditions: CONDS,
    hostIPs: { s: 'merge', k: 'ip' },
    podIPs: { s: 'merge', k: 'ip' },
    resourceClaimStatuses: { s: 'merge,retainKeys', k: 'name' },
    containerStatuses: {},
  },
  DeploymentSpec: { template: { t: 'PodTemplateSpec' }, strategy: { s: 'retainKeys' } },
  JobTemplateSpec: { ...M, spec: { t: 'WithTemplate' } },
  CronJobSpec: { jobTemplate: { t: 'JobTemplateSpec' } },
  ServiceSpec: { ports: { s: 'merge', k: 'port' } },
  NodeSpec: { podCIDRs: { s: 'merge' } },
  NodeStatus: { conditions: CONDS, addresses: { s: 'merge', k: 'type' } },
  PodDisruptionBudgetSpec: { selector: { s: 'replace' } },
  CSINodeSpec: { drivers: byName() },
  // kinds
  Pod: { ...M, spec: { t: 'PodSpec' }, status: { t: 'PodStatus' } },
  PodTemplate: { ...M, template: { t: 'PodTemplateSpec' } },
  ReplicationController: templated('WithTemplate'),
  Deployment: templated('DeploymentSpec'),
  ReplicaSet: templated('WithTemplate'),
  StatefulSet: templated('WithTemplate'),
  DaemonSet: templated('WithTemplate'),
  Job: templated('WithTemplate'),
  CronJob: { ...M, spec: { t: 'CronJobSpec' } },
  Service: { ...M, spec: { t: 'ServiceSpec' }, status: withConditions },
  Node: { ...M, spec: { t: 'NodeSpec' }, status: { t: 'NodeStatus' } },
  Namespace: { ...M, status: withConditions },
  PersistentVolumeClaim: { ...M, status: withConditions },
  ServiceAccount: { ...M, secrets: byName() },
  HorizontalPodAutoscaler: { ...M, status: withConditions },
  PodDisruptionBudget: { ...M, spec: { t: 'PodDisruptionBudgetSpec' }, status: withConditions },
  CSINode: { ...M, spec: { t: 'CSINodeSpec' } },
  Object: M,
};

const KIND_STRUCTS = new Set(['Pod', 'PodTemplate', 'ReplicationController', 'Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Service', 'Node', 'Namespace', 'PersistentVolumeClaim', 'ServiceAccount', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'CSINode']);

/** The patch metadata of a kind's top-level struct; kinds without tagged fields only merge their metadata. */
export function schemaForKind(kind: string | undefined): StructMeta {
  return PATCH_SCHEMA[kind && KIND_STRUCTS.has(kind) ? kind : 'Object'];
}

// ---------------------------------------------------------------------------
// strategic merge: computing patches (diffMaps, CreateTwoWay/ThreeWayMergePatch)

interface DiffOptions {
  setElementOrder: boolean;
  ignoreChangesAndAdditions: boolean;
  ignoreDeletions: boolean;
  buildRetainKeys: boolean;
}

function diffMaps(original: JsonMap, modified: JsonMap, t: StructMeta | undefined, o: DiffOptions): JsonMap {
  const patch: JsonMap = {};
  const retain: string[] = [];
  for (const [key, mv] of Object.entries(modified)) {
    if (o.buildRetainKeys && mv !== null) retain.push(key);
    if (!(key in original)) {
      if (!o.ignoreChangesAndAdditions) patch[key] = mv;
      continue;
    }
    const ov = original[key];
    if (key === DIRECTIVE) {
      if (typeof ov !== 'string' || typeof mv !== 'string') throw new Error(`invalid value for special key: ${DIRECTIVE}`);
      if (ov !== mv) patch[key] = mv;
      continue;
    }
    if (kindOf(ov) !== kindOf(mv)) {
      if (!o.ignoreChangesAndAdditions) patch[key] = mv;
      continue;
    }
    const f = field(t, key);
    if (isMap(ov) && isMap(mv)) {
      if (strategyOf(f) === 'replace') {
        // upstream sends a replaced map whole, changed or not
        if (!o.ignoreChangesAndAdditions) patch[key] = mv;
        continue;
      }
      const pv = diffMaps(ov, mv, typeOfField(f), { ...o, buildRetainKeys: retainsKeys(f) });
      if (Object.keys(pv).length > 0) patch[key] = pv;
    } else if (Array.isArray(ov) && Array.isArray(mv) && strategyOf(f) === 'merge') {
      const [add, del, order] = diffLists(ov, mv, f, { ...o, buildRetainKeys: retainsKeys(f) });
      if (add.length > 0) patch[key] = add;
      if (del.length > 0) patch[`${DELETE_PRIMITIVE}/${key}`] = del;
      if (order.length > 0) patch[`${SET_ORDER}/${key}`] = order;
    } else if (!o.ignoreChangesAndAdditions && !jsonEqual(ov, mv)) {
      patch[key] = mv;
    }
  }
  if (!o.ignoreDeletions) for (const key of Object.keys(original)) if (!(key in modified)) patch[key] = null;
  const additional = Object.entries(original).some(([k, v]) => v !== null && !(k in modified));
  if (retain.length > 0 && (Object.keys(patch).length > 0 || additional)) patch[RETAIN_KEYS] = retain.sort(byStr);
  return patch;
}

function requireMergeKey(list: Json[], mergeKey: string): JsonMap[] {
  for (const v of list) {
    if (!isMap(v)) throw new Error(`expected a map[string]interface {}, but received a ${kindOf(v)}`);
    if (!(mergeKey in v)) throw new Error(`map: ${goMap(v)} does not contain declared merge key: ${mergeKey}`);
  }
  return list as JsonMap[];
}

function diffLists(original: Json[], modified: Json[], f: FieldMeta, o: DiffOptions): [Json[], Json[], Json[]] {
  if (original.length === 0) return modified.length === 0 || o.ignoreChangesAndAdditions ? [[], [], []] : [modified, [], []];
  const mergeKey = f.k ?? '';
  if (elementKind(original, modified) === 'object') {
    const [changes, deletions] = diffListsOfMaps(original, modified, f, o);
    const patchList = [...sortByOrder(changes, modified, mergeKey), ...deletions];
    const orderSame = original.length === modified.length && modified.every((m, i) => mergeKeyEqual(original[i], m, mergeKey));
    const wanted = (!o.ignoreChangesAndAdditions && (patchList.length > 0 || !orderSame)) || (!o.ignoreDeletions && patchList.length > 0);
    const order = o.setElementOrder && wanted ? requireMergeKey(modified, mergeKey).map((v) => ({ [mergeKey]: v[mergeKey] })) : [];
    return [patchList, [], order];
  }
  const sortedO = [...original].sort(byStr);
  const sortedM = [...modified].sort(byStr);
  const add: Json[] = [];
  const del: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < sortedO.length || j < sortedM.length) {
    const a = i < sortedO.length ? str(sortedO[i]) : undefined;
    const b = j < sortedM.length ? str(sortedM[j]) : undefined;
    if (a !== undefined && b !== undefined && a === b) {
      i++;
      j++;
    } else if (a === undefined || (b !== undefined && a > b)) {
      if (!o.ignoreChangesAndAdditions) add.push(sortedM[j]);
      j++;
    } else {
      if (!o.ignoreDeletions) del.push(sortedO[i]);
      i++;
    }
  }
  const wanted = (!o.ignoreDeletions && del.length > 0) || (!o.ignoreChangesAndAdditions && !jsonEqual(original, modified));
  return [sortByOrder(add, modified, ''), dedupe(del), o.setElementOrder && wanted ? modified : []];
}

function diffListsOfMaps(original: Json[], modified: Json[], f: FieldMeta, o: DiffOptions): [Json[], Json[]] {
  const mergeKey = f.k ?? '';
  const sortByKey = (l: JsonMap[]) => [...l].sort((a, b) => byStr(a[mergeKey], b[mergeKey]));
  const os = sortByKey(requireMergeKey(original, mergeKey));
  const ms = sortByKey(requireMergeKey(modified, mergeKey));
  const patch: Json[] = [];
  const deletions: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < os.length || j < ms.length) {
    const a = i < os.length ? str(os[i][mergeKey]) : undefined;
    const b = j < ms.length ? str(ms[j][mergeKey]) : undefined;
    if (a !== undefined && b !== undefined && a === b) {
      const pv = diffMaps(os[i], ms[j], typeOfField(f), o);
      if (Object.keys(pv).length > 0) {
        pv[mergeKey] = ms[j][mergeKey];
        patch.push(pv);
      }
      i++;
      j++;
    } else if (a === undefined || (b !== undefined && a > b)) {
      if (!o.ignoreChangesAndAdditions) patch.push(ms[j]);
      j++;
    } else {
      if (!o.ignoreDeletions) deletions.push({ [mergeKey]: os[i][mergeKey], [DIRECTIVE]: 'delete' });
      i++;
    }
  }
  return [patch, deletions];
}

const asMap = (v: unknown): JsonMap => (isMap(v) ? clone(v) : {});

/** CreateTwoWayMergePatch: the strategic merge patch that turns `original` into `modified`. */
export function createTwoWayMergePatch(original: unknown, modified: unknown, kind?: string): Record<string, unknown> {
  const o: DiffOptions = { setElementOrder: true, ignoreChangesAndAdditions: false, ignoreDeletions: false, buildRetainKeys: false };
  return diffMaps(asMap(original), asMap(modified), schemaForKind(kind), o);
}

/**
 * CreateThreeWayMergePatch, as `kubectl apply` computes it (overwrite on):
 * the changes from `current` (live) to `modified` (the new manifest) without
 * deletions, plus the deletions from `original` (last applied) to `modified`.
 * An empty result means the apply changes nothing. Throws an Error when a
 * merge list item lacks its merge key or lists are malformed.
 */
export function createThreeWayMergePatch(original: unknown, modified: unknown, current: unknown, kind?: string): Record<string, unknown> {
  const t = schemaForKind(kind);
  const base = { setElementOrder: true, buildRetainKeys: false };
  const delta = diffMaps(asMap(current), asMap(modified), t, { ...base, ignoreDeletions: true, ignoreChangesAndAdditions: false });
  const deletions = diffMaps(asMap(original), asMap(modified), t, { ...base, ignoreDeletions: false, ignoreChangesAndAdditions: true });
  return mergeMap(deletions, delta, t, { mergeParallelList: false, ignoreUnmatchedNulls: false });
}

function keepOrDropNulls(m: JsonMap, keepNull: boolean): JsonMap {
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === null) {
      if (keepNull) out[k] = null;
    } else if (isMap(v)) {
      if (Object.keys(v).length === 0) {
        if (!keepNull) out[k] = v;
        continue;
      }
      const sub = keepOrDropNulls(v, keepNull);
      if (Object.keys(sub).length > 0) out[k] = sub;
    } else if (!keepNull) out[k] = v;
  }
  return out;
}

/**
 * CreateThreeWayJSONMergePatch: what `kubectl apply` sends for kinds without
 * strategic merge metadata (custom resources): a JSON merge patch.
 */
export function createThreeWayJsonMergePatch(original: unknown, modified: unknown, current: unknown): Record<string, unknown> {
  const addAndChange = keepOrDropNulls(createMergePatch(asMap(current), asMap(modified)), false);
  const deletions = keepOrDropNulls(createMergePatch(asMap(original), asMap(modified)), true);
  return mergePatchKeepingNulls(deletions, addAndChange);
}

function mergePatchKeepingNulls(target: JsonMap, patch: JsonMap): JsonMap {
  const out: JsonMap = { ...target };
  for (const [k, v] of Object.entries(patch)) out[k] = isMap(v) && isMap(out[k]) ? mergePatchKeepingNulls(out[k] as JsonMap, v) : v;
  return out;
}

// ---------------------------------------------------------------------------
// kubectl.kubernetes.io/last-applied-configuration

/** JSON as Go's encoder writes a map: keys sorted, HTML characters escaped, a final newline. */
export function goJson(v: unknown): string {
  const sortKeys = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(sortKeys) : isMap(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, sortKeys(x[k])])) : x;
  const s = JSON.stringify(sortKeys(v)) ?? 'null';
  return `${s.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** The configuration last applied to an object (GetOriginalConfiguration), or undefined when none or unreadable. */
export function getLastApplied(obj: unknown): Record<string, unknown> | undefined {
  const annotations = isMap(obj) && isMap(obj.metadata) ? obj.metadata.annotations : undefined;
  const text = isMap(annotations) ? annotations[LAST_APPLIED_ANNOTATION] : undefined;
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    const parsed = JSON.parse(text) as unknown;
    return isMap(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * GetModifiedConfiguration with annotate: a copy of `obj` whose
 * last-applied-configuration annotation holds `obj` itself (without that
 * annotation, with `annotations: {}` when it had none), as kubectl apply and
 * `create --save-config` record it.
 */
export function withLastApplied<T>(obj: T): T {
  const copy = clone(obj) as unknown as JsonMap;
  const meta = isMap(copy.metadata) ? copy.metadata : (copy.metadata = {});
  const annotations: JsonMap = isMap(meta.annotations) ? meta.annotations : {};
  delete annotations[LAST_APPLIED_ANNOTATION];
  meta.annotations = annotations;
  const text = goJson(copy);
  annotations[LAST_APPLIED_ANNOTATION] = text;
  return copy as unknown as T;
}
