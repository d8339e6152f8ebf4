import { describe, it, expect } from 'vitest';
import type { Container } from '../../src/engine/api/types.ts';
import { containerBehaviour, execProbe, filesAt, logsUntil, sigtermOutcome, type ContainerBehaviour } from '../../src/engine/kubelet/behaviour.ts';

function behave(container: Partial<Container>, annotations?: Record<string, string>): ContainerBehaviour {
  return containerBehaviour({ metadata: { name: 'web', annotations }, spec: { containers: [{ name: 'app', image: 'busybox', ...container }] } }, 'app');
}

/** The Kubernetes documentation's liveness example (pods/probe/exec-liveness.yaml). */
const LIVENESS_EXEC = behave({ args: ['/bin/sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'] });

describe('exec probes', () => {
  it.each([
    [0, true],
    [29_999, true],
    [30_000, false],
    [600_000, false],
  ])('cat /tmp/healthy at %d ms passes: %s', (atMs, success) => {
    expect(execProbe(LIVENESS_EXEC, ['cat', '/tmp/healthy'], atMs).success).toBe(success);
  });

  it('reports what the probe printed and its exit code', () => {
    const r = execProbe(LIVENESS_EXEC, ['cat', '/tmp/healthy'], 40_000);
    expect(r).toEqual({ success: false, exitCode: 1, output: "cat: can't open '/tmp/healthy': No such file or directory" });
  });

  it.each([
    [['sh', '-c', 'test -f /tmp/healthy'], 10_000, true],
    [['sh', '-c', '[ -e /tmp/healthy ] && echo ok'], 40_000, false],
    [['ls', '/tmp/healthy'], 10_000, true],
    [['true'], 40_000, true],
    [['nosuchprobe'], 0, false],
  ])('%j at %d ms passes: %s', (command, atMs, success) => {
    expect(execProbe(LIVENESS_EXEC, command, atMs).success).toBe(success);
  });

  it('sees files inside an endless loop at the right offset of each cycle', () => {
    const b = behave({ command: ['sh', '-c', 'while true; do touch /tmp/up; sleep 10; rm /tmp/up; sleep 5; done'] });
    expect([...filesAt(b, 95_000).keys()]).toEqual(['/tmp/up']); // 6 cycles of 15 s, then 5 s into the next
    expect([...filesAt(b, 101_000).keys()]).toEqual([]);
    expect(execProbe(b, ['cat', '/tmp/up'], 995_000).success).toBe(true);
    expect(execProbe(b, ['cat', '/tmp/up'], 1_000_000).success).toBe(false);
  });

  it('takes a probe it cannot simulate to succeed, with a note', () => {
    const b = behave({ image: 'nginx' });
    const r = execProbe(b, ['curl', '-f', 'http://localhost/'], 0);
    expect(r.success).toBe(true);
    expect(r.note).toContain('curl');
  });

  it('fails a probe that never finishes', () => {
    expect(execProbe(LIVENESS_EXEC, ['sleep', 'infinity'], 0).success).toBe(false);
  });

  it('fails every probe once the process hangs', () => {
    const b = behave({ image: 'nginx' }, { 'kubecuke.io/hang-after': '1m' });
    expect(execProbe(b, ['true'], 59_999).success).toBe(true);
    expect(execProbe(b, ['true'], 60_000).success).toBe(false);
  });
});

describe('sigtermOutcome', () => {
  it('lets a server exit at once', () => {
    expect(sigtermOutcome(behave({ image: 'nginx' }), 5000)).toEqual({ exitAtMs: 5000, exitCode: 0, lines: [] });
  });

  it('prints the pause container\'s farewell', () => {
    expect(sigtermOutcome(behave({ image: 'registry.k8s.io/pause:3.9' }), 7000)).toEqual({
      exitAtMs: 7000, exitCode: 0, lines: [{ atMs: 7000, line: 'Shutting down, got signal: Terminated', stream: 'stderr' }],
    });
  });

  it('never ends a shell without a trap: it is killed when the grace period ends', () => {
    expect(sigtermOutcome(behave({ command: ['sh', '-c', 'sleep 3600'] }), 1000).exitAtMs).toBeUndefined();
    expect(sigtermOutcome(behave({ command: ['sleep', '3600'] }), 1000).exitAtMs).toBeUndefined();
  });

  it('runs a trap once the foreground sleep ends', () => {
    const b = behave({ command: ['sh', '-c', 'trap "echo bye; exit 0" TERM; while true; do sleep 10; done'] });
    expect(sigtermOutcome(b, 12_000)).toEqual({ exitAtMs: 20_000, exitCode: 0, lines: [{ atMs: 20_000, line: 'bye', stream: 'stdout' }] });
  });

  it('runs a trap at once when the shell is in wait', () => {
    const b = behave({ command: ['sh', '-c', 'trap "exit 3" TERM; sleep infinity & wait'] });
    expect(sigtermOutcome(b, 12_000)).toEqual({ exitAtMs: 12_000, exitCode: 3, lines: [] });
  });

  it('carries on after a trap that does not exit', () => {
    const b = behave({ command: ['sh', '-c', 'trap "echo ignoring" TERM; while true; do sleep 1; done'] });
    const o = sigtermOutcome(b, 500);
    expect([o.exitAtMs, o.lines.map((l) => `${l.atMs}:${l.line}`)]).toEqual([undefined, ['1000:ignoring']]);
  });
});

describe('logsUntil', () => {
  it('shows only what was printed so far', () => {
    const b = behave({ command: ['sh', '-c', 'echo a; sleep 5; echo b; sleep 5; echo c'] });
    expect(logsUntil(b, 4999).map((l) => l.line)).toEqual(['a']);
    expect(logsUntil(b, 5000).map((l) => l.line)).toEqual(['a', 'b']);
    expect(logsUntil(b, 60_000, 2).map((l) => l.line)).toEqual(['b', 'c']);
  });

  it('counts a loop iteration that takes no time as 1 ms', () => {
    const b = behave({ command: ['sh', '-c', 'while true; do echo spin; done'] });
    expect(logsUntil(b, 2)).toHaveLength(3);
  });

  it('shows nothing for a container that cannot start', () => {
    expect(logsUntil(behave({ command: ['nosuchcmd'] }), 10_000)).toEqual([]);
  });
});
