/** The admission chain in the API server's default order (kube-apiserver --enable-admission-plugins defaults). */
import type { AdmissionPlugin } from './types.ts';
import { namespaceLifecycle } from './namespace-lifecycle.ts';
import { serviceAccount } from './service-account.ts';
import { taintNodesByCondition } from './taint-nodes-by-condition.ts';
import { priority } from './priority.ts';
import { defaultTolerationSeconds } from './default-toleration-seconds.ts';

export type { AdmissionPlugin, AdmissionAttributes, AdmissionContext, AdmissionOperation } from './types.ts';

export interface AdmissionOptions {
  /** Seconds of the default not-ready/unreachable tolerations (300 upstream). */
  defaultTolerationSeconds?: number;
  /** Plugin names to leave out, as --disable-admission-plugins does. */
  disabled?: readonly string[];
}

/** A registry of plugin factories, keyed by upstream name, in chain order. */
export const ADMISSION_PLUGINS: ReadonlyArray<[string, (o: AdmissionOptions) => AdmissionPlugin]> = [
  ['NamespaceLifecycle', () => namespaceLifecycle()],
  ['ServiceAccount', () => serviceAccount()],
  ['TaintNodesByCondition', () => taintNodesByCondition()],
  ['Priority', () => priority()],
  ['DefaultTolerationSeconds', (o) => defaultTolerationSeconds(o.defaultTolerationSeconds)],
];

export function defaultAdmissionChain(options: AdmissionOptions = {}): AdmissionPlugin[] {
  const disabled = new Set(options.disabled ?? []);
  return ADMISSION_PLUGINS.filter(([name]) => !disabled.has(name)).map(([, make]) => make(options));
}
