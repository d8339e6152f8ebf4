/**
 * What several controllers share (pkg/controller/controller_utils.go,
 * controller_ref_manager.go): expectations, pods from templates, the ranking
 * of pods to delete, owner-reference claiming, template hashes.
 */
import type { ResourceType } from '../api/kinds.ts';
import type { KubeObject, LabelSelector, OwnerReference, Pod, PodTemplateSpec, Stored } from '../api/types.ts';
import { clone, controllerRef } from '../api/meta.ts';
import { Selector } from '../api/selectors.ts';
import { isPodReady, podCondition } from '../api/pod.ts';
import { isStatusError } from '../api/errors.ts';
import type { Client } from '../client/client.ts';

/** How long expectations are trusted before a controller acts anyway (ExpectationsTimeout). */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * ControllerExpectations: after creating or deleting pods, a controller waits
 * until its informer has seen them before it counts pods again, so it never
 * acts twice on a stale cache.
 */
export class Expectations {
  private readonly m = new Map<string, { add: number; del: number; at: number }>();

  constructor(private readonly now: () => number) {}

  expect(key: string, adds: number, dels: number): void {
    this.m.set(key, { add: adds, del: dels, at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.m.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.m.get(key);
    if (e) e.del--;
  }

  /** Lowers expectations for creations or deletions that failed and will not be observed. */
  lower(key: string, adds: number, dels: number): void {
    const e = this.m.get(key);
    if (!e) return;
    e.add -= adds;
    e.del -= dels;
  }

  satisfied(key: string): boolean {
    const e = this.m.get(key);
    if (!e) return true;
    return (e.add <= 0 && e.del <= 0) || this.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  delete(key: string): void {
    this.m.delete(key);
  }
}

/** controller.GetPodFromTemplate: a pod for `parent`, named `<parent>-<random>` by the API server. */
export function podFromTemplate(template: PodTemplateSpec, parent: Stored, ref: OwnerReference): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${parent.metadata.name}-`,
      namespace: parent.metadata.namespace,
      labels: { ...(meta.labels ?? {}) },
      ownerReferences: [ref],
    },
    spec: clone(template.spec!) as Pod['spec'],
  };
  if (meta.annotations) pod.metadata.annotations = { ...meta.annotations };
  if (meta.finalizers) pod.metadata.finalizers = [...meta.finalizers];
  return pod;
}

/** podPhaseToOrdinal: Pending < Unknown < Running; any other phase (or none) counts as 0. */
function phaseRank(pod: Pod): number {
  switch (pod.status?.phase) {
    case 'Unknown':
      return 1;
    case 'Running':
      return 2;
    default:
      return 0;
  }
}

function restarts(pod: Pod): number {
  let max = 0;
  for (const s of pod.status?.containerStatuses ?? []) max = Math.max(max, s.restartCount ?? 0);
  return max;
}

function deletionCost(pod: Pod): number {
  const v = Number(pod.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0);
  return Number.isFinite(v) ? v : 0;
}

/** logarithmicRankDiff's rank: the base-2 logarithm of the age in nanoseconds, truncated; -1 for no age. */
function logRank(ms: number, nowMs: number): number {
  const ns = (nowMs - ms) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

const byUid = (a: Pod, b: Pod) => (a.metadata.uid! < b.metadata.uid! ? -1 : a.metadata.uid! > b.metadata.uid! ? 1 : 0);

/**
 * LogarithmicScaleDown's time comparison: undefined when the times are equal
 * (the next criterion decides); a missing time sorts first; times in the same
 * logarithmic bucket are ordered by uid; otherwise the more recent first.
 */
function compareTimes(a: Pod, ta: string | undefined, b: Pod, tb: string | undefined, nowMs: number): number | undefined {
  const ma = ta ? Date.parse(ta) : Number.NaN;
  const mb = tb ? Date.parse(tb) : Number.NaN;
  const za = Number.isNaN(ma);
  const zb = Number.isNaN(mb);
  if (za && zb) return undefined;
  if (za || zb) return za ? -1 : 1;
  if (ma === mb) return undefined;
  const diff = logRank(ma, nowMs) - logRank(mb, nowMs);
  if (diff === 0) return byUid(a, b);
  return diff < 0 ? -1 : 1;
}

/**
 * Orders pods so the first are the best to delete (controller.ActivePodsWithRanks
 * with LogarithmicScaleDown): unassigned before assigned; Pending, Unknown,
 * then Running; not ready before ready; lower pod-deletion-cost first; more
 * pods of the same owner on the node first; ready for less time first; more
 * restarts first; newer first. Times are compared in base-2 logarithmic
 * buckets of their age in nanoseconds, and two times in the same bucket are
 * ordered by uid; full ties keep a stable order by uid.
 */
export function rankPodsForDeletion(pods: Stored<Pod>[], related: Stored<Pod>[], nowMs: number): Stored<Pod>[] {
  const perNode = new Map<string, number>();
  for (const p of related) if (p.spec.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
  const rank = (p: Pod) => (p.spec.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
  return [...pods].sort((a, b) => {
    const aAssigned = a.spec.nodeName ? 1 : 0;
    const bAssigned = b.spec.nodeName ? 1 : 0;
    if (aAssigned !== bAssigned) return aAssigned - bAssigned;
    if (phaseRank(a) !== phaseRank(b)) return phaseRank(a) - phaseRank(b);
    const ar = isPodReady(a) ? 1 : 0;
    const br = isPodReady(b) ? 1 : 0;
    if (ar !== br) return ar - br;
    if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    if (ar && br) {
      const c = compareTimes(a, podCondition(a, 'Ready')?.lastTransitionTime, b, podCondition(b, 'Ready')?.lastTransitionTime, nowMs);
      if (c !== undefined) return c;
    }
    if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
    const c = compareTimes(a, a.metadata.creationTimestamp, b, b.metadata.creationTimestamp, nowMs);
    if (c !== undefined) return c;
    return byUid(a, b);
  });
}

/**
 * ControllerRefManager.Claim: of the candidate objects, those `owner`
 * controls, plus orphans matching its selector (adopted with a patch that
 * adds the controller reference). Owned objects that no longer match are
 * released (their controller reference removed). Adoption stops while the
 * owner is being deleted.
 */
export function claim<T extends KubeObject>(
  client: Client,
  type: ResourceType,
  owner: Stored,
  ownerRef: OwnerReference,
  selector: LabelSelector | undefined,
  candidates: Stored<T>[],
): Stored<T>[] {
  const sel = Selector.fromLabelSelector(selector);
  const out: Stored<T>[] = [];
  for (const obj of candidates) {
    const ref = controllerRef(obj);
    const matches = sel.matches(obj.metadata.labels);
    if (ref) {
      if (ref.uid !== owner.metadata.uid) continue;
      if (matches) {
        out.push(obj);
        continue;
      }
      if (owner.metadata.deletionTimestamp) continue;
      release(client, type, obj, owner.metadata.uid);
      continue;
    }
    if (!matches || owner.metadata.deletionTimestamp || obj.metadata.deletionTimestamp) continue;
    const adopted = adopt(client, type, obj, ownerRef);
    if (adopted) out.push(adopted);
  }
  return out;
}

function adopt<T extends KubeObject>(client: Client, type: ResourceType, obj: Stored<T>, ref: OwnerReference): Stored<T> | undefined {
  try {
    return client.patch<T>(
      type,
      obj.metadata.namespace,
      obj.metadata.name,
      { metadata: { ownerReferences: [...(obj.metadata.ownerReferences ?? []), ref], uid: obj.metadata.uid } },
      'merge',
    );
  } catch (e) {
    if (isStatusError(e, 'NotFound') || isStatusError(e, 'Conflict')) return undefined;
    throw e;
  }
}

function release(client: Client, type: ResourceType, obj: Stored, ownerUid: string): void {
  try {
    client.patch(
      type,
      obj.metadata.namespace,
      obj.metadata.name,
      { metadata: { ownerReferences: (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid), uid: obj.metadata.uid } },
      'merge',
    );
  } catch (e) {
    if (!isStatusError(e, 'NotFound') && !isStatusError(e, 'Conflict')) throw e;
  }
}

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: each byte mapped to a letter that cannot spell words. */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHANUMS[s.charCodeAt(i) % SAFE_ALPHANUMS.length];
  return out;
}

function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
    .join(',')}}`;
}

/**
 * controller.ComputeHash: an FNV-32a hash of the pod template (and the
 * collision count), printed in decimal and safe-encoded: the
 * pod-template-hash label. The bytes hashed are the template's canonical
 * JSON, so the value differs from a real cluster's, but its shape and
 * stability are the same.
 */
export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  return hashValue(template, collisionCount);
}

/** FNV-32a of a value's canonical JSON (and the collision count), safe-encoded: the shape of every controller hash. */
export function hashValue(value: unknown, collisionCount?: number): string {
  let h = 0x811c9dc5;
  const feed = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i) & 0xff;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  };
  feed(canonicalJson(value));
  if (collisionCount !== undefined) {
    const b = [collisionCount & 0xff, (collisionCount >>> 8) & 0xff, (collisionCount >>> 16) & 0xff, (collisionCount >>> 24) & 0xff];
    feed(String.fromCharCode(...b));
  }
  return safeEncode(String(h >>> 0));
}
