import { describe, it, expect } from 'vitest';
import { podRow, podStatusReason } from '../../src/kubectl/printers/tables/pods.ts';
import { renderTable } from '../../src/kubectl/printers/table.ts';
import { tableFor } from '../../src/kubectl/printers/tables/index.ts';

const NOW = Date.UTC(2025, 0, 1, 1, 0, 0);
const CREATED = '2025-01-01T00:55:00Z';

type Loose = Record<string, any>;

function pod(status: Loose, spec: Loose = {}, meta: Loose = {}): Loose {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-0', namespace: 'default', creationTimestamp: CREATED, ...meta },
    spec: { containers: [{ name: 'web', image: 'nginx' }], ...spec },
    status,
  };
}

const running = (ready = true, restartCount = 0) => ({ name: 'web', ready, restartCount, state: { running: { startedAt: CREATED } } });
const waiting = (reason: string, restartCount = 0) => ({ name: 'web', ready: false, restartCount, state: { waiting: { reason } } });
const terminated = (reason: string, exitCode: number, extra: Loose = {}) => ({ name: 'web', ready: false, restartCount: 0, state: { terminated: { reason, exitCode, ...extra } } });

describe('pod STATUS column (printPod)', () => {
  it.each([
    ['Pending without statuses', pod({ phase: 'Pending' }), 'Pending'],
    ['Running and ready', pod({ phase: 'Running', containerStatuses: [running()] }), 'Running'],
    ['ContainerCreating', pod({ phase: 'Pending', containerStatuses: [waiting('ContainerCreating')] }), 'ContainerCreating'],
    ['CrashLoopBackOff', pod({ phase: 'Running', containerStatuses: [waiting('CrashLoopBackOff', 3)] }), 'CrashLoopBackOff'],
    ['ErrImagePull', pod({ phase: 'Pending', containerStatuses: [waiting('ErrImagePull')] }), 'ErrImagePull'],
    ['Completed', pod({ phase: 'Succeeded', containerStatuses: [terminated('Completed', 0)] }), 'Completed'],
    ['Error', pod({ phase: 'Failed', containerStatuses: [terminated('Error', 1)] }), 'Error'],
    ['exit code without reason', pod({ phase: 'Failed', containerStatuses: [terminated('', 2)] }), 'ExitCode:2'],
    ['signal without reason', pod({ phase: 'Failed', containerStatuses: [terminated('', 137, { signal: 9 })] }), 'Signal:9'],
    ['pod reason wins over phase', pod({ phase: 'Failed', reason: 'Evicted' }), 'Evicted'],
    ['SchedulingGated', pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }), 'SchedulingGated'],
    ['Terminating', pod({ phase: 'Running', containerStatuses: [running()] }, {}, { deletionTimestamp: '2025-01-01T00:59:00Z' }), 'Terminating'],
    ['NodeLost while deleting is Unknown', pod({ phase: 'Running', reason: 'NodeLost' }, {}, { deletionTimestamp: '2025-01-01T00:59:00Z' }), 'Unknown'],
    ['a finished pod being deleted keeps its reason', pod({ phase: 'Succeeded', containerStatuses: [terminated('Completed', 0)] }, {}, { deletionTimestamp: '2025-01-01T00:59:00Z' }), 'Completed'],
  ])('%s', (_name, p, status) => {
    expect(podStatusReason(p)).toBe(status);
  });

  const withInit = (initStatus: Loose, inits = 1) =>
    pod(
      { phase: 'Pending', initContainerStatuses: [{ name: 'init', restartCount: 0, ...initStatus }], containerStatuses: [waiting('PodInitializing')] },
      { initContainers: Array.from({ length: inits }, (_, i) => ({ name: i === 0 ? 'init' : `init${i}`, image: 'busybox' })) },
    );

  it.each([
    ['running init container', withInit({ state: { running: {} } }, 2), 'Init:0/2'],
    ['init container waiting', withInit({ state: { waiting: { reason: 'CrashLoopBackOff' } } }), 'Init:CrashLoopBackOff'],
    ['init container PodInitializing', withInit({ state: { waiting: { reason: 'PodInitializing' } } }), 'Init:0/1'],
    ['init container failed', withInit({ state: { terminated: { reason: 'Error', exitCode: 1 } } }), 'Init:Error'],
    ['init container failed without reason', withInit({ state: { terminated: { exitCode: 3 } } }), 'Init:ExitCode:3'],
  ])('%s', (_name, p, status) => {
    expect(podStatusReason(p)).toBe(status);
  });

  it('reports a completed container next to a running one as Running or NotReady', () => {
    const two = (ready: boolean) =>
      pod(
        { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: [{ ...running(), name: 'a' }, { ...terminated('Completed', 0), name: 'b' }] },
        { containers: [{ name: 'a' }, { name: 'b' }] },
      );
    expect(podStatusReason(two(true))).toBe('Running');
    expect(podStatusReason(two(false))).toBe('NotReady');
  });
});

describe('pod rows', () => {
  it('counts ready containers, restarts with the last restart age, and sidecars', () => {
    const p = pod(
      {
        phase: 'Running',
        podIPs: [{ ip: '10.244.0.5' }],
        initContainerStatuses: [{ name: 'proxy', ready: true, started: true, restartCount: 1, state: { running: {} } }],
        containerStatuses: [{ ...running(true, 2), lastState: { terminated: { exitCode: 1, finishedAt: '2025-01-01T00:58:00Z' } } }],
      },
      { nodeName: 'node-1', initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] },
    );
    expect(podRow(p, NOW).cells).toEqual(['web-0', '2/2', 'Running', '3 (2m ago)', '5m', '10.244.0.5', 'node-1', '<none>', '<none>']);
  });

  it('prints the table as kubectl get pods does, wide or not', () => {
    const a = pod({ phase: 'Running', containerStatuses: [running()], podIPs: [{ ip: '10.244.1.7' }] }, { nodeName: 'node-2' });
    const b = pod({ phase: 'Pending' }, { readinessGates: [{ conditionType: 'example.com/gate' }] }, { name: 'api-5d8f7c9b4-x2kqz' });
    const table = tableFor('Pod', [a, b] as never, { now: NOW });
    expect(renderTable(table)).toBe(
      'NAME                  READY   STATUS    RESTARTS   AGE\n' + //
        'web-0                 1/1     Running   0          5m\n' +
        'api-5d8f7c9b4-x2kqz   0/1     Pending   0          5m\n',
    );
    const wide = tableFor('Pod', [a, b] as never, { now: NOW, wide: true });
    expect(renderTable(wide, { wide: true })).toBe(
      'NAME                  READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n' +
        'web-0                 1/1     Running   0          5m    10.244.1.7   node-2   <none>           <none>\n' +
        'api-5d8f7c9b4-x2kqz   0/1     Pending   0          5m    <none>       <none>   <none>           0/1\n',
    );
  });
});
