/**
 * `kubectl create namespace|deployment|configmap|secret generic|service
 * clusterip|nodeport|loadbalancer|job`: objects built from flags, as
 * kubectl's generators build them.
 */
import { R } from '../../engine/index.ts';
import type { KubeObject, ResourceType } from '../../engine/index.ts';
import type { Command, Invocation } from '../command.ts';
import { DRY_RUN_FLAG, OUTPUT_FLAG, dryRunOf, operation } from '../command.ts';
import { KubectlError, usageError } from '../errors.ts';
import { objectName } from '../resources.ts';
import { createObject } from './create.ts';
import { printMutated } from './print-result.ts';

function nameArg(inv: Invocation): string {
  if (inv.args.length === 0) throw usageError(inv.commandPath, 'NAME is required');
  if (inv.args.length - inv.flags.afterDash.length > 1) throw usageError(inv.commandPath, `exactly one NAME is required, got ${inv.args.length - inv.flags.afterDash.length}`);
  return inv.args[0];
}

/** The empty fields a typed Go object serializes (`creationTimestamp: null`, `status: {}`), as client dry runs print them. */
function asTyped(obj: KubeObject): KubeObject {
  const o = JSON.parse(JSON.stringify(obj)) as KubeObject & Record<string, unknown>;
  o.metadata = { creationTimestamp: null as never, ...o.metadata };
  const template = (o.spec as { template?: { metadata?: Record<string, unknown> } } | undefined)?.template;
  if (template) template.metadata = { creationTimestamp: null, ...(template.metadata ?? {}) };
  const statusOf: Record<string, unknown> = { Namespace: {}, Deployment: {}, Job: {}, Service: { loadBalancer: {} } };
  if (o.kind === 'Namespace' && o.spec === undefined) o.spec = {};
  if (o.kind in statusOf && o.status === undefined) o.status = statusOf[o.kind];
  return o;
}

function finish(inv: Invocation, type: ResourceType, obj: KubeObject): void {
  const dryRun = dryRunOf(inv);
  const created = createObject(inv.client, type, dryRun === 'client' ? asTyped(obj) : obj, { namespace: dryRun === 'client' && !inv.explicitNamespace ? undefined : inv.namespace, dryRun, saveConfig: inv.flags.bool('save-config') });
  printMutated(inv, created, objectName(type, obj.metadata.name ?? ''), operation('created', dryRun), 0);
}

/** Container name from an image: `registry/team/web:1.2` -> `web`, dots and underscores made dashes. */
export function containerNameFor(image: string): string {
  let name = image.split('/').pop() ?? image;
  name = name.split(':')[0].split('@')[0];
  return name.replace(/[_.]/g, '-');
}

function literals(inv: Invocation, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of inv.flags.strings(flag)) {
    const i = l.indexOf('=');
    if (i <= 0) throw new KubectlError(`invalid literal source ${l}, expected key=value`);
    const k = l.slice(0, i);
    if (k in out) throw new KubectlError(`cannot add key ${k}, another key by that name already exists in Data for ConfigMap ${JSON.stringify(inv.args[0])}`);
    out[k] = l.slice(i + 1);
  }
  for (const f of inv.flags.strings('from-file')) {
    const i = f.indexOf('=');
    const [key, path] = i > 0 ? [f.slice(0, i), f.slice(i + 1)] : [f.split('/').pop()!, f];
    try {
      out[key] = inv.ctx.readFile(path);
    } catch {
      throw new KubectlError(`error reading ${path}: no such file or directory`);
    }
  }
  return out;
}

const common = [OUTPUT_FLAG, DRY_RUN_FLAG, { name: 'save-config', kind: 'bool' as const }, { name: 'validate', kind: 'string' as const, noOptDefault: 'strict' }, { name: 'field-manager', kind: 'string' as const }];

export const createNamespaceCommand: Command = {
  path: ['create', 'namespace'],
  usage: 'kubectl create namespace NAME [--dry-run=server|client|none]',
  flags: common,
  run: (inv) => finish(inv, R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: nameArg(inv) } }),
};

export const createDeploymentCommand: Command = {
  path: ['create', 'deployment'],
  usage: 'kubectl create deployment NAME --image=image -- [COMMAND] [args...]',
  flags: [...common, { name: 'image', kind: 'stringSlice' }, { name: 'replicas', short: 'r', kind: 'int' }, { name: 'port', kind: 'int' }],
  run: (inv) => {
    const name = nameArg(inv);
    const images = inv.flags.strings('image');
    if (images.length === 0) throw usageError(inv.commandPath, '--image is required');
    if (images.length > 1 && inv.args.length > 1) throw new KubectlError('cannot specify multiple --image options and command');
    const command = inv.args.slice(1);
    const labels = { app: name };
    const containers = images.map((image) => ({ name: containerNameFor(image), image, ...(command.length > 0 ? { command } : {}), resources: {} }));
    const port = inv.flags.int('port', -1);
    if (port >= 0 && containers.length > 0) Object.assign(containers[0], { ports: [{ containerPort: port }] });
    finish(inv, R.deployments, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, labels },
      spec: { replicas: inv.flags.int('replicas', 1), selector: { matchLabels: labels }, strategy: {}, template: { metadata: { labels }, spec: { containers } } },
    });
  },
};

export const createConfigMapCommand: Command = {
  path: ['create', 'configmap'],
  usage: 'kubectl create configmap NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]',
  flags: [...common, { name: 'from-literal', kind: 'stringArray' }, { name: 'from-file', kind: 'stringSlice' }, { name: 'append-hash', kind: 'bool' }],
  run: (inv) => finish(inv, R.configMaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: nameArg(inv) }, data: literals(inv, 'from-literal') }),
};

export const createSecretGenericCommand: Command = {
  path: ['create', 'secret', 'generic'],
  usage: 'kubectl create secret generic NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]',
  flags: [...common, { name: 'from-literal', kind: 'stringArray' }, { name: 'from-file', kind: 'stringSlice' }, { name: 'type', kind: 'string' }, { name: 'append-hash', kind: 'bool' }],
  run: (inv) => {
    const data = Object.fromEntries(Object.entries(literals(inv, 'from-literal')).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: nameArg(inv) }, data };
    if (inv.flags.string('type')) secret.type = inv.flags.string('type');
    finish(inv, R.secrets, secret);
  },
};

function serviceCommand(kind: 'clusterip' | 'nodeport' | 'loadbalancer'): Command {
  const type = { clusterip: 'ClusterIP', nodeport: 'NodePort', loadbalancer: 'LoadBalancer' }[kind];
  return {
    path: ['create', 'service', kind],
    usage: `kubectl create service ${kind} NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none]`,
    flags: [...common, { name: 'tcp', kind: 'stringSlice' }, { name: 'clusterip', kind: 'string' }, { name: 'node-port', kind: 'int' }],
    run: (inv) => {
      const name = nameArg(inv);
      const tcp = inv.flags.strings('tcp');
      if (tcp.length === 0 && !(kind === 'clusterip' && inv.flags.string('clusterip') === 'None')) throw usageError(inv.commandPath, 'at least one tcp port specifier must be provided');
      const ports = tcp.map((spec) => {
        const [p, t] = spec.split(':');
        const port = Number(p);
        if (!Number.isInteger(port)) throw new KubectlError(`strconv.Atoi: parsing ${JSON.stringify(p)}: invalid syntax`);
        const target = t === undefined ? port : /^\d+$/.test(t) ? Number(t) : t;
        const out: Record<string, unknown> = { name: `${p}-${t ?? p}`, port, protocol: 'TCP', targetPort: target };
        if (kind === 'nodeport' && inv.flags.int('node-port', 0) > 0) out.nodePort = inv.flags.int('node-port', 0);
        return out;
      });
      const spec: Record<string, unknown> = { ports, selector: { app: name }, type };
      if (inv.flags.string('clusterip')) spec.clusterIP = inv.flags.string('clusterip');
      finish(inv, R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { app: name } }, spec });
    },
  };
}

export const createServiceCommands: Command[] = [serviceCommand('clusterip'), serviceCommand('nodeport'), serviceCommand('loadbalancer')];

/**
 * createJobFromCronJob: the CronJob's job template with the
 * `cronjob.kubernetes.io/instantiate: manual` annotation and the CronJob as
 * controller (without blockOwnerDeletion, as kubectl leaves it).
 */
function jobFromCronJob(inv: Invocation, name: string, from: string): KubeObject {
  const [kind, source] = from.includes('/') ? from.split('/', 2) : ['', from];
  if (!['cronjob', 'cronjobs', 'cj', 'cronjob.batch', 'cronjobs.batch'].includes(kind.toLowerCase())) {
    throw new KubectlError(`from must be an existing cronjob: ${from}`);
  }
  const cj = inv.client.get(R.cronJobs, inv.namespace, source) as KubeObject & {
    spec: { jobTemplate?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: unknown } };
  };
  const tmpl = cj.spec.jobTemplate ?? {};
  const job: KubeObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual', ...(tmpl.metadata?.annotations ?? {}) },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name ?? source, uid: cj.metadata.uid ?? '', controller: true }],
    },
    spec: JSON.parse(JSON.stringify(tmpl.spec ?? {})),
  };
  if (tmpl.metadata?.labels) job.metadata.labels = { ...tmpl.metadata.labels };
  return job;
}

export const createJobCommand: Command = {
  path: ['create', 'job'],
  usage: 'kubectl create job NAME --image=image [--from=cronjob/name] -- [COMMAND] [args...]',
  flags: [...common, { name: 'image', kind: 'string' }, { name: 'from', kind: 'string' }],
  run: (inv) => {
    const name = nameArg(inv);
    const image = inv.flags.string('image');
    if (!image && !inv.flags.string('from')) throw usageError(inv.commandPath, 'either --image or --from must be specified');
    const from = inv.flags.string('from');
    if (from) return finish(inv, R.jobs, jobFromCronJob(inv, name, from));
    const command = inv.args.slice(1);
    finish(inv, R.jobs, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name },
      spec: { template: { metadata: {}, spec: { containers: [{ name, image, ...(command.length > 0 ? { command } : {}), resources: {} }], restartPolicy: 'Never' } } },
    });
  },
};
