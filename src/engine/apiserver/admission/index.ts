/** The admission chain in the API server's default order (kube-apiserver --enable-admission-plugins defaults). */
import type { AdmissionPlugin } from './types.ts';
import { namespaceLifecycle } from './namespace-lifecycle.ts';
import { serviceAccount } from './service-account.ts';
import { taintNodesByCondition } from './taint-nodes-by-condition.ts';
import { priority } from './priority.ts';
import { defaultTolerationSeconds } from './default-toleration-seconds.ts';
import { limitRanger } from './limit-ranger.ts';
import { defaultStorageClass } from './default-storage-class.ts';
import { storageObjectInUseProtection } from './storage-object-in-use-protection.ts';
import { resourceQuota } from './resource-quota.ts';

export type { AdmissionPlugin, AdmissionAttributes, AdmissionContext, AdmissionOperation } from './types.ts';

export interface AdmissionOptions {
  /** Seconds of the default not-ready/unreachable tolerations (300 upstream). */
  defaultTolerationSeconds?: number;
  /** Plugin names to leave out, as --disable-admission-plugins does. */
  disabled?: readonly string[];
}

/**
 * A registry of plugin factories, keyed by upstream name, in chain order
 * (AllOrderedPlugins in pkg/kubeapiserver/options/plugins.go): ResourceQuota
 * comes last, after everything that may still change the object.
 */
export const ADMISSION_PLUGINS: ReadonlyArray<[string, (o: AdmissionOptions) => AdmissionPlugin]> = [
  ['NamespaceLifecycle', () => namespaceLifecycle()],
  ['LimitRanger', () => limitRanger()],
  ['ServiceAccount', () => serviceAccount()],
  ['TaintNodesByCondition', () => taintNodesByCondition()],
  ['Priority', () => priority()],
  ['DefaultTolerationSeconds', (o) => defaultTolerationSeconds(o.defaultTolerationSeconds)],
  ['DefaultStorageClass', () => defaultStorageClass()],
  ['StorageObjectInUseProtection', () => storageObjectInUseProtection()],
  ['ResourceQuota', () => resourceQuota()],
];

export function defaultAdmissionChain(options: AdmissionOptions = {}): AdmissionPlugin[] {
  const disabled = new Set(options.disabled ?? []);
  return ADMISSION_PLUGINS.filter(([name]) => !disabled.has(name)).map(([, make]) => make(options));
}
