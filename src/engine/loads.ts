/**
 * Standing loads: the resource usage scenarios give to pods ("When the CPU
 * usage of every pod of deployment web is 900m"). A load holds for the pods a
 * selector matches now and for those created later, until it is changed.
 * Node agents and the metrics pipeline read it; it wins over the
 * `kubecuke.io/cpu-usage` and `memory-usage` annotations.
 */
import type { LabelSelector, Pod } from './api/types.ts';
import { Selector } from './api/selectors.ts';

export interface LoadRule {
  namespace: string;
  /** The pods it applies to, by label (a workload's selector). */
  selector: LabelSelector;
  /** One container, or every container of the pod. */
  container?: string;
  cpu?: string;
  memory?: string;
}

export interface Usage {
  cpu?: string;
  memory?: string;
}

/** Read access, for components. */
export interface LoadSource {
  /** The standing usage of a container, if a scenario set one. */
  usage(pod: Pick<Pod, 'metadata'>, container: string): Usage | undefined;
}

export class Loads implements LoadSource {
  private readonly rules: Array<LoadRule & { matcher: Selector; key: string }> = [];

  /** Sets a load; a later rule for the same pods and container replaces the earlier one. */
  set(rule: LoadRule): void {
    const matcher = Selector.fromLabelSelector(rule.selector);
    const key = `${rule.namespace}|${matcher.toString()}|${rule.container ?? '*'}`;
    const i = this.rules.findIndex((r) => r.key === key);
    const merged = i >= 0 ? { ...this.rules[i], ...rule, matcher, key } : { ...rule, matcher, key };
    if (i >= 0) this.rules.splice(i, 1);
    this.rules.push(merged);
  }

  usage(pod: Pick<Pod, 'metadata'>, container: string): Usage | undefined {
    let out: Usage | undefined;
    for (const r of this.rules) {
      if (r.namespace !== pod.metadata.namespace) continue;
      if (r.container && r.container !== container) continue;
      if (!r.matcher.matches(pod.metadata.labels)) continue;
      out = { ...(out ?? {}), ...(r.cpu !== undefined ? { cpu: r.cpu } : {}), ...(r.memory !== undefined ? { memory: r.memory } : {}) };
    }
    return out;
  }
}
