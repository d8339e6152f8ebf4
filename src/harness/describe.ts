/**
 * `kubectl describe pod` for failure messages: the pod's conditions,
 * container states (with reasons, exit codes, restart counts and last
 * states), and its events, as kubectl prints them, read from a View (so a
 * past state describes as it was).
 */
import { R, type KubeEvent, type Pod, type Stored } from '../engine/index.ts';
import { describePod } from '../kubectl/printers/describe/pod.ts';
import { podStatusReason } from '../kubectl/printers/tables/pods.ts';
import type { Json } from '../kubectl/printers/fields.ts';
import type { View } from './view.ts';
import { indent } from './report.ts';

/** The events about a pod, as `kubectl describe` finds them (same namespace, name and uid or kind). */
function podEvents(view: View, pod: Stored<Pod>): Json[] {
  return view
    .list<KubeEvent>(R.events, pod.metadata.namespace)
    .filter((e) => e.involvedObject.name === pod.metadata.name && (e.involvedObject.uid === pod.metadata.uid || (!e.involvedObject.uid && e.involvedObject.kind === 'Pod'))) as unknown as Json[];
}

/** The full `kubectl describe pod` text. */
export function describePodText(view: View, pod: Stored<Pod>): string {
  return describePod(pod as unknown as Json, podEvents(view, pod), view.now).trimEnd();
}

/** The STATUS column of `kubectl get pods` for the pod: Running, CrashLoopBackOff, Init:0/1, Evicted, ... */
export function podStatusText(pod: Stored<Pod>): string {
  return podStatusReason(pod as unknown as Json);
}

/** A failure's evidence about one pod: `kubectl describe pod` under a heading. */
export function describeReport(view: View, pod: Stored<Pod>): string {
  return `kubectl describe pod ${pod.metadata.name}:\n${indent(describePodText(view, pod))}`;
}
