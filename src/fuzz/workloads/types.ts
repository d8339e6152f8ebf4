/**
 * A kind of workload the fuzzer can create and reason about. Each kind is
 * one file and one entry of the registry (registry.ts): its arbitrary, its
 * manifest, how many pods it wants, and what "in its desired state" means
 * for it. Adding a kind (StatefulSet, DaemonSet, Job ...) is adding a file
 * and a line; commands and invariants find it there.
 */
import type fc from 'fast-check';
import type { ResourceType, Stored } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import type { TemplateSpec, TemplateConstraints } from '../arbitraries/pods.ts';

/** What every workload spec carries; kinds add their own fields. */
export interface WorkloadSpec {
  /** The kind's registry name, as kubectl names it: `deployment`. */
  readonly kind: string;
  readonly name: string;
  readonly template: TemplateSpec;
  /** Desired pods, for kinds that have a replica count. */
  readonly replicas?: number;
  /** spec.suspend, for kinds that can be suspended. */
  readonly suspend?: boolean;
}

export interface WorkloadConstraints extends TemplateConstraints {
  /** Most pods the workload may ask for. */
  maxReplicas: number;
  /** Fewest pods (default 0). */
  minReplicas?: number;
  /** Whether some workloads come with a PodDisruptionBudget (default false). */
  pdbs?: boolean;
}

export interface WorkloadKind<S extends WorkloadSpec = WorkloadSpec> {
  readonly kind: string;
  /** The API resource of its objects. */
  readonly type: ResourceType;
  /** Resources its controllers write (itself, its ReplicaSets or revisions, pods): in its desired state they stop changing. */
  readonly writes: readonly ResourceType[];
  /**
   * For kinds that act on a schedule (CronJobs): the resources of what they
   * make again and again, owners first (their Jobs, then the Jobs' pods).
   * These and the object itself never stop changing, so eventual-stability
   * does not wait for them to; `unsettled` judges them instead.
   */
  readonly recurring?: readonly ResourceType[];
  arbitrary(name: string, c: WorkloadConstraints): fc.Arbitrary<S>;
  /** The objects to apply, in order. */
  manifest(spec: S): Array<Record<string, unknown>>;
  /** Pods it keeps running at once in its desired state, on a cluster of `nodes` nodes. */
  pods(spec: S, nodes: number): number;
  /** How often campaigns draw it, relative to the other kinds (default 1). */
  readonly weight?: number;
  /** Whether `kubectl scale` applies to it. */
  readonly scalable: boolean;
  /** Whether a changed image rolls out to its pods (`kubectl set image`). */
  readonly rollsOut: boolean;
  /** Whether it has a rollout history (`kubectl rollout undo`). */
  readonly rollsBack: boolean;
  /** Whether `spec.suspend` stops it (`I suspend the job`, `I resume the cronjob`). */
  readonly suspendable?: boolean;
  /** Whether a run can be started by hand (`I trigger the cronjob`). */
  readonly triggerable?: boolean;
  /** For kinds on a schedule: the spec on another schedule, and that schedule as spec.schedule reads. */
  rescheduled?(spec: S): { spec: S; schedule: string };
  /**
   * Why the workload object is not (yet) in the state its own spec asks
   * for: empty when it is. Pods that no node can take may stay pending;
   * that is the scheduler's business (scheduler-liveness), not the
   * workload's.
   */
  unsettled(view: View, obj: Stored): string[];
}
