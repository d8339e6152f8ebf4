import { describe, it, expect } from 'vitest';
import type { Container } from '../../src/engine/api/types.ts';
import { containerBehaviour, logsUntil, type ContainerBehaviour } from '../../src/engine/kubelet/behaviour.ts';

function behave(container: Partial<Container>, more: { shareProcessNamespace?: boolean } = {}): ContainerBehaviour {
  return containerBehaviour({ metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'busybox', ...container }], ...more } }, 'app', { startedAt: Date.UTC(2024, 5, 1) });
}

/** `sh -c script` in a busybox container. */
function sh(script: string, image = 'busybox', extra: Partial<Container> = {}): ContainerBehaviour {
  return behave({ image, command: ['sh', '-c', script], ...extra });
}

/** The log as `time:line` strings, up to a moment. */
function timed(b: ContainerBehaviour, untilMs = 10_000_000): string[] {
  return logsUntil(b, untilMs).map((l) => `${l.atMs}:${l.line}`);
}

/** Exit time, exit code and log of a behaviour, for compact tables. */
function outcome(b: ContainerBehaviour, untilMs?: number): [number | undefined, number, string[]] {
  return [b.exitAfterMs, b.exitCode, timed(b, untilMs)];
}

const FOREVER = undefined;

describe('commands that exit', () => {
  it.each([
    ['sleep 5', 5000, 0, []],
    ['sleep 1.5', 1500, 0, []],
    ['sleep 5m', 300_000, 0, []],
    ['sleep 1m 30s', 90_000, 0, []],
    ['sleep 2h', 7_200_000, 0, []],
    ['exit 3', 0, 3, []],
    ['exit 300', 0, 44, []],
    ['true', 0, 0, []],
    ['false', 0, 1, []],
    [':', 0, 0, []],
    ['echo hello world', 0, 0, ['0:hello world']],
    ['echo "a  b"  c', 0, 0, ['0:a  b c']],
    ["echo 'single $HOME'", 0, 0, ['0:single $HOME']],
    ['echo -n one; echo two', 0, 0, ['0:onetwo']],
    ['echo -n partial', 0, 0, ['0:partial']],
    ['echo start; sleep 10; echo done', 10_000, 0, ['0:start', '10000:done']],
    ['echo a && false && echo b', 0, 1, ['0:a']],
    ['false || echo recovered', 0, 0, ['0:recovered']],
    ['true && exit 4 || exit 5', 0, 4, []],
    ['sleep 2; exit 7; echo never', 2000, 7, []],
    ['for i in 1 2 3; do echo "item $i"; sleep 1; done', 3000, 0, ['0:item 1', '1000:item 2', '2000:item 3']],
    ['for i in $(seq 1 3); do echo $i; done', 0, 0, ['0:1', '0:2', '0:3']],
    ['i=0; while [ $i -lt 3 ]; do i=$((i+1)); echo $i; sleep 1; done; exit $i', 3000, 3, ['0:1', '1000:2', '2000:3']],
    ['n=0; until [ "$n" -ge 2 ]; do n=$((n+1)); done; echo $n', 0, 0, ['0:2']],
    ['if [ -f /tmp/x ]; then echo yes; else echo no; fi', 0, 0, ['0:no']],
    ['touch /tmp/x; if test -f /tmp/x; then echo yes; fi', 0, 0, ['0:yes']],
    ['printf "%s=%d\\n" a 1 b 2', 0, 0, ['0:a=1', '0:b=2']],
    ['echo hidden > /dev/null; echo shown', 0, 0, ['0:shown']],
    ['echo to-file > /tmp/f; cat /tmp/f', 0, 0, ['0:to-file']],
    ['echo err >&2', 0, 0, ['0:err']],
    ['set -e; false; echo never', 0, 1, []],
    ['set -e; false || true; echo survived', 0, 0, ['0:survived']],
    ['x=${UNSET:-fallback}; echo $x', 0, 0, ['0:fallback']],
    ['echo "$(echo inner) outer"', 0, 0, ['0:inner outer']],
    ['echo $((6 * 7))', 0, 0, ['0:42']],
    ['sleep 3 & sleep 1; echo waited; wait; echo all', 3000, 0, ['1000:waited', '3000:all']],
    ['trap "echo bye" EXIT; echo hi; exit 2', 0, 2, ['0:hi', '0:bye']],
    ['exec sleep 4', 4000, 0, []],
    ['cat', 0, 0, []],
    ['sleep abc', 0, 1, ["0:sleep: invalid number 'abc'"]],
    ['{ echo grouped; echo twice; }', 0, 0, ['0:grouped', '0:twice']],
    ['(exit 6); echo "status $?"', 0, 0, ['0:status 6']],
    ['# only a comment\necho after', 0, 0, ['0:after']],
    ['echo one\necho two', 0, 0, ['0:one', '0:two']],
  ] as const)('sh -c %j', (script, exitAfterMs, exitCode, log) => {
    expect(outcome(sh(script))).toEqual([exitAfterMs, exitCode, log]);
  });

  it('passes the words after the script as $0 and $1...', () => {
    const b = behave({ command: ['sh', '-c', 'echo "$0 got $1 and $2"', 'myname', 'x', 'y'] });
    expect(timed(b)).toEqual(['0:myname got x and y']);
  });

  it.each([
    [['/bin/sh', '-c', 'exit 9'], 9],
    [['bash', '-c', 'exit 9'], 9],
    [['/bin/bash', '-ec', 'false; exit 9'], 1],
    [['sh', '-c', 'sh -c "exit 5"; echo $?'], 0],
  ])('runs shells however they are invoked: %j', (command, code) => {
    expect(behave({ image: 'ubuntu', command }).exitCode).toBe(code);
  });

  it('uses args alone as the command in images without an entrypoint', () => {
    expect(outcome(behave({ args: ['sh', '-c', 'echo from args; exit 2'] }))).toEqual([0, 2, ['0:from args']]);
  });

  it('appends args to the command, as Kubernetes does', () => {
    expect(outcome(behave({ command: ['sh', '-c'], args: ['echo joined; exit 3'] }))).toEqual([0, 3, ['0:joined']]);
    expect(outcome(behave({ command: ['echo'], args: ['a', 'b'] }))).toEqual([0, 0, ['0:a b']]);
  });

  it.each([
    ['sleep', ['sleep', '10'], 10_000, 0],
    ['echo', ['echo', 'direct'], 0, 0],
    ['false', ['/bin/false'], 0, 1],
    ['true', ['true'], 0, 0],
  ] as const)('runs %s without a shell', (_name, command, exitAfterMs, exitCode) => {
    const b = behave({ command: [...command] });
    expect([b.exitAfterMs, b.exitCode]).toEqual([exitAfterMs, exitCode]);
  });

  it('prints the date of the simulated clock', () => {
    expect(timed(sh('date; sleep 61; date +%H:%M:%S'))).toEqual(['0:Sat Jun  1 00:00:00 UTC 2024', '61000:00:01:01']);
  });
});

describe('commands that run until stopped', () => {
  it.each([
    'sleep infinity',
    'tail -f /dev/null',
    'while true; do sleep 1; done',
    'while :; do sleep 10; done',
    'trap "exit 0" TERM; sleep infinity & wait',
    'echo ready; exec tail -f /dev/null',
  ])('sh -c %j', (script) => {
    expect(sh(script).exitAfterMs).toBe(FOREVER);
  });

  it('cat waits on stdin when it is open', () => {
    expect(sh('cat', 'busybox', { stdin: true }).exitAfterMs).toBe(FOREVER);
    expect(sh('read line; echo never', 'busybox', { stdin: true }).exitAfterMs).toBe(FOREVER);
  });

  it('repeats the lines of an endless loop every iteration, timed by its sleeps', () => {
    const b = sh('echo start; while true; do echo tick; sleep 5; echo tock; sleep 1; done');
    expect(b.cycle?.periodMs).toBe(6000);
    expect(timed(b, 13_000)).toEqual(['0:start', '0:tick', '5000:tock', '6000:tick', '11000:tock', '12000:tick']);
    // A day of ticks costs nothing to compute, and the newest lines are there.
    expect(logsUntil(b, 86_400_000, 2).map((l) => `${l.atMs}:${l.line}`)).toEqual(['86399000:tock', '86400000:tick']);
  });

  it('follows loops whose state changes until they settle into a cycle', () => {
    const b = sh('n=0; while true; do if [ $n -lt 2 ]; then n=$((n+1)); echo "warm $n"; else echo steady; fi; sleep 1; done');
    expect(timed(b, 4000)).toEqual(['0:warm 1', '1000:warm 2', '2000:steady', '3000:steady', '4000:steady']);
  });

  it('cuts short a loop that never repeats, and says so', () => {
    const b = containerBehaviour(
      { metadata: { name: 'c' }, spec: { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'i=0; while true; do echo $i; i=$((i+1)); sleep 1; done'] }] } },
      'app',
      { maxLogLines: 50 },
    );
    expect(b.exitAfterMs).toBe(FOREVER);
    expect(logsUntil(b, 1_000_000)).toHaveLength(50);
    expect(b.notes.join()).toContain('50 log lines');
  });

  it('marks a loop that never sleeps as busy', () => {
    const b = sh('while true; do :; done');
    expect([b.exitAfterMs, b.busy]).toEqual([FOREVER, true]);
  });

  it.each([
    [['python', 'app.py'], 'python:3.12'],
    [['node', 'server.js'], 'node:20'],
    [['/app/server', '--port', '8080'], 'ghcr.io/acme/server:1'],
    [['nginx', '-g', 'daemon off;'], 'nginx:1.27'],
  ])('a program of the image (%j in %s) runs until stopped', (command, image) => {
    expect(behave({ image, command }).exitAfterMs).toBe(FOREVER);
  });

  it.each([
    ['while true; do echo hi | tee -a /tmp/x; done', 'pipeline'],
    ['case $x in a) echo a;; esac', 'case statement'],
    ['f() { echo hi; }; f', 'function definition'],
    ['cat <<EOF\nhi\nEOF', 'here-document'],
    ['wget -qO- http://web', 'wget -qO- http://web'],
    ['echo before; nc -l -p 8080', 'nc -l -p 8080'],
    ['cat /etc/app/config.yaml', 'reading /etc/app/config.yaml'],
    ['until [ -f /data/ready ]; do sleep 1; done', 'testing /data/ready'],
  ])('a command the reader cannot follow runs until stopped, with a note: %j', (script, why) => {
    const b = sh(script);
    expect(b.exitAfterMs).toBe(FOREVER);
    expect(b.notes.join('\n')).toContain(why);
  });

  it('keeps what was printed before the part it cannot follow', () => {
    expect(timed(sh('echo before; sleep 2; nc -l -p 8080'))).toEqual(['0:before']);
  });
});

describe('errors a real shell reports', () => {
  it.each([
    ['busybox', 'nosuchcmd', 127, 'sh: nosuchcmd: not found'],
    ['alpine', 'echo hi; nosuchcmd --flag', 127, 'sh: nosuchcmd: not found'],
    ['ubuntu', 'nosuchcmd', 127, 'sh: 1: nosuchcmd: not found'],
    ['busybox', 'curl http://web', 127, 'sh: curl: not found'],
    ['busybox', 'while true; do echo', 2, 'sh: syntax error: unexpected end of file (expecting "done")'],
    ['busybox', 'echo "unterminated', 2, 'sh: syntax error: unterminated quoted string'],
    ['ubuntu', 'echo "unterminated', 2, 'sh: 1: Syntax error: Unterminated quoted string'],
    ['busybox', 'do echo', 2, 'sh: syntax error: unexpected "do"'],
  ])('%s: sh -c %j exits %d with %j', (image, script, code, message) => {
    const b = sh(script, image);
    expect([b.exitAfterMs, b.exitCode]).toEqual([0, code]);
    expect(logsUntil(b, 0).map((l) => l.line)).toContain(message);
  });

  it('speaks as bash when run by bash', () => {
    const b = behave({ image: 'ubuntu', command: ['bash', '-c', 'nosuchcmd'] });
    expect([b.exitCode, timed(b)]).toEqual([127, ['0:bash: line 1: nosuchcmd: command not found']]);
  });

  it('names the shell as it was invoked', () => {
    expect(timed(behave({ command: ['/bin/sh', '-c', 'nosuchcmd'] }))).toEqual(['0:/bin/sh: nosuchcmd: not found']);
  });

  it('cannot start a program the image does not have', () => {
    const b = behave({ image: 'busybox', command: ['nosuchcmd'] });
    expect([b.exitCode, b.exitAfterMs]).toEqual([128, undefined]);
    expect(b.startError).toBe('failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuchcmd": executable file not found in $PATH: unknown');
    expect(behave({ image: 'busybox', command: ['/app/server'] }).startError).toContain('exec: "/app/server": stat /app/server: no such file or directory');
    expect(behave({ image: 'alpine', command: ['bash', '-c', 'true'] }).startError).toContain('exec: "bash"');
    expect(behave({ image: 'busybox', command: ['exit', '1'] }).startError).toContain('exec: "exit"');
  });

  it('lets programs under a volume mount exist', () => {
    const b = behave({ image: 'busybox', command: ['/scripts/run.sh'], volumeMounts: [{ name: 's', mountPath: '/scripts' }] });
    expect([b.startError, b.exitAfterMs]).toEqual([undefined, FOREVER]);
  });
});

describe('environment expansion', () => {
  const env = [{ name: 'MSG', value: 'hello' }, { name: 'GREETING', value: '$(MSG) world' }];

  it.each([
    [['echo', '$(MSG)'], 'hello'],
    [['echo', '$(GREETING)'], 'hello world'],
    [['echo', '$$(MSG)'], '$(MSG)'],
    [['echo', '$(UNDEFINED)'], '$(UNDEFINED)'],
    [['echo', 'cost $5'], 'cost $5'],
    [['sh', '-c', 'echo "$MSG from $HOSTNAME"'], 'hello from web'],
    [['sh', '-c', 'echo ${MSG}!'], 'hello!'],
    [['sh', '-c', 'echo $(MSG)'], 'hello'],
  ])('%j prints %j', (command, line) => {
    expect(timed(behave({ command, env }))).toEqual([`0:${line}`]);
  });
});

describe('SIGTERM', () => {
  it.each([
    ['a shell without a trap ignores it as PID 1', ['sh', '-c', 'while true; do sleep 1; done'], 'ignore'],
    ['sleep ignores it as PID 1', ['sleep', '3600'], 'ignore'],
    ['a server exits at once', undefined, 'exit'],
    ['a shell with a trap runs it', ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'], 'trap'],
  ] as const)('%s', (_what, command, kind) => {
    const b = behave(command ? { command: [...command] } : { image: 'nginx' });
    expect(b.sigterm.kind).toBe(kind);
  });

  it('is not ignored when the pod shares its process namespace (the process is not PID 1)', () => {
    const b = behave({ command: ['sleep', '3600'] }, { shareProcessNamespace: true });
    expect(b.sigterm).toEqual({ kind: 'exit', exitCode: 143, lines: [] });
  });
});
