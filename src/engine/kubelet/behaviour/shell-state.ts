/**
 * The state a simulated process tree runs in: the clock since the
 * container started, what it printed, the files it touched, and the
 * control-flow signals the shell reader throws.
 */
import type { ImageProfile, ShellFlavour } from './images.ts';

/** One line the container printed, `atMs` after it started. */
export interface LogLine {
  atMs: number;
  line: string;
  stream: 'stdout' | 'stderr';
}

/** A file the process created, changed (`content`) or removed (`content` undefined). */
export interface FileEvent {
  atMs: number;
  path: string;
  content?: string;
}

/** A span in which the shell waits on a foreground command, so a trap waits too (`toMs` may be Infinity). */
export interface Interval {
  fromMs: number;
  toMs: number;
}

/** The cycle an endless loop settles into: from `fromMs` on, every `periodMs`, the same things happen. */
export interface Cycle {
  fromMs: number;
  periodMs: number;
  /** Times relative to the start of each cycle. */
  lines: LogLine[];
  files: FileEvent[];
  blocking: Interval[];
}

/** What PID 1 does on SIGTERM. */
export type TermDisposition =
  /** It handles the signal and exits at once with this code. */
  | { kind: 'exit'; exitCode: number; lines: string[] }
  /** No handler: PID 1 ignores it, the runtime kills it when the grace period ends. */
  | { kind: 'ignore' }
  /** A shell trap runs once the foreground command ends: prints `lines`, exits after `afterMs` with `exitCode`, or carries on (exitCode undefined). */
  | { kind: 'trap'; lines: LogLine[]; afterMs: number; exitCode?: number };

/** Fixed inputs of one run. */
export interface RunInput {
  image?: ImageProfile;
  /** Shell flavour when the image is unknown. */
  defaultFlavour: ShellFlavour;
  /** Whether standard input stays open (container `stdin: true`). */
  stdinOpen: boolean;
  /** False when the pod shares one process namespace: the container's process is not PID 1. */
  pid1: boolean;
  /** Volume mount paths: programs and files under them may exist. */
  mounts: readonly string[];
  hostname: string;
  /** Epoch milliseconds of the container start, for `date`. */
  startedAt: number;
  maxLogLines: number;
  maxSteps: number;
}

/** Where a command's output goes. */
export type Sink =
  | { kind: 'log'; stream: 'stdout' | 'stderr' }
  | { kind: 'buffer'; chunks: string[] }
  | { kind: 'file'; path: string }
  | { kind: 'null' };

/** `exit N`, or the end of the script with status N. */
export class ExitSignal {
  constructor(readonly code: number) {}
}

/** `break N` / `continue N`. */
export class LoopJump {
  constructor(readonly kind: 'break' | 'continue', public levels: number) {}
}

/**
 * The process blocks here for good: a server, `sleep infinity`, an endless
 * loop, or something the reader cannot simulate (then `note` says why).
 * `term` is the disposition of whatever blocks, or `shell` when the shell
 * is still PID 1 and waits on a child.
 */
export class Blocked {
  constructor(
    readonly reason: string,
    readonly term: TermDisposition | 'shell',
    readonly note?: string,
    readonly cycle?: Cycle,
    /** True when a trap may run at once (the shell is in `wait`, not in a child). */
    readonly interruptible = false,
  ) {}
}

/** The whole process tree's clock and output. */
export class Sim {
  t = 0;
  readonly lines: LogLine[] = [];
  readonly files = new Map<string, string>();
  readonly dirs = new Set<string>(['/', '/tmp', '/etc', '/var', '/root', '/home', '/dev', '/proc']);
  readonly fileEvents: FileEvent[] = [];
  readonly blocking: Interval[] = [];
  readonly notes: string[] = [];
  private readonly partial = { stdout: '', stderr: '' };
  private partialAt = { stdout: 0, stderr: 0 };
  steps = 0;
  /** Bumped by anything whose output depends on the wall clock (`date`), which defeats cycle detection. */
  clockReads = 0;
  busy = false;

  constructor(readonly input: RunInput) {}

  /** Counts one command; throws Blocked when the run has gone on too long to follow. */
  step(): void {
    this.steps++;
    if (this.steps > this.input.maxSteps || this.lines.length >= this.input.maxLogLines) {
      const what = this.steps > this.input.maxSteps ? `${this.input.maxSteps} commands` : `${this.input.maxLogLines} log lines`;
      throw new Blocked('cap', 'shell', `simulation stopped after ${what}; the container is taken to run until stopped`);
    }
  }

  emit(sink: Sink, text: string): void {
    if (text === '') return;
    switch (sink.kind) {
      case 'null':
        return;
      case 'buffer':
        sink.chunks.push(text);
        return;
      case 'file':
        this.writeFile(sink.path, (this.files.get(sink.path) ?? '') + text);
        return;
      case 'log': {
        const s = sink.stream;
        if (this.partial[s] === '') this.partialAt[s] = this.t;
        const parts = (this.partial[s] + text).split('\n');
        this.partial[s] = parts.pop()!;
        for (const line of parts) {
          this.lines.push({ atMs: this.partialAt[s], line, stream: s });
          this.partialAt[s] = this.t;
        }
      }
    }
  }

  /** Prints what is left of unterminated lines (`echo -n`), as a runtime shows them when the process ends. */
  flush(): void {
    for (const s of ['stdout', 'stderr'] as const) {
      if (this.partial[s] !== '') this.lines.push({ atMs: this.partialAt[s], line: this.partial[s], stream: s });
      this.partial[s] = '';
    }
  }

  writeFile(path: string, content: string): void {
    this.files.set(path, content);
    this.fileEvents.push({ atMs: this.t, path, content });
  }

  removeFile(path: string): boolean {
    if (!this.files.delete(path)) return false;
    this.fileEvents.push({ atMs: this.t, path });
    return true;
  }

  /** A key that is equal when two moments would behave the same from then on. */
  stateKey(): string {
    return JSON.stringify([[...this.files], [...this.dirs], this.partial]);
  }

  /** True when the path lies under a volume mount, where anything may exist. */
  mounted(path: string): boolean {
    return this.input.mounts.some((m) => path === m || path.startsWith(m.endsWith('/') ? m : `${m}/`));
  }
}
