/**
 * Tables of the workload kinds (printDeployment, printReplicaSet,
 * printStatefulSet, printDaemonSet, printJob, printCronJob, ...).
 */
import type { Column, Row } from '../table.ts';
import { since, humanDuration, parseTime } from '../duration.ts';
import { type Json, list, map, str, num, at, has, containerCells, selectorString, formatLabelSelector, condition, intOrString } from '../fields.ts';
import { formatLabels } from '../table.ts';

const NAME: Column = { name: 'Name', format: 'name' };
const AGE: Column = { name: 'Age' };
const WIDE_TEMPLATE: Column[] = [
  { name: 'Containers', priority: 1 },
  { name: 'Images', priority: 1 },
  { name: 'Selector', priority: 1 },
];

const age = (o: Json, now: number) => since(at(o, 'metadata', 'creationTimestamp'), now);
const name = (o: Json) => str(o, 'metadata', 'name');
const templateContainers = (o: Json) => list(o, 'spec', 'template', 'spec', 'containers');

export const DEPLOYMENT_COLUMNS: Column[] = [NAME, { name: 'Ready' }, { name: 'Up-to-date' }, { name: 'Available' }, AGE, ...WIDE_TEMPLATE];
export function deploymentRow(o: Json, now: number): Row {
  const st = map(o, 'status');
  const sel = selectorString(at(o, 'spec', 'selector'));
  return {
    object: o as never,
    cells: [name(o), `${num(st, ['readyReplicas'])}/${num(o, ['spec', 'replicas'], 1)}`, num(st, ['updatedReplicas']), num(st, ['availableReplicas']), age(o, now), ...containerCells(templateContainers(o)), sel],
  };
}

export const REPLICASET_COLUMNS: Column[] = [NAME, { name: 'Desired' }, { name: 'Current' }, { name: 'Ready' }, AGE, ...WIDE_TEMPLATE];
export function replicaSetRow(o: Json, now: number): Row {
  const st = map(o, 'status');
  return {
    object: o as never,
    cells: [name(o), num(o, ['spec', 'replicas'], 1), num(st, ['replicas']), num(st, ['readyReplicas']), age(o, now), ...containerCells(templateContainers(o)), formatLabelSelector(at(o, 'spec', 'selector'))],
  };
}

export function replicationControllerRow(o: Json, now: number): Row {
  const st = map(o, 'status');
  return {
    object: o as never,
    cells: [name(o), num(o, ['spec', 'replicas'], 1), num(st, ['replicas']), num(st, ['readyReplicas']), age(o, now), ...containerCells(templateContainers(o)), formatLabels(map(o, 'spec', 'selector') as Record<string, string>)],
  };
}

export const STATEFULSET_COLUMNS: Column[] = [NAME, { name: 'Ready' }, AGE, { name: 'Containers', priority: 1 }, { name: 'Images', priority: 1 }];
export function statefulSetRow(o: Json, now: number): Row {
  return {
    object: o as never,
    cells: [name(o), `${num(o, ['status', 'readyReplicas'])}/${num(o, ['spec', 'replicas'], 1)}`, age(o, now), ...containerCells(templateContainers(o))],
  };
}

export const DAEMONSET_COLUMNS: Column[] = [
  NAME,
  { name: 'Desired' },
  { name: 'Current' },
  { name: 'Ready' },
  { name: 'Up-to-date' },
  { name: 'Available' },
  { name: 'Node Selector' },
  AGE,
  ...WIDE_TEMPLATE,
];
export function daemonSetRow(o: Json, now: number): Row {
  const st = map(o, 'status');
  return {
    object: o as never,
    cells: [
      name(o),
      num(st, ['desiredNumberScheduled']),
      num(st, ['currentNumberScheduled']),
      num(st, ['numberReady']),
      num(st, ['updatedNumberScheduled']),
      num(st, ['numberAvailable']),
      formatLabels(map(o, 'spec', 'template', 'spec', 'nodeSelector') as Record<string, string>),
      age(o, now),
      ...containerCells(templateContainers(o)),
      formatLabelSelector(at(o, 'spec', 'selector')),
    ],
  };
}

/** The STATUS column of a Job. */
export function jobStatus(o: Json): string {
  const is = (t: string) => condition(o, t)?.status === 'True';
  if (is('Complete')) return 'Complete';
  if (is('Failed')) return 'Failed';
  if (has(o, 'metadata', 'deletionTimestamp')) return 'Terminating';
  if (is('Suspended')) return 'Suspended';
  if (is('FailureTarget')) return 'FailureTarget';
  return 'Running';
}

export const JOB_COLUMNS: Column[] = [NAME, { name: 'Status' }, { name: 'Completions' }, { name: 'Duration' }, AGE, ...WIDE_TEMPLATE];
export function jobRow(o: Json, now: number): Row {
  const succeeded = num(o, ['status', 'succeeded']);
  let completions: string;
  if (has(o, 'spec', 'completions')) completions = `${succeeded}/${num(o, ['spec', 'completions'])}`;
  else if (num(o, ['spec', 'parallelism']) > 1) completions = `${succeeded}/1 of ${num(o, ['spec', 'parallelism'])}`;
  else completions = `${succeeded}/1`;
  const start = parseTime(at(o, 'status', 'startTime'));
  const end = parseTime(at(o, 'status', 'completionTime'));
  const duration = start === undefined ? '' : humanDuration((end ?? now) - start);
  return {
    object: o as never,
    cells: [name(o), jobStatus(o), completions, duration, age(o, now), ...containerCells(templateContainers(o)), formatLabelSelector(at(o, 'spec', 'selector'))],
  };
}

export const CRONJOB_COLUMNS: Column[] = [
  NAME,
  { name: 'Schedule' },
  { name: 'Timezone' },
  { name: 'Suspend' },
  { name: 'Active' },
  { name: 'Last Schedule' },
  AGE,
  ...WIDE_TEMPLATE,
];
export function cronJobRow(o: Json, now: number): Row {
  const suspend = at(o, 'spec', 'suspend');
  const last = at(o, 'status', 'lastScheduleTime');
  const jobSpec = map(o, 'spec', 'jobTemplate', 'spec');
  return {
    object: o as never,
    cells: [
      name(o),
      str(o, 'spec', 'schedule'),
      str(o, 'spec', 'timeZone') || '<none>',
      typeof suspend === 'boolean' ? (suspend ? 'True' : 'False') : '<unset>',
      list(o, 'status', 'active').length,
      last ? since(last, now) : '<none>',
      age(o, now),
      ...containerCells(list(jobSpec, 'template', 'spec', 'containers')),
      formatLabelSelector(at(jobSpec, 'selector')),
    ],
  };
}

export const PDB_COLUMNS: Column[] = [NAME, { name: 'Min Available' }, { name: 'Max Unavailable' }, { name: 'Allowed Disruptions' }, AGE];
export function pdbRow(o: Json, now: number): Row {
  const min = at(o, 'spec', 'minAvailable');
  const max = at(o, 'spec', 'maxUnavailable');
  return {
    object: o as never,
    cells: [name(o), min === undefined || min === null ? 'N/A' : intOrString(min), max === undefined || max === null ? 'N/A' : intOrString(max), num(o, ['status', 'disruptionsAllowed']), age(o, now)],
  };
}

export const HPA_COLUMNS: Column[] = [NAME, { name: 'Reference' }, { name: 'Targets' }, { name: 'MinPods' }, { name: 'MaxPods' }, { name: 'Replicas' }, AGE];

function hpaMetric(spec: Json, status: Json | undefined): string {
  const q = (v: unknown) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '<unknown>');
  const cur = (path: string[]) => (status && at(status, ...path) !== undefined ? q(at(status, ...path)) : '<unknown>');
  switch (str(spec, 'type')) {
    case 'External':
    case 'Object': {
      const key = str(spec, 'type') === 'External' ? 'external' : 'object';
      if (has(spec, key, 'target', 'averageValue'))
        return `${cur([key, 'current', 'averageValue'])}/${q(at(spec, key, 'target', 'averageValue'))} (avg)`;
      return `${cur([key, 'current', 'value'])}/${q(at(spec, key, 'target', 'value'))}`;
    }
    case 'Pods':
      return `${cur(['pods', 'current', 'averageValue'])}/${q(at(spec, 'pods', 'target', 'averageValue'))}`;
    case 'Resource':
    case 'ContainerResource': {
      const key = str(spec, 'type') === 'Resource' ? 'resource' : 'containerResource';
      const res = str(spec, key, 'name');
      if (has(spec, key, 'target', 'averageValue')) return `${res}: ${cur([key, 'current', 'averageValue'])}/${q(at(spec, key, 'target', 'averageValue'))}`;
      const u = status ? at(status, key, 'current', 'averageUtilization') : undefined;
      const t = at(spec, key, 'target', 'averageUtilization');
      return `${res}: ${typeof u === 'number' ? `${u}%` : '<unknown>'}/${typeof t === 'number' ? `${t}%` : '<auto>'}`;
    }
    default:
      return '<unknown type>';
  }
}

/** formatHPAMetrics: the first two metrics, then `+ N more...`. */
export function hpaTargets(o: Json): string {
  const specs = list(o, 'spec', 'metrics');
  if (specs.length === 0) return '<none>';
  const statuses = list(o, 'status', 'currentMetrics');
  const items = specs.map((s, i) => hpaMetric(s, statuses[i]));
  if (items.length > 2) return `${items.slice(0, 2).join(', ')} + ${items.length - 2} more...`;
  return items.join(', ');
}

export function hpaRow(o: Json, now: number): Row {
  const min = at(o, 'spec', 'minReplicas');
  return {
    object: o as never,
    cells: [
      name(o),
      `${str(o, 'spec', 'scaleTargetRef', 'kind')}/${str(o, 'spec', 'scaleTargetRef', 'name')}`,
      hpaTargets(o),
      typeof min === 'number' ? String(min) : '<unset>',
      num(o, ['spec', 'maxReplicas']),
      num(o, ['status', 'currentReplicas']),
      age(o, now),
    ],
  };
}

export const CONTROLLER_REVISION_COLUMNS: Column[] = [NAME, { name: 'Controller' }, { name: 'Revision' }, AGE];
export function controllerRevisionRow(o: Json, now: number): Row {
  const ref = list(o, 'metadata', 'ownerReferences').find((r) => r.controller === true);
  let controller = '<none>';
  if (ref) {
    const apiVersion = str(ref, 'apiVersion');
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    controller = `${(group ? `${str(ref, 'kind')}.${group}` : str(ref, 'kind')).toLowerCase()}/${str(ref, 'name')}`;
  }
  return { object: o as never, cells: [name(o), controller, num(o, ['revision']), age(o, now)] };
}

export const POD_TEMPLATE_COLUMNS: Column[] = [NAME, { name: 'Containers' }, { name: 'Images' }, { name: 'Pod Labels' }];
export function podTemplateRow(o: Json): Row {
  return {
    object: o as never,
    cells: [name(o), ...containerCells(list(o, 'template', 'spec', 'containers')), formatLabels(map(o, 'template', 'metadata', 'labels') as Record<string, string>)],
  };
}
