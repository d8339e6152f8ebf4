/**
 * Perturbation: the one hook through which a test disturbs the event loop,
 * as Sieve does for real controllers. It is consulted in exactly two places:
 *
 * - the API server's watch delivery (ApiServer.watch), once per batch of
 *   events ready for one watcher: deliver it now, later (the watcher's cache
 *   goes stale meanwhile), coalesced (only the latest event of each object,
 *   as a watcher that missed the intermediate states sees them), or not at
 *   all: the watch then ends with 410 Gone and the watcher must list again,
 *   as a reflector does when its resourceVersion is too old;
 * - the controller manager, once per reconcile: the process may crash after
 *   some of that reconcile's writes and come back later with nothing of its
 *   memory (caches, work queues, expectations, timers), as
 *   kube-controller-manager does after a restart.
 *
 * A cluster without a perturbation delivers every watch batch at once and
 * never restarts a controller. Reconcile-level correctness (DESIGN.md) means
 * the end state must not depend on any of this.
 *
 * WARNING: decisions must come from a seeded source (the cluster's `Random`
 * or one of the test's): one seed, one history, perturbations included.
 */

/** A batch of watch events about to be scheduled for delivery. */
export interface WatchBatch {
  /** The watching component, as its identity names it: `kube-controller-manager`, `default-scheduler`, `kubelet`. */
  readonly watcher: string;
  /** The watched resource, `pods` or `replicasets.apps`. */
  readonly resource: string;
  /** Whether the watcher lists again when the watch ends (every informer does). */
  readonly canRelist: boolean;
}

/** How to deliver one batch. Everything unset: at once, every event. */
export interface WatchDelivery {
  /** Deliver after this much simulated time; events arriving meanwhile join the batch, in order. */
  delayMs?: number;
  /** Drop the modifications of an object that a later modification of it in the batch supersedes. */
  coalesce?: boolean;
  /**
   * Drop the batch and end the watch with 410 Gone, so the watcher lists
   * again. Ignored for watchers that cannot relist.
   */
  drop?: boolean;
}

/** A reconcile about to run. */
export interface ReconcileAttempt {
  readonly controller: string;
  readonly key: string;
}

/** The controller manager crashes during this reconcile. */
export interface ControllerCrash {
  /** Writes of this reconcile that reach the API server before the crash (0: none). */
  afterWrites: number;
  /** Simulated time until the restarted process runs again (longer while the kubelet backs off its restarts). */
  downMs: number;
}

export interface Perturbation {
  /** Decides how a watch batch is delivered; called when its first event is queued. */
  watchDelivery?(batch: WatchBatch): WatchDelivery | undefined;
  /** Decides whether the controller manager crashes during a reconcile. */
  reconcile?(attempt: ReconcileAttempt): ControllerCrash | undefined;
}
