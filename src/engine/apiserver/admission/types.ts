/**
 * The admission plugin interface. Mutating plugins run first, in order, and
 * may change the object; validating plugins then see the final object. Either
 * refuses a request by throwing a StatusError (apierrors.NewForbidden etc.).
 */
import type { ResourceType } from '../../api/kinds.ts';
import type { KubeObject, Stored } from '../../api/types.ts';
import type { Identity } from '../../client/client.ts';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  type: ResourceType;
  subresource?: string;
  namespace?: string;
  name: string;
  /** The object being written: mutable in `admit`, final in `validate`. For DELETE, the stored object. */
  object: KubeObject;
  oldObject?: Stored;
  user: Identity;
  dryRun: boolean;
}

/** Read access to the cluster for admission plugins (their informers, in a real API server). */
export interface AdmissionContext {
  get(type: ResourceType, namespace: string | undefined, name: string): Stored | undefined;
  list(type: ResourceType, namespace?: string): readonly Stored[];
  now(): number;
  /** A random name suffix (utilrand.String(5)). */
  nameSuffix(): string;
}

export interface AdmissionPlugin {
  /** The upstream plugin name, e.g. `NamespaceLifecycle`. */
  readonly name: string;
  admit?(a: AdmissionAttributes, ctx: AdmissionContext): void;
  validate?(a: AdmissionAttributes, ctx: AdmissionContext): void;
}
