/**
 * The pod status the kubelet reports, as pure functions of the pod spec and
 * its container statuses: the phase (pkg/kubelet/kubelet_pods.go getPhase)
 * and the kubelet-owned conditions (pkg/kubelet/status/generate.go), in the
 * order generateAPIPodStatus lists them. Kubernetes 1.33 semantics, with
 * sidecar containers.
 */
import type { ContainerStatus, PodCondition, PodSpec } from '../api/types.ts';

export type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

const isRestartable = (c: { restartPolicy?: string }) => c.restartPolicy === 'Always';
const find = (statuses: readonly ContainerStatus[], name: string) => statuses.find((s) => s.name === name);

/**
 * getPhase. `statuses` holds init and regular container statuses together;
 * `podIsTerminal` is set once the kubelet decided the pod is finished
 * (deleted, evicted, or done with restartPolicy Never/OnFailure).
 */
export function getPhase(spec: Pick<PodSpec, 'initContainers' | 'containers' | 'restartPolicy'>, statuses: readonly ContainerStatus[], podIsTerminal: boolean): Phase {
  let pendingRegularInit = 0;
  let pendingRestartableInit = 0;
  let failedInitialization = 0;
  for (const c of spec.initContainers ?? []) {
    if (isRestartable(c)) continue;
    const s = find(statuses, c.name);
    if (!s) pendingRegularInit++;
    else if (s.state?.running) pendingRegularInit++;
    else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else pendingRegularInit++;
    } else pendingRegularInit++;
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of spec.initContainers ?? []) {
    if (!isRestartable(c)) continue;
    const s = find(statuses, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state?.running) {
      if (!s.started) pendingRestartableInit++;
      running++;
    } else if (s.state?.terminated) {
      // Terminated sidecars do not count towards the phase.
    } else if (s.state?.waiting) {
      if (!s.lastState?.terminated) {
        pendingRestartableInit++;
        waiting++;
      }
    } else {
      pendingRestartableInit++;
      unknown++;
    }
  }
  for (const c of spec.containers ?? []) {
    const s = find(statuses, c.name);
    if (!s) {
      unknown++;
      continue;
    }
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  const policy = spec.restartPolicy ?? 'Always';
  if (failedInitialization > 0 && policy === 'Never') return 'Failed';
  // Pending sidecars hold the pod back only until some regular container has started.
  if (pendingRegularInit > 0 || (pendingRestartableInit > 0 && !hasAnyRegularContainerStarted(spec, statuses))) return 'Pending';
  if (waiting > 0) return 'Pending';
  if (running > 0 && unknown === 0) return 'Running';
  if (running === 0 && stopped > 0 && unknown === 0) {
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** A condition as generate.go builds it, before lastTransitionTime is stamped. */
export interface ConditionValue {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

const list = (names: string[]) => `[${names.join(' ')}]`;

function hasAnyRegularContainerStarted(spec: Pick<PodSpec, 'containers'>, statuses: readonly ContainerStatus[]): boolean {
  const names = new Set((spec.containers ?? []).map((c) => c.name));
  return statuses.some((s) => names.has(s.name) && (s.state?.running || s.state?.terminated));
}

/** GenerateContainersReadyCondition. */
export function containersReadyCondition(spec: Pick<PodSpec, 'initContainers' | 'containers'>, statuses: readonly ContainerStatus[], phase: Phase): ConditionValue {
  const unknown: string[] = [];
  const unready: string[] = [];
  const consider = (name: string) => {
    const s = find(statuses, name);
    if (!s) unknown.push(name);
    else if (!s.ready) unready.push(name);
  };
  for (const c of spec.initContainers ?? []) if (isRestartable(c)) consider(c.name);
  for (const c of spec.containers ?? []) consider(c.name);
  if ((phase === 'Succeeded' && unknown.length === 0) || phase === 'Failed') {
    return { type: 'ContainersReady', status: 'False', reason: phase === 'Failed' ? 'PodFailed' : 'PodCompleted' };
  }
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${list(unknown)}`);
  if (unready.length) messages.push(`containers with unready status: ${list(unready)}`);
  if (messages.length) return { type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: messages.join(', ') };
  return { type: 'ContainersReady', status: 'True' };
}

/** GeneratePodReadyCondition: ContainersReady, then the readiness gates. */
export function readyCondition(
  spec: Pick<PodSpec, 'initContainers' | 'containers' | 'readinessGates'>,
  conditions: ReadonlyArray<Pick<PodCondition, 'type' | 'status'>>,
  statuses: readonly ContainerStatus[],
  phase: Phase,
): ConditionValue {
  const cr = containersReadyCondition(spec, statuses, phase);
  if (cr.status !== 'True') return { ...cr, type: 'Ready' };
  const messages: string[] = [];
  for (const g of spec.readinessGates ?? []) {
    const c = conditions.find((x) => x.type === g.conditionType);
    if (!c) messages.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
    else if (c.status !== 'True') messages.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
  }
  if (messages.length) return { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: messages.join(', ') };
  return { type: 'Ready', status: 'True' };
}

/** GeneratePodInitializedCondition. */
export function initializedCondition(spec: Pick<PodSpec, 'initContainers' | 'containers'>, statuses: readonly ContainerStatus[], phase: Phase): ConditionValue {
  const unknown: string[] = [];
  const incomplete: string[] = [];
  for (const c of spec.initContainers ?? []) {
    const s = find(statuses, c.name);
    if (!s) {
      unknown.push(c.name);
      continue;
    }
    if (isRestartable(c)) {
      if (!s.started) incomplete.push(c.name);
      continue;
    }
    if (!s.state?.terminated || s.state.terminated.exitCode !== 0) incomplete.push(c.name);
  }
  if (phase === 'Succeeded' && unknown.length === 0) return { type: 'Initialized', status: 'True', reason: 'PodCompleted' };
  if (hasAnyRegularContainerStarted(spec, statuses)) return { type: 'Initialized', status: 'True' };
  const messages: string[] = [];
  if (unknown.length) messages.push(`containers with unknown status: ${list(unknown)}`);
  if (incomplete.length) messages.push(`containers with incomplete status: ${list(incomplete)}`);
  if (messages.length) return { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: messages.join(', ') };
  return { type: 'Initialized', status: 'True' };
}

/**
 * The kubelet-owned conditions in generateAPIPodStatus's order, stamped with
 * lastTransitionTime (kept from `previous` when the status did not change).
 * Conditions the kubelet does not own (DisruptionTarget, readiness gates'
 * conditions, ...) are carried over from `previous` after them.
 */
export function podConditions(
  spec: Pick<PodSpec, 'initContainers' | 'containers' | 'readinessGates'>,
  statuses: readonly ContainerStatus[],
  phase: Phase,
  sandboxReady: boolean,
  previous: readonly PodCondition[],
  nowIso: string,
): PodCondition[] {
  const stamp = (c: ConditionValue): PodCondition => {
    const old = previous.find((x) => x.type === c.type);
    const out = { type: c.type, status: c.status, lastProbeTime: null, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : nowIso } as unknown as PodCondition;
    if (c.reason) out.reason = c.reason;
    if (c.message) out.message = c.message;
    return out;
  };
  const others = previous.filter((c) => !KUBELET_OWNED.has(c.type));
  const out = [
    stamp({ type: 'PodReadyToStartContainers', status: sandboxReady ? 'True' : 'False' }),
    stamp(initializedCondition(spec, statuses, phase)),
    stamp(readyCondition(spec, [...previous, ...others], statuses, phase)),
    stamp(containersReadyCondition(spec, statuses, phase)),
    previous.find((c) => c.type === 'PodScheduled') ?? stamp({ type: 'PodScheduled', status: 'True' }),
  ];
  return [...out, ...others];
}

const KUBELET_OWNED = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
