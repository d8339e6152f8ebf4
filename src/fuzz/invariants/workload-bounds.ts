/**
 * workload-bounds: what the Job, DaemonSet and StatefulSet controllers
 * promise at every instant, over the whole history.
 *
 * - A Job runs at most `parallelism` pods at once (pods not finished and not
 *   being deleted): parallelism is "the maximum desired number of pods the
 *   job should run at any given time". It creates no pod once it has met
 *   its success criteria or its failure target, and it is marked Complete or
 *   Failed only when none of its pods is still active ("the Job controller
 *   ... adds the Complete or Failed condition once all pods terminated").
 * - A DaemonSet runs at most one pod on a node, or two while its rolling
 *   update surges (maxSurge above 0): "the DaemonSet ensures that all
 *   eligible nodes run a copy of a Pod"; with maxSurge "an old and a new
 *   pod ... on the same node" during the update.
 * - A CronJob with concurrencyPolicy Forbid or Replace never has two
 *   unfinished Jobs at once: Forbid "does not allow concurrent runs",
 *   Replace "replaces the currently running job run with a new job run".
 *   Runs started by hand (`kubectl create job --from=cronjob/...`, annotated
 *   cronjob.kubernetes.io/instantiate: manual) are not the schedule's and
 *   are not counted: the controller leaves them out of status.active, which
 *   is what Forbid and Replace go by.
 * - A StatefulSet's pods are named `<set>-<ordinal>`, with that hostname and
 *   the set's serviceName as subdomain; with OrderedReady pod management a
 *   pod is created only when every lower ordinal exists and has been
 *   Running and Ready ("Before a scaling operation is applied to a Pod, all
 *   of its predecessors must be Running and Ready").
 *
 * WARNING: the controllers keep these bounds from their informers' caches
 * (and expectations); with watch deliveries perturbed those may lag, and
 * upstream may overshoot as well, so perturbed histories are not held to
 * them.
 */
import { R, controllerRef, isPodReady, isPodTerminal, storePrefix, type CronJob, type DaemonSet, type Job, type Pod, type StatefulSet, type Stored, type StoreEvent } from '../../engine/index.ts';
import type { View } from '../../harness/view.ts';
import type { Invariant, MonitorContext, Report } from './types.ts';

const PODS = storePrefix(R.pods);
const JOBS = storePrefix(R.jobs);
const ENDING = ['SuccessCriteriaMet', 'FailureTarget', 'Complete', 'Failed'];
const ENDED = ['Complete', 'Failed'];

const hasCondition = (j: Job, types: readonly string[]) => (j.status?.conditions ?? []).some((c) => types.includes(c.type) && c.status === 'True');

const live = (p: Pod) => !p.metadata.deletionTimestamp && !isPodTerminal(p);

function surges(ds: DaemonSet): boolean {
  const s = ds.spec.updateStrategy?.rollingUpdate?.maxSurge;
  return (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && s !== undefined && s !== 0 && s !== '0%';
}

function monitor(ctx: MonitorContext, report: Report) {
  /** Pods (by namespace/name) that have been Running and Ready at some point. */
  const everReady = new Set<string>();
  const key = (p: Pod) => `${p.metadata.namespace}/${p.metadata.name}`;
  for (const p of ctx.initial.list<Pod>(R.pods)) if (isPodReady(p)) everReady.add(key(p));

  const podsOf = (state: View, ns: string, uid: string) => state.list<Pod>(R.pods, ns).filter((p) => controllerRef(p)?.uid === uid);

  const checkJob = (state: View, job: Stored<Job>, at: number | undefined) => {
    const running = podsOf(state, job.metadata.namespace ?? 'default', job.metadata.uid).filter(live);
    const parallelism = job.spec.parallelism ?? 1;
    if (running.length > parallelism) {
      report(`job "${job.metadata.namespace}/${job.metadata.name}" runs ${running.length} pods (${running.map((p) => p.metadata.name).join(', ')}), more than its parallelism of ${parallelism}`, at);
    }
  };

  const checkDaemonSet = (state: View, ds: Stored<DaemonSet>, node: string, at: number | undefined) => {
    const here = podsOf(state, ds.metadata.namespace ?? 'default', ds.metadata.uid).filter((p) => live(p) && p.spec.nodeName === node);
    const most = surges(ds) ? 2 : 1;
    if (here.length > most) {
      report(`daemonset "${ds.metadata.namespace}/${ds.metadata.name}" runs ${here.length} pods on node "${node}" (${here.map((p) => p.metadata.name).join(', ')}), more than ${most}`, at);
    }
  };

  const checkStatefulPod = (state: View, set: Stored<StatefulSet>, pod: Stored<Pod>, created: boolean, at: number | undefined) => {
    const me = `pod "${pod.metadata.namespace}/${pod.metadata.name}" of statefulset "${set.metadata.name}"`;
    const m = /^(.*)-(\d+)$/.exec(pod.metadata.name);
    if (!m || m[1] !== set.metadata.name) {
      report(`${me} is not named ${set.metadata.name}-<ordinal>`, at);
      return;
    }
    if (pod.spec.hostname !== pod.metadata.name || (set.spec.serviceName && pod.spec.subdomain !== set.spec.serviceName)) {
      report(`${me} has hostname "${pod.spec.hostname ?? ''}" and subdomain "${pod.spec.subdomain ?? ''}", not "${pod.metadata.name}" and "${set.spec.serviceName}"`, at);
    }
    if (!created || (set.spec.podManagementPolicy ?? 'OrderedReady') !== 'OrderedReady') return;
    const ordinal = Number(m[2]);
    const ns = set.metadata.namespace ?? 'default';
    for (let i = 0; i < ordinal; i++) {
      const name = `${set.metadata.name}-${i}`;
      const p = state.get<Pod>(R.pods, ns, name);
      if (!p || controllerRef(p)?.uid !== set.metadata.uid) report(`${me} was created while its predecessor "${name}" did not exist (OrderedReady)`, at);
      else if (!everReady.has(`${ns}/${name}`)) report(`${me} was created while its predecessor "${name}" had never been Running and Ready (OrderedReady)`, at);
    }
  };

  const manual = (j: Job) => j.metadata.annotations?.['cronjob.kubernetes.io/instantiate'] === 'manual';
  const checkCronJob = (state: View, job: Stored<Job>, at: number | undefined) => {
    const ref = controllerRef(job);
    if (ref?.kind !== 'CronJob') return;
    const ns = job.metadata.namespace ?? 'default';
    const cj = state.get<CronJob>(R.cronJobs, ns, ref.name);
    const policy = cj?.spec.concurrencyPolicy ?? 'Allow';
    if (cj?.metadata.uid !== ref.uid || policy === 'Allow') return;
    if (manual(job)) return;
    const running = state.list<Job>(R.jobs, ns).filter((j) => controllerRef(j)?.uid === cj.metadata.uid && !manual(j) && !j.metadata.deletionTimestamp && !hasCondition(j, ENDED));
    if (running.length > 1) report(`cronjob "${ns}/${cj.metadata.name}" (concurrencyPolicy ${policy}) runs ${running.length} jobs at once (${running.map((j) => j.metadata.name).join(', ')})`, at);
  };

  const checkJobEnd = (state: View, job: Stored<Job>, prev: Stored<Job> | undefined, at: number | undefined) => {
    if (!hasCondition(job, ENDED) || (prev && hasCondition(prev, ENDED))) return;
    const active = podsOf(state, job.metadata.namespace ?? 'default', job.metadata.uid).filter(live);
    if (active.length) report(`job "${job.metadata.namespace}/${job.metadata.name}" was marked ${hasCondition(job, ['Complete']) ? 'Complete' : 'Failed'} while its pods ${active.map((p) => p.metadata.name).join(', ')} were still active`, at);
  };

  return {
    onEvent(e: StoreEvent, state: View) {
      if (e.key.startsWith(JOBS)) {
        if (ctx.watchesPerturbed || e.type === 'DELETED') return;
        checkJobEnd(state, e.object as Stored<Job>, e.prev as Stored<Job> | undefined, ctx.timeOf(e.revision));
        if (e.type === 'ADDED') checkCronJob(state, e.object as Stored<Job>, ctx.timeOf(e.revision));
        return;
      }
      if (!e.key.startsWith(PODS)) return;
      const pod = e.object as Stored<Pod>;
      if (e.type !== 'DELETED' && isPodReady(pod) && pod.status?.phase === 'Running') everReady.add(key(pod));
      if (e.type === 'DELETED') everReady.delete(key(pod));
      if (ctx.watchesPerturbed || e.type === 'DELETED' || !live(pod)) return;
      const ref = controllerRef(pod);
      if (!ref) return;
      const at = ctx.timeOf(e.revision);
      const ns = pod.metadata.namespace ?? 'default';
      if (ref.kind === 'Job') {
        const job = state.get<Job>(R.jobs, ns, ref.name);
        if (job?.metadata.uid !== ref.uid) return;
        checkJob(state, job, at);
        if (e.type === 'ADDED' && hasCondition(job, ENDING)) {
          const why = (job.status?.conditions ?? []).filter((c) => ENDING.includes(c.type) && c.status === 'True').map((c) => c.type).join(', ');
          report(`job "${ns}/${job.metadata.name}" created pod "${pod.metadata.name}" after it had ended (${why})`, at);
        }
      } else if (ref.kind === 'DaemonSet') {
        const ds = state.get<DaemonSet>(R.daemonSets, ns, ref.name);
        if (ds?.metadata.uid === ref.uid && pod.spec.nodeName && (e.type === 'ADDED' || !(e.prev as Pod).spec.nodeName)) checkDaemonSet(state, ds, pod.spec.nodeName, at);
      } else if (ref.kind === 'StatefulSet') {
        const set = state.get<StatefulSet>(R.statefulSets, ns, ref.name);
        if (set?.metadata.uid === ref.uid && (e.type === 'ADDED' || pod.spec.hostname !== (e.prev as Pod).spec.hostname)) checkStatefulPod(state, set, pod, e.type === 'ADDED', at);
      }
    },
  };
}

export const workloadBounds: Invariant = {
  name: 'workload-bounds',
  summary: 'jobs stay within parallelism, cron jobs that forbid or replace run one job at a time, daemon sets run one pod per node, stateful sets keep their identities and order',
  promise:
    'parallelism is the maximum number of pods a Job runs at any given time; a CronJob with concurrencyPolicy Forbid does not allow concurrent runs, and Replace replaces the running job; a DaemonSet runs one pod per eligible node (an old and a new one while surging); ' +
    'a StatefulSet pod keeps the identity of its ordinal, and with OrderedReady pod management is created only once all its predecessors are Running and Ready.',
  references: [
    'https://kubernetes.io/docs/concepts/workloads/controllers/job/#controlling-parallelism',
    'https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy',
    'https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/',
    'https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/ (maxSurge)',
    'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#deployment-and-scaling-guarantees',
  ],
  kind: 'safety',
  monitor,
};
