/**
 * What the engine can do today, so generated clusters only ask for what it
 * implements: a pod with required anti-affinity makes no sense to a
 * scheduler without the InterPodAffinity plugin. As plugins land in the
 * scheduler's registry, the arbitraries start using their features without
 * a change here.
 */
import { SCHEDULER_PLUGINS } from '../engine/index.ts';

export interface Capabilities {
  /** Scheduler plugins in the registry, by upstream name. */
  readonly plugins: ReadonlySet<string>;
}

export function engineCapabilities(): Capabilities {
  return { plugins: new Set(SCHEDULER_PLUGINS.keys()) };
}

export function has(c: Capabilities, plugin: string): boolean {
  return c.plugins.has(plugin);
}
