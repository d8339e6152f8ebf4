/**
 * The Client interface: the only way components, steps and kubectl verbs see
 * and change the cluster, as every real component goes through the API
 * server. Calls are synchronous; a refusal throws a StatusError carrying the
 * API server's Status. Watch events arrive later, as tasks on the cluster's
 * event loop, in revision order.
 */
import type { ResourceType } from '../api/kinds.ts';
import type { KubeObject, Stored } from '../api/types.ts';
import type { Selector } from '../api/selectors.ts';
import { isStatusError, type StatusError } from '../api/errors.ts';

export type PropagationPolicy = 'Foreground' | 'Background' | 'Orphan';

export interface ListOptions {
  /** Limit to one namespace; omit for all namespaces (or for cluster-scoped types). */
  namespace?: string;
  /** A label selector, as a string (`app=web`) or parsed. */
  labelSelector?: string | Selector;
  /** A field selector: `spec.nodeName=node-1`. */
  fieldSelector?: string;
}

export interface WatchOptions extends ListOptions {
  /** Start after this resourceVersion (replaying what came since); omit to start now. */
  resourceVersion?: string;
  /**
   * Called once if the server ends the watch (410 Gone: the events after the
   * last one delivered will not come). The watcher must list again, as a
   * reflector does. Watches without it are never ended by the server.
   */
  onError?: (error: StatusError) => void;
}

export interface ListResult<T extends KubeObject = KubeObject> {
  items: Stored<T>[];
  /** The store revision the list reflects: watch from here to miss nothing. */
  resourceVersion: string;
}

export interface WriteOptions {
  /** Validate and admit but do not store (`--dry-run=server`). */
  dryRun?: boolean;
  /** Who owns the fields written; defaults to the client's identity. */
  fieldManager?: string;
}

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: PropagationPolicy;
  /** Overrides the object's grace period; 0 deletes at once (force for pods). */
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export type PatchType = 'merge' | 'strategic' | 'json';

export interface PatchOptions extends WriteOptions {
  /** Patch the status subresource instead of the main resource. */
  subresource?: 'status';
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: Stored<T>;
}

export interface Watch {
  stop(): void;
}

/** Who is calling: a component (`kube-scheduler`), a node (`system:node:node-1`), or a user (`kubectl`). */
export interface Identity {
  /** The user name the API server sees. */
  user: string;
  /** The component as traces and event sources name it: `deployment-controller`, `kubelet`. */
  component: string;
  /** For node agents, the node they run on. */
  node?: string;
}

export interface Client {
  readonly identity: Identity;
  create<T extends KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions): Stored<T>;
  /** Throws NotFound when absent. */
  get<T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string): Stored<T>;
  list<T extends KubeObject>(type: ResourceType, opts?: ListOptions): ListResult<T>;
  /** Replaces the object; metadata.resourceVersion, when set, must be current (else 409 Conflict). */
  update<T extends KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions): Stored<T>;
  /** Replaces the status of the object; everything else is kept as stored. */
  updateStatus<T extends KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions): Stored<T>;
  patch<T extends KubeObject>(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    patch: unknown,
    patchType: PatchType,
    opts?: PatchOptions,
  ): Stored<T>;
  /**
   * Deletes the object, or marks it for deletion (graceful pods, finalizers,
   * foreground propagation). Returns the object as left in the store, or
   * undefined when it is gone.
   */
  delete(type: ResourceType, namespace: string | undefined, name: string, opts?: DeleteOptions): Stored | undefined;
  watch<T extends KubeObject>(type: ResourceType, opts: WatchOptions, handler: (e: WatchEvent<T>) => void): Watch;
  /** POST pods/{name}/binding: assigns a pod to a node, as the scheduler's binder does. */
  bind(namespace: string, podName: string, nodeName: string, podUid?: string): void;
  /** POST pods/{name}/eviction (policy/v1 Eviction): a delete that respects disruption budgets. */
  evict(namespace: string, podName: string, opts?: DeleteOptions): void;
}

/** Get, or undefined when the object does not exist. Other errors propagate. */
export function tryGet<T extends KubeObject>(
  client: Pick<Client, 'get'>,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
): Stored<T> | undefined {
  try {
    return client.get<T>(type, namespace, name);
  } catch (e) {
    if (isStatusError(e, 'NotFound')) return undefined;
    throw e;
  }
}
