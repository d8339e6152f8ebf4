/**
 * Runs safety invariants over a cluster's history: every change to the
 * store since the history began, in order, each with the state just after
 * it (rebuilt from a snapshot), and the simulated time and writer of each
 * change from the API server's audit trail.
 *
 * WARNING: the store's log is pinned from the last change checked, so call
 * `dispose` when done.
 */
import type { Cluster } from '../../engine/index.ts';
import { ReplayView, liveView } from '../../harness/view.ts';
import { OBSERVER_COMPONENT } from '../arbitraries/perturbation.ts';
import type { HistoryStart, Invariant, Monitor, MonitorContext, Violation } from './types.ts';

export function startOf(cluster: Cluster): HistoryStart {
  return { snapshot: cluster.store.snapshot(), revision: cluster.store.revision, at: cluster.clock.now() };
}

export class HistoryChecker {
  private readonly view: ReplayView;
  private revision: number;
  private release: () => void;
  private traceIndex = 0;
  private readonly times = new Map<number, number>();
  private readonly writers = new Map<number, { component: string; verb: string }>();
  private readonly evictions = new Map<string, string>();
  private readonly monitors: Array<{ name: string; monitor: Monitor }> = [];
  private pending: Violation[] = [];
  /** Store changes checked so far. */
  changes = 0;

  constructor(
    private readonly cluster: Cluster,
    invariants: readonly Invariant[],
    start: HistoryStart,
    options: { staleness?: number; watchesPerturbed?: boolean; perturbed?: boolean } = {},
  ) {
    this.view = new ReplayView(start.snapshot, start.at);
    this.revision = start.revision;
    this.release = cluster.store.pin(start.revision);
    this.ingestTrace();
    const ctx: MonitorContext = {
      start,
      initial: new ReplayView(start.snapshot, start.at),
      client: cluster.client({ user: 'system:serviceaccount:kube-system:kubecuke-observer', component: OBSERVER_COMPONENT }),
      timeOf: (r) => this.times.get(r),
      writerOf: (r) => this.writers.get(r),
      evictedBy: (ns, name, at) => this.evictions.get(`${ns}/${name}@${at}`),
      staleness: options.staleness ?? 0,
      watchesPerturbed: options.watchesPerturbed ?? false,
      perturbed: options.perturbed ?? options.watchesPerturbed ?? false,
    };
    for (const inv of invariants) {
      if (!inv.monitor) continue;
      const name = inv.name;
      this.monitors.push({ name, monitor: inv.monitor(ctx, (message, at) => this.pending.push({ invariant: name, message, at })) });
    }
  }

  private ingestTrace(): void {
    const entries = this.cluster.trace.entries;
    for (; this.traceIndex < entries.length; this.traceIndex++) {
      const e = entries[this.traceIndex];
      if (e.kind !== 'request') continue;
      if (e.revision !== undefined) {
        this.times.set(e.revision, e.at);
        this.writers.set(e.revision, { component: e.component, verb: e.verb });
      }
      if (e.verb === 'evict' && e.code < 400 && e.message !== 'dry run') this.evictions.set(`${e.namespace}/${e.name}@${e.at}`, e.component);
    }
  }

  /** Checks every change made since the last call, then the monitors' own checks; returns what broke. */
  advance(): Violation[] {
    this.ingestTrace();
    const events = this.cluster.store.eventsAfter(this.revision);
    for (const e of events) {
      this.view.apply(e);
      this.view.now = this.times.get(e.revision) ?? this.view.now;
      for (const m of this.monitors) m.monitor.onEvent?.(e, this.view);
      this.changes++;
    }
    if (events.length) {
      this.revision = events[events.length - 1].revision;
      this.release();
      this.release = this.cluster.store.pin(this.revision);
    }
    const live = liveView(this.cluster);
    for (const m of this.monitors) m.monitor.check?.(live);
    // The same break reported at several changes is one violation.
    const seen = new Set<string>();
    const out = this.pending.filter((v) => {
      const k = `${v.invariant}\u0000${v.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    this.pending = [];
    return out;
  }

  dispose(): void {
    this.release();
    for (const m of this.monitors) m.monitor.dispose?.();
  }
}
