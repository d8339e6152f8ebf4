/**
 * `kubectl describe pod` (describePod) and the pieces other describers
 * share: containers with their state, resources, probes, environment and
 * mounts; volumes; the pod template section.
 */
import { resourceAmount } from '../../../engine/index.ts';
import { type Json, list, map, str, num, at, has } from '../fields.ts';
import { since } from '../duration.ts';
import { canonicalQuantity } from '../quantity-format.ts';
import { PrefixWriter, annotationsMultiline, controllerText, describeEvents, labelsMultiline, rfc1123z, tolerationsMultiline } from './writer.ts';
import { formatLabelSelector } from '../fields.ts';

const printBool = (b: unknown) => (b === true ? 'True' : 'False');

/** qos.GetPodQOS: Guaranteed when every container limits cpu and memory and requests equal limits. */
export function podQOSClass(spec: Json): string {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...list(spec, 'containers'), ...list(spec, 'initContainers')]) {
    for (const [r, q] of Object.entries(map(c, 'resources', 'requests'))) {
      if (r !== 'cpu' && r !== 'memory') continue;
      const v = resourceAmount(r, q as string);
      if (v > 0) requests.set(r, (requests.get(r) ?? 0) + v);
    }
    const found = new Set<string>();
    for (const [r, q] of Object.entries(map(c, 'resources', 'limits'))) {
      if (r !== 'cpu' && r !== 'memory') continue;
      const v = resourceAmount(r, q as string);
      if (v > 0) {
        found.add(r);
        limits.set(r, (limits.get(r) ?? 0) + v);
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) for (const [r, v] of requests) if (limits.get(r) !== v) guaranteed = false;
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

function describeResources(w: PrefixWriter, resources: Json, level: number): void {
  for (const kind of ['limits', 'requests'] as const) {
    const m = map(resources, kind);
    const names = Object.keys(m).sort();
    if (names.length > 0) w.write(level, `${kind === 'limits' ? 'Limits' : 'Requests'}:\n`);
    for (const n of names) w.write(level + 1, `${n}:\t${canonicalQuantity(m[n] as string)}\n`);
  }
}

function intOrStr(v: unknown): string {
  return typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '';
}

/** DescribeProbe: `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`. */
export function describeProbe(p: Json): string {
  const attrs = `delay=${num(p, ['initialDelaySeconds'])}s timeout=${num(p, ['timeoutSeconds'], 1)}s period=${num(p, ['periodSeconds'], 10)}s #success=${num(p, ['successThreshold'], 1)} #failure=${num(p, ['failureThreshold'], 3)}`;
  if (has(p, 'exec')) return `exec [${list<string>(p, 'exec', 'command').join(' ')}] ${attrs}`;
  if (has(p, 'httpGet')) {
    const h = map(p, 'httpGet');
    const scheme = (str(h, 'scheme') || 'HTTP').toLowerCase();
    const port = intOrStr(h.port);
    const host = str(h, 'host');
    const hostPort = port ? `${host.includes(':') ? `[${host}]` : host}:${port}` : host;
    return `http-get ${scheme}://${hostPort}${str(h, 'path')} ${attrs}`;
  }
  if (has(p, 'tcpSocket')) return `tcp-socket ${str(p, 'tcpSocket', 'host')}:${intOrStr(at(p, 'tcpSocket', 'port'))} ${attrs}`;
  if (has(p, 'grpc')) return `grpc <pod>:${num(p, ['grpc', 'port'])} ${str(p, 'grpc', 'service')} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeState(w: PrefixWriter, name: string, state: Json): void {
  if (has(state, 'running')) {
    w.write(2, `${name}:\tRunning\n`);
    w.write(3, `Started:\t${rfc1123z(at(state, 'running', 'startedAt'))}\n`);
  } else if (has(state, 'waiting')) {
    w.write(2, `${name}:\tWaiting\n`);
    if (str(state, 'waiting', 'reason')) w.write(3, `Reason:\t${str(state, 'waiting', 'reason')}\n`);
  } else if (has(state, 'terminated')) {
    const t = map(state, 'terminated');
    w.write(2, `${name}:\tTerminated\n`);
    if (str(t, 'reason')) w.write(3, `Reason:\t${str(t, 'reason')}\n`);
    if (str(t, 'message')) w.write(3, `Message:\t${str(t, 'message')}\n`);
    w.write(3, `Exit Code:\t${num(t, ['exitCode'])}\n`);
    if (num(t, ['signal']) > 0) w.write(3, `Signal:\t${num(t, ['signal'])}\n`);
    w.write(3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else w.write(2, `${name}:\tWaiting\n`);
}

function describeEnv(w: PrefixWriter, c: Json, pod: Json | undefined): void {
  const envFrom = list(c, 'envFrom');
  if (envFrom.length > 0) {
    w.write(2, 'Environment Variables from:\n');
    for (const e of envFrom) {
      const ref = has(e, 'configMapRef') ? map(e, 'configMapRef') : map(e, 'secretRef');
      const from = has(e, 'configMapRef') ? 'ConfigMap' : has(e, 'secretRef') ? 'Secret' : '';
      const optional = ref.optional === true;
      w.write(3, str(e, 'prefix') ? `${str(ref, 'name')}\t${from} with prefix '${str(e, 'prefix')}'\tOptional: ${optional}\n` : `${str(ref, 'name')}\t${from}\tOptional: ${optional}\n`);
    }
  }
  const env = list(c, 'env');
  w.write(2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
  for (const e of env) {
    const vf = map(e, 'valueFrom');
    if (!has(e, 'valueFrom')) {
      str(e, 'value')
        .split('\n')
        .forEach((s, i) => w.write(3, i === 0 ? `${str(e, 'name')}:\t${s}\n` : `\t${s}\n`));
    } else if (has(vf, 'fieldRef')) {
      const path = str(vf, 'fieldRef', 'fieldPath');
      const value = pod ? fieldPathValue(pod, path) : '';
      w.write(3, `${str(e, 'name')}:\t${value} (${str(vf, 'fieldRef', 'apiVersion') || 'v1'}:${path})\n`);
    } else if (has(vf, 'resourceFieldRef')) {
      w.write(3, `${str(e, 'name')}:\t (${str(vf, 'resourceFieldRef', 'resource')})\n`);
    } else if (has(vf, 'secretKeyRef')) {
      const r = map(vf, 'secretKeyRef');
      w.write(3, `${str(e, 'name')}:\t<set to the key '${str(r, 'key')}' in secret '${str(r, 'name')}'>\tOptional: ${r.optional === true}\n`);
    } else if (has(vf, 'configMapKeyRef')) {
      const r = map(vf, 'configMapKeyRef');
      w.write(3, `${str(e, 'name')}:\t<set to the key '${str(r, 'key')}' of config map '${str(r, 'name')}'>\tOptional: ${r.optional === true}\n`);
    }
  }
}

function fieldPathValue(pod: Json, path: string): string {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) return str(pod, 'metadata', m[1], m[2]);
  return str(pod, ...path.split('.'));
}

function describeMounts(w: PrefixWriter, c: Json): void {
  const mounts = [...list(c, 'volumeMounts')].sort((a, b) => (str(a, 'mountPath') < str(b, 'mountPath') ? -1 : 1));
  w.write(2, `Mounts:${mounts.length === 0 ? '\t<none>' : ''}\n`);
  for (const m of mounts) {
    const flags = [m.readOnly === true ? 'ro' : 'rw'];
    if (str(m, 'subPath')) flags.push(`path=${JSON.stringify(str(m, 'subPath'))}`);
    w.write(3, `${str(m, 'mountPath')} from ${str(m, 'name')} (${flags.join(',')})\n`);
  }
}

/** describeContainers: one section per container, with status when the pod has one. */
export function describeContainers(w: PrefixWriter, label: string, containers: Json[], statuses: Json[] | undefined, space: string, pod?: Json): void {
  w.write(0, `${space}${label}:${containers.length === 0 ? ' <none>' : ''}\n`);
  const byName = new Map((statuses ?? []).map((s) => [str(s, 'name'), s]));
  for (const c of containers) {
    const status = byName.get(str(c, 'name'));
    w.write(1, `${space ? ' ' : ''}${str(c, 'name')}:\n`);
    if (status) w.write(2, `Container ID:\t${str(status, 'containerID')}\n`);
    w.write(2, `Image:\t${str(c, 'image')}\n`);
    if (status) w.write(2, `Image ID:\t${str(status, 'imageID')}\n`);
    const ports = list(c, 'ports');
    const portText = ports.map((p) => `${num(p, ['containerPort'])}/${str(p, 'protocol') || 'TCP'}`).join(', ');
    const hostText = ports.map((p) => `${num(p, ['hostPort'])}/${str(p, 'protocol') || 'TCP'}`).join(', ');
    w.write(2, portText.includes(',') ? `Ports:\t${portText}\n` : `Port:\t${portText || '<none>'}\n`);
    w.write(2, hostText.includes(',') ? `Host Ports:\t${hostText}\n` : `Host Port:\t${hostText || '<none>'}\n`);
    for (const [key, title] of [['command', 'Command'], ['args', 'Args']] as const) {
      const items = list<string>(c, key);
      if (items.length > 0) {
        w.write(2, `${title}:\n`);
        for (const item of items) for (const s of String(item).split('\n')) w.write(3, `${s}\n`);
      }
    }
    if (status) {
      describeState(w, 'State', map(status, 'state'));
      if (has(status, 'lastState', 'terminated')) describeState(w, 'Last State', map(status, 'lastState'));
      w.write(2, `Ready:\t${printBool(status.ready)}\n`);
      w.write(2, `Restart Count:\t${num(status, ['restartCount'])}\n`);
    }
    describeResources(w, map(c, 'resources'), 2);
    if (has(c, 'livenessProbe')) w.write(2, `Liveness:\t${describeProbe(map(c, 'livenessProbe'))}\n`);
    if (has(c, 'readinessProbe')) w.write(2, `Readiness:\t${describeProbe(map(c, 'readinessProbe'))}\n`);
    if (has(c, 'startupProbe')) w.write(2, `Startup:\t${describeProbe(map(c, 'startupProbe'))}\n`);
    describeEnv(w, c, pod);
    describeMounts(w, c);
  }
}

const VOLUME_TYPES: Record<string, (v: Json) => string[]> = {
  hostPath: (v) => ['HostPath (bare host directory volume)', `Path:\t${str(v, 'path')}`, `HostPathType:\t${str(v, 'type') || '<none>'}`],
  emptyDir: (v) => ["EmptyDir (a temporary directory that shares a pod's lifetime)", `Medium:\t${str(v, 'medium')}`, `SizeLimit:\t${has(v, 'sizeLimit') ? canonicalQuantity(v.sizeLimit as string) : '<unset>'}`],
  secret: (v) => ['Secret (a volume populated by a Secret)', `SecretName:\t${str(v, 'secretName')}`, `Optional:\t${v.optional === true}`],
  configMap: (v) => ['ConfigMap (a volume populated by a ConfigMap)', `Name:\t${str(v, 'name')}`, `Optional:\t${v.optional === true}`],
  persistentVolumeClaim: (v) => ['PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)', `ClaimName:\t${str(v, 'claimName')}`, `ReadOnly:\t${v.readOnly === true}`],
};

/** describeVolumes. */
export function describeVolumes(w: PrefixWriter, volumes: Json[], space: string): void {
  if (volumes.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of volumes) {
    w.write(1, `${space ? ' ' : ''}${str(v, 'name')}:\n`);
    const type = Object.keys(VOLUME_TYPES).find((k) => has(v, k));
    if (type) {
      const [first, ...rest] = VOLUME_TYPES[type](map(v, type));
      w.write(2, `Type:\t${first}\n`);
      for (const line of rest) w.write(2, `${line}\n`);
    } else if (has(v, 'projected')) {
      w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
      for (const s of list(v, 'projected', 'sources')) {
        if (has(s, 'serviceAccountToken')) w.write(2, `TokenExpirationSeconds:\t${num(s, ['serviceAccountToken', 'expirationSeconds'], 3607)}\n`);
        else if (has(s, 'configMap')) w.write(2, `ConfigMapName:\t${str(s, 'configMap', 'name')}\n    Optional:\t${at(s, 'configMap', 'optional') === true}\n`);
        else if (has(s, 'downwardAPI')) w.write(2, 'DownwardAPI:\ttrue\n');
        else if (has(s, 'secret')) w.write(2, `SecretName:\t${str(s, 'secret', 'name')}\n    Optional:\t${at(s, 'secret', 'optional') === true}\n`);
      }
    } else w.write(1, '<unknown>\n');
  }
}

function topologySpread(w: PrefixWriter, constraints: Json[], space: string): void {
  if (constraints.length === 0) return;
  const sorted = [...constraints].sort((a, b) => (str(a, 'topologyKey') < str(b, 'topologyKey') ? -1 : 1));
  w.write(0, `${space}Topology Spread Constraints:\t`);
  sorted.forEach((c, i) => {
    if (i !== 0) w.write(0, `${space}\t`);
    let s = `${str(c, 'topologyKey')}:${str(c, 'whenUnsatisfiable')} when max skew ${num(c, ['maxSkew'])} is exceeded`;
    if (has(c, 'labelSelector')) s += ` for selector ${formatLabelSelector(at(c, 'labelSelector'))}`;
    w.write(0, `${s}\n`);
  });
}

/** DescribePodTemplate: the `Pod Template:` section of workload descriptions. */
export function describePodTemplate(w: PrefixWriter, template: Json | undefined): void {
  w.write(0, 'Pod Template:\n');
  if (!template) {
    w.write(1, '<unset>');
    return;
  }
  const spec = map(template, 'spec');
  labelsMultiline(w, '  Labels', at(template, 'metadata', 'labels'));
  if (Object.keys(map(template, 'metadata', 'annotations')).length > 0) annotationsMultiline(w, '  Annotations', at(template, 'metadata', 'annotations'));
  if (str(spec, 'serviceAccountName')) w.write(1, `Service Account:\t${str(spec, 'serviceAccountName')}\n`);
  if (list(spec, 'initContainers').length > 0) describeContainers(w, 'Init Containers', list(spec, 'initContainers'), undefined, '  ');
  describeContainers(w, 'Containers', list(spec, 'containers'), undefined, '  ');
  describeVolumes(w, list(spec, 'volumes'), '  ');
  topologySpread(w, list(spec, 'topologySpreadConstraints'), '  ');
  if (str(spec, 'priorityClassName')) w.write(1, `Priority Class Name:\t${str(spec, 'priorityClassName')}\n`);
  labelsMultiline(w, '  Node-Selectors', spec.nodeSelector);
  tolerationsMultiline(w, '  Tolerations', spec.tolerations);
}

/** describePod. `events` undefined omits the Events section (`--show-events=false`). */
export function describePod(pod: Json, events: Json[] | undefined, now: number): string {
  const w = new PrefixWriter();
  const spec = map(pod, 'spec');
  const status = map(pod, 'status');
  w.write(0, `Name:\t${str(pod, 'metadata', 'name')}\n`);
  w.write(0, `Namespace:\t${str(pod, 'metadata', 'namespace')}\n`);
  if (typeof spec.priority === 'number') w.write(0, `Priority:\t${spec.priority}\n`);
  if (str(spec, 'priorityClassName')) w.write(0, `Priority Class Name:\t${str(spec, 'priorityClassName')}\n`);
  if (str(spec, 'runtimeClassName')) w.write(0, `Runtime Class Name:\t${str(spec, 'runtimeClassName')}\n`);
  if (str(spec, 'serviceAccountName')) w.write(0, `Service Account:\t${str(spec, 'serviceAccountName')}\n`);
  w.write(0, str(spec, 'nodeName') ? `Node:\t${str(spec, 'nodeName')}/${str(status, 'hostIP')}\n` : 'Node:\t<none>\n');
  if (has(status, 'startTime')) w.write(0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
  labelsMultiline(w, 'Labels', at(pod, 'metadata', 'labels'));
  annotationsMultiline(w, 'Annotations', at(pod, 'metadata', 'annotations'));
  const phase = str(status, 'phase');
  if (has(pod, 'metadata', 'deletionTimestamp') && phase !== 'Failed' && phase !== 'Succeeded') {
    w.write(0, `Status:\tTerminating (lasts ${since(at(pod, 'metadata', 'deletionTimestamp'), now)})\n`);
    w.write(0, `Termination Grace Period:\t${num(pod, ['metadata', 'deletionGracePeriodSeconds'])}s\n`);
  } else w.write(0, `Status:\t${phase}\n`);
  if (str(status, 'reason')) w.write(0, `Reason:\t${str(status, 'reason')}\n`);
  if (str(status, 'message')) w.write(0, `Message:\t${str(status, 'message')}\n`);
  w.write(0, `IP:\t${str(status, 'podIP')}\n`);
  const ips = list(status, 'podIPs');
  if (ips.length === 0) w.write(0, 'IPs:\t<none>\n');
  else {
    w.write(0, 'IPs:\n');
    for (const ip of ips) w.write(1, `IP:\t${str(ip, 'ip')}\n`);
  }
  const ctrl = controllerText(pod);
  if (ctrl) w.write(0, `Controlled By:\t${ctrl}\n`);
  if (str(status, 'nominatedNodeName')) w.write(0, `NominatedNodeName:\t${str(status, 'nominatedNodeName')}\n`);
  if (list(spec, 'initContainers').length > 0) describeContainers(w, 'Init Containers', list(spec, 'initContainers'), list(status, 'initContainerStatuses'), '', pod);
  describeContainers(w, 'Containers', list(spec, 'containers'), list(status, 'containerStatuses'), '', pod);
  const gates = list(spec, 'readinessGates');
  if (gates.length > 0) {
    w.write(0, 'Readiness Gates:\n  Type\tStatus\n');
    for (const g of gates) {
      const c = list(status, 'conditions').find((x) => x.type === str(g, 'conditionType'));
      w.write(1, `${str(g, 'conditionType')} \t${c ? str(c, 'status') : '<none>'} \n`);
    }
  }
  const conditions = list(status, 'conditions');
  if (conditions.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of conditions) w.write(1, `${str(c, 'type')} \t${str(c, 'status')} \n`);
  }
  describeVolumes(w, list(spec, 'volumes'), '');
  w.write(0, `QoS Class:\t${str(status, 'qosClass') || podQOSClass(spec)}\n`);
  labelsMultiline(w, 'Node-Selectors', spec.nodeSelector);
  tolerationsMultiline(w, 'Tolerations', spec.tolerations);
  topologySpread(w, list(spec, 'topologySpreadConstraints'), '');
  describeEvents(w, events, now);
  return w.toString();
}
