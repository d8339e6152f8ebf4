/**
 * Commands on workloads: apply a new one, scale it, change its image, roll
 * it back, suspend or resume it, start a run of it by hand, put it on
 * another schedule, delete it. Each runs the step a user would write.
 */
import fc from 'fast-check';
import { R, controllerRef, type Deployment, type ReplicaSet } from '../../engine/index.ts';
import type { WorkloadKind, WorkloadSpec } from '../workloads/types.ts';
import { workloadKind } from '../workloads/registry.ts';
import { WORKLOAD_NAMES, workloadArb } from '../arbitraries/workloads.ts';
import { IMAGES } from '../arbitraries/pods.ts';
import { controllerRevisions, revisionTemplate } from '../../kubectl/history.ts';
import { type ScenarioStep, manifestText, steps } from '../steps.ts';
import type { FuzzHistory } from '../history.ts';
import { type Model, type WorkloadModel, addWorkload, desiredPods, newRevision, podsFor } from './model.ts';
import { type CommandContext, type CommandKind, type FuzzCommand, OnOne, pick } from './types.ts';

/** The manifest of a workload, as the feature's doc string shows it. */
export function manifestYaml(spec: WorkloadSpec): string {
  return manifestText(workloadKind(spec).manifest(spec));
}

/** `When I apply the following manifest:` with the workload's objects. */
export function applyWorkload(spec: WorkloadSpec): ScenarioStep {
  return steps.apply(() => workloadKind(spec).manifest(spec));
}

export class ApplyWorkload implements FuzzCommand {
  constructor(readonly spec: WorkloadSpec) {}
  check(m: Readonly<Model>): boolean {
    return !m.workloads.has(this.spec.name) && desiredPods(m as Model) + podsFor(m as Model, this.spec) <= m.maxPods;
  }
  run(m: Model, h: FuzzHistory): void {
    h.do(applyWorkload(this.spec));
    addWorkload(m, this.spec);
    h.check();
  }
  toString(): string {
    return `Apply(${this.spec.kind} ${this.spec.name}, ${this.spec.replicas ?? '-'} replicas, ${this.spec.template.image})`;
  }
}

const live = (m: Readonly<Model>, ok: (spec: WorkloadSpec) => boolean) => [...m.workloads.values()].filter((w) => ok(w.spec));

export class Scale implements FuzzCommand {
  constructor(
    readonly index: number,
    readonly replicas: number,
  ) {}
  check(m: Readonly<Model>): boolean {
    return live(m, (s) => workloadKind(s).scalable).length > 0;
  }
  run(m: Model, h: FuzzHistory): void {
    const w = pick(live(m, (s) => workloadKind(s).scalable), this.index);
    const n = Math.max(0, Math.min(this.replicas, m.maxPods - desiredPods(m, w.spec.name)));
    h.do(steps.scale(w.spec.kind, w.spec.name, n));
    w.spec = { ...w.spec, replicas: n };
    h.check();
  }
  toString(): string {
    return `Scale(#${this.index}, ${this.replicas})`;
  }
}

export class SetImage implements FuzzCommand {
  constructor(
    readonly index: number,
    readonly image: string,
  ) {}
  check(m: Readonly<Model>): boolean {
    return live(m, (s) => workloadKind(s).rollsOut).length > 0;
  }
  run(m: Model, h: FuzzHistory): void {
    const w = pick(live(m, (s) => workloadKind(s).rollsOut), this.index);
    h.do(steps.setImage(w.spec.kind, w.spec.name, this.image));
    newRevision(w, this.image);
    h.check();
  }
  toString(): string {
    return `SetImage(#${this.index}, ${this.image})`;
  }
}

/**
 * `kubectl rollout undo` goes back to the ReplicaSet with the second highest
 * revision that exists now, which is not always the model's previous image
 * (a controller that was down has not made the latest one yet): the target
 * is read from the cluster, as kubectl reads it, and nothing is done when
 * there is none.
 */
export class RollBack implements FuzzCommand {
  constructor(readonly index: number) {}
  private candidates(m: Readonly<Model>) {
    return live(m, (s) => workloadKind(s).rollsBack).filter((w) => w.revisions.length >= 2);
  }
  check(m: Readonly<Model>): boolean {
    return this.candidates(m).length > 0;
  }
  run(m: Model, h: FuzzHistory): void {
    const w = pick(this.candidates(m), this.index);
    const target = rollbackTarget(h, w.spec);
    if (target === undefined) return;
    h.do(steps.rollBack(w.spec.kind, w.spec.name));
    newRevision(w, target);
    h.check();
  }
  toString(): string {
    return `RollBack(#${this.index})`;
  }
}

/**
 * The image kubectl rollout undo would restore, or undefined when it would
 * find no history: a Deployment's ReplicaSet with the second highest
 * revision, a StatefulSet's or DaemonSet's ControllerRevision with the
 * second highest revision.
 */
function rollbackTarget(h: FuzzHistory, spec: WorkloadSpec): string | undefined {
  const view = h.world.view();
  const kind = workloadKind(spec);
  if (kind.type !== R.deployments) {
    const owner = view.get(kind.type, h.world.namespace, spec.name);
    if (!owner) return undefined;
    const history = controllerRevisions(h.world.client, owner);
    if (history.length < 2) return undefined;
    const template = revisionTemplate(owner, history[history.length - 2]) as { spec?: { containers?: Array<{ image?: string }> } } | undefined;
    return template?.spec?.containers?.[0]?.image;
  }
  const name = spec.name;
  const d = view.get<Deployment>(R.deployments, h.world.namespace, name);
  if (!d) return undefined;
  const sets = view
    .list<ReplicaSet>(R.replicaSets, h.world.namespace)
    .filter((rs) => controllerRef(rs)?.uid === d.metadata.uid && rs.metadata.annotations?.['deployment.kubernetes.io/revision'] !== undefined)
    .sort((a, b) => Number(b.metadata.annotations!['deployment.kubernetes.io/revision']) - Number(a.metadata.annotations!['deployment.kubernetes.io/revision']));
  return sets.length >= 2 ? sets[1].spec.template?.spec?.containers[0]?.image : undefined;
}

/** A command on one live workload of a kind that can take it. */
abstract class OnWorkload extends OnOne<WorkloadModel> {
  protected abstract takes(kind: WorkloadKind): boolean;
  protected candidates(m: Readonly<Model>): WorkloadModel[] {
    return live(m, (s) => this.takes(workloadKind(s)));
  }
}

/** Suspends a job or cron job that runs, or resumes one that is suspended. */
export class ToggleSuspend extends OnWorkload {
  protected takes(kind: WorkloadKind): boolean {
    return !!kind.suspendable;
  }
  protected act(w: WorkloadModel, h: FuzzHistory): void {
    const suspend = !w.spec.suspend;
    h.do(steps.suspend(w.spec.kind as 'job' | 'cronjob', w.spec.name, suspend));
    w.spec = { ...w.spec, suspend };
  }
}

/** Starts a run of a cron job by hand (`kubectl create job --from=cronjob/...`), beside its scheduled ones. */
export class Trigger extends OnWorkload {
  protected takes(kind: WorkloadKind): boolean {
    return !!kind.triggerable;
  }
  protected act(w: WorkloadModel, h: FuzzHistory): void {
    h.do(steps.trigger(w.spec.name));
  }
}

/** Puts a cron job on another schedule. */
export class Reschedule extends OnWorkload {
  protected takes(kind: WorkloadKind): boolean {
    return !!kind.rescheduled;
  }
  protected act(w: WorkloadModel, h: FuzzHistory): void {
    const next = workloadKind(w.spec).rescheduled!(w.spec);
    h.do(steps.reschedule(w.spec.name, next.schedule));
    w.spec = next.spec;
  }
}

export class DeleteWorkload implements FuzzCommand {
  constructor(readonly index: number) {}
  check(m: Readonly<Model>): boolean {
    return m.workloads.size > 0;
  }
  run(m: Model, h: FuzzHistory): void {
    const w = pick([...m.workloads.values()], this.index);
    h.do(steps.delete(w.spec.kind, w.spec.name));
    m.workloads.delete(w.spec.name);
    h.check();
  }
  toString(): string {
    return `Delete(#${this.index})`;
  }
}

const index = fc.nat({ max: 7 });

export const WORKLOAD_COMMANDS: readonly CommandKind[] = [
  {
    name: 'apply',
    arbitrary: (c: CommandContext) =>
      fc
        .constantFrom(...WORKLOAD_NAMES)
        .chain((name) => workloadArb(name, { kinds: c.kinds, maxReplicas: c.maxReplicas, pdbs: c.pdbs }))
        .map((spec) => new ApplyWorkload(spec)),
  },
  { name: 'scale', arbitrary: (c) => fc.tuple(index, fc.integer({ min: 0, max: c.maxReplicas })).map(([i, n]) => new Scale(i, n)) },
  { name: 'update-image', arbitrary: () => fc.tuple(index, fc.constantFrom(...IMAGES)).map(([i, img]) => new SetImage(i, img)) },
  { name: 'roll-back', arbitrary: () => index.map((i) => new RollBack(i)) },
  { name: 'suspend', arbitrary: () => index.map((i) => new ToggleSuspend(i)) },
  { name: 'trigger', arbitrary: () => index.map((i) => new Trigger(i)) },
  { name: 'reschedule', arbitrary: () => index.map((i) => new Reschedule(i)) },
  { name: 'delete', arbitrary: () => index.map((i) => new DeleteWorkload(i)) },
];
