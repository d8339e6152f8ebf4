/**
 * Nodes (ValidateNode and ValidateNodeUpdate of pkg/apis/core/validation,
 * release 1.33). Status updates use the update rules too, as the node
 * status strategy does.
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid } from '../errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { isDualStackCIDRs, isValidCIDR } from './net.ts';
import { parseQuantity } from './quantity-format.ts';
import { QUANTITY_REGEX_MSG, validateResourceQuantityValue } from './resources.ts';
import { validateNodeTaints } from './scheduling.ts';
import { arr, child, duplicateRepr, index, invalidRepr, obj, rec, sortedKeys, str } from './util.ts';
import type { Rec } from './util.ts';

/** The pod CIDRs of a v1 node spec, as conversion to the internal type reads them. */
export function podCIDRs(spec: Rec): string[] {
  const list = arr(spec.podCIDRs).map(str);
  if (list.length > 0) return list;
  return str(spec.podCIDR) !== '' ? [str(spec.podCIDR)] : [];
}

function validateNodeResources(node: Rec): FieldError[] {
  const errs: FieldError[] = [];
  const status = obj(node.status);
  for (const list of ['capacity', 'allocatable']) {
    const m = rec(status[list]);
    for (const k of sortedKeys(m)) {
      // Upstream builds this path with dots, not a map key.
      const p = child('status', list, k);
      const q = parseQuantity(m![k]);
      if (!q) errs.push(invalid(p, str(m![k]), QUANTITY_REGEX_MSG));
      else errs.push(...validateResourceQuantityValue(k, q, p));
    }
  }
  return errs;
}

/** ValidateNode */
export function validateNodeCreate(node: Rec): FieldError[] {
  const errs = validateObjectMeta(node.metadata, false, nameIsDNSSubdomain);
  const spec = obj(node.spec);
  // Upstream reports taints under metadata.
  if (arr(spec.taints).length > 0) errs.push(...validateNodeTaints(spec.taints, 'metadata.taints'));
  errs.push(...validateNodeResources(node));
  const cidrs = podCIDRs(spec);
  if (cidrs.length > 0) {
    cidrs.forEach((c, i) => errs.push(...isValidCIDR(index('spec.podCIDRs', i), c)));
    if (cidrs.length > 1) {
      if (!isDualStackCIDRs(cidrs) || cidrs.length > 2)
        errs.push(invalidRepr('spec.podCIDRs', cidrs, `[]string{${cidrs.map((c) => JSON.stringify(c)).join(', ')}}`, 'may specify no more than one CIDR for each IP family'));
      const seen = new Set<string>();
      cidrs.forEach((c, i) => {
        if (seen.has(c)) errs.push({ type: 'FieldValueDuplicate', field: index('spec.podCIDRs', i), value: c, hasValue: true, detail: '' });
        seen.add(c);
      });
    }
  }
  return errs;
}

/** ValidateNodeUpdate: pod CIDRs and provider ID may only be set once; taints and addresses stay valid. */
export function validateNodeUpdate(node: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata);
  errs.push(...validateNodeResources(node));
  const seen = new Set<string>();
  arr(obj(node.status).addresses).forEach((a0, i) => {
    const a = obj(a0);
    const k = `${str(a.type)}\u0000${str(a.address)}`;
    if (seen.has(k))
      errs.push(duplicateRepr(index('status.addresses', i), a, `core.NodeAddress{Type:${JSON.stringify(str(a.type))}, Address:${JSON.stringify(str(a.address))}}`));
    seen.add(k);
  });
  const spec = obj(node.spec);
  const oldSpec = obj(old.spec);
  const oldCIDRs = podCIDRs(oldSpec);
  const newCIDRs = podCIDRs(spec);
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length) errs.push(forbidden('spec.podCIDRs', cidrMsg));
    else oldCIDRs.forEach((c, i) => {
      if (c !== newCIDRs[i]) errs.push(forbidden('spec.podCIDRs', cidrMsg));
    });
  }
  const oldProvider = str(oldSpec.providerID);
  if (oldProvider.length > 0 && oldProvider !== str(spec.providerID))
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  if (arr(spec.taints).length > 0) errs.push(...validateNodeTaints(spec.taints, 'metadata.taints'));
  if (str(spec.externalID) !== str(oldSpec.externalID)) errs.push(forbidden('spec.externalID', 'may not be updated'));
  return errs;
}
