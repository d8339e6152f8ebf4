/**
 * ConfigMaps and Secrets (pkg/apis/core/validation, release 1.33): key
 * names, a total size of at most 1 MiB, the rules of each Secret type, and
 * the immutability of `immutable` objects.
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, required } from '../errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isConfigMapKey, nameIsDNSSubdomain } from './names.ts';
import { byteLen, deepEqual, key, obj, rec, sortedKeys, str, strMap, tooLongBytes } from './util.ts';
import type { Rec } from './util.ts';

/** MaxSecretSize, also the limit of a ConfigMap's data. */
export const MAX_SECRET_SIZE = 1024 * 1024;

function base64Len(v: string): number {
  return Buffer.from(v, 'base64').length;
}

/** ValidateConfigMap */
export function validateConfigMapCreate(cm: Rec): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, true, nameIsDNSSubdomain);
  const data = strMap(cm.data) ?? {};
  const binary = strMap(cm.binaryData) ?? {};
  let total = 0;
  for (const k of sortedKeys(data)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(key('data', k), k, m));
    if (k in binary) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += byteLen(data[k]);
  }
  for (const k of sortedKeys(binary)) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(key('binaryData', k), k, m));
    total += base64Len(binary[k]);
  }
  // Upstream passes an empty path: the error concerns the whole object.
  if (total > MAX_SECRET_SIZE) errs.push(tooLongBytes('', MAX_SECRET_SIZE));
  return errs;
}

/** ValidateConfigMapUpdate */
export function validateConfigMapUpdate(cm: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(cm.metadata, old.metadata);
  if (old.immutable === true) {
    if (cm.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(rec(cm.data) ?? {}, rec(old.data) ?? {})) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    if (!deepEqual(rec(cm.binaryData) ?? {}, rec(old.binaryData) ?? {}))
      errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  errs.push(...validateConfigMapCreate(cm));
  return errs;
}

/**
 * A Secret's data as the internal type holds it: `stringData` merged over
 * `data`, values as byte lengths, keys in order.
 */
function secretData(secret: Rec): Map<string, { size: number; text: string | undefined }> {
  const out = new Map<string, { size: number; text: string | undefined }>();
  const data = strMap(secret.data) ?? {};
  for (const k of Object.keys(data)) out.set(k, { size: base64Len(data[k]), text: Buffer.from(data[k], 'base64').toString('utf8') });
  const stringData = strMap(secret.stringData) ?? {};
  for (const k of Object.keys(stringData)) out.set(k, { size: byteLen(stringData[k]), text: stringData[k] });
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function jsonError(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'json: cannot unmarshal into Go value of type map[string]interface {}';
    return undefined;
  } catch {
    return text.trim() === '' ? 'unexpected end of JSON input' : `invalid character ${JSON.stringify(text.trim()[0]).replace(/"/g, "'")} looking for beginning of value`;
  }
}

/** ValidateSecret */
export function validateSecretCreate(secret: Rec): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, true, nameIsDNSSubdomain);
  const data = secretData(secret);
  let total = 0;
  for (const [k, v] of data) {
    for (const m of isConfigMapKey(k)) errs.push(invalid(key('data', k), k, m));
    total += v.size;
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLongBytes('data', MAX_SECRET_SIZE));
  const annotations = strMap(obj(secret.metadata).annotations) ?? {};
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token':
      if (!annotations['kubernetes.io/service-account.name'])
        errs.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name'), ''));
      break;
    case 'kubernetes.io/dockercfg':
    case 'kubernetes.io/dockerconfigjson': {
      const k = str(secret.type) === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
      const v = data.get(k);
      if (!v) errs.push(required(key('data', k), ''));
      else {
        const e = jsonError(v.text);
        if (e) errs.push(invalid(key('data', k), '<secret contents redacted>', e));
      }
      break;
    }
    case 'kubernetes.io/basic-auth':
      if (!data.has('username') && !data.has('password')) {
        errs.push(required(key('data', 'username'), ''));
        errs.push(required(key('data', 'password'), ''));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if ((data.get('ssh-privatekey')?.size ?? 0) === 0) errs.push(required(key('data', 'ssh-privatekey'), ''));
      break;
    case 'kubernetes.io/tls':
      if (!data.has('tls.crt')) errs.push(required(key('data', 'tls.crt'), ''));
      if (!data.has('tls.key')) errs.push(required(key('data', 'tls.key'), ''));
      break;
  }
  return errs;
}

/** ValidateSecretUpdate: the type is immutable, and so is the data of an immutable secret. */
export function validateSecretUpdate(secret: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(secret.metadata, old.metadata);
  if (str(secret.type) !== str(old.type)) errs.push(invalid('type', str(secret.type), 'field is immutable'));
  if (old.immutable === true) {
    if (secret.immutable !== true) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    const sizes = (m: Map<string, { text: string | undefined }>) => Object.fromEntries([...m].map(([k, v]) => [k, v.text]));
    if (!deepEqual(sizes(secretData(secret)), sizes(secretData(old)))) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
  }
  errs.push(...validateSecretCreate(secret));
  return errs;
}
