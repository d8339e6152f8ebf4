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
 * Computing patches (the three-way merge `kubectl apply` sends) is in
 * patch-diff.ts, the last-applied annotation in last-applied.ts, the struct
 * tags in patch-meta.ts.
 *
 * Failures throw a StatusError as the API server's patch handler words them:
 * malformed patches are BadRequest, patches that cannot apply are Invalid (422).
 * Inputs are never modified; results share no structure with them.
 */
import jsonpatch from 'fast-json-patch';
import { StatusError, badRequest, internalError } from './errors.ts';
import { DELETE_PRIMITIVE, DIRECTIVE, RETAIN_KEYS, SET_ORDER, type Json, type JsonMap, clone, goMap, isMap, jsonEqual, kindOf, str } from './patch-json.ts';
import { type FieldMeta, type StructMeta, field, schemaForKind, strategyOf, typeOfField } from './patch-meta.ts';

export { jsonEqual } from './patch-json.ts';

export type PatchType = 'merge' | 'strategic' | 'json';

const ERR_RETAIN_KEYS = 'invalid patch format of retainKeys';
const ERR_PRIMITIVE_LIST = 'invalid patch format of primitive list';
const ERR_SET_ORDER = 'invalid patch format of setElementOrder list';

/** apierrors.NewGenericServerResponse(422): the message the server gives for a patch that cannot apply. */
function unprocessable(): StatusError {
  return new StatusError({ reason: 'Invalid', code: 422, message: 'the server rejected our request due to an error in our request' });
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
 * Applies a patch to an object and returns the patched copy; `obj` is left
 * as it was (it may be frozen). A merge patch's result shares the parts it
 * did not change with `obj`. `kind` selects the strategic-merge metadata
 * (kinds without tagged lists, and custom kinds, merge maps and replace
 * lists). A string patch is parsed as JSON.
 */
export function applyPatch<T>(obj: T, patch: unknown, patchType: PatchType, kind?: string): T {
  const p = parsePatch(patch);
  // None of the three writes to the original: a JSON patch is applied to a copy, a merge patch copies the path
  // it changes, a strategic merge patch copies the whole.
  const original = obj as unknown as Json;
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

export interface MergeOptions {
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

export function mergeMap(original: JsonMap | null, patch: JsonMap, t: StructMeta | undefined, opts: MergeOptions): JsonMap {
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

export function mergeKeyEqual(a: Json, b: Json, mergeKey: string): boolean {
  if (!mergeKey) return a === b;
  if (!isMap(a) || !isMap(b)) throw new Error('expected a map[string]interface {}, but received a list item');
  if (!(mergeKey in a)) throw new Error(`map: ${goMap(a)} does not contain declared merge key: ${mergeKey}`);
  if (!(mergeKey in b)) throw new Error(`map: ${goMap(b)} does not contain declared merge key: ${mergeKey}`);
  return a[mergeKey] === b[mergeKey];
}

function mergeSliceHandler(original: Json[], patch: Json[], f: FieldMeta, isDeleteList: boolean, opts: MergeOptions): Json[] {
  return strategyOf(f) === 'merge' ? mergeSlice(original, patch, f, isDeleteList, opts) : patch;
}

export function elementKind(...lists: Json[][]): string | undefined {
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

export function dedupe(list: Json[]): Json[] {
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

export function sortByOrder(items: Json[], order: Json[], mergeKey: string): Json[] {
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
