/**
 * Computing strategic merge patches, as `kubectl apply` does
 * (CreateTwoWayMergePatch, CreateThreeWayMergePatch), and the three-way JSON
 * merge patch it sends for kinds without strategic merge metadata.
 */
import { DELETE_PRIMITIVE, DIRECTIVE, RETAIN_KEYS, SET_ORDER, type Json, type JsonMap, byStr, clone, goMap, isMap, jsonEqual, kindOf, str } from './patch-json.ts';
import { type FieldMeta, type StructMeta, field, retainsKeys, schemaForKind, strategyOf, typeOfField } from './patch-meta.ts';
import { createMergePatch, dedupe, elementKind, mergeKeyEqual, mergeMap, sortByOrder } from './patch.ts';

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
