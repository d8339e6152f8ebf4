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

/** A load on one pod, by name ("When container app of pod x uses 600Mi memory"). */
export interface PodLoadRule {
  namespace: string;
  pod: string;
  container?: string;
  cpu?: string;
  memory?: string;
}

interface Rule {
  namespace: string;
  container?: string;
  cpu?: string;
  memory?: string;
  matches(pod: Pick<Pod, 'metadata'>): boolean;
  key: string;
}

export class Loads implements LoadSource {
  private readonly rules: Rule[] = [];
  private readonly listeners: Array<() => void> = [];

  /** Sets a load; a later rule for the same pods and container replaces the earlier one. */
  set(rule: LoadRule): void {
    const matcher = Selector.fromLabelSelector(rule.selector);
    this.put({ ...rule, matches: (p) => matcher.matches(p.metadata.labels), key: `${rule.namespace}|${matcher.toString()}|${rule.container ?? '*'}` });
  }

  /** Sets a load on one pod; it wins over earlier rules that match the pod. */
  setForPod(rule: PodLoadRule): void {
    this.put({ ...rule, matches: (p) => p.metadata.name === rule.pod, key: `${rule.namespace}|pod=${rule.pod}|${rule.container ?? '*'}` });
  }

  /** Calls `fn` after every change (kubelets look at memory limits again). */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  private put(rule: Rule): void {
    const i = this.rules.findIndex((r) => r.key === rule.key);
    const old = i >= 0 ? this.rules[i] : undefined;
    const merged: Rule = { ...rule, cpu: rule.cpu ?? old?.cpu, memory: rule.memory ?? old?.memory };
    if (i >= 0) this.rules.splice(i, 1);
    this.rules.push(merged);
    for (const fn of this.listeners) fn();
  }

  usage(pod: Pick<Pod, 'metadata'>, container: string): Usage | undefined {
    let out: Usage | undefined;
    for (const r of this.rules) {
      if (r.namespace !== pod.metadata.namespace) continue;
      if (r.container && r.container !== container) continue;
      if (!r.matches(pod)) continue;
      out = { ...(out ?? {}), ...(r.cpu !== undefined ? { cpu: r.cpu } : {}), ...(r.memory !== undefined ? { memory: r.memory } : {}) };
    }
    return out;
  }
}
