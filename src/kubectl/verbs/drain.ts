/**
 * `kubectl drain NODE`: cordons the node, then evicts (or, with
 * `--disable-eviction`, deletes) its pods and waits on simulated time until
 * they are gone. DaemonSet pods, pods with emptyDir data and pods without a
 * controller stop the drain unless `--ignore-daemonsets`,
 * `--delete-emptydir-data` or `--force` allow them, with kubectl's messages.
 * An eviction refused by a disruption budget (429) is retried every 5 s.
 */
import { R, StatusError, formatDuration, isStatusError } from '../../engine/index.ts';
import type { Pod, Stored } from '../../engine/index.ts';
import type { Command, Invocation } from '../command.ts';
import { DRY_RUN_FLAG, SELECTOR_FLAG, dryRunOf, operation } from '../command.ts';
import { AggregateError, KubectlError } from '../errors.ts';
import { cordonAll, selectNodes } from './cordon.ts';

type Status = { delete: boolean; reason: 'Okay' | 'Skip' | 'Warning' | 'Error'; message?: string };
const OK: Status = { delete: true, reason: 'Okay' };

interface DrainFlags {
  force: boolean;
  ignoreDaemonSets: boolean;
  deleteEmptyDirData: boolean;
  skipWaitForDeleteTimeout: number;
}

const terminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const controllerOf = (p: Pod) => p.metadata.ownerReferences?.find((r) => r.controller === true);

/** The drain filters, in kubectl's order; the first that keeps a pod decides. */
function filterPod(inv: Invocation, pod: Stored<Pod>, f: DrainFlags, now: number): Status {
  if (f.skipWaitForDeleteTimeout > 0 && pod.metadata.deletionTimestamp && (now - Date.parse(pod.metadata.deletionTimestamp)) / 1000 > f.skipWaitForDeleteTimeout)
    return { delete: false, reason: 'Skip' };
  let status = OK;
  const ref = controllerOf(pod);
  if (ref && ref.kind === 'DaemonSet' && !terminal(pod)) {
    try {
      inv.client.get(R.daemonSets, pod.metadata.namespace, ref.name);
      status = f.ignoreDaemonSets ? { delete: false, reason: 'Warning', message: 'ignoring DaemonSet-managed Pods' } : { delete: false, reason: 'Error', message: 'DaemonSet-managed Pods (use --ignore-daemonsets to ignore)' };
    } catch (e) {
      const msg = e instanceof StatusError ? e.status.message : (e as Error).message;
      status = isStatusError(e, 'NotFound') && f.force ? { delete: true, reason: 'Warning', message: msg } : { delete: false, reason: 'Error', message: msg };
    }
    if (!status.delete) return status;
  }
  if (pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return { delete: false, reason: 'Skip' };
  if ((pod.spec.volumes ?? []).some((v) => v.emptyDir) && !terminal(pod)) {
    if (!f.deleteEmptyDirData) return { delete: false, reason: 'Error', message: 'Pods with local storage (use --delete-emptydir-data to override)' };
    status = { delete: true, reason: 'Warning', message: 'deleting Pods with local storage' };
  }
  if (!terminal(pod) && !controllerOf(pod)) {
    if (!f.force) return { delete: false, reason: 'Error', message: 'cannot delete Pods that declare no controller (use --force to override)' };
    status = { delete: true, reason: 'Warning', message: 'deleting Pods that declare no controller' };
  }
  return status;
}

interface PodDeleteList {
  pods: Array<Stored<Pod>>;
  warnings: string;
  errors: KubectlError[];
}

function podsForDeletion(inv: Invocation, node: string, f: DrainFlags): PodDeleteList {
  const list = inv.client.list<Pod>(R.pods, { fieldSelector: `spec.nodeName=${node}`, labelSelector: inv.flags.string('pod-selector') || undefined }).items;
  const warnings = new Map<string, string[]>();
  const failed = new Map<string, string[]>();
  const pods: Array<Stored<Pod>> = [];
  const now = inv.ctx.now();
  for (const pod of list) {
    const s = filterPod(inv, pod, f, now);
    const id = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (s.reason === 'Warning') warnings.set(s.message!, [...(warnings.get(s.message!) ?? []), id]);
    if (s.reason === 'Error') failed.set(s.message || 'unexpected error', [...(failed.get(s.message || 'unexpected error') ?? []), id]);
    if (s.delete) pods.push(pod);
  }
  return {
    pods,
    warnings: [...warnings].map(([m, ps]) => `${m}: ${ps.join(', ')}`).join('; '),
    errors: [...failed].map(([m, ps]) => new KubectlError(`cannot delete ${m}: ${ps.join(', ')}`)),
  };
}

function statusMessage(e: unknown): string {
  return e instanceof StatusError ? e.status.message : (e as Error).message;
}

/** Evicts or deletes pods and waits for them to go; returns the errors, Go-style. */
function removePods(inv: Invocation, pods: Array<Stored<Pod>>, dryRun: 'none' | 'server'): KubectlError[] {
  const { client, ctx, flags } = inv;
  const grace = flags.int('grace-period', -1);
  const deleteOpts = grace >= 0 ? { gracePeriodSeconds: grace } : {};
  const timeout = flags.int('timeout', 0);
  const start = ctx.now();
  // Without --timeout kubectl retries refused evictions forever; the harness's bound stops it.
  const bound = timeout > 0 ? timeout : (ctx.waitBoundMs ?? Infinity);
  const deadline = start + bound;
  const useEviction = !flags.bool('disable-eviction');
  const errors: KubectlError[] = [];
  const waiting = new Map<string, Stored<Pod>>();
  const checkGone = () => {
    for (const [uid, p] of waiting) {
      let gone = false;
      try {
        gone = client.get(R.pods, p.metadata.namespace, p.metadata.name).metadata.uid !== uid;
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) throw e;
        gone = true;
      }
      if (gone) {
        waiting.delete(uid);
        inv.out.out(`pod/${p.metadata.name} ${useEviction ? 'evicted' : 'deleted'}\n`);
      }
    }
    return waiting.size === 0;
  };
  if (!useEviction) {
    for (const p of pods) {
      try {
        client.delete(R.pods, p.metadata.namespace, p.metadata.name, { ...deleteOpts, dryRun: dryRun === 'server' });
      } catch (e) {
        if (!isStatusError(e, 'NotFound')) return [new KubectlError(statusMessage(e))];
      }
      waiting.set(p.metadata.uid, p);
    }
    if (dryRun === 'server') return [];
    if (!checkGone() && !(ctx.waitFor?.(checkGone, deadline - ctx.now()) ?? false)) return [new KubectlError('context deadline exceeded')];
    return [];
  }
  let pending = [...pods];
  while (pending.length > 0) {
    const retry: Array<Stored<Pod>> = [];
    for (const p of pending) {
      const { namespace, name } = p.metadata;
      inv.out.out(`evicting pod ${namespace}/${name}${dryRun === 'server' ? ' (server dry run)' : ''}\n`);
      try {
        client.evict(namespace!, name, { ...deleteOpts, dryRun: dryRun === 'server' });
        if (dryRun !== 'server') waiting.set(p.metadata.uid, p);
      } catch (e) {
        if (isStatusError(e, 'NotFound')) continue;
        if (isStatusError(e, 'TooManyRequests')) {
          inv.out.err(`error when evicting pods/${JSON.stringify(name)} -n ${JSON.stringify(namespace)} (will retry after 5s): ${statusMessage(e)}\n`);
          retry.push(p);
        } else errors.push(new KubectlError(`error when evicting pods/${JSON.stringify(name)} -n ${JSON.stringify(namespace)}: ${statusMessage(e)}`));
      }
    }
    checkGone();
    if (retry.length === 0) break;
    const left = deadline - ctx.now();
    if (!ctx.waitFor || left <= 0) {
      const why = timeout > 0 ? `global timeout reached: ${formatDuration(timeout)}` : `still refused after ${formatDuration(bound)} (kubectl drain without --timeout would wait forever)`;
      for (const p of retry) errors.push(new KubectlError(`error when evicting pods/${JSON.stringify(p.metadata.name)} -n ${JSON.stringify(p.metadata.namespace)}: ${why}`));
      break;
    }
    ctx.waitFor(() => {
      checkGone();
      return false;
    }, Math.min(5000, left));
    pending = retry;
  }
  if (waiting.size > 0 && ctx.waitFor && !checkGone() && !ctx.waitFor(checkGone, deadline - ctx.now())) {
    for (const p of waiting.values()) errors.push(new KubectlError(`error when waiting for pod ${JSON.stringify(p.metadata.name)} in namespace ${JSON.stringify(p.metadata.namespace)} to terminate: context deadline exceeded`));
  } else if (waiting.size > 0 && !ctx.waitFor) {
    // Without simulated time to wait on, an accepted eviction is reported at once.
    for (const p of waiting.values()) inv.out.out(`pod/${p.metadata.name} evicted\n`);
    waiting.clear();
  }
  return errors;
}

function aggregateText(errs: readonly Error[]): string {
  return errs.length === 1 ? errs[0].message : `[${errs.map((e) => e.message).join(', ')}]`;
}

function runDrain(inv: Invocation): void {
  const { flags } = inv;
  const f: DrainFlags = {
    force: flags.bool('force'),
    ignoreDaemonSets: flags.bool('ignore-daemonsets'),
    deleteEmptyDirData: flags.bool('delete-emptydir-data') || flags.bool('delete-local-data'),
    skipWaitForDeleteTimeout: flags.int('skip-wait-for-delete-timeout', 0),
  };
  const dryRun = dryRunOf(inv);
  const nodes = selectNodes(inv, 'drain');
  cordonAll(inv, nodes, true);
  const fatal: KubectlError[] = [];
  const remaining: string[] = [];
  for (const node of nodes) {
    const name = node.metadata.name;
    const list = podsForDeletion(inv, name, f);
    let errs: KubectlError[] = list.errors;
    if (errs.length === 0) {
      if (list.warnings) inv.out.err(`Warning: ${list.warnings}\n`);
      if (dryRun === 'client') {
        for (const p of list.pods) inv.out.out(`evicting pod ${p.metadata.namespace}/${p.metadata.name} (dry run)\n`);
      } else {
        errs = removePods(inv, list.pods, dryRun);
        if (errs.length > 0) {
          const pending = podsForDeletion(inv, name, f).pods;
          if (pending.length > 0) inv.out.err(`There are pending pods in node ${JSON.stringify(name)} when an error occurred: ${aggregateText(errs)}\n${pending.map((p) => `pod/${p.metadata.name}\n`).join('')}`);
        }
      }
    }
    if (errs.length === 0) {
      inv.out.out(`node/${name} ${operation('drained', dryRun)}\n`);
      continue;
    }
    const err = new KubectlError(aggregateText(errs));
    inv.out.err(`error: unable to drain node ${JSON.stringify(name)} due to error: ${err.message}, continuing command...\n`);
    fatal.push(err);
    remaining.push(name);
  }
  if (remaining.length > 0) inv.out.err(`There are pending nodes to be drained:\n${remaining.map((n) => ` ${n}\n`).join('')}`);
  if (fatal.length === 1) throw fatal[0];
  if (fatal.length > 1) throw new AggregateError(fatal);
}

export const drainCommand: Command = {
  path: ['drain'],
  usage: 'kubectl drain NODE',
  flags: [
    { name: 'force', kind: 'bool' },
    { name: 'ignore-daemonsets', kind: 'bool' },
    { name: 'delete-emptydir-data', kind: 'bool' },
    { name: 'delete-local-data', kind: 'bool' },
    { name: 'grace-period', kind: 'int' },
    { name: 'timeout', kind: 'duration' },
    { name: 'pod-selector', kind: 'string' },
    { name: 'disable-eviction', kind: 'bool' },
    { name: 'skip-wait-for-delete-timeout', kind: 'int' },
    { name: 'chunk-size', kind: 'int' },
    SELECTOR_FLAG,
    DRY_RUN_FLAG,
  ],
  run: runDrain,
};
