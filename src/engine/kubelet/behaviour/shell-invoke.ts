/**
 * How a shell is started (`sh -c script name args...`, `bash -ec ...`,
 * `sh file`, bare `sh` reading standard input) and how each shell words
 * its syntax errors.
 */
import type { Shell } from './shell-run.ts';
import { Blocked, ExitSignal } from './shell-state.ts';
import type { ShellSyntaxError } from './shell-syntax.ts';

const SHELLS = new Set(['sh', 'bash', 'ash', 'dash']);

/** True when argv0 names a POSIX shell (`sh`, `/bin/bash`, ...). */
export function isShell(argv0: string): boolean {
  return SHELLS.has(argv0.slice(argv0.lastIndexOf('/') + 1));
}

/** Runs `sh [options] [-c script [name [args...]] | file]` in `shell`; returns its exit status. */
export function runShellArgs(shell: Shell, argv: string[], display: string): number {
  let i = 1;
  let script: string | undefined;
  let cmdMode = false;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' || a === '-') { i++; break; }
    if (!/^[-+]/.test(a)) break;
    if (a === '-o' || a === '+o') {
      if (argv[i + 1] === 'errexit') shell.errexit = a === '-o';
      i++;
      continue;
    }
    if (a.startsWith('--')) continue;
    if (a.startsWith('-')) {
      if (a.includes('c')) cmdMode = true;
      if (a.includes('e')) shell.errexit = true;
    }
  }
  shell.arg0 = argv[0];
  if (cmdMode) {
    if (i >= argv.length) {
      shell.sim.emit(shell.err, `${argv[0]}: -c: option requires an argument\n`);
      return 2;
    }
    script = argv[i++];
    if (i < argv.length) shell.arg0 = argv[i++];
    shell.positionalArgs = argv.slice(i);
  } else if (i < argv.length) {
    throw new Blocked('script', 'shell', `"${display}" runs a script file the simulation cannot read: taken to run until stopped`);
  } else {
    // A shell reading commands from standard input.
    if (shell.sim.input.stdinOpen) throw new Blocked('stdin', { kind: 'ignore' });
    return 0;
  }
  let status: number;
  try {
    shell.runScript(script);
    status = shell.status;
  } catch (e) {
    if (!(e instanceof ExitSignal)) throw e;
    status = e.code;
  }
  const onExit = shell.traps.get('EXIT');
  if (onExit) {
    shell.traps.delete('EXIT');
    shell.status = status;
    try {
      shell.runScript(onExit);
    } catch (e) {
      if (!(e instanceof ExitSignal)) throw e;
      status = e.code;
    }
  }
  return status;
}

export function syntaxMessage(sh: Shell, e: ShellSyntaxError): string {
  const token = e.token ?? '';
  if (sh.flavour === 'ash') {
    return e.kind === 'quote' ? `${sh.arg0}: syntax error: unterminated quoted string`
      : e.kind === 'eof' ? `${sh.arg0}: syntax error: unexpected end of file (expecting "${token}")`
        : `${sh.arg0}: syntax error: unexpected "${token}"`;
  }
  if (sh.flavour === 'dash') {
    return e.kind === 'quote' ? `${sh.arg0}: ${e.line}: Syntax error: Unterminated quoted string`
      : e.kind === 'eof' ? `${sh.arg0}: ${e.line}: Syntax error: end of file unexpected (expecting "${token}")`
        : `${sh.arg0}: ${e.line}: Syntax error: "${token}" unexpected`;
  }
  return e.kind === 'token' ? `${sh.arg0}: -c: line ${e.line}: syntax error near unexpected token \`${token}'`
    : `${sh.arg0}: -c: line ${e.line}: syntax error: unexpected end of file`;
}
