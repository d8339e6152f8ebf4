/**
 * Invariants: named promises Kubernetes makes, each a documented function
 * over a cluster's history or state.
 *
 * - `safety` invariants watch every change to the store, in order, with the
 *   state just after it: they must hold at every step of every history.
 * - `eventual` invariants judge a state: once inputs and faults stop, it
 *   must come to hold and keep holding.
 * - `meta` invariants are about histories themselves (the same seed gives
 *   the same trace) and are checked by running a history twice.
 */
import type { Client, StoreEvent, StoreSnapshot } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';

export interface Violation {
  invariant: string;
  message: string;
  /** Simulated time of the offending change or state, ms since the epoch. */
  at?: number;
}

/** Where a history under check began: the state safety invariants start from. */
export interface HistoryStart {
  snapshot: StoreSnapshot;
  revision: number;
  at: number;
}

/** What a monitor may know besides the changes themselves. */
export interface MonitorContext {
  readonly start: HistoryStart;
  /** The state when the history began. */
  readonly initial: View;
  /** A client acting as the fuzzer's observer (never perturbed). */
  readonly client: Client;
  /** Simulated time of the write that made a revision. */
  timeOf(revision: number): number | undefined;
  /** Who made the write of a revision, and how (from the API server's audit trail). */
  writerOf(revision: number): { component: string; verb: string } | undefined;
  /** Who the Eviction API evicted the pod for at that instant (pods/eviction accepted, not a dry run), if anyone. */
  evictedBy(namespace: string, name: string, at: number): string | undefined;
  /**
   * Longest a component's view of the cluster may lag the store because
   * watch deliveries are delayed (0 without perturbation). Placement rules
   * that a lagging scheduler could not have known about are judged with it.
   */
  readonly staleness: number;
  /** Whether watch deliveries may be delayed, coalesced or dropped (components may act on stale caches). */
  readonly watchesPerturbed: boolean;
  /** Whether the event loop is perturbed at all (stale caches, or a controller manager down for a while). */
  readonly perturbed: boolean;
}

export interface Monitor {
  /** One change, with the state just after it. */
  onEvent?(e: StoreEvent, state: View): void;
  /** Called when the history is checked (after the cluster settled), with the live state. */
  check?(live: View): void;
  /** Stops whatever the monitor started (watches). */
  dispose?(): void;
}

export type Report = (message: string, at?: number) => void;

export interface Invariant {
  /** kebab-case, as `--invariant` and `Then the invariant "..." holds` name it. */
  readonly name: string;
  /** One line. */
  readonly summary: string;
  /** The promise, in Kubernetes' words where it has them. */
  readonly promise: string;
  /** Where Kubernetes states it. */
  readonly references: readonly string[];
  readonly kind: 'safety' | 'eventual' | 'meta';
  /** Safety: starts watching a history. */
  monitor?(ctx: MonitorContext, report: Report): Monitor;
  /** Eventual: why the state is not (yet) what it must become; empty when it is. */
  unsettled?(view: View): string[];
  /** Eventual: what must stop changing once it holds ("and stays there"); changes restart the wait. */
  fingerprint?(view: View): string;
}
