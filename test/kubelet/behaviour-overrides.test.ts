import { describe, it, expect } from 'vitest';
import type { Container } from '../../src/engine/api/types.ts';
import { BehaviourError, containerBehaviour, logsUntil, type ContainerBehaviour } from '../../src/engine/kubelet/behaviour.ts';
import { expandReferences } from '../../src/engine/kubelet/behaviour/env.ts';

const SERVER: Partial<Container> = { image: 'nginx:1.27' };
const SCRIPT: Partial<Container> = { image: 'busybox', command: ['sh', '-c', 'echo start; sleep 100; exit 3'] };

function behave(container: Partial<Container>, annotations: Record<string, string>, name = 'app'): ContainerBehaviour {
  return containerBehaviour(
    {
      metadata: { name: 'web', namespace: 'shop', annotations },
      spec: { containers: [{ name: 'app', image: 'busybox', ...container }, { name: 'sidecar', image: 'busybox', command: ['sleep', 'infinity'] }] },
    },
    name,
  );
}

describe('kubecuke.io annotations', () => {
  it.each([
    ['exit-after makes a server exit cleanly', SERVER, { 'kubecuke.io/exit-after': '30s' }, 30_000, 0],
    ['exit-after with exit-code', SERVER, { 'kubecuke.io/exit-after': '1m30s', 'kubecuke.io/exit-code': '1' }, 90_000, 1],
    ['exit-after cuts a command short', SCRIPT, { 'kubecuke.io/exit-after': '10s' }, 10_000, 0],
    ['exit-after later than the command keeps its code', SCRIPT, { 'kubecuke.io/exit-after': '5m' }, 300_000, 3],
    ['exit-code replaces the code of a command that exits', SCRIPT, { 'kubecuke.io/exit-code': '42' }, 100_000, 42],
    ['a per-container key wins over the pod-wide one', SERVER, { 'kubecuke.io/exit-after': '10s', 'kubecuke.io/app.exit-after': '20s' }, 20_000, 0],
    ['keys for another container do not apply', SERVER, { 'kubecuke.io/sidecar.exit-after': '20s' }, undefined, 0],
  ] as const)('%s', (_what, container, annotations, exitAfterMs, exitCode) => {
    const b = behave(container, annotations);
    expect([b.exitAfterMs, b.exitCode, b.problems]).toEqual([exitAfterMs, exitCode, []]);
  });

  it('per-container keys reach the container they name', () => {
    const b = behave(SERVER, { 'kubecuke.io/sidecar.exit-code': '2', 'kubecuke.io/sidecar.exit-after': '5s' }, 'sidecar');
    expect([b.exitAfterMs, b.exitCode]).toEqual([5000, 2]);
  });

  it.each([
    ['ready-after', '10s', 'readyAfterMs', 10_000],
    ['hang-after', '1m', 'hangAfterMs', 60_000],
    ['cpu-usage', '250m', 'cpuUsage', '250m'],
    ['memory-usage', '300Mi', 'memoryUsage', '300Mi'],
    ['app.cpu-usage', '1', 'cpuUsage', '1'],
  ] as const)('%s: %s sets %s', (key, value, field, expected) => {
    const b = behave(SERVER, { [`kubecuke.io/${key}`]: value });
    expect(b[field]).toEqual(expected);
    expect(b.problems).toEqual([]);
  });

  it('stops the log where exit-after ends the process', () => {
    const b = behave({ command: ['sh', '-c', 'while true; do echo tick; sleep 1; done'] }, { 'kubecuke.io/exit-after': '2500ms' });
    expect(logsUntil(b, 100_000).map((l) => l.atMs)).toEqual([0, 1000, 2000]);
  });

  it.each([
    [{ 'kubecuke.io/exit-after': 'soon' }, 'annotation kubecuke.io/exit-after on pod shop/web: "soon" is not a duration such as "30s", "1m30s" or "2h" (time: invalid duration "soon"); the annotation is ignored'],
    [{ 'kubecuke.io/ready-after': '10' }, 'annotation kubecuke.io/ready-after on pod shop/web: "10" is not a duration such as "30s", "1m30s" or "2h" (time: missing unit in duration "10"); the annotation is ignored'],
    [{ 'kubecuke.io/hang-after': '-5s' }, 'annotation kubecuke.io/hang-after on pod shop/web: "-5s" is negative; the annotation is ignored'],
    [{ 'kubecuke.io/exit-code': 'one' }, 'annotation kubecuke.io/exit-code on pod shop/web: "one" is not an exit code (a whole number from 0 to 255); the annotation is ignored'],
    [{ 'kubecuke.io/app.exit-code': '256' }, 'annotation kubecuke.io/app.exit-code on pod shop/web: "256" is not an exit code (a whole number from 0 to 255); the annotation is ignored'],
    [{ 'kubecuke.io/cpu-usage': 'lots' }, 'annotation kubecuke.io/cpu-usage on pod shop/web: "lots" is not a quantity such as "250m" or "1"; the annotation is ignored'],
    [{ 'kubecuke.io/memory-usage': '300MB' }, 'annotation kubecuke.io/memory-usage on pod shop/web: "300MB" is not a quantity such as "300Mi" or "1Gi"; the annotation is ignored'],
    [{ 'kubecuke.io/exit-afer': '30s' }, 'annotation kubecuke.io/exit-afer on pod shop/web is not known; did you mean kubecuke.io/exit-after?'],
    [{ 'kubecuke.io/db.exit-code': '1' }, 'annotation kubecuke.io/db.exit-code on pod shop/web names container "db", which the pod does not have (it has "app", "sidecar")'],
    [{ 'kubecuke.io/exit-code': '1' }, 'annotation kubecuke.io/exit-code on pod shop/web has no effect: the container runs until stopped; add kubecuke.io/exit-after to make it exit'],
  ])('reports %j clearly instead of throwing', (annotations, problem) => {
    const b = behave(SERVER, annotations);
    expect(b.problems).toEqual([problem]);
    expect(b.exitAfterMs).toBeUndefined();
  });

  it('reports a pod-wide problem once per pod, not once per container', () => {
    const annotations = { 'kubecuke.io/exit-after': 'soon' };
    expect(behave(SERVER, annotations, 'app').problems).toHaveLength(1);
    expect(behave(SERVER, annotations, 'sidecar').problems).toHaveLength(0);
  });

  it('leaves other kubecuke.io annotations alone', () => {
    expect(behave(SERVER, { 'kubecuke.io/owner': 'team-a', 'example.com/exit-after': 'soon' }).problems).toEqual([]);
  });

  it('throws only for a container the pod does not have', () => {
    expect(() => behave(SERVER, {}, 'nope')).toThrow(BehaviourError);
    expect(() => behave(SERVER, {}, 'nope')).toThrow('pod shop/web has no container named "nope"');
  });
});

describe('Kubernetes $(VAR) expansion', () => {
  const vars: Record<string, string> = { A: 'x', EMPTY: '' };
  it.each([
    ['$(A)', 'x'],
    ['pre-$(A)-post', 'pre-x-post'],
    ['$(EMPTY)', ''],
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'],
    ['$$', '$'],
    ['$A', '$A'],
    ['$(A', '$(A'],
    ['a$', 'a$'],
    ['$(A)$(A)', 'xx'],
    ['$$$(A)', '$x'],
  ])('%j expands to %j', (input, output) => {
    expect(expandReferences(input, (n) => vars[n])).toBe(output);
  });
});

describe('determinism', () => {
  it('gives the same behaviour for the same inputs', () => {
    const container = { command: ['sh', '-c', 'date; while true; do echo "$(date +%s)"; sleep 7; done'] };
    const a = behave(container, {});
    const b = behave(container, {});
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
