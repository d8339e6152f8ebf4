/**
 * Services (ValidateService, ValidateServiceUpdate and
 * ValidateServiceStatusUpdate of pkg/apis/core/validation, release 1.33).
 *
 * Upstream validates after the registry has normalized `clusterIPs` from
 * `clusterIP` and allocated cluster IPs and node ports; the normalization is
 * repeated here so a Service that sets only `clusterIP` validates alike.
 */
import type { FieldError } from '../errors.ts';
import { duplicate, forbidden, invalid, notSupported, required } from '../errors.ts';
import { goIntOrString } from './go-repr.ts';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum, nameIsDNS1035Label } from './names.ts';
import { isDualStackIPs, isIPv6String, isValidCIDR, isValidIP, parseIPSloppy, validateNonSpecialIP } from './net.ts';
import { PROTOCOLS } from './container-fields.ts';
import { validatePortNumOrName } from './probes.ts';
import { arr, child, duplicateRepr, index, invalidRepr, key, num, obj, optNum, optStr, rec, str, strMap } from './util.ts';
import type { Rec } from './util.ts';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

function stringsRepr(list: string[] | undefined): string {
  return list ? `[]string{${list.map((s) => JSON.stringify(s)).join(', ')}}` : '[]string(nil)';
}

/** The spec with `clusterIPs` derived from `clusterIP` when only the latter is set. */
function normalized(svc: Rec): Rec {
  const spec = obj(svc.spec);
  if (str(spec.clusterIP) !== '' && arr(spec.clusterIPs).length === 0) return { ...spec, clusterIPs: [str(spec.clusterIP)] };
  return spec;
}

function isHeadless(spec: Rec): boolean {
  const ips = arr(spec.clusterIPs);
  return ips.length === 1 && str(ips[0]) === 'None';
}

function externallyAccessible(spec: Rec): boolean {
  const type = str(spec.type);
  return type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && arr(spec.externalIPs).length > 0);
}

function validateServicePort(sp: Rec, requireName: boolean, names: Set<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(sp.name);
  if (requireName && name.length === 0) errs.push(required(child(field, 'name'), ''));
  else if (name.length !== 0) {
    for (const m of isDNS1123Label(name)) errs.push(invalid(child(field, 'name'), name, m));
    if (names.has(name)) errs.push(duplicate(child(field, 'name'), name));
    else names.add(name);
  }
  for (const m of isValidPortNum(num(sp.port))) errs.push(invalid(child(field, 'port'), num(sp.port), m));
  const protocol = str(sp.protocol);
  if (protocol.length === 0) errs.push(required(child(field, 'protocol'), ''));
  else if (!PROTOCOLS.includes(protocol)) errs.push(notSupported(child(field, 'protocol'), protocol, PROTOCOLS));
  errs.push(...validatePortNumOrName(sp.targetPort ?? 0, child(field, 'targetPort')));
  const appProtocol = optStr(sp.appProtocol);
  if (appProtocol !== undefined) for (const m of isQualifiedName(appProtocol)) errs.push(invalid(child(field, 'appProtocol'), appProtocol, m));
  return errs;
}

function validateClusterIPsRelated(spec: Rec): FieldError[] {
  if (str(spec.type) === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = arr(spec.clusterIPs).map(str);
  const families = arr(spec.ipFamilies).map(str);
  const clusterIP = str(spec.clusterIP);
  if (clusterIP.length !== 0) {
    if (ips.length === 0) errs.push(required('spec.clusterIPs', ''));
    else if (ips[0] !== clusterIP) errs.push(invalidRepr('spec.clusterIPs', ips, stringsRepr(ips), 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) errs.push(invalidRepr('spec.clusterIPs', ips, stringsRepr(ips), 'must be empty when `clusterIP` is not specified'));
  const seen = new Set<string>();
  families.forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(notSupported(index('spec.ipFamilies', i), f, ['IPv4', 'IPv6']));
    if (seen.has(f)) errs.push(duplicate(index('spec.ipFamilies', i), f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy != null) {
    const p = str(spec.ipFamilyPolicy);
    if (!['PreferDualStack', 'RequireDualStack', 'SingleStack'].includes(p))
      errs.push(notSupported('spec.ipFamilyPolicy', p, ['PreferDualStack', 'RequireDualStack', 'SingleStack']));
  }
  let bad = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        bad = true;
        errs.push(invalidRepr('spec.clusterIPs', ips, stringsRepr(ips), "'None' must be the first and only value"));
      }
      return;
    }
    const e = isValidIP(index('spec.clusterIPs', i), ip);
    if (e.length > 0) bad = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(invalidRepr('spec.clusterIPs', ips, stringsRepr(ips), 'may only hold up to 2 values'));
  if (bad) return errs;
  if (ips.length > 1 && !isDualStackIPs(ips))
    errs.push(invalidRepr('spec.clusterIPs', ips, stringsRepr(ips), 'may specify no more than one IP for each IP family'));
  if (!isHeadless(spec) && ips.length > 0 && families.length > 0)
    ips.forEach((ip, i) => {
      if (i > families.length - 1) return;
      if (families[i] === 'IPv4' && isIPv6String(ip)) errs.push(invalid(index('spec.clusterIPs', i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && !isIPv6String(ip)) errs.push(invalid(index('spec.clusterIPs', i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  return errs;
}

function portKeyRepr(p: Rec): string {
  return `core.ServicePort{Name:"", Protocol:${JSON.stringify(str(p.protocol))}, AppProtocol:(*string)(nil), Port:${num(p.port)}, TargetPort:${goIntOrString(0)}, NodePort:0}`;
}

function validateServiceSpec(svc: Rec, spec: Rec): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(spec.type);
  const headless = isHeadless(spec);
  const ports = arr(spec.ports).map(obj);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(required('spec.ports', ''));
  if (type === 'LoadBalancer' && headless) errs.push(invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for LoadBalancer services"));
  if (type === 'NodePort' && headless) errs.push(invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"));
  if (type === 'ExternalName') {
    if (arr(spec.clusterIPs).length > 0) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if (arr(spec.ipFamilies).length > 0) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy != null) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    const cname = str(spec.externalName).replace(/\.$/, '');
    if (cname.length > 0) for (const m of isDNS1123Subdomain(cname)) errs.push(invalid('spec.externalName', cname, m));
    else errs.push(required('spec.externalName', ''));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, index('spec.ports', i))));
  if (spec.selector != null) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  const affinity = str(spec.sessionAffinity);
  if (affinity.length === 0) errs.push(required('spec.sessionAffinity', ''));
  else if (affinity !== 'ClientIP' && affinity !== 'None') errs.push(notSupported('spec.sessionAffinity', affinity, ['ClientIP', 'None']));
  const cfgPath = 'spec.sessionAffinityConfig';
  if (affinity === 'ClientIP') {
    const cfg = rec(spec.sessionAffinityConfig);
    const clientIP = rec(cfg?.clientIP);
    const msg = 'when session affinity type is ClientIP';
    if (!cfg) errs.push(required(cfgPath, msg));
    else if (!clientIP) errs.push(required(child(cfgPath, 'clientIP'), msg));
    else if (clientIP.timeoutSeconds == null) errs.push(required(child(cfgPath, 'clientIP', 'timeoutSeconds'), msg));
    else {
      const t = num(clientIP.timeoutSeconds);
      if (t <= 0 || t > 86400) errs.push(invalid(child(cfgPath, 'clientIP', 'timeoutSeconds'), t, 'must be greater than 0 and less than 86400'));
    }
  } else if (affinity === 'None' && spec.sessionAffinityConfig != null) {
    errs.push(forbidden(cfgPath, 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPsRelated(spec));
  arr(spec.externalIPs).forEach((ip, i) => {
    const p = index('spec.externalIPs', i);
    const e = isValidIP(p, str(ip));
    errs.push(...(e.length > 0 ? e : validateNonSpecialIP(str(ip), p)));
  });
  if (type.length === 0) errs.push(required('spec.type', ''));
  else if (!TYPES.includes(type)) errs.push(notSupported('spec.type', type, TYPES));
  if (type === 'ClusterIP')
    ports.forEach((p, i) => {
      if (num(p.nodePort) !== 0) errs.push(forbidden(child(index('spec.ports', i), 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if (num(p.nodePort) === 0) return;
    const k = `${str(p.protocol)}/${num(p.nodePort)}`;
    if (nodePorts.has(k)) errs.push(duplicate(child(index('spec.ports', i), 'nodePort'), num(p.nodePort)));
    nodePorts.add(k);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const k = `${str(p.protocol)}/${num(p.port)}`;
    if (portKeys.has(k)) errs.push(duplicateRepr(index('spec.ports', i), { protocol: p.protocol, port: p.port }, portKeyRepr(p)));
    portKeys.add(k);
  });
  const ranges = arr(spec.loadBalancerSourceRanges).map(str);
  const annotations = strMap(obj(svc.metadata).annotations) ?? {};
  if (ranges.length > 0) {
    // Upstream capitalizes this path.
    if (type !== 'LoadBalancer') errs.push(forbidden('spec.LoadBalancerSourceRanges', "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...isValidCIDR(index('spec.LoadBalancerSourceRanges', i), r.trim())));
  } else if ('service.beta.kubernetes.io/load-balancer-source-ranges' in annotations) {
    const p = key('metadata.annotations', 'service.beta.kubernetes.io/load-balancer-source-ranges');
    if (type !== 'LoadBalancer') errs.push(forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    const val = annotations['service.beta.kubernetes.io/load-balancer-source-ranges'].trim();
    if (val !== '') for (const r of val.split(',')) errs.push(...isValidCIDR(p, r.trim()));
  }
  if (spec.allocateLoadBalancerNodePorts != null && type !== 'LoadBalancer')
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  // Upstream names this path without `spec.`.
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts == null) errs.push(required('allocateLoadBalancerNodePorts', ''));
  const lbClass = optStr(spec.loadBalancerClass);
  if (type === 'LoadBalancer') {
    if (lbClass !== undefined) for (const m of isQualifiedName(lbClass)) errs.push(invalid('spec.loadBalancerClass', lbClass, m));
  } else if (lbClass !== undefined) errs.push(forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  const etp = str(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp !== '') errs.push(invalid('spec.externalTrafficPolicy', etp, 'may only be set for externally-accessible services'));
  } else if (etp === '') errs.push(required('spec.externalTrafficPolicy', ''));
  else if (etp !== 'Cluster' && etp !== 'Local') errs.push(notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  const hcnp = num(spec.healthCheckNodePort);
  if (!(type === 'LoadBalancer' && etp === 'Local')) {
    if (hcnp !== 0) errs.push(invalid('spec.healthCheckNodePort', hcnp, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hcnp === 0) errs.push(required('spec.healthCheckNodePort', ''));
  else for (const m of isValidPortNum(hcnp)) errs.push(invalid('spec.healthCheckNodePort', hcnp, m));
  if (spec.internalTrafficPolicy == null) {
    if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') errs.push(required('spec.internalTrafficPolicy', ''));
  } else if (str(spec.internalTrafficPolicy) !== 'Cluster' && str(spec.internalTrafficPolicy) !== 'Local')
    errs.push(notSupported('spec.internalTrafficPolicy', str(spec.internalTrafficPolicy), ['Cluster', 'Local']));
  if (spec.trafficDistribution != null && str(spec.trafficDistribution) !== 'PreferClose')
    errs.push(notSupported('spec.trafficDistribution', str(spec.trafficDistribution), ['PreferClose']));
  return errs;
}

/** ValidateService */
export function validateServiceCreate(svc: Rec): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, true, nameIsDNS1035Label);
  const annotations = strMap(obj(svc.metadata).annotations) ?? {};
  const hints = annotations['service.kubernetes.io/topology-aware-hints'];
  const mode = annotations['service.kubernetes.io/topology-mode'];
  if (hints !== undefined && mode !== undefined && hints !== mode)
    errs.push(invalid(key('metadata.annotations', 'service.kubernetes.io/topology-mode'), mode, 'must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified'));
  errs.push(...validateServiceSpec(svc, normalized(svc)));
  return errs;
}

/** ValidateServiceUpdate: cluster IPs and IP families may be added or released, never changed. */
export function validateServiceUpdate(svc: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const spec = normalized(svc);
  const oldSpec = normalized(old);
  const ext = str(spec.type) === 'ExternalName' || str(oldSpec.type) === 'ExternalName';
  const ips = arr(spec.clusterIPs).map(str);
  const oldIPs = arr(oldSpec.clusterIPs).map(str);
  if (!ext && !(isHeadless(spec) && isHeadless(oldSpec))) {
    const changed = (i: number) => invalidRepr(index('spec.clusterIPs', i), ips, stringsRepr(ips.length ? ips : undefined), 'may not change once set');
    if (oldIPs.length === ips.length) oldIPs.forEach((ip, i) => ip !== ips[i] && errs.push(changed(i)));
    else if (oldIPs.length > ips.length) {
      if (ips.length === 0) errs.push(invalidRepr('spec.clusterIPs[0]', ips, '[]string(nil)', 'primary clusterIP can not be unset'));
      if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(changed(0));
      if (ips.length === 1 && str(spec.ipFamilyPolicy) !== 'SingleStack')
        errs.push(invalid('spec.ipFamilyPolicy', optStr(spec.ipFamilyPolicy) ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) errs.push(changed(0));
  }
  const oldLB = str(oldSpec.type) === 'LoadBalancer';
  if (oldLB && str(spec.type) === 'LoadBalancer' && optStr(spec.loadBalancerClass) !== optStr(oldSpec.loadBalancerClass))
    errs.push(invalid('spec.loadBalancerClass', optStr(spec.loadBalancerClass) ?? null, 'may not change once set'));
  const needsHC = (s: Rec) => str(s.type) === 'LoadBalancer' && str(s.externalTrafficPolicy) === 'Local';
  if (needsHC(spec) && needsHC(oldSpec) && optNum(spec.healthCheckNodePort) !== optNum(oldSpec.healthCheckNodePort))
    errs.push(forbidden('spec.healthCheckNodePort', 'field is immutable'));
  errs.push(...validateServiceCreate({ ...svc, spec }));
  return errs;
}

/** ValidateServiceStatusUpdate: load balancer ingress addresses. */
export function validateServiceStatusUpdate(svc: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const ingress = arr(obj(obj(svc.status).loadBalancer).ingress).map(obj);
  const p = 'status.loadBalancer.ingress';
  if (str(obj(svc.spec).type) !== 'LoadBalancer' && ingress.length !== 0) {
    errs.push(forbidden(p, "may only be used when `spec.type` is 'LoadBalancer'"));
    return errs;
  }
  ingress.forEach((ing, i) => {
    const ip = str(ing.ip);
    const ip0 = index(p, i);
    if (ip.length > 0) errs.push(...isValidIP(child(ip0, 'ip'), ip));
    if (ing.ipMode == null) {
      if (ip.length > 0) errs.push(required(child(ip0, 'ipMode'), 'must be specified when `ip` is set'));
    } else if (ip.length === 0) errs.push(forbidden(child(ip0, 'ipMode'), 'may not be specified when `ip` is not set'));
    else if (str(ing.ipMode) !== 'Proxy' && str(ing.ipMode) !== 'VIP') errs.push(notSupported(child(ip0, 'ipMode'), str(ing.ipMode), ['Proxy', 'VIP']));
    const hostname = str(ing.hostname);
    if (hostname.length > 0) {
      for (const m of isDNS1123Subdomain(hostname)) errs.push(invalid(child(ip0, 'hostname'), hostname, m));
      if (parseIPSloppy(hostname)) errs.push(invalid(child(ip0, 'hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}
