/**
 * `kubectl rollout history`: the revisions of a deployment (its
 * ReplicaSets' `deployment.kubernetes.io/revision`) or of a stateful or
 * daemon set (its ControllerRevisions), with CHANGE-CAUSE, or one
 * revision's pod template with `--revision`.
 */
import { R } from '../../engine/index.ts';
import type { Client, KubeObject, ResourceType } from '../../engine/index.ts';
import { CHANGE_CAUSE_ANNOTATION, controllerRevisions, deploymentReplicaSets, revisionOf, revisionTemplate } from '../history.ts';
import type { Command, Invocation } from '../command.ts';
import { FILENAME_FLAG, OUTPUT_FLAG, RECURSIVE_FLAG, SELECTOR_FLAG } from '../command.ts';
import { AggregateError, KubectlError } from '../errors.ts';
import { resolveInfos } from '../builder.ts';
import { objectName } from '../resources.ts';
import { tabwrite } from '../printers/table.ts';
import { PrefixWriter } from '../printers/describe/writer.ts';
import { describePodTemplate } from '../printers/describe/pod.ts';
import { parseOutputFormat, printGeneric } from '../printers/output.ts';
import type { Json } from '../printers/fields.ts';

/** The history of one object: revision -> [pod template, change cause]. */
export function historyOf(client: Client, type: ResourceType, obj: KubeObject): Map<number, { template: unknown; cause: string; source: KubeObject }> {
  const out = new Map<number, { template: unknown; cause: string; source: KubeObject }>();
  if (type.kind === 'Deployment') {
    const { newRS, oldRSs } = deploymentReplicaSets(client, obj);
    for (const rs of [...oldRSs, ...(newRS ? [newRS] : [])]) {
      const v = revisionOf(rs);
      if (v === undefined) continue;
      out.set(v, { template: (rs.spec as { template?: unknown }).template, cause: rs.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? '', source: rs });
    }
  } else if (type.kind === 'StatefulSet' || type.kind === 'DaemonSet') {
    for (const r of controllerRevisions(client, obj)) {
      const v = (r as { revision?: number }).revision ?? 0;
      out.set(v, { template: revisionTemplate(obj, r), cause: r.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] ?? '', source: r });
    }
  } else throw new KubectlError(`no history viewer has been implemented for ${JSON.stringify(type.group ? `${type.kind}.${type.group}` : type.kind)}`);
  return out;
}

/** The pod template as DescribePodTemplate prints it. */
export function templateText(template: unknown): string {
  const w = new PrefixWriter();
  describePodTemplate(w, template as Json);
  return w.toString();
}

/** ViewHistory: the REVISION / CHANGE-CAUSE table, or one revision's template. */
export function viewHistory(client: Client, type: ResourceType, obj: KubeObject, revision = 0): string {
  const history = historyOf(client, type, obj);
  if (history.size === 0) return 'No rollout history found.';
  if (revision > 0) {
    const h = history.get(revision);
    if (!h) throw new KubectlError('unable to find the specified revision');
    return templateText(h.template);
  }
  const revisions = [...history.keys()].sort((a, b) => a - b);
  return tabwrite([['REVISION', 'CHANGE-CAUSE'], ...revisions.map((r) => [String(r), history.get(r)!.cause || '<none>'])], 0, 2);
}

function runHistory(inv: Invocation): void {
  const revision = inv.flags.int('revision', 0);
  const res = resolveInfos(inv, inv.args, { filenames: true, listWholeTypes: true, selector: inv.flags.string('selector') });
  const format = inv.flags.string('output') ? parseOutputFormat(inv.flags.string('output'), inv.ctx) : undefined;
  for (const info of res.infos) {
    if (format) {
      const history = historyOf(inv.client, info.type, info.object);
      if (revision > 0 && !history.has(revision)) throw new KubectlError('unable to find the specified revision');
      const keys = revision > 0 ? [revision] : [...history.keys()].sort((a, b) => a - b);
      for (const k of keys) {
        const src = history.get(k)!.source;
        inv.out.out(printGeneric(format, [src], [objectName(info.type.kind === 'Deployment' ? R.replicaSets : R.controllerRevisions, src.metadata.name ?? '')], true));
      }
      continue;
    }
    const text = viewHistory(inv.client, info.type, info.object, revision);
    const withRevision = revision > 0 ? `with revision #${revision}` : '';
    inv.out.out(`${objectName(info.type, info.name)} ${withRevision}\n${text}\n`);
  }
  if (res.errors.length > 0) throw new AggregateError(res.errors);
}

export const rolloutHistoryCommand: Command = {
  path: ['rollout', 'history'],
  usage: 'kubectl rollout history (TYPE NAME | TYPE/NAME) [flags]',
  flags: [{ name: 'revision', kind: 'int' }, SELECTOR_FLAG, FILENAME_FLAG, RECURSIVE_FLAG, OUTPUT_FLAG, { name: 'kustomize', short: 'k', kind: 'string' }],
  run: runHistory,
};
