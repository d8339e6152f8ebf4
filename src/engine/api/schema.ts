/**
 * Schema checks of built-in objects, before any semantic validation:
 *
 * 1. Decoding, as the API server's JSON decoder does it: a value of the wrong
 *    JSON type cannot be decoded (`json: cannot unmarshal string into Go
 *    struct field DeploymentSpec.spec.replicas of type int32`), and with
 *    strict field validation an unknown field is refused
 *    (`strict decoding error: unknown field "spec.replica"`). Field names and
 *    Go types come from the models generated from the Kubernetes OpenAPI
 *    document (@kubernetes/client-node).
 * 2. The OpenAPI schema itself (required properties and formats), with the
 *    ajv validators that `kubernetes-models` compiles from it. A refusal names
 *    the field in the API server's words (`spec.selector: Required value`).
 *    Enumerations are left to each kind's validation, which knows where an
 *    empty value means the default.
 */
import { createRequire } from 'node:module';
import * as models from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import type { ResourceType } from './kinds.ts';
import type { KubeObject } from './types.ts';
import { type FieldError, invalid, required } from './errors.ts';

const require = createRequire(import.meta.url);

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
type ModelClass = { attributeTypeMap?: Attribute[]; getAttributeTypeMap?: () => Attribute[] };

const modelTable = models as unknown as Record<string, ModelClass | undefined>;
const attributeCache = new Map<string, Map<string, Attribute> | null>();

function attributesOf(model: string): Map<string, Attribute> | null {
  let m = attributeCache.get(model);
  if (m === undefined) {
    const cls = modelTable[model];
    const list = cls?.attributeTypeMap ?? cls?.getAttributeTypeMap?.();
    m = list ? new Map(list.map((a) => [a.baseName, a])) : null;
    attributeCache.set(model, m);
  }
  return m;
}

/** The Go name of a generated model: V1DeploymentSpec -> DeploymentSpec, CoreV1EndpointPort -> EndpointPort. */
function goStructName(model: string): string {
  return model.replace(/^[A-Z][a-z]+V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])/, '').replace(/^V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])/, '');
}

function goTypeName(type: string, format: string): string {
  const arr = /^Array<(.+)>$/.exec(type);
  if (arr) return `[]${goTypeName(arr[1], '')}`;
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) return `map[string]${goTypeName(map[1], '')}`;
  switch (type) {
    case 'string':
      return format === 'byte' ? '[]uint8' : 'string';
    case 'number':
      return format === 'int32' ? 'int32' : format === 'int64' ? 'int64' : 'float64';
    case 'boolean':
      return 'bool';
    case 'Date':
      return 'v1.Time';
    case 'IntOrString':
      return 'intstr.IntOrString';
    case 'any':
    case 'object':
      return 'interface {}';
    default:
      return `v1.${goStructName(type)}`;
  }
}

function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'number' : `number ${v}`;
  return typeof v;
}

/** Decoding problems: unknown fields (only collected when `strict`) and wrong JSON types. */
export interface DecodeResult {
  unknownFields: string[];
  typeErrors: string[];
}

/**
 * Walks `obj` along the generated model of its kind. Unknown fields are
 * reported with their full path (`spec.template.spec.containers[0].imagee`),
 * type mismatches as the Go JSON decoder words them.
 */
export function decodeCheck(type: ResourceType, obj: unknown, strict: boolean): DecodeResult {
  const out: DecodeResult = { unknownFields: [], typeErrors: [] };
  if (!modelTable[type.modelName]) return out;
  walk(obj, type.modelName, '', '', type.modelName, '', out, strict);
  return out;
}

/** A generated type name taken apart once: `Array<X>`, `{ [key: string]: X; }`, or the name itself. */
interface TypeShape {
  array?: string;
  map?: string;
}
const shapes = new Map<string, TypeShape>();

function shapeOf(typeName: string): TypeShape {
  let shape = shapes.get(typeName);
  if (!shape) {
    const arr = /^Array<(.+)>$/.exec(typeName);
    const map = arr ? null : /^\{ \[key: string\]: (.+); \}$/.exec(typeName);
    shape = arr ? { array: arr[1] } : map ? { map: map[1] } : {};
    shapes.set(typeName, shape);
  }
  return shape;
}

function mismatch(out: DecodeResult, value: unknown, structName: string, goPath: string, goType: string): void {
  out.typeErrors.push(
    `json: cannot unmarshal ${jsonKind(value).split(' ')[0]}${typeof value === 'number' && !Number.isInteger(value) ? ` ${value}` : ''} into Go struct field ${goStructName(structName)}${goPath ? '.' + goPath : ''} of type ${goType}`,
  );
}

function walk(
  value: unknown,
  typeName: string,
  path: string,
  goPath: string,
  structName: string,
  format: string,
  out: DecodeResult,
  strict: boolean,
): void {
  if (value === null || value === undefined) return;
  const shape = shapeOf(typeName);
  if (shape.array !== undefined) {
    if (!Array.isArray(value)) return mismatch(out, value, structName, goPath, goTypeName(typeName, format));
    for (let i = 0; i < value.length; i++) walk(value[i], shape.array, `${path}[${i}]`, goPath, structName, '', out, strict);
    return;
  }
  if (shape.map !== undefined) {
    if (typeof value !== 'object' || Array.isArray(value)) return mismatch(out, value, structName, goPath, goTypeName(typeName, format));
    // Quantity maps (resources, capacity) accept numbers; other string maps do not.
    const elem = shape.map;
    const m = value as Record<string, unknown>;
    for (const k of Object.keys(m)) {
      const v = m[k];
      if (elem === 'string' && typeof v !== 'string' && !(typeof v === 'number' && isQuantityMap(goPath))) {
        if (v !== null) {
          out.typeErrors.push(
            `json: cannot unmarshal ${jsonKind(v).split(' ')[0]} into Go struct field ${goStructName(structName)}${goPath ? '.' + goPath : ''} of type string`,
          );
        }
      } else if (elem !== 'string') {
        walk(v, elem, `${path}[${k}]`, goPath, structName, '', out, strict);
      }
    }
    return;
  }
  switch (typeName) {
    case 'string':
      if (typeof value !== 'string' && !(typeof value === 'number' && isQuantityField(goPath))) mismatch(out, value, structName, goPath, goTypeName(typeName, format));
      return;
    case 'number':
      if (typeof value !== 'number') return mismatch(out, value, structName, goPath, goTypeName(typeName, format));
      if ((format === 'int32' || format === 'int64') && !Number.isInteger(value)) mismatch(out, value, structName, goPath, goTypeName(typeName, format));
      return;
    case 'boolean':
      if (typeof value !== 'boolean') mismatch(out, value, structName, goPath, 'bool');
      return;
    case 'Date':
      if (typeof value !== 'string') mismatch(out, value, structName, goPath, 'string');
      return;
    case 'IntOrString':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value)))
        out.typeErrors.push(`json: cannot unmarshal ${jsonKind(value).split(' ')[0]} into Go value of type int32`);
      return;
    case 'any':
    case 'object':
      return;
  }
  const attrs = attributesOf(typeName);
  if (!attrs) return;
  if (typeof value !== 'object' || Array.isArray(value)) return mismatch(out, value, structName, goPath, goTypeName(typeName, format));
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const a = attrs.get(k);
    if (!a) {
      // apiVersion and kind are read before the model; status of list items etc. are handled by their models.
      if (strict) out.unknownFields.push(path ? `${path}.${k}` : k);
      continue;
    }
    walk(o[k], a.type, path ? `${path}.${k}` : k, goPath ? `${goPath}.${k}` : k, typeName, a.format, out, strict);
  }
}

const QUANTITY_MAPS = /(^|\.)(limits|requests|capacity|allocatable|hard|used|overhead|max|min|default|defaultRequest|maxLimitRequestRatio|allocatedResources)$/;
const QUANTITY_FIELDS = /(^|\.)(sizeLimit|averageValue|value|divisor|storage|capacity|maximumVolumeSize)$/;

function isQuantityMap(goPath: string): boolean {
  return QUANTITY_MAPS.test(goPath);
}
function isQuantityField(goPath: string): boolean {
  return QUANTITY_FIELDS.test(goPath);
}

// ---- OpenAPI schema (ajv, through kubernetes-models) ----

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
type ValidateFn = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const validatorCache = new Map<string, ValidateFn | null>();

/**
 * The compiled OpenAPI validator of a kind. kubernetes-models attaches it to
 * each model's prototype as `validate()`, which throws a ValidationError
 * carrying ajv's errors; calling it on the plain object avoids a copy.
 */
function validatorFor(type: ResourceType): ValidateFn | null {
  let v = validatorCache.get(type.schemaModule);
  if (v === undefined) {
    v = null;
    try {
      const mod = require(type.schemaModule) as Record<string, { prototype?: { validate?: (this: unknown) => void } }>;
      const proto = mod[type.kind]?.prototype;
      const run = proto?.validate;
      if (run) {
        const fn = ((data: unknown) => {
          try {
            run.call(data);
            fn.errors = null;
            return true;
          } catch (e) {
            const errors = (e as { errors?: AjvError[] }).errors;
            if (!errors) throw e;
            fn.errors = errors;
            return false;
          }
        }) as ValidateFn;
        v = fn;
      }
    } catch {
      v = null;
    }
    validatorCache.set(type.schemaModule, v);
  }
  return v;
}

/** `/spec/template/spec/containers/0/name` -> `spec.template.spec.containers[0].name` */
export function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let s = '';
  for (const p of parts) {
    if (/^\d+$/.test(p)) s += `[${p}]`;
    else s += s ? `.${p}` : p;
  }
  return s;
}

function valueAt(obj: unknown, instancePath: string): unknown {
  let cur = obj;
  for (const p of instancePath.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/**
 * Field errors from the kind's OpenAPI schema. Type errors are left to
 * `decodeCheck`; this reports what a decoded object can still get wrong.
 */
export function schemaCheck(type: ResourceType, obj: KubeObject): FieldError[] {
  const validate = validatorFor(type);
  if (!validate || validate(obj)) return [];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    let fe: FieldError | undefined;
    switch (e.keyword) {
      case 'required':
        fe = required(fieldPath(e.instancePath, String(e.params.missingProperty)));
        break;
      case 'enum':
        // The kind's own validation decides which values a field accepts (an empty
        // string often means the default); the schema's enums would be stricter.
        break;
      case 'type':
      case 'oneOf':
        // Reported by decodeCheck in the decoder's words.
        break;
      default:
        fe = invalid(fieldPath(e.instancePath), valueAt(obj, e.instancePath), e.message ?? e.keyword);
    }
    if (!fe) continue;
    const key = `${fe.type} ${fe.field}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(fe);
  }
  return errors;
}

/** True when the schema module for a type can be loaded (every built-in kind should). */
export function hasSchema(type: ResourceType): boolean {
  return validatorFor(type) !== null;
}
