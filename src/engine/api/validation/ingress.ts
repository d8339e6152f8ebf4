/**
 * Ingresses and IngressClasses (pkg/apis/networking/validation, release
 * 1.33).
 */
import type { FieldError } from '../errors.ts';
import { forbidden, invalid, notSupported, required, tooLong } from '../errors.ts';
import { validateNamespaceName, validateObjectMeta, validateObjectMetaUpdate } from './meta.ts';
import {
  domainPrefixedPathErrors,
  isDNS1123Subdomain,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNS1035Label,
  nameIsDNSSubdomain,
} from './names.ts';
import { isValidIP, parseIPSloppy } from './net.ts';
import { arr, child, index, invalidRepr, num, obj, rec, str, strMap } from './util.ts';
import type { Rec } from './util.ts';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

function typedLocalRef(ref: Rec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ref.apiGroup != null) for (const m of isDNS1123Subdomain(str(ref.apiGroup))) errs.push(invalid(child(field, 'apiGroup'), str(ref.apiGroup), m));
  for (const [k, msg] of [['kind', 'kind is required'], ['name', 'name is required']] as const) {
    const v = str(ref[k]);
    if (v === '') errs.push(required(child(field, k), msg));
    else for (const m of isValidPathSegmentName(v)) errs.push(invalid(child(field, k), v, m));
  }
  return errs;
}

function validateBackend(b: Rec, field: string): FieldError[] {
  const resource = rec(b.resource);
  const service = rec(b.service);
  if (resource && service) return [invalid(field, '', 'cannot set both resource and service backends')];
  if (resource) return typedLocalRef(resource, child(field, 'resource'));
  if (!service) return [invalid(field, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const name = str(service.name);
  if (name.length === 0) errs.push(required(child(field, 'service', 'name'), ''));
  else for (const m of nameIsDNS1035Label(name, false)) errs.push(invalid(child(field, 'service', 'name'), name, m));
  const port = obj(service.port);
  const portName = str(port.name);
  const portNumber = num(port.number);
  if (portName.length > 0 && portNumber !== 0) errs.push(invalid(field, '', 'cannot set both port name & port number'));
  else if (portName.length > 0) for (const m of isValidPortName(portName)) errs.push(invalid(child(field, 'service', 'port', 'name'), portName, m));
  else if (portNumber !== 0) for (const m of isValidPortNum(portNumber)) errs.push(invalid(child(field, 'service', 'port', 'number'), portNumber, m));
  else errs.push(required(field, 'port name or number is required'));
  return errs;
}

function validatePath(p: Rec, field: string): FieldError[] {
  if (p.pathType == null) return [required(child(field, 'pathType'), 'pathType must be specified')];
  const errs: FieldError[] = [];
  const type = str(p.pathType);
  const path = str(p.path);
  if (type === 'Exact' || type === 'Prefix') {
    if (!path.startsWith('/')) errs.push(invalid(child(field, 'path'), path, 'must be an absolute path'));
    if (path.length > 0) {
      for (const seq of ['//', '/./', '/../', '%2f', '%2F']) if (path.includes(seq)) errs.push(invalid(child(field, 'path'), path, `must not contain '${seq}'`));
      for (const suf of ['/..', '/.']) if (path.endsWith(suf)) errs.push(invalid(child(field, 'path'), path, `cannot end with '${suf}'`));
    }
  } else if (type === 'ImplementationSpecific') {
    if (path.length > 0 && !path.startsWith('/')) errs.push(invalid(child(field, 'path'), path, 'must be an absolute path'));
  } else errs.push(notSupported(child(field, 'pathType'), type, PATH_TYPES));
  errs.push(...validateBackend(obj(p.backend), child(field, 'backend')));
  return errs;
}

function validateIngressSpec(spec: Rec): FieldError[] {
  const errs: FieldError[] = [];
  const rules = arr(spec.rules).map(obj);
  if (rules.length === 0 && !rec(spec.defaultBackend)) errs.push(invalidRepr('spec', spec.rules, '[]networking.IngressRule(nil)', 'either `defaultBackend` or `rules` must be specified'));
  if (rec(spec.defaultBackend)) errs.push(...validateBackend(obj(spec.defaultBackend), 'spec.defaultBackend'));
  rules.forEach((r, i) => {
    const p = index('spec.rules', i);
    const host = str(r.host);
    if (host.length > 0) {
      if (parseIPSloppy(host)) errs.push(invalid(child(p, 'host'), host, 'must be a DNS name, not an IP address'));
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const m of msgs) errs.push(invalid(child(p, 'host'), host, m));
    }
    const http = rec(r.http);
    if (http) {
      const paths = arr(http.paths).map(obj);
      if (paths.length === 0) errs.push(required(child(p, 'http', 'paths'), ''));
      paths.forEach((path, j) => errs.push(...validatePath(path, index(child(p, 'http', 'paths'), j))));
    }
  });
  arr(spec.tls).forEach((t0, i) => {
    const t = obj(t0);
    arr(t.hosts).forEach((h, j) => {
      const host = str(h);
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const m of msgs) errs.push(invalid(index(child(index('spec.tls', i), 'hosts'), j), host, m));
    });
    const secret = str(t.secretName);
    if (secret.length > 0) for (const m of nameIsDNSSubdomain(secret, false)) errs.push(invalid(child(index('spec.tls', i), 'secretName'), secret, m));
  });
  if (spec.ingressClassName != null)
    for (const m of nameIsDNSSubdomain(str(spec.ingressClassName), false)) errs.push(invalid('spec.ingressClassName', str(spec.ingressClassName), m));
  return errs;
}

/** ValidateIngressCreate: the spec, and the class annotation agreeing with ingressClassName. */
export function validateIngressCreate(ing: Rec): FieldError[] {
  const errs = validateObjectMeta(ing.metadata, true, nameIsDNSSubdomain);
  const spec = obj(ing.spec);
  errs.push(...validateIngressSpec(spec));
  const annotation = (strMap(obj(ing.metadata).annotations) ?? {})['kubernetes.io/ingress.class'];
  if (annotation !== undefined && spec.ingressClassName != null && annotation !== str(spec.ingressClassName))
    errs.push(invalid('annotations.kubernetes.io/ingress.class', annotation, 'must match `ingressClassName` when both are specified'));
  return errs;
}

/** ValidateIngressUpdate */
export function validateIngressUpdate(ing: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(ing.metadata, old.metadata);
  errs.push(...validateObjectMeta(ing.metadata, true, nameIsDNSSubdomain));
  errs.push(...validateIngressSpec(obj(ing.spec)));
  return errs;
}

/** ValidateIngressStatusUpdate */
export function validateIngressStatusUpdate(ing: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(ing.metadata, old.metadata);
  arr(obj(obj(ing.status).loadBalancer).ingress).forEach((i0, i) => {
    const ingress = obj(i0);
    const p = index('status.loadBalancer.ingress', i);
    if (str(ingress.ip).length > 0) errs.push(...isValidIP(child(p, 'ip'), str(ingress.ip)));
    const hostname = str(ingress.hostname);
    if (hostname.length > 0) {
      for (const m of isDNS1123Subdomain(hostname)) errs.push(invalid(child(p, 'hostname'), hostname, m));
      if (parseIPSloppy(hostname)) errs.push(invalid(child(p, 'hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

function validateIngressClassSpec(spec: Rec): FieldError[] {
  const errs: FieldError[] = [];
  const controller = str(spec.controller);
  if (controller.length > 250) errs.push(tooLong('spec.controller', 250));
  if (controller.length === 0) errs.push(required('spec.controller', ''));
  else for (const e of domainPrefixedPathErrors(controller)) errs.push(invalid('spec.controller', e.value, e.msg));
  const params = rec(spec.parameters);
  if (params) {
    errs.push(...typedLocalRef(params, 'spec.parameters'));
    if (params.scope == null) errs.push(required('spec.parameters.scope', ''));
    else {
      const scope = str(params.scope);
      if (scope !== 'Cluster' && scope !== 'Namespace') errs.push(notSupported('spec.parameters.scope', scope, ['Cluster', 'Namespace']));
      else if (scope === 'Namespace') {
        if (params.namespace == null) errs.push(required('spec.parameters.namespace', "`parameters.scope` is set to 'Namespace'"));
        else for (const m of validateNamespaceName(str(params.namespace), false)) errs.push(invalid('spec.parameters.namespace', str(params.namespace), m));
      } else if (params.namespace != null) errs.push(forbidden('spec.parameters.namespace', "`parameters.scope` is set to 'Cluster'"));
    }
  }
  return errs;
}

/** ValidateIngressClass */
export function validateIngressClassCreate(ic: Rec): FieldError[] {
  return [...validateObjectMeta(ic.metadata, false, nameIsDNSSubdomain), ...validateIngressClassSpec(obj(ic.spec))];
}

/** ValidateIngressClassUpdate: the controller is immutable. */
export function validateIngressClassUpdate(ic: Rec, old: Rec): FieldError[] {
  const errs = validateObjectMetaUpdate(ic.metadata, old.metadata);
  const controller = str(obj(ic.spec).controller);
  if (controller !== str(obj(old.spec).controller)) errs.push(invalid('spec.controller', controller, 'field is immutable'));
  errs.push(...validateIngressClassCreate(ic));
  return errs;
}

