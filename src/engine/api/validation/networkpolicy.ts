/**
 * NetworkPolicies (pkg/apis/networking/validation, release 1.33).
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, notSupported, required } from '../errors.ts';
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.ts';
import { cidrContains, isValidCIDR, parseCIDRSloppy } from './net.ts';
import { arr, child, index, invalidRepr, num, obj, optNum, rec, str } from './util.ts';
import type { Rec } from './util.ts';

function validatePort(port: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol != null && !['TCP', 'UDP', 'SCTP'].includes(str(port.protocol)))
    errs.push(notSupported(child(field, 'protocol'), str(port.protocol), ['TCP', 'UDP', 'SCTP']));
  const endPort = optNum(port.endPort);
  if (port.port != null) {
    if (typeof port.port !== 'string') {
      const p = num(port.port);
      for (const m of isValidPortNum(p)) errs.push(invalid(child(field, 'port'), p, m));
      if (endPort !== undefined) {
        if (endPort < p) errs.push(invalid(child(field, 'endPort'), p, 'must be greater than or equal to `port`'));
        for (const m of isValidPortNum(endPort)) errs.push(invalid(child(field, 'endPort'), endPort, m));
      }
    } else {
      if (endPort !== undefined) errs.push(invalid(child(field, 'endPort'), endPort, 'may not be specified when `port` is non-numeric'));
      for (const m of isValidPortName(port.port)) errs.push(invalid(child(field, 'port'), port.port, m));
    }
  } else if (endPort !== undefined) errs.push(invalid(child(field, 'endPort'), endPort, 'may not be specified when `port` is not specified'));
  return errs;
}

function validateIPBlock(b: Rec, field: string): FieldError[] {
  const cidr = str(b.cidr);
  if (cidr === '') return [required(child(field, 'cidr'), '')];
  const errs = isValidCIDR(child(field, 'cidr'), cidr);
  const net = parseCIDRSloppy(cidr);
  if (!net) return errs;
  arr(b.except).forEach((e0, i) => {
    const e = str(e0);
    const p = index(child(field, 'except'), i);
    errs.push(...isValidCIDR(p, e));
    const ex = parseCIDRSloppy(e);
    if (!ex) return;
    if (!cidrContains(net, ex.ip) || net.bits >= ex.bits) errs.push(invalid(p, e, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (peer.podSelector != null) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, child(field, 'podSelector')));
  }
  if (peer.namespaceSelector != null) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, child(field, 'namespaceSelector')));
  }
  if (rec(peer.ipBlock)) {
    n++;
    errs.push(...validateIPBlock(obj(peer.ipBlock), child(field, 'ipBlock')));
  }
  if (n === 0) errs.push(required(field, 'must specify a peer'));
  else if (n > 1 && rec(peer.ipBlock)) errs.push(forbidden(field, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validateSpec(spec: Rec): FieldError[] {
  const errs = validateLabelSelector(spec.podSelector ?? {}, 'spec.podSelector');
  for (const [dir, peers] of [['ingress', 'from'], ['egress', 'to']] as const)
    arr(spec[dir]).forEach((r0, i) => {
      const r = obj(r0);
      const p = index(child('spec', dir), i);
      arr(r.ports).forEach((port, j) => errs.push(...validatePort(obj(port), index(child(p, 'ports'), j))));
      arr(r[peers]).forEach((peer, j) => errs.push(...validatePeer(obj(peer), index(child(p, peers), j))));
    });
  const types = arr(spec.policyTypes).map(str);
  if (types.length > 2) {
    errs.push(invalidRepr('spec.policyTypes', types, `&[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`, 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress') errs.push(notSupported(index('spec.policyTypes', i), t, ['Ingress', 'Egress']));
  });
  return errs;
}

/** ValidateNetworkPolicy */
export function validateNetworkPolicyCreate(np: Rec): FieldError[] {
  return [...validateObjectMeta(np.metadata, true, nameIsDNSSubdomain), ...validateSpec(obj(np.spec))];
}

/** ValidateNetworkPolicyUpdate */
export function validateNetworkPolicyUpdate(np: Rec, old: Rec): FieldError[] {
  return [...validateObjectMetaUpdate(np.metadata, old.metadata), ...validateSpec(obj(np.spec))];
}
