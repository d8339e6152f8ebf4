/** `kubectl describe service` (describeService), endpoints read from the service's EndpointSlices. */
import { type Json, list, map, str, num, at, has } from '../fields.ts';
import { formatLabels } from '../table.ts';
import { PrefixWriter, annotationsMultiline, describeEvents, labelsMultiline } from './writer.ts';

/** formatEndpointSlices: ready addresses of the slices' ports named `portName`, three at most. */
export function formatEndpointSlices(slices: readonly Json[], portName: string | undefined): string {
  if (slices.length === 0) return '<none>';
  const out: string[] = [];
  let count = 0;
  let more = false;
  const ready = (e: Json) => at(e, 'conditions', 'ready') === undefined || at(e, 'conditions', 'ready') === null || at(e, 'conditions', 'ready') === true;
  for (const s of slices) {
    const ports = list(s, 'ports');
    if (ports.length === 0) {
      for (const e of list(s, 'endpoints')) {
        if (out.length === 3) more = true;
        if (!ready(e)) continue;
        if (!more) out.push(list<string>(e, 'addresses')[0]);
        count++;
      }
      continue;
    }
    for (const p of ports) {
      if (portName !== undefined && (str(p, 'name') || '') !== portName) continue;
      for (const e of list(s, 'endpoints')) {
        if (out.length === 3) more = true;
        if (!ready(e)) continue;
        const addr = list<string>(e, 'addresses')[0] ?? '';
        if (!more) out.push(`${addr.includes(':') ? `[${addr}]` : addr}:${num(p, ['port'])}`);
        count++;
      }
    }
  }
  const s = out.join(',');
  return more ? `${s} + ${count - 3} more...` : s;
}

/** describeService. */
export function describeService(svc: Json, slices: readonly Json[], events: Json[] | undefined, now: number): string {
  const w = new PrefixWriter();
  const spec = map(svc, 'spec');
  w.write(0, `Name:\t${str(svc, 'metadata', 'name')}\n`);
  w.write(0, `Namespace:\t${str(svc, 'metadata', 'namespace')}\n`);
  labelsMultiline(w, 'Labels', at(svc, 'metadata', 'labels'));
  annotationsMultiline(w, 'Annotations', at(svc, 'metadata', 'annotations'));
  w.write(0, `Selector:\t${formatLabels(map(spec, 'selector') as Record<string, string>)}\n`);
  w.write(0, `Type:\t${str(spec, 'type')}\n`);
  if (str(spec, 'ipFamilyPolicy')) w.write(0, `IP Family Policy:\t${str(spec, 'ipFamilyPolicy')}\n`);
  const families = list<string>(spec, 'ipFamilies');
  w.write(0, `IP Families:\t${families.length > 0 ? families.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${str(spec, 'clusterIP')}\n`);
  const ips = list<string>(spec, 'clusterIPs');
  w.write(0, `IPs:\t${ips.length > 0 ? ips.join(',') : '<none>'}\n`);
  if (list(spec, 'externalIPs').length > 0) w.write(0, `External IPs:\t${list<string>(spec, 'externalIPs').join(',')}\n`);
  if (str(spec, 'loadBalancerIP')) w.write(0, `Desired LoadBalancer IP:\t${str(spec, 'loadBalancerIP')}\n`);
  if (str(spec, 'externalName')) w.write(0, `External Name:\t${str(spec, 'externalName')}\n`);
  const ingress = list(svc, 'status', 'loadBalancer', 'ingress');
  if (ingress.length > 0)
    w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => (str(i, 'ip') ? `${str(i, 'ip')}${str(i, 'ipMode') ? ` (${str(i, 'ipMode')})` : ''}` : str(i, 'hostname'))).join(', ')}\n`);
  for (const p of list(spec, 'ports')) {
    const name = str(p, 'name') || '<unset>';
    const proto = str(p, 'protocol') || 'TCP';
    w.write(0, `Port:\t${name}\t${num(p, ['port'])}/${proto}\n`);
    const target = at(p, 'targetPort');
    w.write(0, `TargetPort:\t${target === undefined ? num(p, ['port']) : String(target)}/${proto}\n`);
    if (num(p, ['nodePort']) !== 0) w.write(0, `NodePort:\t${name}\t${num(p, ['nodePort'])}/${proto}\n`);
    w.write(0, `Endpoints:\t${formatEndpointSlices(slices, str(p, 'name'))}\n`);
  }
  w.write(0, `Session Affinity:\t${str(spec, 'sessionAffinity')}\n`);
  if (str(spec, 'externalTrafficPolicy')) w.write(0, `External Traffic Policy:\t${str(spec, 'externalTrafficPolicy')}\n`);
  if (str(spec, 'internalTrafficPolicy')) w.write(0, `Internal Traffic Policy:\t${str(spec, 'internalTrafficPolicy')}\n`);
  if (num(spec, ['healthCheckNodePort']) !== 0) w.write(0, `HealthCheck NodePort:\t${num(spec, ['healthCheckNodePort'])}\n`);
  if (has(spec, 'loadBalancerSourceRanges')) w.write(0, `LoadBalancer Source Ranges:\t${list<string>(spec, 'loadBalancerSourceRanges').join(',')}\n`);
  describeEvents(w, events, now);
  return w.toString();
}
