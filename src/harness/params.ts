/**
 * The parameters of the step vocabulary (STEPS.md, "Parameters"): durations,
 * quantities, object references, workloads and kinds, with their parsers.
 */
import { resourceByName, type ResourceType, isQuantity } from '../engine/index.ts';
import { UserError } from './errors.ts';

/** `30 seconds`, `1 minute`, `2 hours`, `90s`, `5m`, `2m30s`, `1h`, `1 hour 30 minutes`, `500ms`. */
export const DURATION_PATTERN =
  /(?:\d+(?:\.\d+)?\s*(?:milliseconds?|seconds?|minutes?|hours?|days?)(?:\s+(?:and\s+)?\d+(?:\.\d+)?\s*(?:milliseconds?|seconds?|minutes?|hours?|days?))*|(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+)/;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** Parses a step duration to milliseconds. */
export function parseStepDuration(text: string): number {
  const s = text.trim();
  let total = 0;
  let matched = '';
  const re = /(\d+(?:\.\d+)?)\s*(milliseconds?|seconds?|minutes?|hours?|days?|ms|s|m|h|d)(?:\s+and)?\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched += m[0];
  }
  if (!matched || matched.replace(/\s/g, '') !== s.replace(/\s/g, '')) {
    throw new UserError(`"${text}" is not a duration: write it as "30 seconds", "5 minutes", "2 hours", "90s", "5m", "2m30s" or "1h"`);
  }
  return Math.round(total);
}

/** A human rendering of milliseconds: `6m`, `5m50s`, `300ms`. */
export function humanDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const parts: string[] = [];
  let rest = Math.round(ms);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s) parts.push(`${Number.isInteger(s) ? s : s.toFixed(1)}s`);
  return parts.join('') || '0s';
}

export const QUANTITY_PATTERN = /[0-9]+(?:\.[0-9]+)?(?:m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?/;

export function parseQuantityParam(text: string): string {
  if (!isQuantity(text)) throw new UserError(`"${text}" is not a Kubernetes quantity: write it like 500m, 2, 4Gi or 512Mi`);
  return text;
}

/** An object named in a step: `"web"` in the current namespace, or `"shop/web"`. */
export interface Ref {
  namespace: string;
  name: string;
}

export function parseRef(text: string, currentNamespace: string): Ref {
  const i = text.indexOf('/');
  if (i < 0) return { namespace: currentNamespace, name: text };
  return { namespace: text.slice(0, i), name: text.slice(i + 1) };
}

export const WORKLOAD_KINDS = ['deployment', 'statefulset', 'daemonset', 'replicaset', 'job', 'cronjob', 'replicationcontroller'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** `deployment "web"`: a workload kind and a quoted name. */
export const WORKLOAD_PATTERN = new RegExp(`(${WORKLOAD_KINDS.join('|')}) "([^"]*)"`);

export interface WorkloadParam {
  kind: WorkloadKind;
  /** Name as written, possibly `namespace/name`. */
  name: string;
}

/** A kind as kubectl accepts it, in lower case: pod, deployment, service, ... */
export const KIND_PATTERN = /[a-z][a-z0-9.]*/;

export function parseKind(text: string): ResourceType {
  const t = resourceByName(text);
  if (!t) throw new UserError(`"${text}" is not a kind the cluster serves (try pod, deployment, statefulset, service, configmap, ...)`);
  return t;
}
