/**
 * The API server: the request pipeline every read and write goes through,
 * and the Client that components, steps and kubectl hold.
 *
 * Write pipeline, as kube-apiserver runs it:
 *   decode (types; unknown fields with strict field validation)
 *   -> defaulting -> mutating admission -> registry strategy (system fields,
 *   status handling, generation) -> schema and semantic validation
 *   -> validating admission -> store (optimistic concurrency).
 *
 * Watches are delivered as tasks on the event loop, after the write that
 * caused them, in revision order.
 */
import { type ResourceType, apiVersionOf, groupKind, groupResource, R, resourceFor } from '../api/kinds.ts';
import type { KubeObject, Pod, PodDisruptionBudget, Stored } from '../api/types.ts';
import {
  StatusError,
  alreadyExists,
  badRequest,
  conflict,
  gone,
  invalidObject,
  notFound,
  type FieldError,
} from '../api/errors.ts';
import { Selector, fieldValue, fieldsMatch, parseFieldSelector, type FieldRequirement } from '../api/selectors.ts';
import { clone, deepEqual, storeKey, storePrefix } from '../api/meta.ts';
import { decodeCheck, schemaCheck } from '../api/schema.ts';
import { validateCreate, validateStatusUpdate, validateUpdate } from '../api/validation/index.ts';
import { applyDefaults } from '../api/defaults/index.ts';
import { applyPatch } from '../api/patch.ts';
import { type Store, StoreCompactedError, StoreConflictError, type StoreEvent } from '../store/store.ts';
import type {
  Client,
  DeleteOptions,
  Identity,
  ListOptions,
  ListResult,
  PatchOptions,
  PatchType,
  Watch,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from '../client/client.ts';
import type { AdmissionAttributes, AdmissionContext, AdmissionOperation, AdmissionPlugin } from './admission/types.ts';
import { strategyFor } from './strategy.ts';
import type { Perturbation, WatchDelivery } from '../api/perturbation.ts';
import { evictPod } from './registry/eviction.ts';
import { fieldLabelSupported } from './field-labels.ts';
import type { ServiceAllocation, Transaction } from './registry/service-allocation.ts';

/** What the API server needs from its surroundings: time, randomness and the event loop. */
export interface ApiServerEnv {
  now(): number;
  /** RFC 3339, second precision. */
  iso(ms?: number): string;
  random: { uuid(): string; nameSuffix(n?: number): string };
  /** Runs `fn` as a task at the current instant, after the current one (or `delayMs` later). */
  defer(label: string, fn: () => void, delayMs?: number): void;
}

/** One request the API server carried out or refused, for the cluster's trace. */
export interface AuditEntry {
  at: number;
  /** Store revision written, or undefined for refusals and no-ops. */
  revision?: number;
  user: string;
  component: string;
  verb: 'create' | 'update' | 'patch' | 'delete' | 'bind' | 'evict';
  resource: string;
  subresource?: string;
  namespace?: string;
  name: string;
  /** HTTP-like status code of the outcome. */
  code: number;
  /** Short description: the refusal's message, or what changed. */
  message?: string;
}

export interface ApiServerOptions {
  admission: AdmissionPlugin[];
  audit?: (e: AuditEntry) => void;
  /** Disturbs watch delivery (tests only; see api/perturbation.ts). */
  perturbation?: Perturbation;
  /** The Service registry's cluster IP and node port allocators; without them Services get none. */
  serviceAllocation?: ServiceAllocation;
}

/** Field validation levels of the API (fieldValidation query parameter). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface ServerWriteOptions extends WriteOptions {
  fieldValidation?: FieldValidation;
  /**
   * The body comes from a component whose code builds its objects from the
   * typed models, as upstream's Go clients serialise typed structs: its
   * decode cannot fail and the schema has nothing to find, so neither runs.
   * The kind's own validation still does.
   */
  typed?: boolean;
}

/** maxNameGenerationCreateAttempts of the generic registry store. */
const MAX_NAME_GENERATION_CREATE_ATTEMPTS = 8;

type Mutable = KubeObject & { metadata: KubeObject['metadata'] & Record<string, unknown> };

export class ApiServer {
  private readonly admission: AdmissionPlugin[];
  private readonly audit: (e: AuditEntry) => void;
  private readonly admissionCtx: AdmissionContext;
  private readonly hubs = new Map<ResourceType, WatchHub>();
  private readonly perturbation: Perturbation | undefined;
  private readonly services?: ServiceAllocation;

  constructor(
    readonly store: Store,
    private readonly env: ApiServerEnv,
    options: ApiServerOptions,
  ) {
    this.admission = options.admission;
    this.audit = options.audit ?? (() => {});
    this.perturbation = options.perturbation;
    this.services = options.serviceAllocation;
    this.services?.load(this.store.list(storePrefix(R.services)).map((e) => e.value));
    this.admissionCtx = {
      get: (type, ns, name) => this.store.get(storeKey(type, ns, name))?.value,
      list: (type, ns) => this.store.list(storePrefix(type, ns)).map((e) => e.value),
      now: () => this.env.now(),
      nameSuffix: () => this.env.random.nameSuffix(5),
    };
  }

  /** A Client acting as `identity`. Writes by kubectl-like users default to strict field validation. */
  client(identity: Identity, defaults: { fieldValidation?: FieldValidation; typed?: boolean } = {}): Client {
    return new ServerClient(this, identity, defaults.fieldValidation ?? 'Warn', defaults.typed ?? false);
  }

  // ---- reads ----

  get(type: ResourceType, namespace: string | undefined, name: string): Stored {
    const e = this.store.get(storeKey(type, this.ns(type, namespace), name));
    if (!e) throw notFound(target(type), name);
    return e.value;
  }

  list(type: ResourceType, opts: ListOptions = {}): ListResult {
    const filter = this.compileFilter(type, opts);
    const entries = this.store.list(storePrefix(type, type.namespaced ? opts.namespace : undefined));
    const items: Stored[] = [];
    for (const e of entries) if (filter(e.value)) items.push(e.value);
    return { items, resourceVersion: String(this.store.revision) };
  }

  // ---- writes ----

  create(user: Identity, type: ResourceType, input: KubeObject, opts: ServerWriteOptions = {}): Stored {
    const obj = this.decode(type, input, opts.fieldValidation ?? 'Warn', false, opts.typed) as Mutable;
    const ns = type.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
    if (type.namespaced) obj.metadata.namespace = ns;
    else delete obj.metadata.namespace;
    if (obj.metadata.resourceVersion) throw badRequest('resourceVersion should not be set on objects to be created');
    applyDefaults(type, obj);
    const displayName = obj.metadata.name ?? obj.metadata.generateName ?? '';
    this.runAdmission('admit', 'CREATE', type, obj, undefined, user, opts, ns, displayName);
    // The registry's BeginCreate: Services get their cluster IPs and node ports before validation.
    let txn: Transaction | undefined;
    try {
      txn = type === R.services ? this.services?.allocateCreate(obj, displayName) : undefined;
    } catch (e) {
      if (e instanceof StatusError) this.record(user, 'create', type, ns, displayName, e.code, undefined, e.message);
      throw e;
    }
    try {
      const out = this.createAdmitted(user, type, obj, opts, ns);
      if (opts.dryRun) txn?.revert();
      else txn?.commit();
      return out;
    } catch (e) {
      txn?.revert();
      throw e;
    }
  }

  private createAdmitted(user: Identity, type: ResourceType, obj: Mutable, opts: ServerWriteOptions, ns: string | undefined): Stored {
    // Store.Create: system fields and the generated name first ("init metadata as early as possible"),
    // then rest.BeforeCreate: the strategy's PrepareForCreate (which may use the uid), then validation.
    obj.metadata.uid = this.env.random.uuid();
    obj.metadata.creationTimestamp = this.env.iso();
    const generated = !obj.metadata.name && !!obj.metadata.generateName;
    if (generated) obj.metadata.name = this.generateName(obj.metadata.generateName!);
    delete obj.metadata.deletionTimestamp;
    delete obj.metadata.deletionGracePeriodSeconds;
    strategyFor(type).prepareForCreate?.(obj);
    if (type.generation) obj.metadata.generation = 1;
    else delete obj.metadata.generation;

    this.refuseIfInvalid(type, ns, obj.metadata.name ?? '', this.validationErrors(type, obj, validateCreate(type, obj), opts.typed), user, 'create');
    this.runAdmission('validate', 'CREATE', type, obj, undefined, user, opts, ns, obj.metadata.name!);

    const key = storeKey(type, ns, obj.metadata.name!);
    if (opts.dryRun) {
      if (this.store.get(key)) throw alreadyExists(target(type), obj.metadata.name!);
      return Object.freeze({ ...obj, metadata: { ...obj.metadata, resourceVersion: '' } }) as Stored;
    }
    let entry = this.store.create(key, (rev) => ({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } }) as Stored);
    // RetryGenerateName (GA in 1.32): a generated name that is taken is generated again, up to 8 attempts in all.
    for (let attempt = 1; !entry && generated && attempt < MAX_NAME_GENERATION_CREATE_ATTEMPTS; attempt++) {
      obj.metadata.name = this.generateName(obj.metadata.generateName!);
      entry = this.store.create(storeKey(type, ns, obj.metadata.name), (rev) => ({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } }) as Stored);
    }
    if (!entry) {
      this.record(user, 'create', type, ns, obj.metadata.name!, 409, undefined, 'already exists');
      throw alreadyExists(target(type), obj.metadata.name!);
    }
    this.record(user, 'create', type, ns, obj.metadata.name!, 201, entry.modRevision);
    return entry.value;
  }

  /** names.SimpleNameGenerator: the prefix cut to leave room for a 5-character random suffix. */
  private generateName(prefix: string): string {
    return `${prefix.slice(0, 63 - 5)}${this.env.random.nameSuffix(5)}`;
  }

  update(user: Identity, type: ResourceType, input: KubeObject, opts: ServerWriteOptions = {}, status = false, verb: AuditEntry['verb'] = 'update'): Stored {
    const obj = this.decode(type, input, opts.fieldValidation ?? 'Warn', status, opts.typed) as Mutable;
    const ns = type.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
    const name = obj.metadata.name;
    if (!name) throw badRequest('name is required');
    const key = storeKey(type, ns, name);
    const cur = this.store.get(key);
    if (!cur) throw notFound(target(type), name);
    const old = cur.value;
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== old.metadata.resourceVersion) {
      this.record(user, verb, type, ns, name, 409, undefined, 'conflict', status ? 'status' : undefined);
      throw conflict(target(type), name);
    }
    if (obj.metadata.uid && obj.metadata.uid !== old.metadata.uid) {
      throw conflict(target(type), name, `Precondition failed: UID in precondition: ${obj.metadata.uid}, UID in object meta: ${old.metadata.uid}`);
    }
    // For a status update `obj` is the body's metadata and status only (decode).
    applyDefaults(type, obj);

    let next: Mutable;
    if (status) {
      // The status subresource changes status only. The rest is the stored
      // object's, shared (it is frozen) rather than copied; only its metadata
      // is written to below.
      next = { ...(old as Mutable), metadata: { ...old.metadata }, status: (obj as { status?: unknown }).status };
    } else {
      next = obj;
      if (type.statusSubresource) (next as { status?: unknown }).status = (old as { status?: unknown }).status;
    }
    // System fields are the store's, not the client's.
    next.metadata.namespace = ns;
    next.metadata.uid = old.metadata.uid;
    next.metadata.creationTimestamp = old.metadata.creationTimestamp;
    setOrDelete(next.metadata, 'deletionTimestamp', old.metadata.deletionTimestamp);
    setOrDelete(next.metadata, 'deletionGracePeriodSeconds', old.metadata.deletionGracePeriodSeconds);
    setOrDelete(next.metadata, 'generation', old.metadata.generation);
    if (type.generation && !status && !deepEqual(specOf(next), specOf(old))) {
      next.metadata.generation = (old.metadata.generation ?? 0) + 1;
    }
    if (!status) strategyFor(type).prepareForUpdate?.(next, old);
    // An update without a resourceVersion is unconditional: it applies to the current object.
    next.metadata.resourceVersion = old.metadata.resourceVersion;
    this.runAdmission('admit', 'UPDATE', type, next, old, user, opts, ns, name, status ? 'status' : undefined);
    // The registry's BeginUpdate: allocations follow type changes; released values go only on success.
    let txn: Transaction | undefined;
    try {
      txn = type === R.services && !status ? this.services?.allocateUpdate(next, old, name) : undefined;
    } catch (e) {
      if (e instanceof StatusError) this.record(user, verb, type, ns, name, e.code, undefined, e.message);
      throw e;
    }
    try {
      const out = this.updateAdmitted(user, type, next, old, cur.modRevision, opts, status, verb, ns, name);
      if (opts.dryRun || out === old) txn?.revert();
      else txn?.commit();
      return out;
    } catch (e) {
      txn?.revert();
      throw e;
    }
  }

  private updateAdmitted(
    user: Identity,
    type: ResourceType,
    next: Mutable,
    old: Stored,
    modRevision: number,
    opts: ServerWriteOptions,
    status: boolean,
    verb: AuditEntry['verb'],
    ns: string | undefined,
    name: string,
  ): Stored {
    const key = storeKey(type, ns, name);
    const semantic = status ? validateStatusUpdate(type, next, old) : validateUpdate(type, next, old);
    // Through the status subresource only status changes, which the schema does not judge.
    this.refuseIfInvalid(type, ns, name, status ? semantic : this.validationErrors(type, next, semantic, opts.typed), user, verb);
    this.runAdmission('validate', 'UPDATE', type, next, old, user, opts, ns, name, status ? 'status' : undefined);

    // An update that changes nothing is not written (no new revision, no watch event).
    if (deepEqual(next, old)) return old;
    if (opts.dryRun) return Object.freeze(next) as Stored;
    const finalizing = next.metadata.deletionTimestamp && !(next.metadata.finalizers ?? []).length && !next.metadata.deletionGracePeriodSeconds;
    try {
      if (finalizing && !this.keepsAfterFinalizers(type, next)) {
        const gone = this.store.delete(key, modRevision, (v, rev) => ({ ...v, metadata: { ...v.metadata, resourceVersion: String(rev) } }) as Stored);
        this.record(user, 'delete', type, ns, name, 200, gone.modRevision, 'finalizers removed');
        this.afterDelete(type, gone.value);
        return gone.value;
      }
      const entry = this.store.update(key, modRevision, (rev) => ({ ...next, metadata: { ...next.metadata, resourceVersion: String(rev) } }) as Stored);
      this.record(user, verb, type, ns, name, 200, entry.modRevision, undefined, status ? 'status' : undefined);
      return entry.value;
    } catch (e) {
      if (e instanceof StoreConflictError) throw conflict(target(type), name);
      throw e;
    }
  }

  patch(user: Identity, type: ResourceType, namespace: string | undefined, name: string, patch: unknown, patchType: PatchType, opts: PatchOptions & ServerWriteOptions = {}): Stored {
    const cur = this.get(type, namespace, name);
    let patched: KubeObject;
    try {
      patched = applyPatch(cur, patch, patchType, type.kind) as KubeObject;
    } catch (e) {
      if (e instanceof StatusError) throw e;
      throw badRequest((e as Error).message);
    }
    // A patch is applied to the current object; a resourceVersion in the patch is a precondition.
    const rv = (patch as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
    const next = { ...patched, metadata: { ...patched.metadata, resourceVersion: rv ?? cur.metadata.resourceVersion } };
    return this.update(user, type, next, opts, opts.subresource === 'status', 'patch');
  }

  delete(user: Identity, type: ResourceType, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Stored | undefined {
    const ns = this.ns(type, namespace);
    const key = storeKey(type, ns, name);
    const cur = this.store.get(key);
    if (!cur) throw notFound(target(type), name);
    const obj = cur.value;
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata.uid)
      throw conflict(target(type), name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
    if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion)
      throw conflict(target(type), name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
    this.runAdmission('admit', 'DELETE', type, obj, obj, user, opts, ns, name);
    this.runAdmission('validate', 'DELETE', type, obj, obj, user, opts, ns, name);
    if (opts.dryRun) return obj;

    const strategy = strategyFor(type);
    const custom = strategy.onDelete?.(obj, this.env.iso());
    if (custom) {
      if (deepEqual(custom, obj)) return obj;
      const entry = this.store.update(key, cur.modRevision, (rev) => ({ ...custom, metadata: { ...custom.metadata, resourceVersion: String(rev) } }) as Stored);
      this.record(user, 'delete', type, ns, name, 200, entry.modRevision, 'marked for deletion');
      return entry.value;
    }

    const grace = strategy.gracePeriodSeconds ? strategy.gracePeriodSeconds(obj, opts.gracePeriodSeconds) : 0;
    const finalizers = [...(obj.metadata.finalizers ?? [])];
    const policy = opts.propagationPolicy;
    if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');

    const marked = obj.metadata.deletionTimestamp !== undefined;
    if (grace > 0 || finalizers.length) {
      const now = this.env.now();
      let deletionTimestamp = obj.metadata.deletionTimestamp;
      let deletionGracePeriodSeconds = obj.metadata.deletionGracePeriodSeconds;
      if (!marked) {
        deletionTimestamp = this.env.iso(now + grace * 1000);
        deletionGracePeriodSeconds = grace;
      } else if (deletionGracePeriodSeconds !== undefined && grace < deletionGracePeriodSeconds) {
        // A second delete may shorten the grace period, never lengthen it.
        deletionTimestamp = this.env.iso(now + grace * 1000);
        deletionGracePeriodSeconds = grace;
      }
      const immediate = grace === 0 && (deletionGracePeriodSeconds ?? 0) === 0 && finalizers.length === 0;
      if (!immediate) {
        const next = {
          ...obj,
          metadata: { ...obj.metadata, deletionTimestamp, deletionGracePeriodSeconds, finalizers: finalizers.length ? finalizers : undefined },
        };
        if (!next.metadata.finalizers) delete next.metadata.finalizers;
        if (deepEqual(next, obj)) return obj;
        const entry = this.store.update(key, cur.modRevision, (rev) => ({ ...next, metadata: { ...next.metadata, resourceVersion: String(rev) } }) as Stored);
        this.record(user, 'delete', type, ns, name, 200, entry.modRevision, grace > 0 ? `graceful, ${grace}s` : 'waiting for finalizers');
        return entry.value;
      }
    }
    const gone = this.store.delete(key, cur.modRevision, (v, rev) => ({ ...v, metadata: { ...v.metadata, resourceVersion: String(rev) } }) as Stored);
    this.record(user, 'delete', type, ns, name, 200, gone.modRevision);
    this.afterDelete(type, gone.value);
    return undefined;
  }

  /**
   * The Service registry's AfterDelete: its allocations are released and its
   * Endpoints deleted with it (so a new Service of the same name never sees
   * stale addresses); EndpointSlices go by garbage collection.
   */
  private afterDelete(type: ResourceType, obj: Stored): void {
    if (type !== R.services) return;
    this.services?.release(obj);
    const ns = obj.metadata.namespace;
    if (!this.store.get(storeKey(R.endpoints, ns, obj.metadata.name))) return;
    this.delete({ user: 'system:apiserver', component: 'kube-apiserver' }, R.endpoints, ns, obj.metadata.name);
  }

  /** POST pods/{name}/binding (pkg/registry/core/pod/storage: assignPod). */
  bind(user: Identity, namespace: string, podName: string, nodeName: string, podUid?: string): void {
    const key = storeKey(R.pods, namespace, podName);
    const cur = this.store.get(key);
    if (!cur) throw notFound(target(R.pods), podName);
    const pod = cur.value as unknown as Stored<Pod>;
    const t = target(R.pods);
    if (podUid && pod.metadata.uid !== podUid)
      throw conflict(t, podName, `Precondition failed: UID in precondition: ${podUid}, UID in object meta: ${pod.metadata.uid}`);
    if (pod.metadata.deletionTimestamp) throw conflict(t, podName, `pod ${podName} is being deleted, cannot be assigned to a host`);
    if (pod.spec.nodeName) throw conflict(t, podName, `pod ${podName} is already assigned to node ${JSON.stringify(pod.spec.nodeName)}`);
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    const next = {
      ...pod,
      spec: { ...pod.spec, nodeName },
      status: {
        ...pod.status,
        conditions: [...conditions, { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: this.env.iso() }],
      },
    };
    const entry = this.store.update(key, cur.modRevision, (rev) => ({ ...next, metadata: { ...next.metadata, resourceVersion: String(rev) } }) as unknown as Stored);
    this.record(user, 'bind', R.pods, namespace, podName, 201, entry.modRevision, `to ${nodeName}`, 'binding');
  }

  /** POST pods/{name}/eviction: a delete that respects PodDisruptionBudgets (registry/eviction.ts). */
  evict(user: Identity, namespace: string, podName: string, opts: DeleteOptions = {}): void {
    const loopback: Identity = { user: 'system:apiserver', component: 'kube-apiserver' };
    try {
      evictPod(
        {
          getPod: (ns, name) => this.get(R.pods, ns, name) as Stored<Pod>,
          listBudgets: (ns) => this.list(R.podDisruptionBudgets, { namespace: ns }).items as Array<Stored<PodDisruptionBudget>>,
          updateBudgetStatus: (pdb) => void this.update(loopback, R.podDisruptionBudgets, pdb, {}, true),
          updatePodStatus: (pod) => this.update(user, R.pods, pod, {}, true) as Stored<Pod>,
          deletePod: (ns, name, o) => void this.delete(user, R.pods, ns, name, o),
          nowIso: () => this.env.iso(),
        },
        namespace,
        podName,
        opts,
      );
    } catch (e) {
      if (e instanceof StatusError) this.record(user, 'evict', R.pods, namespace, podName, e.code, undefined, e.message, 'eviction');
      throw e;
    }
    this.record(user, 'evict', R.pods, namespace, podName, 201, undefined, opts.dryRun ? 'dry run' : undefined, 'eviction');
  }

  watch(user: Identity, type: ResourceType, opts: WatchOptions, handler: (e: WatchEvent) => void): Watch {
    const filter = this.compileFilter(type, opts);
    const queue: WatchEvent[] = [];
    let scheduled = false;
    let stopped = false;
    let unsubscribe = () => {};
    let delivery: WatchDelivery | undefined;
    const resource = groupResource(type);
    const label = `watch ${resource} -> ${user.component}`;
    const onError = opts.onError;
    const drain = () => {
      scheduled = false;
      let batch = queue.splice(0);
      const how = delivery;
      delivery = undefined;
      if (stopped) return;
      if (how?.drop && onError) {
        // The watch ends; what it had not delivered is lost to it, and the watcher must list again.
        stopped = true;
        unsubscribe();
        onError(gone(`too old resource version: the watch of ${resource} was closed`));
        return;
      }
      if (how?.coalesce) batch = withoutIntermediateStates(batch);
      for (const ev of batch) {
        if (stopped) return;
        handler(ev);
      }
    };
    const push = (ev: WatchEvent) => {
      queue.push(ev);
      if (!scheduled) {
        scheduled = true;
        delivery = this.perturbation?.watchDelivery?.({ watcher: user.component, resource, canRelist: onError !== undefined });
        this.env.defer(label, drain, delivery?.delayMs);
      }
    };
    const listener = (e: StoreEvent) => {
      const now = filter(e.object);
      if (e.type === 'ADDED') {
        if (now) push({ type: 'ADDED', object: e.object });
      } else if (e.type === 'DELETED') {
        if (filter(e.prev ?? e.object)) push({ type: 'DELETED', object: e.object });
      } else {
        const before = e.prev ? filter(e.prev) : false;
        if (now && before) push({ type: 'MODIFIED', object: e.object });
        else if (now) push({ type: 'ADDED', object: e.object });
        else if (before) push({ type: 'DELETED', object: e.object });
      }
    };
    const after = opts.resourceVersion ? Number(opts.resourceVersion) : undefined;
    if (after !== undefined) {
      // Replay what the watcher missed, then follow live writes.
      let missed: StoreEvent[];
      try {
        missed = this.store.eventsAfter(after);
      } catch (e) {
        if (e instanceof StoreCompactedError) throw gone(e.message);
        throw e;
      }
      const prefix = storePrefix(type, type.namespaced ? opts.namespace : undefined);
      for (const e of missed) if (e.key.startsWith(prefix)) listener(e);
    }
    unsubscribe = this.hub(type).add(listener, indexKeyOf(type, opts));
    return {
      stop() {
        stopped = true;
        unsubscribe();
      },
    };
  }

  private hub(type: ResourceType): WatchHub {
    let h = this.hubs.get(type);
    if (!h) {
      h = new WatchHub(type);
      this.store.watch(storePrefix(type), undefined, (e) => h!.dispatch(e));
      this.hubs.set(type, h);
    }
    return h;
  }

  // ---- pipeline pieces ----

  private ns(type: ResourceType, namespace: string | undefined): string | undefined {
    return type.namespaced ? (namespace ?? 'default') : undefined;
  }

  /** Copies the input and checks it decodes as `type`: kind, apiVersion, JSON types, unknown fields. */
  private decode(type: ResourceType, input: KubeObject, fieldValidation: FieldValidation, statusOnly = false, typed = false): KubeObject {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) throw badRequest('the body of the request was in an unknown format');
    // A status update keeps only metadata and status of the body: the rest is checked, not copied.
    const obj = statusOnly ? ({ ...input, metadata: clone(input.metadata), status: clone((input as { status?: unknown }).status) } as KubeObject) : clone(input);
    const version = apiVersionOf(type);
    if (obj.kind && obj.kind !== type.kind) {
      throw badRequest(`the kind of the object (${obj.kind}) does not match the kind of the resource (${type.kind})`);
    }
    if (obj.apiVersion && obj.apiVersion !== version && resourceFor(obj.apiVersion, obj.kind ?? type.kind) !== type) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${version})`);
    }
    obj.apiVersion = version;
    obj.kind = type.kind;
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    if (!typed) {
      const res = decodeCheck(type, obj, fieldValidation === 'Strict');
      const prefix = `${type.kind} in version ${JSON.stringify(type.version)} cannot be handled as a ${type.kind}: `;
      if (res.typeErrors.length) throw badRequest(prefix + res.typeErrors[0]);
      if (res.unknownFields.length) {
        throw badRequest(prefix + 'strict decoding error: ' + res.unknownFields.map((f) => `unknown field ${JSON.stringify(f)}`).join(', '));
      }
    }
    if (statusOnly) return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata, status: (obj as { status?: unknown }).status } as KubeObject;
    if (type === R.secrets) mergeStringData(obj as KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> });
    return obj;
  }

  /**
   * The kind's own validation decides, in upstream words. The OpenAPI schema
   * is consulted only when that found nothing, and not for status, which the
   * API server decodes into Go zero values rather than requiring.
   */
  private validationErrors(type: ResourceType, obj: KubeObject, semantic: FieldError[], typed = false): FieldError[] {
    if (semantic.length || typed) return semantic;
    return (obj as { status?: unknown }).status === undefined ? schemaCheck(type, obj) : schemaCheck(type, { ...obj, status: undefined } as KubeObject);
  }

  private refuseIfInvalid(type: ResourceType, ns: string | undefined, name: string, errors: FieldError[], user: Identity, verb: AuditEntry['verb']): void {
    if (!errors.length) return;
    const err = invalidObject(groupKind(type), name, errors);
    this.record(user, verb, type, ns, name, 422, undefined, err.message);
    throw err;
  }

  private runAdmission(
    phase: 'admit' | 'validate',
    operation: AdmissionOperation,
    type: ResourceType,
    object: KubeObject,
    oldObject: Stored | undefined,
    user: Identity,
    opts: WriteOptions,
    namespace: string | undefined,
    name: string,
    subresource?: string,
  ): void {
    const a: AdmissionAttributes = { operation, type, subresource, namespace, name, object, oldObject, user, dryRun: !!opts.dryRun };
    for (const p of this.admission) {
      const fn = phase === 'admit' ? p.admit : p.validate;
      if (!fn) continue;
      try {
        fn.call(p, a, this.admissionCtx);
      } catch (e) {
        if (e instanceof StatusError) this.record(user, operation === 'DELETE' ? 'delete' : operation === 'CREATE' ? 'create' : 'update', type, namespace, name, e.code, undefined, e.message);
        throw e;
      }
    }
  }

  /** Namespaces are finalized by their controller, not by metadata.finalizers alone. */
  private keepsAfterFinalizers(type: ResourceType, obj: KubeObject): boolean {
    return type === R.namespaces && ((obj as { spec?: { finalizers?: string[] } }).spec?.finalizers ?? []).length > 0;
  }

  private compileFilter(type: ResourceType, opts: ListOptions): (o: Stored) => boolean {
    let selector: Selector | undefined;
    if (opts.labelSelector !== undefined && opts.labelSelector !== '') {
      if (typeof opts.labelSelector === 'string') {
        try {
          selector = Selector.parse(opts.labelSelector);
        } catch (e) {
          throw badRequest(`unable to parse requirement: ${(e as Error).message}`);
        }
      } else {
        selector = opts.labelSelector;
      }
    }
    let fields: FieldRequirement[] = [];
    try {
      fields = parseFieldSelector(opts.fieldSelector);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    for (const f of fields) {
      if (!fieldLabelSupported(type, f.field)) throw badRequest(`field label not supported: ${f.field}`);
    }
    const namespace = type.namespaced ? opts.namespace : undefined;
    return (o) =>
      (namespace === undefined || o.metadata.namespace === namespace) &&
      (!selector || selector.matches(o.metadata.labels)) &&
      (!fields.length || fieldsMatch(o, fields));
  }

  private record(
    user: Identity,
    verb: AuditEntry['verb'],
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    code: number,
    revision?: number,
    message?: string,
    subresource?: string,
  ): void {
    this.audit({
      at: this.env.now(),
      revision,
      user: user.user,
      component: user.component,
      verb,
      resource: groupResource(type),
      subresource,
      namespace,
      name,
      code,
      message,
    });
  }
}

/** Convert_v1_Secret_To_core_Secret: stringData is write-only, merged over data (base64) and never stored. */
function mergeStringData(secret: KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> }): void {
  const sd = secret.stringData;
  if (sd === undefined || sd === null || typeof sd !== 'object') return;
  const data = { ...(secret.data && typeof secret.data === 'object' ? secret.data : {}) };
  for (const [k, v] of Object.entries(sd)) if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  secret.data = data;
  delete secret.stringData;
}

function target(type: ResourceType) {
  return { groupResource: groupResource(type), group: type.group, kind: type.kind };
}

function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj as Record<string, unknown>;
  return rest;
}

function setOrDelete(meta: Record<string, unknown>, key: string, value: unknown): void {
  if (value === undefined) delete meta[key];
  else meta[key] = value;
}

type Listener = (e: StoreEvent) => void;

/**
 * The watchers of one resource type. Like the API server's watch cache, it
 * indexes watchers that select one value of an indexed field (a pod's
 * spec.nodeName, any object's metadata.name), so a write reaches only the
 * watchers that may care: a kubelet sees its own pods without filtering all.
 */
class WatchHub {
  private readonly all = new Set<Listener>();
  private readonly indexed = new Map<string, Set<Listener>>();
  private readonly fields: string[];

  constructor(type: ResourceType) {
    this.fields = type === R.pods ? ['spec.nodeName', 'metadata.name'] : ['metadata.name'];
  }

  add(l: Listener, index: { field: string; value: string } | undefined): () => void {
    if (!index || !this.fields.includes(index.field)) {
      this.all.add(l);
      return () => this.all.delete(l);
    }
    const key = `${index.field}=${index.value}`;
    let set = this.indexed.get(key);
    if (!set) this.indexed.set(key, (set = new Set()));
    set.add(l);
    return () => {
      set!.delete(l);
      if (!set!.size) this.indexed.delete(key);
    };
  }

  dispatch(e: StoreEvent): void {
    for (const l of [...this.all]) l(e);
    if (!this.indexed.size) return;
    const seen = new Set<Listener>();
    for (const field of this.fields) {
      const values = new Set([fieldValue(e.object, field), e.prev ? fieldValue(e.prev, field) : '']);
      for (const v of values) {
        const set = this.indexed.get(`${field}=${v}`);
        if (!set) continue;
        for (const l of [...set]) {
          if (seen.has(l)) continue;
          seen.add(l);
          l(e);
        }
      }
    }
  }
}

/**
 * A batch without the modifications of an object that another modification
 * of it follows: the watcher sees each object's latest state, and every
 * creation and deletion, but not the states in between.
 */
function withoutIntermediateStates(batch: WatchEvent[]): WatchEvent[] {
  const key = (ev: WatchEvent) => `${ev.object.metadata.namespace ?? ''}/${ev.object.metadata.name}`;
  const next = new Map<string, WatchEvent['type']>();
  const keep: boolean[] = [];
  for (let i = batch.length - 1; i >= 0; i--) {
    const k = key(batch[i]);
    keep[i] = !(batch[i].type === 'MODIFIED' && next.get(k) === 'MODIFIED');
    next.set(k, batch[i].type);
  }
  return batch.filter((_, i) => keep[i]);
}

/** The indexed equality requirement of a watch's field selector, if it has one. */
function indexKeyOf(type: ResourceType, opts: ListOptions): { field: string; value: string } | undefined {
  const reqs = parseFieldSelector(opts.fieldSelector);
  const eq = reqs.find((r) => r.operator === '=' && (r.field === 'metadata.name' || (type === R.pods && r.field === 'spec.nodeName')));
  return eq ? { field: eq.field, value: eq.value } : undefined;
}

/** The Client a component holds: each call is a request to the API server as that component. */
class ServerClient implements Client {
  constructor(
    private readonly server: ApiServer,
    readonly identity: Identity,
    private readonly fieldValidation: FieldValidation,
    private readonly typed: boolean,
  ) {}

  private opts<T extends WriteOptions>(o: T | undefined): T & ServerWriteOptions {
    return { fieldValidation: this.fieldValidation, typed: this.typed, ...(o ?? ({} as T)) };
  }

  create<T extends KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions): Stored<T> {
    return this.server.create(this.identity, type, obj, this.opts(opts)) as Stored<T>;
  }
  get<T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string): Stored<T> {
    return this.server.get(type, namespace, name) as Stored<T>;
  }
  list<T extends KubeObject>(type: ResourceType, opts?: ListOptions): ListResult<T> {
    return this.server.list(type, opts) as ListResult<T>;
  }
  update<T extends KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions): Stored<T> {
    return this.server.update(this.identity, type, obj, this.opts(opts)) as Stored<T>;
  }
  updateStatus<T extends KubeObject>(type: ResourceType, obj: T, opts?: WriteOptions): Stored<T> {
    return this.server.update(this.identity, type, obj, this.opts(opts), true) as Stored<T>;
  }
  patch<T extends KubeObject>(type: ResourceType, namespace: string | undefined, name: string, patch: unknown, patchType: PatchType, opts?: PatchOptions): Stored<T> {
    return this.server.patch(this.identity, type, namespace, name, patch, patchType, this.opts(opts)) as Stored<T>;
  }
  delete(type: ResourceType, namespace: string | undefined, name: string, opts?: DeleteOptions): Stored | undefined {
    return this.server.delete(this.identity, type, namespace, name, opts);
  }
  watch<T extends KubeObject>(type: ResourceType, opts: WatchOptions, handler: (e: WatchEvent<T>) => void): Watch {
    return this.server.watch(this.identity, type, opts, handler as (e: WatchEvent) => void);
  }
  bind(namespace: string, podName: string, nodeName: string, podUid?: string): void {
    this.server.bind(this.identity, namespace, podName, nodeName, podUid);
  }
  evict(namespace: string, podName: string, opts?: DeleteOptions): void {
    this.server.evict(this.identity, namespace, podName, opts);
  }
}
