/**
 * `kubectl rollout status`: prints the rollout's progress each time the
 * object changes, on simulated time, until the rollout completes, fails
 * (progress deadline exceeded) or `--timeout` passes.
 */
import { isStatusError } from '../../engine/index.ts';
import type { ResourceType, Stored } from '../../engine/index.ts';
import type { Command, Invocation } from '../command.ts';
import { FILENAME_FLAG, RECURSIVE_FLAG, SELECTOR_FLAG } from '../command.ts';
import { AggregateError, KubectlError } from '../errors.ts';
import { resolveInfos } from '../builder.ts';
import { type Json, map, num, str, list, has } from '../printers/fields.ts';
import { revisionOf } from '../history.ts';

export interface RolloutStatus {
  message: string;
  done: boolean;
}

/** The status viewer of a kind (StatusViewerFor); throws for kinds without one and for failed rollouts. */
export function rolloutStatus(type: ResourceType, o: Stored, revision = 0): RolloutStatus {
  const obj = o as unknown as Json;
  const name = o.metadata.name;
  const gen = o.metadata.generation ?? 0;
  const st = map(obj, 'status');
  const observed = num(st, ['observedGeneration']);
  switch (type.kind) {
    case 'Deployment': {
      if (revision > 0) {
        const r = revisionOf(o);
        if (r === undefined) throw new KubectlError(`cannot get the revision of deployment ${JSON.stringify(name)}: revision annotation not found`);
        if (r !== revision) throw new KubectlError(`desired revision (${revision}) is different from the running revision (${r})`);
      }
      if (gen > observed) return { message: 'Waiting for deployment spec update to be observed...\n', done: false };
      const progressing = list(st, 'conditions').find((c) => c.type === 'Progressing');
      if (progressing && str(progressing, 'reason') === 'ProgressDeadlineExceeded') throw new KubectlError(`deployment ${JSON.stringify(name)} exceeded its progress deadline`);
      const replicas = num(obj, ['spec', 'replicas'], 1);
      const updated = num(st, ['updatedReplicas']);
      if (has(obj, 'spec', 'replicas') && updated < replicas)
        return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${updated} out of ${replicas} new replicas have been updated...\n`, done: false };
      if (num(st, ['replicas']) > updated)
        return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${num(st, ['replicas']) - updated} old replicas are pending termination...\n`, done: false };
      if (num(st, ['availableReplicas']) < updated)
        return { message: `Waiting for deployment ${JSON.stringify(name)} rollout to finish: ${num(st, ['availableReplicas'])} of ${updated} updated replicas are available...\n`, done: false };
      return { message: `deployment ${JSON.stringify(name)} successfully rolled out\n`, done: true };
    }
    case 'DaemonSet': {
      if (str(obj, 'spec', 'updateStrategy', 'type') !== 'RollingUpdate') throw new KubectlError('rollout status is only available for RollingUpdate strategy type');
      if (gen > observed) return { message: 'Waiting for daemon set spec update to be observed...\n', done: false };
      const desired = num(st, ['desiredNumberScheduled']);
      if (num(st, ['updatedNumberScheduled']) < desired)
        return { message: `Waiting for daemon set ${JSON.stringify(name)} rollout to finish: ${num(st, ['updatedNumberScheduled'])} out of ${desired} new pods have been updated...\n`, done: false };
      if (num(st, ['numberAvailable']) < desired)
        return { message: `Waiting for daemon set ${JSON.stringify(name)} rollout to finish: ${num(st, ['numberAvailable'])} of ${desired} updated pods are available...\n`, done: false };
      return { message: `daemon set ${JSON.stringify(name)} successfully rolled out\n`, done: true };
    }
    case 'StatefulSet': {
      if (str(obj, 'spec', 'updateStrategy', 'type') !== 'RollingUpdate') throw new KubectlError('rollout status is only available for RollingUpdate strategy type');
      if (observed === 0 || gen > observed) return { message: 'Waiting for statefulset spec update to be observed...\n', done: false };
      const replicas = num(obj, ['spec', 'replicas'], 1);
      if (has(obj, 'spec', 'replicas') && num(st, ['readyReplicas']) < replicas)
        return { message: `Waiting for ${replicas - num(st, ['readyReplicas'])} pods to be ready...\n`, done: false };
      if (has(obj, 'spec', 'updateStrategy', 'rollingUpdate')) {
        if (has(obj, 'spec', 'replicas') && has(obj, 'spec', 'updateStrategy', 'rollingUpdate', 'partition')) {
          const want = replicas - num(obj, ['spec', 'updateStrategy', 'rollingUpdate', 'partition']);
          if (num(st, ['updatedReplicas']) < want)
            return { message: `Waiting for partitioned roll out to finish: ${num(st, ['updatedReplicas'])} out of ${want} new pods have been updated...\n`, done: false };
        }
        return { message: `partitioned roll out complete: ${num(st, ['updatedReplicas'])} new pods have been updated...\n`, done: true };
      }
      if (str(st, 'updateRevision') !== str(st, 'currentRevision'))
        return { message: `waiting for statefulset rolling update to complete ${num(st, ['updatedReplicas'])} pods at revision ${str(st, 'updateRevision')}...\n`, done: false };
      return { message: `statefulset rolling update complete ${num(st, ['currentReplicas'])} pods at revision ${str(st, 'currentRevision')}...\n`, done: true };
    }
    default:
      throw new KubectlError(`no status viewer has been implemented for ${type.group ? `${type.kind}.${type.group}` : type.kind}`);
  }
}

function runStatus(inv: Invocation): void {
  const { flags, ctx, client } = inv;
  const watch = flags.has('watch') ? flags.bool('watch') : true;
  const revision = flags.int('revision', 0);
  const timeout = flags.int('timeout', 0);
  const res = resolveInfos(inv, inv.args, { filenames: true, listWholeTypes: true, selector: flags.string('selector') });
  if (res.errors.length > 0) throw new AggregateError(res.errors);
  if (res.infos.length === 0) {
    inv.out.err(`No resources found in ${inv.namespace} namespace.\n`);
    return;
  }
  for (const info of res.infos) {
    let lastVersion = '';
    let failure: unknown;
    let finished = false;
    const check = (): boolean => {
      if (finished) return true;
      let cur: Stored;
      try {
        cur = client.get(info.type, info.namespace, info.name);
      } catch (e) {
        failure = isStatusError(e, 'NotFound') ? new KubectlError('object has been deleted') : e;
        return (finished = true);
      }
      if (cur.metadata.resourceVersion === lastVersion) return false;
      lastVersion = cur.metadata.resourceVersion;
      try {
        const s = rolloutStatus(info.type, cur, revision);
        inv.out.out(s.message);
        finished = s.done || !watch;
      } catch (e) {
        failure = e;
        finished = true;
      }
      return finished;
    };
    // Without simulated time to wait on, the status is reported once, as with --watch=false.
    if (!check() && ctx.waitFor) {
      const held = ctx.waitFor(check, timeout > 0 ? timeout : Infinity);
      if (!held && !finished) throw new KubectlError('timed out waiting for the condition');
    }
    if (failure) throw failure;
  }
}

export const rolloutStatusCommand: Command = {
  path: ['rollout', 'status'],
  usage: 'kubectl rollout status (TYPE NAME | TYPE/NAME) [flags]',
  flags: [
    { name: 'watch', short: 'w', kind: 'bool' },
    { name: 'revision', kind: 'int' },
    { name: 'timeout', kind: 'duration' },
    SELECTOR_FLAG,
    FILENAME_FLAG,
    RECURSIVE_FLAG,
    { name: 'kustomize', short: 'k', kind: 'string' },
  ],
  run: runStatus,
};
