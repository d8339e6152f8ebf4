/** `kubectl version` and `kubectl api-resources`: what the simulated cluster and this kubectl are. */
import { R, apiVersionOf } from '../../engine/index.ts';
import type { Command, Invocation } from '../command.ts';
import { OUTPUT_FLAG } from '../command.ts';
import { KubectlError } from '../errors.ts';
import { servedTypes } from '../resources.ts';
import { goJsonIndent, goYaml } from '../printers/serialize.ts';
import { tabwrite } from '../printers/table.ts';

/** The Kubernetes release kubectl and the simulated cluster follow. */
export const KUBERNETES_VERSION = 'v1.33.0';
const KUSTOMIZE_VERSION = 'v5.6.0';

function serverVersion(inv: Invocation): string {
  const nodes = inv.client.list(R.nodes).items;
  const v = (nodes[0]?.status as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo?.kubeletVersion;
  return v || KUBERNETES_VERSION;
}

function info(version: string): Record<string, string> {
  const m = /^v(\d+)\.(\d+)/.exec(version);
  return { major: m?.[1] ?? '1', minor: m?.[2] ?? '33', gitVersion: version, platform: 'linux/amd64' };
}

function runVersion(inv: Invocation): void {
  const client = inv.flags.bool('client');
  const output = inv.flags.string('output');
  if (output && output !== 'yaml' && output !== 'json') throw new KubectlError(`--output must be 'yaml' or 'json'`);
  const server = client ? undefined : serverVersion(inv);
  if (output) {
    const data: Record<string, unknown> = { clientVersion: info(KUBERNETES_VERSION), kustomizeVersion: KUSTOMIZE_VERSION };
    if (server) data.serverVersion = info(server);
    inv.out.out(output === 'json' ? goJsonIndent(data) : goYaml(data));
    return;
  }
  inv.out.out(`Client Version: ${KUBERNETES_VERSION}\nKustomize Version: ${KUSTOMIZE_VERSION}\n`);
  if (server) inv.out.out(`Server Version: ${server}\n`);
}

export const versionCommand: Command = {
  path: ['version'],
  usage: 'kubectl version [flags]',
  flags: [OUTPUT_FLAG, { name: 'client', kind: 'bool' }],
  run: runVersion,
};

function runApiResources(inv: Invocation): void {
  const types = [...servedTypes()].sort((a, b) => (a.group === b.group ? (a.resource < b.resource ? -1 : 1) : a.group < b.group ? -1 : 1));
  const nsFilter = inv.flags.has('namespaced') ? inv.flags.bool('namespaced') : undefined;
  const rows = types.filter((t) => nsFilter === undefined || t.namespaced === nsFilter);
  if (inv.flags.string('output') === 'name') {
    for (const t of rows) inv.out.out(`${t.group ? `${t.resource}.${t.group}` : t.resource}\n`);
    return;
  }
  const lines = [['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND'], ...rows.map((t) => [t.resource, t.shortNames.join(','), apiVersionOf(t), String(t.namespaced), t.kind])];
  inv.out.out(tabwrite(inv.flags.bool('no-headers') ? lines.slice(1) : lines));
}

export const apiResourcesCommand: Command = {
  path: ['api-resources'],
  usage: 'kubectl api-resources [flags]',
  flags: [OUTPUT_FLAG, { name: 'namespaced', kind: 'bool' }, { name: 'no-headers', kind: 'bool' }, { name: 'api-group', kind: 'string' }, { name: 'verbs', kind: 'stringSlice' }, { name: 'sort-by', kind: 'string' }, { name: 'cached', kind: 'bool' }, { name: 'categories', kind: 'stringSlice' }],
  run: runApiResources,
};
