/**
 * What the workload kinds share: the objects a template needs applied
 * before it (its PriorityClass), the pods an object controls, and the
 * words for them in messages.
 */
import { R, controllerRef, isPodTerminal, type KubeObject, type Pod, type Stored } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import { type TemplateSpec, priorityClassManifest } from '../arbitraries/pods.ts';

/** Objects the template refers to, to apply before the workload. */
export function templateObjects(t: TemplateSpec): Array<Record<string, unknown>> {
  return t.priority ? [priorityClassManifest(t.priority)] : [];
}

/** Objects of `objs` that `owner` controls. */
export function owned<T extends KubeObject>(objs: Stored<T>[], owner: { metadata: { uid: string } }): Stored<T>[] {
  return objs.filter((o) => controllerRef(o)?.uid === owner.metadata.uid);
}

/** The pods `owner` controls, split: live (not finished, not being deleted), terminating, finished. */
export function podsOf(view: View, owner: Stored): { all: Stored<Pod>[]; live: Stored<Pod>[]; terminating: Stored<Pod>[]; finished: Stored<Pod>[] } {
  const all = owned(view.list<Pod>(R.pods, owner.metadata.namespace ?? 'default'), owner);
  return {
    all,
    live: all.filter((p) => !p.metadata.deletionTimestamp && !isPodTerminal(p)),
    terminating: all.filter((p) => p.metadata.deletionTimestamp),
    finished: all.filter((p) => !p.metadata.deletionTimestamp && isPodTerminal(p)),
  };
}

export const names = (pods: readonly Stored<Pod>[]): string => pods.map((p) => p.metadata.name).join(', ');

/** `statefulset "default/db"`. */
export function who(kind: string, obj: Stored): string {
  return `${kind} "${obj.metadata.namespace ?? 'default'}/${obj.metadata.name}"`;
}
