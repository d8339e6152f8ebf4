/**
 * Checks on simulated time (STEPS.md, "Time-qualified forms"):
 * - now: the check holds in the current state;
 * - within D: time advances instant by instant until the check holds, and
 *   fails at D;
 * - for D: time advances by D and the check must hold at every instant;
 * - at all times: the check held at every state change since the most recent
 *   When step began, replayed from the store's log.
 */
import type { Cluster, StoreSnapshot } from '../engine/index.ts';
import { type Check, type Outcome } from './checks.ts';
import { CheckFailed } from './errors.ts';
import { humanDuration } from './params.ts';
import { ReplayView, liveView, type View } from './view.ts';
import { formatOffset } from '../engine/index.ts';

/** Where "at all times" looks back to: the state when the action under test began. */
export interface HistoryMarker {
  snapshot: StoreSnapshot;
  revision: number;
  at: number;
  release(): void;
}

export function markHistory(cluster: Cluster): HistoryMarker {
  const revision = cluster.store.revision;
  return { snapshot: cluster.store.snapshot(), revision, at: cluster.clock.now(), release: cluster.store.pin(revision) };
}

function failure(prefix: string, out: Outcome): CheckFailed {
  const details = out.details?.();
  return new CheckFailed(`${prefix}\n  expected: ${out.expected}\n  found:    ${out.found}${details ? `\n\n${details}` : ''}`);
}

export function checkNow(cluster: Cluster, check: Check): void {
  const out = check(liveView(cluster));
  if (!out.ok) throw failure(`Check failed at ${formatOffset(cluster.clock.now())}`, out);
}

export function checkWithin(cluster: Cluster, check: Check, ms: number): void {
  const deadline = cluster.clock.now() + ms;
  let out = check(liveView(cluster));
  while (!out.ok) {
    if (!cluster.clock.step(deadline)) {
      cluster.clock.advanceTo(deadline);
      out = check(liveView(cluster));
      if (!out.ok) throw failure(`Still not true after ${humanDuration(ms)} (at ${formatOffset(deadline)})`, out);
      break;
    }
    out = check(liveView(cluster));
  }
}

export function checkFor(cluster: Cluster, check: Check, ms: number): void {
  const start = cluster.clock.now();
  const deadline = start + ms;
  let out = check(liveView(cluster));
  for (;;) {
    if (!out.ok) {
      throw failure(`Stopped being true after ${humanDuration(cluster.clock.now() - start)} of the ${humanDuration(ms)} (at ${formatOffset(cluster.clock.now())})`, out);
    }
    if (!cluster.clock.step(deadline)) break;
    out = check(liveView(cluster));
  }
  cluster.clock.advanceTo(deadline);
  out = check(liveView(cluster));
  if (!out.ok) throw failure(`Stopped being true at the end of the ${humanDuration(ms)} (at ${formatOffset(deadline)})`, out);
}

/**
 * Replays every state change since the marker and evaluates the check after
 * each one that touched what the check reads.
 */
export function checkAtAllTimes(cluster: Cluster, marker: HistoryMarker | undefined, check: Check): void {
  if (!marker) {
    checkNow(cluster, check);
    return;
  }
  const view = new ReplayView(marker.snapshot, marker.at);
  const times = revisionTimes(cluster, marker.at);
  const read = new Set<string>();
  const recording = recordingView(view, read);
  let out = check(recording);
  if (!out.ok) throw failure(`Not true when the action began (at ${formatOffset(marker.at)})`, out);
  for (const e of cluster.store.eventsAfter(marker.revision)) {
    view.apply(e);
    view.now = times.get(e.revision) ?? view.now;
    if (!touches(read, e.key)) continue;
    out = check(recording);
    if (!out.ok) throw failure(`Not true at ${formatOffset(view.now)} (after ${humanDuration(view.now - marker.at)})`, out);
  }
}

function revisionTimes(cluster: Cluster, since: number): Map<number, number> {
  const m = new Map<number, number>();
  for (const e of cluster.trace.since(since)) if (e.kind === 'request' && e.revision !== undefined) m.set(e.revision, e.at);
  return m;
}

/** A view that notes which resource buckets the check read, so unrelated changes can be skipped. */
function recordingView(view: ReplayView, read: Set<string>): View {
  return {
    get now() {
      return view.now;
    },
    list(type, namespace) {
      read.add(type.resource + '.' + type.group);
      return view.list(type, namespace);
    },
    get(type, namespace, name) {
      read.add(type.resource + '.' + type.group);
      return view.get(type, namespace, name);
    },
  };
}

function touches(read: Set<string>, key: string): boolean {
  const res = key.split('/')[2] ?? '';
  const [resource, ...group] = res.split('.');
  return read.has(`${resource}.${group.join('.')}`);
}
