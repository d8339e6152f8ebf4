/**
 * The shell builtins and utilities the simulation runs: `sleep`, `echo`,
 * `printf`, `exit`, `exec`, `trap`, `wait`, `test`, `cat`, `tail -f`,
 * `touch`, `rm`, `date`, `env`, ... Utilities that only read or reshape
 * files (`ls`, `grep`, ...) finish at once without output; network tools
 * (`wget`, `nc`, ...) are taken to run until stopped. Both leave a note.
 */
import { ShellUnsupported, parseShell } from './shell-syntax.ts';
import { testExpression } from './shell-expand.ts';
import { Blocked, ExitSignal, LoopJump, type TermDisposition } from './shell-state.ts';
import type { Shell } from './shell-run.ts';

/** Builtins that exist only inside a shell: running one directly is "executable file not found". */
export const SHELL_ONLY = new Set([':', 'exit', 'exec', 'trap', 'wait', 'export', 'readonly', 'local', 'unset', 'set', 'shift', 'cd', 'break', 'continue', 'eval', '.', 'source', 'read', 'return', 'umask', 'ulimit', '[[']);

/** Finish at once, print nothing: their output depends on files and data the simulation does not have. */
const ONE_SHOT = new Set('ls grep egrep fgrep sed awk cut sort uniq wc head cp mv ln chmod chown chgrp id df du stat base64 md5sum sha256sum readlink realpath tr tee expr ps free sync find apk apt apt-get dnf yum microdnf rpm dpkg pip pip3 npm'.split(' '));
/** Talk to the network or serve: what they do cannot be simulated, so they run until stopped. */
const NETWORK = new Set('wget curl nc ncat netcat ping nslookup dig host telnet httpd top watch timeout nohup xargs socat openssl ssh'.split(' '));

const BIN_DIR = /^\/(usr\/(local\/)?)?s?bin\//;

/** What a blocking child does on SIGTERM: as PID 1 it ignores it; otherwise it dies with 143. */
function childTerm(sh: Shell): TermDisposition | 'shell' {
  if (!sh.execLast) return 'shell';
  return sh.sim.input.pid1 ? { kind: 'ignore' } : { kind: 'exit', exitCode: 143, lines: [] };
}

function out(sh: Shell, text: string): void {
  sh.sim.emit(sh.out, text);
}

function fail(sh: Shell, text: string, status = 1): number {
  sh.sim.emit(sh.err, `${text}\n`);
  return status;
}

const busybox = (sh: Shell) => sh.flavour === 'ash';

/** Backslash escapes of `echo -e`, dash's echo and `printf %b`; `\c` ends all output. */
function unescape(s: string): { text: string; stop: boolean } {
  let text = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\' || i + 1 >= s.length) { text += s[i]; continue; }
    const c = s[++i];
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', e: '\x1b' };
    if (c in simple) text += simple[c];
    else if (c === 'c') return { text, stop: true };
    else if (/[0-7]/.test(c)) {
      // \0NNN (echo) and \NNN (printf): up to three octal digits
      const digits = /^[0-7]{1,3}/.exec(s.slice(c === '0' ? i + 1 : i))?.[0] ?? '';
      text += String.fromCharCode(parseInt(digits || '0', 8));
      i += c === '0' ? digits.length : digits.length - 1;
    } else text += `\\${c}`;
  }
  return { text, stop: false };
}

function echo(sh: Shell, args: string[]): number {
  let newline = true;
  let escapes = sh.flavour === 'dash'; // dash's echo always reads escapes and knows only -n
  let i = 0;
  for (; i < args.length; i++) {
    const flags = /^-([neE]+)$/.exec(args[i]);
    if (!flags || (sh.flavour === 'dash' && args[i] !== '-n')) break;
    for (const f of flags[1]) {
      if (f === 'n') newline = false;
      else escapes = f === 'e';
    }
  }
  let text = args.slice(i).join(' ');
  if (escapes) {
    const u = unescape(text);
    text = u.text;
    if (u.stop) newline = false;
  }
  out(sh, newline ? `${text}\n` : text);
  return 0;
}

function printf(sh: Shell, args: string[]): number {
  if (args.length === 0) return fail(sh, 'printf: usage: printf format [arguments]', 2);
  const [format, ...rest] = args;
  let text = '';
  let n = 0;
  do {
    let consumed = false;
    const piece = format.replace(/%([-+ 0#]*)([0-9]*)(?:\.([0-9]+))?([sdiuxXocfeEgGb%])/g, (_m, flags: string, width: string, prec: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      consumed = true;
      const arg = rest[n++] ?? '';
      let v: string;
      if ('diu'.includes(conv)) v = String(Math.trunc(Number(arg) || 0));
      else if ('xXo'.includes(conv)) v = Math.trunc(Number(arg) || 0).toString(conv === 'o' ? 8 : 16);
      else if ('feEgG'.includes(conv)) v = (Number(arg) || 0).toFixed(prec === undefined ? 6 : Number(prec));
      else if (conv === 'c') v = arg.slice(0, 1);
      else if (conv === 'b') v = unescape(arg).text;
      else v = prec === undefined ? arg : arg.slice(0, Number(prec));
      if (conv === 'X') v = v.toUpperCase();
      const w = Number(width || 0);
      if (v.length < w) v = flags.includes('-') ? v.padEnd(w) : flags.includes('0') && conv !== 's' ? v.padStart(w, '0') : v.padStart(w);
      return v;
    });
    text += unescape(piece).text;
    if (!consumed) break;
  } while (n < rest.length);
  out(sh, text);
  return 0;
}

/** `sleep 5`, `sleep 1.5`, `sleep 5m`, `sleep 1m 30s`, `sleep infinity`. */
function sleep(sh: Shell, args: string[]): number {
  if (args.length === 0) return fail(sh, busybox(sh) ? 'sleep: missing operand' : "sleep: missing operand\nTry 'sleep --help' for more information.");
  let ms = 0;
  for (const a of args) {
    if (a === 'inf' || a === 'infinity') ms = Infinity;
    const m = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)([smhd]?)$/.exec(a);
    if (!m && ms !== Infinity) {
      return fail(sh, busybox(sh) ? `sleep: invalid number '${a}'` : `sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.`);
    }
    if (m) ms += Number(m[1]) * { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]]!;
  }
  const sim = sh.sim;
  sim.blocking.push({ fromMs: sim.t, toMs: sim.t + ms });
  if (ms === Infinity) throw new Blocked('sleep', childTerm(sh));
  sim.t += Math.round(ms);
  return 0;
}

/** The wall clock as `date` prints it (UTC; `+FORMAT` with the usual conversions). */
function date(sh: Shell, args: string[]): number {
  sh.sim.clockReads++;
  const d = new Date(sh.sim.input.startedAt + sh.sim.t);
  const p = (v: number, w = 2) => String(v).padStart(w, '0');
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const fmt = args.find((a) => a.startsWith('+'))?.slice(1) ?? (args.some((a) => /^(-I|--iso-8601)/.test(a)) ? '%Y-%m-%d' : '%a %b %e %H:%M:%S %Z %Y');
  const conv: Record<string, () => string> = {
    Y: () => String(d.getUTCFullYear()), y: () => p(d.getUTCFullYear() % 100), m: () => p(d.getUTCMonth() + 1), d: () => p(d.getUTCDate()),
    e: () => String(d.getUTCDate()).padStart(2, ' '), H: () => p(d.getUTCHours()), M: () => p(d.getUTCMinutes()), S: () => p(d.getUTCSeconds()),
    N: () => p(d.getUTCMilliseconds() * 1_000_000, 9), s: () => String(Math.floor(d.getTime() / 1000)), Z: () => 'UTC', z: () => '+0000',
    a: () => days[d.getUTCDay()], b: () => months[d.getUTCMonth()], F: () => `${conv.Y()}-${conv.m()}-${conv.d()}`,
    T: () => `${conv.H()}:${conv.M()}:${conv.S()}`, '%': () => '%', n: () => '\n', t: () => '\t',
  };
  out(sh, `${fmt.replace(/%([A-Za-z%])/g, (m, c: string) => conv[c]?.() ?? m)}\n`);
  return 0;
}

/** Paths that are empty in a fresh container unless the process made them (or a volume is mounted there). */
const EPHEMERAL = /^\/(tmp|run|var\/run|dev\/shm)\//;

function fileState(sh: Shell, path: string): 'file' | 'dir' | undefined | 'unknown' {
  if (sh.sim.files.has(path)) return 'file';
  if (sh.sim.dirs.has(path.replace(/\/$/, '') || '/')) return 'dir';
  if (path === '/etc/hostname' || path === '/dev/null') return 'file';
  // Elsewhere the image or a volume may hold anything: the simulation cannot tell.
  if (sh.sim.mounted(path) || !EPHEMERAL.test(path)) return 'unknown';
  return undefined;
}

function cat(sh: Shell, args: string[]): number {
  const files = args.filter((a) => !/^-./.test(a));
  if (files.length === 0 || files.includes('-')) {
    if (sh.sim.input.stdinOpen) throw new Blocked('stdin', childTerm(sh));
    if (files.length === 0) return 0;
  }
  let status = 0;
  for (const f of files) {
    if (f === '-' || f === '/dev/null') continue;
    const state = fileState(sh, f);
    if (state === 'unknown') throw new ShellUnsupported(`reading ${f}`);
    if (state === 'file') out(sh, f === '/etc/hostname' ? `${sh.sim.input.hostname}\n` : sh.sim.files.get(f) ?? '');
    else status = fail(sh, state === 'dir' ? `cat: read error: Is a directory` : busybox(sh) ? `cat: can't open '${f}': No such file or directory` : `cat: ${f}: No such file or directory`);
  }
  return status;
}

type Utility = (sh: Shell, args: string[]) => number;

const UTILITIES: Record<string, Utility> = {
  ':': () => 0,
  true: () => 0,
  false: () => 1,
  echo,
  printf,
  sleep,
  date,
  cat,
  exit: (sh, [code]) => {
    if (code === undefined) throw new ExitSignal(sh.status);
    if (!/^[0-9]+$/.test(code)) {
      sh.error(sh.flavour === 'bash' ? `exit: ${code}: numeric argument required` : `exit: Illegal number: ${code}`);
      throw new ExitSignal(2);
    }
    throw new ExitSignal(Number(code) & 255);
  },
  exec: (sh, args) => {
    if (args.length === 0) return 0;
    sh.execLast = true;
    throw new ExitSignal(sh.command(args));
  },
  trap: (sh, args) => {
    if (args.length < 2) return 0;
    const [action, ...signals] = args;
    for (const s of signals) {
      const name = ({ '0': 'EXIT', '2': 'INT', '15': 'TERM', '1': 'HUP' } as Record<string, string>)[s] ?? s.toUpperCase().replace(/^SIG/, '');
      if (action === '-') sh.traps.delete(name);
      else sh.traps.set(name, action);
    }
    return 0;
  },
  wait: (sh) => {
    const end = Math.max(sh.sim.t, ...sh.jobs);
    sh.jobs = [];
    if (end === Infinity) throw new Blocked('wait', 'shell', undefined, undefined, true);
    sh.sim.t = end;
    return 0;
  },
  export: (sh, args) => assign(sh, args),
  readonly: (sh, args) => assign(sh, args),
  local: (sh, args) => assign(sh, args),
  unset: (sh, args) => {
    for (const a of args) if (!a.startsWith('-')) sh.vars.delete(a);
    return 0;
  },
  set: (sh, args) => {
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === '--') { sh.positionalArgs = args.slice(i + 1); break; }
      if (a === '-o' || a === '+o') { if (args[i + 1] === 'errexit') sh.errexit = a === '-o'; i++; continue; }
      if (/^[-+][a-z]+$/.test(a) && a.includes('e')) sh.errexit = a.startsWith('-');
      if (!/^[-+]/.test(a)) { sh.positionalArgs = args.slice(i); break; }
    }
    return 0;
  },
  shift: (sh, [n]) => {
    sh.positionalArgs = sh.positionalArgs.slice(Number(n ?? 1));
    return 0;
  },
  cd: () => 0,
  umask: () => 0,
  ulimit: () => 0,
  pwd: (sh) => (out(sh, '/\n'), 0),
  break: (_sh, [n]) => { throw new LoopJump('break', Number(n ?? 1)); },
  continue: (_sh, [n]) => { throw new LoopJump('continue', Number(n ?? 1)); },
  test: (sh, args) => runTest(sh, args, 'test'),
  '[': (sh, args) => (args[args.length - 1] !== ']' ? fail(sh, '[: missing ]', 2) : runTest(sh, args.slice(0, -1), '[')),
  '[[': (sh, args) => (args[args.length - 1] !== ']]' ? fail(sh, '[[: missing ]]', 2) : runTest(sh, args.slice(0, -1), '[[')),
  read: (sh) => {
    if (sh.sim.input.stdinOpen) throw new Blocked('stdin', childTerm(sh));
    return 1;
  },
  eval: (sh, args) => {
    sh.run(parseShell(args.join(' ')));
    return sh.status;
  },
  '.': (sh, [file]) => source(sh, file),
  source: (sh, [file]) => source(sh, file),
  tail: (sh, args) => {
    if (args.some((a) => /^(-[a-zA-Z0-9]*[fF]|--follow)/.test(a))) {
      sh.sim.blocking.push({ fromMs: sh.sim.t, toMs: Infinity });
      throw new Blocked('tail', childTerm(sh));
    }
    throw new ShellUnsupported(`tail ${args.join(' ')}`);
  },
  touch: (sh, args) => {
    for (const f of args) if (!f.startsWith('-') && !sh.sim.files.has(f)) sh.sim.writeFile(f, '');
    return 0;
  },
  rm: (sh, args) => {
    const force = args.some((a) => /^-[a-zA-Z]*f/.test(a));
    let status = 0;
    for (const f of args.filter((a) => !a.startsWith('-'))) {
      if (sh.sim.removeFile(f) || sh.sim.dirs.delete(f) || force) continue;
      status = fail(sh, busybox(sh) ? `rm: can't remove '${f}': No such file or directory` : `rm: cannot remove '${f}': No such file or directory`);
    }
    return status;
  },
  mkdir: (sh, args) => {
    for (const d of args.filter((a) => !a.startsWith('-'))) sh.sim.dirs.add(d.replace(/\/$/, ''));
    return 0;
  },
  hostname: (sh) => (out(sh, `${sh.sim.input.hostname}\n`), 0),
  whoami: (sh) => (out(sh, 'root\n'), 0),
  uname: (sh, args) => (args.length > 0 && args[0] !== '-s' ? oneShot(sh, ['uname', ...args]) : (out(sh, 'Linux\n'), 0)),
  basename: (sh, [p = '', suffix]) => {
    let b = p.replace(/\/+$/, '').replace(/^.*\//, '') || '/';
    if (suffix && b.endsWith(suffix) && b !== suffix) b = b.slice(0, -suffix.length);
    return out(sh, `${b}\n`), 0;
  },
  dirname: (sh, [p = '']) => (out(sh, `${p.replace(/\/+$/, '').replace(/\/[^/]*$/, '') || (p.startsWith('/') ? '/' : '.')}\n`), 0),
  printenv: (sh, args) => {
    if (args.length === 0) return environment(sh);
    const values = args.map((a) => sh.vars.get(a));
    for (const v of values) if (v !== undefined) out(sh, `${v}\n`);
    return values.every((v) => v !== undefined) ? 0 : 1;
  },
  env: (sh, args) => {
    const i = args.findIndex((a) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(a) && !a.startsWith('-'));
    if (i < 0) return environment(sh);
    const sub = sh.subshell();
    sub.execLast = sh.execLast;
    for (const a of args.slice(0, i)) if (a.includes('=')) sub.vars.set(a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1));
    return sub.command(args.slice(i));
  },
  seq: (sh, args) => {
    const nums = args.map(Number);
    if (nums.length === 0 || nums.some((x) => !Number.isFinite(x))) return fail(sh, 'seq: invalid argument');
    const [first, step, last] = nums.length === 1 ? [1, 1, nums[0]] : nums.length === 2 ? [nums[0], 1, nums[1]] : nums;
    let text = '';
    for (let v = first, n = 0; step > 0 ? v <= last : v >= last; v += step, n++) {
      if (step === 0 || n > 100_000) break;
      text += `${v}\n`;
    }
    out(sh, text);
    return 0;
  },
  kill: () => { throw new ShellUnsupported('kill'); },
  return: () => { throw new ShellUnsupported('return'); },
  yes: () => { throw new ShellUnsupported('yes'); },
};

function assign(sh: Shell, args: string[]): number {
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq > 0) sh.vars.set(a.slice(0, eq), a.slice(eq + 1));
  }
  return 0;
}

function environment(sh: Shell): number {
  out(sh, [...sh.vars].map(([k, v]) => `${k}=${v}\n`).join(''));
  return 0;
}

function runTest(sh: Shell, args: string[], name: string): number {
  const result = testExpression(args, (p) => {
    const s = fileState(sh, p);
    if (s === 'unknown') throw new ShellUnsupported(`testing ${p}`);
    return s;
  }, name);
  if (result.error) sh.error(result.error);
  return result.status;
}

function source(sh: Shell, file: string | undefined): number {
  if (file === undefined || !sh.sim.files.has(file)) throw new ShellUnsupported(`sourcing ${file ?? 'nothing'}`);
  sh.run(parseShell(sh.sim.files.get(file)!));
  return sh.status;
}

function oneShot(sh: Shell, argv: string[]): number {
  const note = `"${argv[0]}" is not simulated: taken to succeed at once without output`;
  if (!sh.sim.notes.includes(note)) sh.sim.notes.push(note);
  return 0;
}

/**
 * Runs argv[0] if it is a simulated utility (by name, or by path in a
 * standard bin directory) and returns its status; undefined when it is not.
 */
export function runUtility(sh: Shell, argv: string[]): number | undefined {
  const [argv0, ...args] = argv;
  const name = BIN_DIR.test(argv0) ? argv0.slice(argv0.lastIndexOf('/') + 1) : argv0;
  const utility = UTILITIES[name];
  if (utility) return utility(sh, args);
  if (ONE_SHOT.has(name)) return oneShot(sh, argv);
  if (NETWORK.has(name)) {
    throw new Blocked('program', sh.execLast ? { kind: 'exit', exitCode: 0, lines: [] } : 'shell', `"${argv.join(' ')}" is not simulated: taken to run until stopped`);
  }
  return undefined;
}
