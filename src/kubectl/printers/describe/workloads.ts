/**
 * `kubectl describe` for workloads: deployments (with their old and new
 * ReplicaSets), replica sets, stateful sets, daemon sets and jobs.
 */
import { type Json, list, map, str, num, at, has, selectorString, formatLabelSelector, intOrString } from '../fields.ts';
import { humanDuration, parseTime } from '../duration.ts';
import { formatLabels } from '../table.ts';
import { PrefixWriter, annotationsMultiline, controllerText, describeEvents, labelsMultiline, rfc1123z } from './writer.ts';
import { describePodTemplate } from './pod.ts';

/** Phase counts of a controller's own pods (getPodStatusForController). */
export interface PodCounts {
  running: number;
  waiting: number;
  succeeded: number;
  failed: number;
}

/** Counts the pods controlled by `owner` (by uid) among `pods`. */
export function podCounts(pods: readonly Json[], ownerUid: string): PodCounts {
  const c = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const p of pods) {
    const ref = list(p, 'metadata', 'ownerReferences').find((r) => r.controller === true);
    if (!ref || ref.uid !== ownerUid) continue;
    const phase = str(p, 'status', 'phase');
    if (phase === 'Running') c.running++;
    else if (phase === 'Pending') c.waiting++;
    else if (phase === 'Succeeded') c.succeeded++;
    else if (phase === 'Failed') c.failed++;
  }
  return c;
}

const podsStatus = (c: PodCounts) => `${c.running} Running / ${c.waiting} Waiting / ${c.succeeded} Succeeded / ${c.failed} Failed`;

function conditionsTable(w: PrefixWriter, obj: Json): void {
  const conditions = list(obj, 'status', 'conditions');
  if (conditions.length === 0) return;
  w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
  w.write(1, '----\t------\t------\n');
  for (const c of conditions) w.write(1, `${str(c, 'type')} \t${str(c, 'status')}\t${str(c, 'reason')}\n`);
}

function header(w: PrefixWriter, o: Json): void {
  w.write(0, `Name:\t${str(o, 'metadata', 'name')}\n`);
  w.write(0, `Namespace:\t${str(o, 'metadata', 'namespace')}\n`);
}

function replicaSetsText(rss: readonly Json[]): string {
  const items = rss.map((rs) => `${str(rs, 'metadata', 'name')} (${num(rs, ['status', 'replicas'])}/${num(rs, ['spec', 'replicas'], 1)} replicas created)`);
  return items.length === 0 ? '<none>' : items.join(', ');
}

/** describeDeployment; `oldRSs`/`newRS` are the deployment's ReplicaSets. */
export function describeDeployment(d: Json, oldRSs: readonly Json[], newRS: Json | undefined, events: Json[] | undefined, now: number): string {
  const w = new PrefixWriter();
  header(w, d);
  w.write(0, `CreationTimestamp:\t${rfc1123z(at(d, 'metadata', 'creationTimestamp'))}\n`);
  labelsMultiline(w, 'Labels', at(d, 'metadata', 'labels'));
  annotationsMultiline(w, 'Annotations', at(d, 'metadata', 'annotations'));
  w.write(0, `Selector:\t${selectorString(at(d, 'spec', 'selector'))}\n`);
  const st = map(d, 'status');
  w.write(0, `Replicas:\t${num(d, ['spec', 'replicas'], 1)} desired | ${num(st, ['updatedReplicas'])} updated | ${num(st, ['replicas'])} total | ${num(st, ['availableReplicas'])} available | ${num(st, ['unavailableReplicas'])} unavailable\n`);
  w.write(0, `StrategyType:\t${str(d, 'spec', 'strategy', 'type')}\n`);
  w.write(0, `MinReadySeconds:\t${num(d, ['spec', 'minReadySeconds'])}\n`);
  if (has(d, 'spec', 'strategy', 'rollingUpdate')) {
    const ru = map(d, 'spec', 'strategy', 'rollingUpdate');
    w.write(0, `RollingUpdateStrategy:\t${intOrString(ru.maxUnavailable) || '0'} max unavailable, ${intOrString(ru.maxSurge) || '0'} max surge\n`);
  }
  describePodTemplate(w, map(d, 'spec', 'template'));
  conditionsTable(w, d);
  if (oldRSs.length > 0 || newRS) {
    w.write(0, `OldReplicaSets:\t${replicaSetsText(oldRSs)}\n`);
    w.write(0, `NewReplicaSet:\t${replicaSetsText(newRS ? [newRS] : [])}\n`);
  }
  describeEvents(w, events, now);
  return w.toString();
}

/** describeReplicaSet. */
export function describeReplicaSet(rs: Json, pods: PodCounts, events: Json[] | undefined, now: number): string {
  const w = new PrefixWriter();
  header(w, rs);
  w.write(0, `Selector:\t${formatLabelSelector(at(rs, 'spec', 'selector'))}\n`);
  labelsMultiline(w, 'Labels', at(rs, 'metadata', 'labels'));
  annotationsMultiline(w, 'Annotations', at(rs, 'metadata', 'annotations'));
  const ctrl = controllerText(rs);
  if (ctrl) w.write(0, `Controlled By:\t${ctrl}\n`);
  w.write(0, `Replicas:\t${num(rs, ['status', 'replicas'])} current / ${num(rs, ['spec', 'replicas'], 1)} desired\n`);
  w.write(0, `Pods Status:\t${podsStatus(pods)}\n`);
  describePodTemplate(w, map(rs, 'spec', 'template'));
  conditionsTable(w, rs);
  describeEvents(w, events, now);
  return w.toString();
}

/** describeStatefulSet. */
export function describeStatefulSet(s: Json, pods: PodCounts, events: Json[] | undefined, now: number): string {
  const w = new PrefixWriter();
  header(w, s);
  w.write(0, `CreationTimestamp:\t${rfc1123z(at(s, 'metadata', 'creationTimestamp'))}\n`);
  w.write(0, `Selector:\t${selectorString(at(s, 'spec', 'selector'))}\n`);
  labelsMultiline(w, 'Labels', at(s, 'metadata', 'labels'));
  annotationsMultiline(w, 'Annotations', at(s, 'metadata', 'annotations'));
  w.write(0, `Replicas:\t${num(s, ['spec', 'replicas'], 1)} desired | ${num(s, ['status', 'replicas'])} total\n`);
  w.write(0, `Update Strategy:\t${str(s, 'spec', 'updateStrategy', 'type')}\n`);
  if (has(s, 'spec', 'updateStrategy', 'rollingUpdate', 'partition')) {
    w.write(1, `Partition:\t${num(s, ['spec', 'updateStrategy', 'rollingUpdate', 'partition'])}\n`);
    if (has(s, 'spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable')) w.write(1, `MaxUnavailable:\t${intOrString(at(s, 'spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable'))}\n`);
  }
  w.write(0, `Pods Status:\t${podsStatus(pods)}\n`);
  describePodTemplate(w, map(s, 'spec', 'template'));
  const claims = list(s, 'spec', 'volumeClaimTemplates');
  if (claims.length === 0) w.write(0, 'Volume Claims:\t<none>\n');
  else {
    w.write(0, 'Volume Claims:\n');
    for (const c of claims) {
      w.write(1, `Name:\t${str(c, 'metadata', 'name')}\n`);
      w.write(1, `StorageClass:\t${str(c, 'spec', 'storageClassName')}\n`);
      labelsMultiline(w, 'Labels', at(c, 'metadata', 'labels'), '  ');
      labelsMultiline(w, 'Annotations', at(c, 'metadata', 'annotations'), '  ');
      w.write(1, `Capacity:\t${str(c, 'spec', 'resources', 'requests', 'storage') || '<default>'}\n`);
      w.write(1, `Access Modes:\t[${list<string>(c, 'spec', 'accessModes').join(' ')}]\n`);
    }
  }
  describeEvents(w, events, now);
  return w.toString();
}

/** describeDaemonSet. */
export function describeDaemonSet(ds: Json, pods: PodCounts, events: Json[] | undefined, now: number): string {
  const w = new PrefixWriter();
  header(w, ds);
  const st = map(ds, 'status');
  w.write(0, `Selector:\t${selectorString(at(ds, 'spec', 'selector'))}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(map(ds, 'spec', 'template', 'spec', 'nodeSelector') as Record<string, string>)}\n`);
  labelsMultiline(w, 'Labels', at(ds, 'metadata', 'labels'));
  annotationsMultiline(w, 'Annotations', at(ds, 'metadata', 'annotations'));
  w.write(0, `Desired Number of Nodes Scheduled: ${num(st, ['desiredNumberScheduled'])}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${num(st, ['currentNumberScheduled'])}\n`);
  w.write(0, `Number of Nodes Scheduled with Up-to-date Pods: ${num(st, ['updatedNumberScheduled'])}\n`);
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${num(st, ['numberAvailable'])}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${num(st, ['numberMisscheduled'])}\n`);
  w.write(0, `Pods Status:\t${podsStatus(pods)}\n`);
  describePodTemplate(w, map(ds, 'spec', 'template'));
  describeEvents(w, events, now);
  return w.toString();
}

/** describeJob. */
export function describeJob(job: Json, events: Json[] | undefined, now: number): string {
  const w = new PrefixWriter();
  header(w, job);
  const spec = map(job, 'spec');
  const st = map(job, 'status');
  w.write(0, `Selector:\t${selectorString(spec.selector)}\n`);
  labelsMultiline(w, 'Labels', at(job, 'metadata', 'labels'));
  annotationsMultiline(w, 'Annotations', at(job, 'metadata', 'annotations'));
  const ctrl = controllerText(job);
  if (ctrl) w.write(0, `Controlled By:\t${ctrl}\n`);
  if (typeof spec.parallelism === 'number') w.write(0, `Parallelism:\t${spec.parallelism}\n`);
  w.write(0, typeof spec.completions === 'number' ? `Completions:\t${spec.completions}\n` : 'Completions:\t<unset>\n');
  if (str(spec, 'completionMode')) w.write(0, `Completion Mode:\t${str(spec, 'completionMode')}\n`);
  if (typeof spec.suspend === 'boolean') w.write(0, `Suspend:\t${spec.suspend}\n`);
  if (typeof spec.backoffLimit === 'number') w.write(0, `Backoff Limit:\t${spec.backoffLimit}\n`);
  if (typeof spec.ttlSecondsAfterFinished === 'number') w.write(0, `TTL Seconds After Finished:\t${spec.ttlSecondsAfterFinished}\n`);
  if (has(st, 'startTime')) w.write(0, `Start Time:\t${rfc1123z(st.startTime)}\n`);
  if (has(st, 'completionTime')) w.write(0, `Completed At:\t${rfc1123z(st.completionTime)}\n`);
  const start = parseTime(st.startTime);
  const end = parseTime(st.completionTime);
  if (start !== undefined && end !== undefined) w.write(0, `Duration:\t${humanDuration(end - start)}\n`);
  if (typeof spec.activeDeadlineSeconds === 'number') w.write(0, `Active Deadline Seconds:\t${spec.activeDeadlineSeconds}s\n`);
  w.write(
    0,
    typeof st.ready === 'number'
      ? `Pods Statuses:\t${num(st, ['active'])} Active (${st.ready} Ready) / ${num(st, ['succeeded'])} Succeeded / ${num(st, ['failed'])} Failed\n`
      : `Pods Statuses:\t${num(st, ['active'])} Active / ${num(st, ['succeeded'])} Succeeded / ${num(st, ['failed'])} Failed\n`,
  );
  describePodTemplate(w, map(spec, 'template'));
  describeEvents(w, events, now);
  return w.toString();
}
