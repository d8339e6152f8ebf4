/**
 * Runs a parsed shell script on simulated time: the reader behind
 * `sh -c "..."` commands. Time passes only in `sleep` (and `wait` on
 * sleeping jobs); output becomes log lines stamped with the time it was
 * printed. An endless loop whose state repeats is recognised as a cycle, so
 * `while true; do echo hi; sleep 5; done` costs one iteration, not forever.
 */
import type { ShellFlavour } from './images.ts';
import { hasProgram } from './images.ts';
import { expandSingle, expandWord, ShellRuntimeError, type ExpandContext } from './shell-expand.ts';
import { parseShell, ShellSyntaxError, ShellUnsupported, type Redirect, type ShellNode } from './shell-syntax.ts';
import { Blocked, ExitSignal, LoopJump, Sim, type Sink, type TermDisposition } from './shell-state.ts';
import { runUtility, SHELL_ONLY } from './shell-utils.ts';
import { isShell, runShellArgs, syntaxMessage } from './shell-invoke.ts';

/** Iterations of one loop during which a repeating state is looked for. */
const CYCLE_SEARCH = 1000;

/** Builtins of every shell that also exist as programs. */
const BUILTINS = new Set(['echo', 'printf', 'true', 'false', 'test', '[', 'pwd', 'kill']);

/** One shell process: variables, options, traps, background jobs and where its output goes. */
export class Shell implements ExpandContext {
  vars: Map<string, string>;
  positionalArgs: string[] = [];
  status = 0;
  errexit = false;
  traps = new Map<string, string>();
  /** End times of background jobs (Infinity: never). */
  jobs: number[] = [];
  out: Sink = { kind: 'log', stream: 'stdout' };
  err: Sink = { kind: 'log', stream: 'stderr' };
  /** Nesting depth of if/while conditions and && / || left sides, where `set -e` does not apply. */
  conditions = 0;
  /** Line of the command being run, for dash's and bash's messages. */
  line = 1;
  /** True when the running simple command is the whole script: shells exec it in place of themselves. */
  execLast = false;

  constructor(
    readonly sim: Sim,
    /** `$0`: the name the shell prints in its messages. */
    public arg0: string,
    readonly flavour: ShellFlavour,
    /** `bash` spells its messages as bash; `sh` on Red Hat images is bash too. */
    vars: Map<string, string>,
  ) {
    this.vars = vars;
  }

  get(name: string): string | undefined {
    if (name === '?') return String(this.status);
    if (name === '$') return '1';
    if (name === '#') return String(this.positionalArgs.length);
    if (name === '0') return this.arg0;
    if (name === '!') return this.jobs.length ? String(this.jobs.length + 1) : undefined;
    if (name === '-') return this.errexit ? 'e' : '';
    if (/^[1-9][0-9]*$/.test(name)) return this.positionalArgs[Number(name) - 1];
    if (name === 'SECONDS') {
      this.sim.clockReads++;
      return String(Math.floor(this.sim.t / 1000));
    }
    if (name === 'RANDOM') throw new ShellUnsupported('$RANDOM');
    return this.vars.get(name);
  }

  set(name: string, value: string): void {
    this.vars.set(name, value);
  }

  positional(): readonly string[] {
    return this.positionalArgs;
  }

  substitute(script: string): string {
    const sub = this.subshell();
    const chunks: string[] = [];
    sub.out = { kind: 'buffer', chunks };
    try {
      sub.runScript(script);
    } catch (e) {
      if (!(e instanceof ExitSignal)) throw e;
      sub.status = e.code;
    }
    this.status = sub.status;
    return chunks.join('').replace(/\n+$/, '');
  }

  /** A child shell: same variables (copied), no traps, own jobs. */
  subshell(): Shell {
    const sub = new Shell(this.sim, this.arg0, this.flavour, new Map(this.vars));
    Object.assign(sub, { positionalArgs: [...this.positionalArgs], status: this.status, errexit: this.errexit, out: this.out, err: this.err, line: this.line });
    return sub;
  }

  /** Prints a shell error in the words of this shell: `sh: x: not found`, `sh: 1: x: not found`, `bash: line 1: x: ...`. */
  error(message: string): void {
    const where = this.flavour === 'dash' ? `${this.arg0}: ${this.line}: ` : this.flavour === 'bash' ? `${this.arg0}: line ${this.line}: ` : `${this.arg0}: `;
    this.sim.emit(this.err, `${where}${message}\n`);
  }

  /** Parses and runs a script; syntax errors end the shell with status 2, as real shells do. */
  runScript(script: string): void {
    let tree: ShellNode;
    try {
      tree = parseShell(script);
    } catch (e) {
      if (e instanceof ShellSyntaxError) {
        this.line = e.line;
        this.sim.emit(this.err, `${syntaxMessage(this, e)}\n`);
        throw new ExitSignal(2);
      }
      throw e;
    }
    this.execLast = tree.type === 'simple';
    this.run(tree);
  }

  run(node: ShellNode): void {
    switch (node.type) {
      case 'simple':
        this.line = node.line;
        this.runSimple(node);
        this.checkErrexit();
        return;
      case 'list':
        for (const item of node.items) {
          if (item.background) this.runBackground(item.node);
          else this.run(item.node);
        }
        return;
      case 'andor': {
        this.conditions++;
        try {
          this.run(node.first);
        } finally {
          this.conditions--;
        }
        node.rest.forEach(({ op, node: next }, n) => {
          if ((op === '&&') !== (this.status === 0)) return;
          const last = n === node.rest.length - 1;
          if (!last) this.conditions++;
          try {
            this.run(next);
          } finally {
            if (!last) this.conditions--;
          }
        });
        return;
      }
      case 'pipeline':
        if (node.commands.length > 1) throw new ShellUnsupported('a pipeline (`|`)');
        this.conditions += node.negate ? 1 : 0;
        try {
          this.run(node.commands[0]);
        } finally {
          this.conditions -= node.negate ? 1 : 0;
        }
        if (node.negate) this.status = this.status === 0 ? 1 : 0;
        return;
      case 'group':
        return this.runGroup(node.subshell, node.body, node.redirects);
      case 'if':
        for (const clause of node.clauses) {
          this.condition(clause.cond);
          if (this.status === 0) return this.run(clause.body);
        }
        if (node.otherwise) this.run(node.otherwise);
        else this.status = 0;
        return;
      case 'for': {
        const items = node.words ? node.words.flatMap((w) => expandWord(w, this)) : [...this.positionalArgs];
        this.status = 0;
        for (const item of items) {
          this.vars.set(node.name, item);
          if (this.loopBody(node.body) === 'break') break;
        }
        return;
      }
      case 'loop':
        return this.runLoop(node.until, node.cond, node.body);
    }
  }

  private condition(cond: ShellNode): void {
    this.conditions++;
    try {
      this.run(cond);
    } finally {
      this.conditions--;
    }
  }

  private checkErrexit(): void {
    if (this.errexit && this.conditions === 0 && this.status !== 0) throw new ExitSignal(this.status);
  }

  /** Runs a loop body; returns 'break' when the loop must end. */
  private loopBody(body: ShellNode): 'break' | undefined {
    try {
      this.run(body);
    } catch (e) {
      if (!(e instanceof LoopJump)) throw e;
      if (e.levels > 1) {
        e.levels--;
        throw e;
      }
      if (e.kind === 'break') return 'break';
    }
    return undefined;
  }

  private stateKey(): string {
    // Insertion order is kept (no sort): two equal states reached by different paths only delay detection.
    return JSON.stringify([[...this.vars], this.positionalArgs, this.status, [...this.traps], this.jobs.map((j) => j - this.sim.t), this.sim.stateKey()]);
  }

  private runLoop(until: boolean, cond: ShellNode, body: ShellNode): void {
    const sim = this.sim;
    let previous: { key: string; t: number; lines: number; files: number; blocking: number; clockReads: number } | undefined;
    for (let iteration = 0; ; iteration++) {
      // Loops settle into their cycle within a few iterations; past that, keys only cost time.
      const now = { key: iteration < CYCLE_SEARCH ? this.stateKey() : '', t: sim.t, lines: sim.lines.length, files: sim.fileEvents.length, blocking: sim.blocking.length, clockReads: sim.clockReads };
      if (previous && now.key !== '' && previous.key === now.key && previous.clockReads === now.clockReads) {
        // The same state twice: every later iteration repeats the last one.
        const periodMs = now.t - previous.t;
        const rel = <T extends { atMs: number }>(x: T): T => ({ ...x, atMs: x.atMs - previous!.t });
        if (periodMs === 0) sim.busy = true;
        throw new Blocked('loop', 'shell', periodMs === 0 ? 'an endless loop that never sleeps (busy loop)' : undefined, {
          fromMs: previous.t,
          periodMs,
          lines: sim.lines.slice(previous.lines).map(rel),
          files: sim.fileEvents.slice(previous.files).map(rel),
          blocking: sim.blocking.slice(previous.blocking).map((b) => ({ fromMs: b.fromMs - previous!.t, toMs: b.toMs - previous!.t })),
        });
      }
      previous = now;
      this.condition(cond);
      if ((this.status === 0) === until) break;
      if (this.loopBody(body) === 'break') break;
    }
    this.status = 0;
  }

  private runGroup(subshell: boolean, body: ShellNode, redirects: Redirect[]): void {
    const saved = { out: this.out, err: this.err };
    this.applyRedirects(redirects);
    try {
      if (!subshell) return this.run(body);
      const sub = this.subshell();
      try {
        sub.run(body);
      } catch (e) {
        if (!(e instanceof ExitSignal)) throw e;
        sub.status = e.code;
      }
      this.status = sub.status;
    } finally {
      this.out = saved.out;
      this.err = saved.err;
    }
  }

  /** `cmd &`: runs on its own timeline; the shell goes on at once. */
  private runBackground(node: ShellNode): void {
    const sim = this.sim;
    const start = sim.t;
    const linesBefore = sim.lines.length;
    const blockingBefore = sim.blocking.length;
    const sub = this.subshell();
    sub.conditions = 1;
    let end = Infinity;
    try {
      sub.run(node);
      end = sim.t;
    } catch (e) {
      if (e instanceof ExitSignal) end = sim.t;
      else if (!(e instanceof Blocked)) throw e;
      else if (e.cycle && e.cycle.lines.length > 0) throw new ShellUnsupported('a background loop that prints');
      else if (e.note) sim.notes.push(e.note);
    }
    sim.t = start;
    // The job's sleeps do not hold up the shell's traps.
    sim.blocking.length = blockingBefore;
    // Lines of the job were stamped on its own timeline; keep the log in time order.
    if (sim.lines.length > linesBefore) sim.lines.sort((a, b) => a.atMs - b.atMs);
    this.jobs.push(end);
    this.status = 0;
  }

  applyRedirects(redirects: Redirect[]): void {
    for (const r of redirects) {
      const target = expandSingle(r.target, this);
      const fd = r.fd ?? (r.op === '<' || r.op === '<&' || r.op === '<>' ? 0 : 1);
      if (fd === 0) continue; // input comes from nowhere the simulation models
      if (r.op === '>&' && (target === '1' || target === '2')) {
        const sink = target === '1' ? this.out : this.err;
        if (fd === 1) this.out = sink;
        else this.err = sink;
        continue;
      }
      const sink = this.sinkFor(target, r.op);
      if (r.op === '&>') {
        this.out = sink;
        this.err = sink;
      } else if (fd === 1) this.out = sink;
      else if (fd === 2) this.err = sink;
    }
  }

  private sinkFor(path: string, op: string): Sink {
    if (path === '/dev/null') return { kind: 'null' };
    if (path === '/dev/stdout' || path === '/proc/1/fd/1' || path === '/proc/self/fd/1') return { kind: 'log', stream: 'stdout' };
    if (path === '/dev/stderr' || path === '/proc/1/fd/2' || path === '/proc/self/fd/2') return { kind: 'log', stream: 'stderr' };
    if (op !== '>>' || !this.sim.files.has(path)) this.sim.writeFile(path, '');
    return { kind: 'file', path };
  }

  private runSimple(node: Extract<ShellNode, { type: 'simple' }>): void {
    this.sim.step();
    const argv = node.words.flatMap((w) => expandWord(w, this));
    const saved = { out: this.out, err: this.err };
    const assigned = node.assigns.map(({ name, value }) => [name, expandSingle(value, this)] as const);
    try {
      this.applyRedirects(node.redirects);
      if (argv.length === 0) {
        for (const [name, value] of assigned) this.vars.set(name, value);
        this.status = node.words.length ? this.status : node.assigns.some((a) => a.value.some((p) => p.kind === 'cmdsub')) ? this.status : 0;
        return;
      }
      // Assignments before a command are its environment only.
      const before = assigned.map(([name]) => [name, this.vars.get(name)] as const);
      for (const [name, value] of assigned) this.vars.set(name, value);
      try {
        this.status = this.command(argv);
      } finally {
        for (const [name, value] of before) {
          if (value === undefined) this.vars.delete(name);
          else this.vars.set(name, value);
        }
      }
    } catch (e) {
      if (e instanceof ShellRuntimeError) {
        this.error(e.message);
        throw new ExitSignal(e.status);
      }
      throw e;
    } finally {
      // `exec >file` with no command redirects the shell itself from then on.
      if (!(argv.length === 1 && argv[0] === 'exec')) {
        this.out = saved.out;
        this.err = saved.err;
      }
    }
  }

  /** Runs one command by name: a simulated utility, a nested shell, or a program of the image. */
  command(argv: string[]): number {
    const name = argv[0];
    const image = this.sim.input.image;
    const builtin = SHELL_ONLY.has(name) || BUILTINS.has(name);
    const present = builtin || image === undefined || hasProgram(image, name) || (name.includes('/') && this.sim.mounted(name));
    if (!present) {
      this.error(this.flavour === 'bash' ? `${name}: ${name.includes('/') ? 'No such file or directory' : 'command not found'}` : `${name}: not found`);
      return 127;
    }
    const status = runUtility(this, argv);
    if (status !== undefined) return status;
    if (isShell(name)) {
      const sub = this.subshell();
      return runShellArgs(sub, argv, `${argv.join(' ')}`);
    }
    // A program of the image the reader cannot look into: it runs until stopped.
    const text = argv.join(' ');
    const own = image?.serverArgs?.includes(name.slice(name.lastIndexOf('/') + 1));
    const term: TermDisposition = { kind: 'exit', exitCode: 0, lines: image?.stopLines ?? [] };
    throw new Blocked('program', this.execLast ? term : 'shell', own ? undefined : `"${text}" is not simulated: taken to run until stopped`);
  }
}
