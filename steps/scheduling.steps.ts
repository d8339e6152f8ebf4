/** The scheduler: its configuration, and checks on why it placed pods where it did. */
import { Given, type DataTable } from '@cucumber/cucumber';
import type { KubeWorld } from '../src/harness/world.ts';
import { configurationFromYaml, placedBecause, scoredAs, withPluginDisabled, withStrategy, withWeight, workloadPodPending } from '../src/harness/scheduling.ts';
import type { WorkloadParam } from '../src/harness/params.ts';
import { defineCheck } from './support.ts';

Given('the scheduler uses the {word} strategy', function (this: KubeWorld, strategy: string) {
  this.configureScheduler((cfg) => withStrategy(cfg, strategy));
});

Given('the scheduler runs with the {word} plugin disabled', function (this: KubeWorld, plugin: string) {
  this.configureScheduler((cfg) => withPluginDisabled(cfg, plugin));
});

Given('the scheduler gives the {word} plugin a weight of {int}', function (this: KubeWorld, plugin: string, weight: number) {
  this.configureScheduler((cfg) => withWeight(cfg, plugin, weight));
});

Given('the scheduler configuration is:', function (this: KubeWorld, doc: string) {
  const where = this.docStringLine !== undefined ? `${this.featureUri}:${this.docStringLine}` : this.featureUri || 'the feature';
  const cfg = configurationFromYaml(doc, where);
  this.configureScheduler(() => cfg);
});

defineCheck('pod {string} was placed on node {string} because {string}', 3, (w, name: string, node: string, because: string) =>
  placedBecause(w.ref(name), node, because),
);

defineCheck('the scheduler scored the nodes for pod {string} as:', 2, (w, name: string, table: DataTable) => scoredAs(w.ref(name), table.raw()));

defineCheck('a pod of {workload} stays pending because {string}', 2, (w, wl: WorkloadParam, because: string) => workloadPodPending(wl.kind, w.ref(wl.name), because));
