/**
 * The Cucumber World: one per scenario, holding a fresh, seeded cluster and
 * what the scenario has done so far (its namespace, the last refusal, the
 * last kubectl output, where "at all times" looks back to).
 */
import { World, type IWorldOptions } from '@cucumber/cucumber';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import {
  R,
  USER,
  createCluster,
  SchedulerConfigError,
  isStatusError,
  tryGet,
  type Client,
  type Cluster,
  type ClusterOptions,
  type NodeOptions,
  type SchedulerConfiguration,
} from '../engine/index.ts';
import { runKubectl } from '../kubectl/run.ts';
import type { KubectlContext, KubectlResult } from '../kubectl/context.ts';
import { UserError } from './errors.ts';
import { checkConfiguration } from './scheduling.ts';
import { type Ref, parseRef } from './params.ts';
import { liveView, type View } from './view.ts';
import { type HistoryMarker, markHistory } from './time.ts';
import { ApplyRefused, applyObjects, readManifestFile, readObjects, resolveManifest } from './manifests.ts';
import type { ApplyOutcome } from '../kubectl/verbs/apply.ts';
import { type ManifestObject, manifestObjects } from '../kubectl/manifests.ts';

/** worldParameters a run can pass (kubecuke test --seed, tests that change upstream timings). */
export interface KubecukeParameters {
  seed?: number;
  /** Overrides of cluster options, e.g. { controllers: { nodeMonitorGracePeriodMs: 20000 } }. */
  cluster?: Partial<ClusterOptions>;
  /** Folder of shared manifests; default `manifests` under the working directory. */
  manifestsDir?: string;
  /** When set, each scenario's trace is written to a file in this folder. */
  traceDir?: string;
}

/** Media type of the attachment that tells the formatter what a scenario simulated. */
export const SCENARIO_ATTACHMENT = 'application/vnd.kubecuke.scenario+json';

/** Feature gates a scenario may enable (kube-controller-manager --feature-gates). */
const KNOWN_FEATURE_GATES = ['MaxUnavailableStatefulSet'];

/** How long a waiting kubectl verb may let simulated time run when the user set no timeout. */
const KUBECTL_WAIT_BOUND_MS = 60 * 60 * 1000;

export class KubeWorld extends World<KubecukeParameters> {
  private current?: Cluster;
  namespace = 'default';
  /** The feature file being run, as Cucumber names it. */
  featureUri = '';
  /** What the last `I run "kubectl ..."` printed. */
  output = '';
  /** The refusal of the last "I try to apply". */
  refusal?: ApplyRefused;
  /** Where "at all times" checks look back to. */
  marker?: HistoryMarker;
  readonly missingImages = new Set<string>();
  /** Feature gates set before the cluster starts (`Given the feature gate "X" is enabled`). */
  readonly featureGates: Record<string, boolean> = {};
  /** How many jobs "I trigger the cronjob" has created, for their names. */
  manualRuns?: number;
  /** Image pull times declared before the cluster exists. */
  readonly imagePullTimes = new Map<string, number>();
  /** Line of the current step's doc string (the `"""` line) in the feature file. */
  docStringLine?: number;
  /** Cluster options set by steps before the cluster exists (e.g. a perturbed event loop); they win over the run's. */
  readonly clusterOptions: Partial<ClusterOptions> = {};
  /** The scheduler configuration set-up steps have built, if any. */
  schedulerConfig?: SchedulerConfiguration;

  constructor(options: IWorldOptions<KubecukeParameters>) {
    super(options);
  }

  get seed(): number {
    return this.parameters.seed ?? 1;
  }

  get hasCluster(): boolean {
    return this.current !== undefined;
  }

  get cluster(): Cluster {
    if (!this.current) throw new UserError('there is no cluster yet: start the scenario with a step such as "Given a cluster with 3 nodes"');
    return this.current;
  }

  get client(): Client {
    return this.cluster.client(USER);
  }

  createCluster(nodes: number | NodeOptions[]): Cluster {
    if (this.current) throw new UserError('the scenario already has a cluster: "Given a cluster ..." may appear only once');
    const opts = this.parameters.cluster ?? {};
    const controllers = { ...(opts.controllers ?? {}), featureGates: { ...(opts.controllers?.featureGates ?? {}), ...this.featureGates } };
    this.current = createCluster({
      ...opts,
      controllers,
      ...(this.schedulerConfig ? { scheduler: this.schedulerConfig } : {}),
      ...this.clusterOptions,
      seed: this.seed,
      nodes,
    });
    for (const image of this.missingImages) this.current.missingImages.add(image);
    for (const [image, ms] of this.imagePullTimes) this.current.imagePullTimes.set(image, ms);
    this.current.trace.record({ kind: 'step', at: this.current.clock.now(), text: `cluster with ${this.current.nodeNames().length} nodes, seed ${this.seed}` });
    return this.current;
  }

  /**
   * Changes the scheduler configuration: kept for the cluster to come, or the
   * running scheduler restarts with it. A refused configuration fails the step.
   */
  configureScheduler(change: (cfg: SchedulerConfiguration) => SchedulerConfiguration): void {
    const base: SchedulerConfiguration = structuredClone(this.schedulerConfig ?? this.parameters.cluster?.scheduler ?? {});
    const next = change(base);
    checkConfiguration(next);
    this.schedulerConfig = next;
    if (!this.current) return;
    try {
      this.current.configureScheduler(next);
    } catch (e) {
      if (e instanceof SchedulerConfigError) throw new UserError(`the scheduler refuses this configuration: ${e.message}`);
      throw e;
    }
  }

  /** Enables a controller feature gate; the cluster must not exist yet, as gates are flags of kube-controller-manager. */
  enableFeatureGate(gate: string): void {
    if (!KNOWN_FEATURE_GATES.includes(gate)) {
      throw new UserError(`unknown feature gate "${gate}": the controllers read ${KNOWN_FEATURE_GATES.map((g) => `"${g}"`).join(', ')}`);
    }
    if (this.current) throw new UserError(`the feature gate "${gate}" must be enabled before "Given a cluster ...": kube-controller-manager reads its gates when it starts`);
    this.featureGates[gate] = true;
  }

  /** Runs everything due at the current instant. */
  settle(): void {
    this.cluster.settle();
  }

  view(): View {
    return liveView(this.cluster);
  }

  ref(text: string): Ref {
    return parseRef(text, this.namespace);
  }

  get featureDir(): string {
    return this.featureUri ? dirname(resolve(this.featureUri)) : process.cwd();
  }

  get manifestsDir(): string {
    return resolve(this.parameters.manifestsDir ?? 'manifests');
  }

  readManifest(name: string): ManifestObject[] {
    return readManifestFile(resolveManifest(name, this.featureDir, this.manifestsDir));
  }

  /** Objects of a doc string; YAML errors name the feature file and the line in it. */
  readInline(text: string): ManifestObject[] {
    return readObjects(text, this.inlineSource(), this.docStringLine);
  }

  /** Objects of a doc string already parsed (a fuzzed history's), named as readInline names them. */
  inlineObjects(values: readonly unknown[]): ManifestObject[] {
    return manifestObjects(values, this.inlineSource());
  }

  private inlineSource(): string {
    const where = this.docStringLine !== undefined ? `${this.featureUri}:${this.docStringLine}` : this.featureUri || 'the feature';
    return `the manifest at ${where}`;
  }

  /** Applies objects as `kubectl apply` does, the cluster running between requests, then settles. */
  apply(objects: readonly ManifestObject[]): ApplyOutcome[] {
    try {
      return applyObjects(this.client, objects, this.namespace, () => this.settle());
    } finally {
      this.settle();
    }
  }

  /** Like apply, but a refusal is kept for "it is rejected because" instead of failing the step. */
  tryApply(objects: readonly ManifestObject[]): void {
    this.refusal = undefined;
    try {
      this.apply(objects);
    } catch (e) {
      if (e instanceof ApplyRefused) this.refusal = e;
      else throw e;
    }
  }

  /** Creates the namespace when it does not exist yet, and works in it from now on. */
  useNamespace(name: string): void {
    this.namespace = name;
    if (!this.hasCluster) return;
    if (!tryGet(this.client, R.namespaces, undefined, name)) {
      try {
        this.client.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      } catch (e) {
        if (isStatusError(e)) throw new UserError(`cannot create namespace "${name}": ${e.message}`);
        throw e;
      }
      this.settle();
    }
  }

  kubectl(command: string): KubectlResult {
    const res = runKubectl(this.client, command, this.kubectlContext());
    this.output = res.stdout + res.stderr;
    this.settle();
    return res;
  }

  kubectlContext(): KubectlContext {
    const cluster = this.cluster;
    return {
      namespace: this.namespace,
      now: () => cluster.clock.now(),
      readFile: (path) => {
        const loc = resolveManifest(path, this.featureDir, this.manifestsDir);
        return readFileSync(loc.path, 'utf8');
      },
      listDir: (path) => {
        const full = resolve(this.featureDir, path);
        if (!existsSync(full) || !statSync(full).isDirectory()) return undefined;
        return readdirSync(full);
      },
      waitBoundMs: KUBECTL_WAIT_BOUND_MS,
      waitFor: (predicate, timeoutMs) => {
        const deadline = cluster.clock.now() + (Number.isFinite(timeoutMs) ? timeoutMs : KUBECTL_WAIT_BOUND_MS);
        cluster.settle();
        while (!predicate()) {
          if (!cluster.clock.step(deadline)) {
            cluster.clock.advanceTo(deadline);
            return predicate();
          }
        }
        return true;
      },
      logs: {
        containerLog: (req) => {
          const r = cluster.logs(req.namespace, req.pod, req.container, req.previous);
          return r?.lines ?? [];
        },
      },
    };
  }

  /** Marks the start of the action under test, for "at all times". */
  markHistory(): void {
    if (!this.current) return;
    this.marker?.release();
    this.marker = markHistory(this.current);
  }

  /** What the scenario simulated, for the formatter and reports. */
  summary(): { simulatedMs: number; seed: number } | undefined {
    if (!this.current) return undefined;
    return { simulatedMs: this.current.clock.elapsed(), seed: this.seed };
  }

  /** Writes the scenario's trace to `traceDir/<feature>-<line>.trace` when a trace folder was asked for. */
  writeTrace(scenarioLine: number | undefined): void {
    const dir = this.parameters.traceDir;
    if (!dir || !this.current) return;
    mkdirSync(dir, { recursive: true });
    const name = `${basename(this.featureUri || 'scenario', '.feature')}-${scenarioLine ?? 0}.trace`;
    writeFileSync(resolve(dir, name), `${this.current.trace.lines().join('\n')}\n`);
  }

  dispose(): void {
    this.marker?.release();
    this.marker = undefined;
  }
}
