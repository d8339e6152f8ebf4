/**
 * Where rollout history lives: a deployment's ReplicaSets (numbered by
 * `deployment.kubernetes.io/revision`) and a stateful or daemon set's
 * ControllerRevisions.
 */
import { R, Selector } from '../engine/index.ts';
import type { Client, KubeObject, Stored } from '../engine/index.ts';
import { applyPatch } from '../engine/index.ts';
import { jsonEqual } from './patch-functions.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
const HASH_LABEL = 'pod-template-hash';

/** The pod template without the pod-template-hash label, for comparisons (EqualIgnoreHash). */
export function withoutHash(template: unknown): unknown {
  const t = JSON.parse(JSON.stringify(template ?? {})) as { metadata?: { labels?: Record<string, string> } };
  if (t.metadata?.labels) {
    delete t.metadata.labels[HASH_LABEL];
  }
  return t;
}

/** The ReplicaSets a deployment controls: the new one (matching its template) and the old ones. */
export function deploymentReplicaSets(client: Client, d: KubeObject): { newRS?: Stored; oldRSs: Stored[] } {
  let selector: Selector;
  try {
    selector = Selector.fromLabelSelector((d.spec as { selector?: never } | undefined)?.selector);
  } catch {
    return { oldRSs: [] };
  }
  const rss = client
    .list(R.replicaSets, { namespace: d.metadata.namespace, labelSelector: selector })
    .items.filter((rs) => rs.metadata.ownerReferences?.some((r) => r.controller === true && r.uid === d.metadata.uid))
    .sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : a.metadata.creationTimestamp > b.metadata.creationTimestamp ? 1 : a.metadata.name < b.metadata.name ? -1 : 1));
  const template = withoutHash((d.spec as { template?: unknown }).template);
  const newRS = rss.find((rs) => jsonEqual(withoutHash((rs.spec as { template?: unknown }).template), template));
  return { newRS, oldRSs: rss.filter((rs) => rs !== newRS) };
}

/** Revision number of an object from its revision annotation, or undefined. */
export function revisionOf(o: KubeObject): number | undefined {
  const v = o.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

/** The ControllerRevisions a stateful or daemon set owns, by revision. */
export function controllerRevisions(client: Client, owner: KubeObject): Stored[] {
  let selector: Selector;
  try {
    selector = Selector.fromLabelSelector((owner.spec as { selector?: never } | undefined)?.selector);
  } catch {
    return [];
  }
  return client
    .list(R.controllerRevisions, { namespace: owner.metadata.namespace, labelSelector: selector })
    .items.filter((r) => r.metadata.ownerReferences?.some((o) => o.controller === true && o.uid === owner.metadata.uid))
    .sort((a, b) => ((a as { revision?: number }).revision ?? 0) - ((b as { revision?: number }).revision ?? 0));
}

/** The pod template a ControllerRevision records, applied to its owner (applyDaemonSetHistory / applyRevision). */
export function revisionTemplate(owner: KubeObject, rev: KubeObject): unknown {
  const patched = applyPatch(owner, (rev as { data?: unknown }).data ?? {}, 'strategic', owner.kind) as { spec?: { template?: unknown } };
  return patched.spec?.template;
}

