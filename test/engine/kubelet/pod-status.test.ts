/**
 * The pod phase and the kubelet's pod conditions, pinned against upstream's
 * kubelet_pods_test.go (TestPodPhaseWithRestart*) and status/generate_test.go.
 */
import { describe, it, expect } from 'vitest';
import type { ContainerStatus, PodSpec } from '../../../src/engine/api/types.ts';
import { containersReadyCondition, getPhase, initializedCondition, podConditions, readyCondition } from '../../../src/engine/kubelet/pod-status.ts';

const running = (name: string, more: Partial<ContainerStatus> = {}): ContainerStatus => ({ name, image: '', imageID: '', ready: true, restartCount: 0, started: true, state: { running: {} }, ...more });
const succeeded = (name: string): ContainerStatus => ({ name, image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: 0 } } });
const failed = (name: string): ContainerStatus => ({ name, image: '', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: -1 } } });
const waiting = (name: string): ContainerStatus => ({ name, image: '', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } });
const crashLoop = (name: string): ContainerStatus => ({
  name, image: '', imageID: '', ready: false, restartCount: 1,
  state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 42 } },
});
const spec = (restartPolicy: PodSpec['restartPolicy'], extra: Partial<PodSpec> = {}): PodSpec => ({ containers: [{ name: 'containerA' }, { name: 'containerB' }], restartPolicy, ...extra });

describe('getPhase', () => {
  it.each([
    ['Always', [], 'Pending', 'waiting'],
    ['Always', [running('containerA'), running('containerB')], 'Running', 'all running'],
    ['Always', [succeeded('containerA'), succeeded('containerB')], 'Running', 'all stopped'],
    ['Always', [running('containerA'), succeeded('containerB')], 'Running', 'mixed state #1'],
    ['Always', [running('containerA')], 'Pending', 'mixed state #2: one unknown'],
    ['Always', [running('containerA'), waiting('containerB')], 'Pending', 'mixed state #3: one waiting'],
    ['Always', [running('containerA'), crashLoop('containerB')], 'Running', 'backoff crashloop container'],
    ['Never', [running('containerA'), running('containerB')], 'Running', 'all running'],
    ['Never', [succeeded('containerA'), succeeded('containerB')], 'Succeeded', 'all succeeded'],
    ['Never', [failed('containerA'), failed('containerB')], 'Failed', 'all failed'],
    ['Never', [running('containerA'), succeeded('containerB')], 'Running', 'mixed state #1'],
    ['Never', [running('containerA')], 'Pending', 'mixed state #2'],
    ['Never', [running('containerA'), waiting('containerB')], 'Pending', 'mixed state #3'],
    ['OnFailure', [succeeded('containerA'), succeeded('containerB')], 'Succeeded', 'all succeeded'],
    ['OnFailure', [failed('containerA'), failed('containerB')], 'Running', 'all failed'],
    ['OnFailure', [running('containerA'), succeeded('containerB')], 'Running', 'mixed state #1'],
    ['OnFailure', [running('containerA')], 'Pending', 'mixed state #2'],
    ['OnFailure', [running('containerA'), crashLoop('containerB')], 'Running', 'backoff crashloop container'],
  ] as Array<[PodSpec['restartPolicy'], ContainerStatus[], string, string]>)('restartPolicy %s, %j -> %s (%s)', (policy, statuses, phase) => {
    expect(getPhase(spec(policy), statuses, false)).toBe(phase);
  });

  const withInit = (policy: PodSpec['restartPolicy']) => spec(policy, { initContainers: [{ name: 'containerX' }] });
  it.each([
    ['Always', [running('containerX'), waiting('containerA'), waiting('containerB')], 'Pending', 'init container running'],
    ['Always', [failed('containerX'), waiting('containerA'), waiting('containerB')], 'Pending', 'init container terminated non-zero'],
    ['Always', [crashLoop('containerX'), waiting('containerA'), waiting('containerB')], 'Pending', 'init container waiting, terminated non-zero'],
    ['Always', [succeeded('containerX'), running('containerA'), running('containerB')], 'Running', 'init container succeeded'],
    ['Never', [failed('containerX'), waiting('containerA'), waiting('containerB')], 'Failed', 'init container terminated non-zero'],
    ['Never', [crashLoop('containerX'), waiting('containerA'), waiting('containerB')], 'Failed', 'init container waiting, terminated non-zero'],
  ] as Array<[PodSpec['restartPolicy'], ContainerStatus[], string, string]>)('with an init container, restartPolicy %s, %j -> %s (%s)', (policy, statuses, phase) => {
    expect(getPhase(withInit(policy), statuses, false)).toBe(phase);
  });

  const withSidecar = spec('Always', { initContainers: [{ name: 'sidecar', restartPolicy: 'Always' }] });
  it.each([
    [[running('sidecar', { started: false }), waiting('containerA'), waiting('containerB')], 'Pending', 'sidecar not started yet'],
    [[running('sidecar'), running('containerA'), running('containerB')], 'Running', 'sidecar started'],
    [[crashLoop('sidecar'), running('containerA'), running('containerB')], 'Running', 'sidecar restarting beside running containers'],
  ] as Array<[ContainerStatus[], string, string]>)('with a sidecar, %j -> %s (%s)', (statuses, phase) => {
    expect(getPhase(withSidecar, statuses, false)).toBe(phase);
  });

  it('gives a terminal pod its final phase whatever the restart policy', () => {
    expect(getPhase(spec('Always'), [succeeded('containerA'), succeeded('containerB')], true)).toBe('Succeeded');
    expect(getPhase(spec('Always'), [succeeded('containerA'), failed('containerB')], true)).toBe('Failed');
  });
});

describe('pod conditions', () => {
  const s = spec('Always');

  it('ContainersReady and Ready name the containers that are not ready', () => {
    const statuses = [running('containerA'), running('containerB', { ready: false })];
    expect(containersReadyCondition(s, statuses, 'Running')).toEqual({ type: 'ContainersReady', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [containerB]' });
    expect(readyCondition(s, [], statuses, 'Running')).toEqual({ type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [containerB]' });
    expect(containersReadyCondition(s, [running('containerA')], 'Running').message).toBe('containers with unknown status: [containerB]');
  });

  it('a finished pod is not ready: PodCompleted or PodFailed', () => {
    expect(readyCondition(s, [], [succeeded('containerA'), succeeded('containerB')], 'Succeeded')).toEqual({ type: 'Ready', status: 'False', reason: 'PodCompleted' });
    expect(readyCondition(s, [], [failed('containerA'), failed('containerB')], 'Failed')).toEqual({ type: 'Ready', status: 'False', reason: 'PodFailed' });
  });

  it('readiness gates hold Ready back', () => {
    const gated = { ...s, readinessGates: [{ conditionType: 'example.com/lb' }] };
    const statuses = [running('containerA'), running('containerB')];
    expect(readyCondition(gated, [], statuses, 'Running')).toEqual({ type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: 'corresponding condition of pod readiness gate "example.com/lb" does not exist.' });
    expect(readyCondition(gated, [{ type: 'example.com/lb', status: 'False' }], statuses, 'Running').message).toBe('the status of pod readiness gate "example.com/lb" is not "True", but False');
    expect(readyCondition(gated, [{ type: 'example.com/lb', status: 'True' }], statuses, 'Running').status).toBe('True');
  });

  it('Initialized waits for every init container, and for sidecars to start', () => {
    const init = spec('Always', { initContainers: [{ name: 'one' }, { name: 'two' }] });
    expect(initializedCondition(init, [running('one'), waiting('two'), waiting('containerA'), waiting('containerB')], 'Pending')).toEqual({
      type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [one two]',
    });
    expect(initializedCondition(init, [succeeded('one'), succeeded('two'), running('containerA'), running('containerB')], 'Running').status).toBe('True');
    expect(initializedCondition(init, [succeeded('one'), succeeded('two'), succeeded('containerA'), succeeded('containerB')], 'Succeeded')).toEqual({ type: 'Initialized', status: 'True', reason: 'PodCompleted' });
  });

  it('lists the kubelet conditions in order, keeps transition times that did not change, and carries others', () => {
    const statuses = [running('containerA'), running('containerB')];
    const previous = [
      { type: 'Ready', status: 'True', lastTransitionTime: 'then' },
      { type: 'DisruptionTarget', status: 'True', reason: 'EvictionByEvictionAPI', lastTransitionTime: 'then' },
    ];
    const out = podConditions(s, statuses, 'Running', true, previous as never, 'now');
    expect(out.map((c) => c.type)).toEqual(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled', 'DisruptionTarget']);
    expect(out.find((c) => c.type === 'Ready')!.lastTransitionTime).toBe('then');
    expect(out.find((c) => c.type === 'ContainersReady')!.lastTransitionTime).toBe('now');
  });
});
