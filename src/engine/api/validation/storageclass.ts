/**
 * StorageClasses (pkg/apis/storage/validation, release 1.33).
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, notSupported, required } from '../errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isQualifiedName, nameIsDNSSubdomain } from './names.ts';
import { validateNodeSelectorRequirement } from './scheduling.ts';
import { arr, byteLen, child, deepEqual, index, obj, optStr, rec, sortedKeys, str, tooLongBytes } from './util.ts';
import type { Rec } from './util.ts';

function validateStorageClassBody(sc: Rec): FieldError[] {
  const errs: FieldError[] = [];
  const provisioner = str(sc.provisioner);
  if (provisioner.length === 0) errs.push(required('provisioner', provisioner));
  else for (const m of isQualifiedName(provisioner.toLowerCase())) errs.push(invalid('provisioner', provisioner.toLowerCase(), m));
  const params = rec(sc.parameters);
  let total = 0;
  for (const k of sortedKeys(params)) {
    if (k.length === 0) errs.push(invalid('parameters', k, 'field can not be empty.'));
    total += byteLen(k) + byteLen(str(params![k]));
  }
  if (sortedKeys(params).length > 512) errs.push({ type: 'FieldValueTooLong', field: 'parameters', hasValue: false, detail: 'may not be more than 512 bytes' });
  if (total > 256 * 1024) errs.push(tooLongBytes('parameters', 256 * 1024));
  const reclaim = optStr(sc.reclaimPolicy);
  if (reclaim !== undefined && reclaim.length > 0 && reclaim !== 'Delete' && reclaim !== 'Retain')
    errs.push(notSupported('reclaimPolicy', reclaim, ['Delete', 'Retain']));
  const mode = optStr(sc.volumeBindingMode);
  if (mode === undefined) errs.push(required('volumeBindingMode', ''));
  else if (mode !== 'Immediate' && mode !== 'WaitForFirstConsumer') errs.push(notSupported('volumeBindingMode', mode, ['Immediate', 'WaitForFirstConsumer']));
  arr(sc.allowedTopologies).forEach((t0, i) => {
    const t = obj(t0);
    const p = index('allowedTopologies', i);
    const exprs = arr(t.matchLabelExpressions).map(obj);
    if (exprs.length === 0) errs.push(required(p, 'must have at least one topology term'));
    exprs.forEach((e, j) => {
      const values = arr(e.values);
      const ep = index(child(p, 'matchLabelExpressions'), j);
      if (values.length === 0) errs.push(required(child(ep, 'values'), ''));
      errs.push(...validateNodeSelectorRequirement({ key: e.key, operator: 'In', values: e.values }, true, ep).filter((x) => x.field.endsWith('.key')));
    });
  });
  return errs;
}

/** ValidateStorageClass */
export function validateStorageClassCreate(sc: Rec): FieldError[] {
  return [...validateObjectMeta(sc.metadata, false, nameIsDNSSubdomain), ...validateStorageClassBody(sc)];
}

/** ValidateStorageClassUpdate: parameters, provisioner, reclaim policy and binding mode are immutable. */
export function validateStorageClassUpdate(sc: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(sc.metadata, old.metadata);
  if (!deepEqual(rec(sc.parameters) ?? {}, rec(old.parameters) ?? {})) errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (str(sc.provisioner) !== str(old.provisioner)) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (str(sc.reclaimPolicy) !== str(old.reclaimPolicy)) errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  if (optStr(sc.volumeBindingMode) !== optStr(old.volumeBindingMode)) errs.push(invalid('volumeBindingMode', str(sc.volumeBindingMode), 'field is immutable'));
  return errs;
}
