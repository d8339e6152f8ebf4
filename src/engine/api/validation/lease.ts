/**
 * Leases (pkg/apis/coordination/validation, release 1.33).
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, notSupported } from '../errors.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isQualifiedName, nameIsDNSSubdomain } from './names.ts';
import { obj, optNum, optStr } from './util.ts';
import type { Rec } from './util.ts';

function validateLeaseSpec(spec: Rec): FieldError[] {
  const errs: FieldError[] = [];
  const duration = optNum(spec.leaseDurationSeconds);
  if (duration !== undefined && duration <= 0) errs.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
  const transitions = optNum(spec.leaseTransitions);
  if (transitions !== undefined && transitions < 0) errs.push(invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
  const strategy = optStr(spec.strategy);
  if (strategy !== undefined) {
    // Upstream nests the strategy's own path one level deeper.
    if (strategy.split('/').length === 1) {
      if (strategy !== 'OldestEmulationVersion') errs.push(notSupported('spec.strategy.strategy', strategy, ['OldestEmulationVersion']));
    } else for (const m of isQualifiedName(strategy)) errs.push(invalid('spec.strategy.strategy', strategy, m));
  }
  const preferred = optStr(spec.preferredHolder);
  if (preferred && (strategy === undefined || strategy === ''))
    errs.push(forbidden('spec.preferredHolder', 'may only be specified if `strategy` is defined'));
  return errs;
}

/** ValidateLease: the metadata rules of apimachinery (without the core finalizer-name rule) and the spec. */
export function validateLeaseCreate(lease: Rec): FieldError[] {
  const errs = validateObjectMeta(lease.metadata, true, nameIsDNSSubdomain, 'metadata', false);
  errs.push(...validateLeaseSpec(obj(lease.spec)));
  return errs;
}

/** ValidateLeaseUpdate */
export function validateLeaseUpdate(lease: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(lease.metadata, old.metadata, 'metadata', false);
  errs.push(...validateLeaseSpec(obj(lease.spec)));
  return errs;
}
