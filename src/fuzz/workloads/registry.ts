/**
 * The workload kinds the fuzzer generates, by kubectl name. A new kind is a
 * file beside this one and a line here.
 */
import type { WorkloadKind, WorkloadSpec } from './types.ts';
import { deploymentKind } from './deployment.ts';
import { statefulSetKind } from './statefulset.ts';
import { daemonSetKind } from './daemonset.ts';
import { jobKind } from './job.ts';
import { cronJobKind } from './cronjob.ts';

export const WORKLOAD_KINDS: ReadonlyMap<string, WorkloadKind> = new Map<string, WorkloadKind>(
  [deploymentKind, statefulSetKind, daemonSetKind, jobKind, cronJobKind].map((k) => [k.kind, k as unknown as WorkloadKind]),
);

export function workloadKind(spec: Pick<WorkloadSpec, 'kind'>): WorkloadKind {
  const k = WORKLOAD_KINDS.get(spec.kind);
  if (!k) throw new Error(`no workload kind "${spec.kind}" in the registry (${[...WORKLOAD_KINDS.keys()].join(', ')})`);
  return k;
}
