/**
 * Tables of the networking kinds (printService, printEndpoints,
 * printEndpointSlice, printIngress, printIngressClass, printNetworkPolicy).
 */
import type { Column, Row } from '../table.ts';
import { formatLabels } from '../table.ts';
import { since } from '../duration.ts';
import { type Json, list, map, str, at, has, formatLabelSelector } from '../fields.ts';

const NAME: Column = { name: 'Name', format: 'name' };
const AGE: Column = { name: 'Age' };
const age = (o: Json, now: number) => since(at(o, 'metadata', 'creationTimestamp'), now);
const name = (o: Json) => str(o, 'metadata', 'name');

function loadBalancerIPs(status: Json, wide: boolean): string {
  const set = new Set<string>();
  for (const i of list(status, 'ingress')) {
    if (str(i, 'ip')) set.add(str(i, 'ip'));
    else if (str(i, 'hostname')) set.add(str(i, 'hostname'));
  }
  let r = [...set].sort().join(',');
  if (!wide && r.length > 16) r = `${r.slice(0, 13)}...`;
  return r;
}

/** getServiceExternalIP: the EXTERNAL-IP column. */
export function serviceExternalIP(svc: Json, wide: boolean): string {
  const external = list<string>(svc, 'spec', 'externalIPs');
  switch (str(svc, 'spec', 'type') || 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIPs(map(svc, 'status', 'loadBalancer'), wide);
      if (external.length > 0) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(svc, 'spec', 'externalName');
    default:
      return '<unknown>';
  }
}

/** makePortString: `80/TCP`, `80:30080/TCP`. */
export function servicePorts(svc: Json): string {
  return list(svc, 'spec', 'ports')
    .map((p) => {
      const proto = str(p, 'protocol') || 'TCP';
      const nodePort = typeof p.nodePort === 'number' && p.nodePort > 0 ? `:${p.nodePort}` : '';
      return `${str(p, 'port')}${nodePort}/${proto}`;
    })
    .join(',');
}

export const SERVICE_COLUMNS: Column[] = [NAME, { name: 'Type' }, { name: 'Cluster-IP' }, { name: 'External-IP' }, { name: 'Port(s)' }, AGE, { name: 'Selector', priority: 1 }];
export function serviceRow(o: Json, now: number, wide: boolean): Row {
  const ips = list<string>(o, 'spec', 'clusterIPs');
  return {
    object: o as never,
    cells: [
      name(o),
      str(o, 'spec', 'type') || 'ClusterIP',
      ips[0] ?? (str(o, 'spec', 'clusterIP') || '<none>'),
      serviceExternalIP(o, wide),
      servicePorts(o) || '<none>',
      age(o, now),
      formatLabels(map(o, 'spec', 'selector') as Record<string, string>),
    ],
  };
}

/** formatEndpoints: up to three `ip:port`, then `+ N more...`. */
export function formatEndpoints(ep: Json): string {
  const subsets = list(ep, 'subsets');
  if (subsets.length === 0) return '<none>';
  const out: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of subsets) {
    const addrs = list(ss, 'addresses');
    const ports = list(ss, 'ports');
    const lists = ports.length === 0 ? [undefined] : ports;
    for (const port of lists) {
      count += addrs.length;
      for (const a of addrs) {
        if (out.length === 3) {
          more = true;
          break;
        }
        const ip = str(a, 'ip');
        out.push(port === undefined ? ip : `${ip.includes(':') ? `[${ip}]` : ip}:${str(port, 'port')}`);
      }
    }
  }
  const s = out.join(',');
  return more ? `${s} + ${count - 3} more...` : s;
}

export const ENDPOINTS_COLUMNS: Column[] = [NAME, { name: 'Endpoints' }, AGE];
export function endpointsRow(o: Json, now: number): Row {
  return { object: o as never, cells: [name(o), formatEndpoints(o), age(o, now)] };
}

function withMore(items: string[], count: number): string {
  const s = items.join(',');
  if (count > 3) return `${s} + ${count - 3} more...`;
  return s === '' ? '<unset>' : s;
}

export const ENDPOINTSLICE_COLUMNS: Column[] = [NAME, { name: 'AddressType' }, { name: 'Ports' }, { name: 'Endpoints' }, AGE];
export function endpointSliceRow(o: Json, now: number): Row {
  const ports = list(o, 'ports');
  const portItems = ports.slice(0, 3).map((p) => (typeof p.port === 'number' ? String(p.port) : typeof p.name === 'string' ? p.name : '*'));
  const addrs = list(o, 'endpoints').flatMap((e) => list<string>(e, 'addresses'));
  return {
    object: o as never,
    cells: [name(o), str(o, 'addressType'), withMore(portItems, ports.length), withMore(addrs.slice(0, 3), addrs.length), age(o, now)],
  };
}

export const INGRESS_COLUMNS: Column[] = [NAME, { name: 'Class' }, { name: 'Hosts' }, { name: 'Address' }, { name: 'Ports' }, AGE];
export function ingressRow(o: Json, now: number, wide: boolean): Row {
  const rules = list(o, 'spec', 'rules');
  const hosts: string[] = [];
  let more = false;
  for (const r of rules) {
    if (hosts.length === 3) more = true;
    if (!more && str(r, 'host')) hosts.push(str(r, 'host'));
  }
  let hostText = hosts.length === 0 ? '*' : hosts.join(',');
  if (more && hosts.length > 0) hostText = `${hostText} + ${rules.length - 3} more...`;
  return {
    object: o as never,
    cells: [name(o), str(o, 'spec', 'ingressClassName') || '<none>', hostText, loadBalancerIPs(map(o, 'status', 'loadBalancer'), wide), list(o, 'spec', 'tls').length > 0 ? '80, 443' : '80', age(o, now)],
  };
}

export const INGRESS_CLASS_COLUMNS: Column[] = [NAME, { name: 'Controller' }, { name: 'Parameters' }, AGE];
export function ingressClassRow(o: Json, now: number): Row {
  let params = '<none>';
  if (has(o, 'spec', 'parameters')) {
    const p = map(o, 'spec', 'parameters');
    params = `${str(p, 'kind')}${str(p, 'apiGroup') ? `.${str(p, 'apiGroup')}` : ''}/${str(p, 'name')}`;
  }
  return { object: o as never, cells: [name(o), str(o, 'spec', 'controller'), params, age(o, now)] };
}

export const NETWORK_POLICY_COLUMNS: Column[] = [NAME, { name: 'Pod-Selector' }, AGE];
export function networkPolicyRow(o: Json, now: number): Row {
  return { object: o as never, cells: [name(o), formatLabelSelector(map(o, 'spec', 'podSelector')), age(o, now)] };
}
