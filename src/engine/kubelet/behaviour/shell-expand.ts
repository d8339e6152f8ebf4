/**
 * Word expansion for the simulated shell: parameters (`$X`, `${X:-d}`,
 * `"$@"`), command substitution, arithmetic (`$((i+1))`) and field
 * splitting on blanks; plus the `test`/`[` utility. Pathname expansion
 * (globs) is not done: simulated containers have no file listings.
 */
import { tokenize, ShellUnsupported, type Word } from './shell-syntax.ts';

/** What expansion needs from the running shell. */
export interface ExpandContext {
  /** A variable or special parameter (`?`, `$`, `#`, `0`..`9`); undefined when unset. */
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  /** `$1`... */
  positional(): readonly string[];
  /** Runs a script and returns what it printed, trailing newlines removed. */
  substitute(script: string): string;
}

/** An error a real shell reports before it exits with `status` (2 for expansion errors). */
export class ShellRuntimeError extends Error {
  constructor(message: string, readonly status = 2) {
    super(message);
    this.name = 'ShellRuntimeError';
  }
}

function param(name: string, op: string | undefined, arg: string | undefined, ctx: ExpandContext): string {
  if (name === '@' || name === '*') return ctx.positional().join(' ');
  const value = ctx.get(name);
  if (op === undefined) return value ?? '';
  if (op === '#') return String((value ?? '').length);
  const colon = op.startsWith(':');
  const isSet = colon ? value !== undefined && value !== '' : value !== undefined;
  const word = () => expandString(arg ?? '', ctx);
  switch (op.slice(-1)) {
    case '-':
      return isSet ? value! : word();
    case '=': {
      if (isSet) return value!;
      const v = word();
      ctx.set(name, v);
      return v;
    }
    case '+':
      return isSet ? word() : '';
    default: // '?'
      if (isSet) return value!;
      throw new ShellRuntimeError(`${name}: ${arg || 'parameter not set'}`);
  }
}

/** Expands a word into fields, splitting unquoted expansions on blanks. */
export function expandWord(word: Word, ctx: ExpandContext): string[] {
  const fields: string[] = [];
  let cur = '';
  let has = false;
  const push = () => {
    if (has) fields.push(cur);
    cur = '';
    has = false;
  };
  for (const part of word) {
    if (part.kind === 'lit') {
      cur += part.text;
      has = true;
      continue;
    }
    if (part.kind === 'param' && part.name === '@' && part.quoted && part.op === undefined) {
      // "$@" keeps every positional parameter a field of its own.
      const args = ctx.positional();
      args.forEach((a, n) => {
        if (n > 0) push();
        cur += a;
        has = true;
      });
      continue;
    }
    const value =
      part.kind === 'param' ? param(part.name, part.op, part.arg, ctx)
        : part.kind === 'cmdsub' ? ctx.substitute(part.script)
          : String(arithmetic(expandString(part.expr, ctx), ctx));
    if (part.quoted) {
      cur += value;
      has = true;
      continue;
    }
    const pieces = value.split(/[ \t\n]+/);
    pieces.forEach((piece, n) => {
      if (n > 0) push();
      if (piece !== '') {
        cur += piece;
        has = true;
      }
    });
  }
  push();
  return fields;
}

/** Expands a word without splitting (assignments, redirection targets). */
export function expandSingle(word: Word, ctx: ExpandContext): string {
  return word.map((p) => expandWord([{ ...p, quoted: true }], ctx).join('')).join('');
}

/** Expands text as if it stood between double quotes (`${X:-...}` words, `$((...))` bodies). */
export function expandString(text: string, ctx: ExpandContext): string {
  if (!/[$`\\]/.test(text)) return text;
  const escaped = `"${text.replace(/(^|[^\\])"/g, '$1\\"')}"`;
  const tokens = tokenize(escaped);
  const first = tokens[0];
  if (tokens.length !== 2 || first.kind !== 'word') throw new ShellUnsupported(`the expansion ${JSON.stringify(text)}`);
  return expandSingle(first.word, ctx);
}

// --- arithmetic ---------------------------------------------------------

const ARITH_TOKEN = /\s*(0[xX][0-9a-fA-F]+|[0-9]+|[A-Za-z_][A-Za-z0-9_]*|\*\*|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||\+\+|--|[-+*/%&|^]=|[-+*/%<>=!~?:()&|^])/y;

/** Evaluates `$((...))` with the C operators the shell knows; variables read as numbers (unset is 0). */
export function arithmetic(expr: string, ctx: ExpandContext): number {
  const toks: string[] = [];
  ARITH_TOKEN.lastIndex = 0;
  let at = 0;
  while (at < expr.length) {
    if (/^\s*$/.test(expr.slice(at))) break;
    ARITH_TOKEN.lastIndex = at;
    const m = ARITH_TOKEN.exec(expr);
    if (!m) throw new ShellRuntimeError(`arithmetic syntax error`);
    toks.push(m[1]);
    at = ARITH_TOKEN.lastIndex;
  }
  let pos = 0;
  const isName = (t: string | undefined) => t !== undefined && /^[A-Za-z_]/.test(t);
  const num = (t: string): number => {
    const v = /^0[xX]/.test(t) ? parseInt(t, 16) : /^0[0-7]+$/.test(t) ? parseInt(t, 8) : Number(t);
    if (!Number.isFinite(v)) throw new ShellRuntimeError(`arithmetic syntax error`);
    return v;
  };
  const varValue = (name: string): number => {
    const v = (ctx.get(name) ?? '').trim();
    return v === '' ? 0 : num(v);
  };
  const int = (v: number) => Math.trunc(v) | 0;
  // Binary operators by precedence, loosest first.
  const levels: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];
  const apply = (op: string, a: number, b: number): number => {
    switch (op) {
      case '==': return a === b ? 1 : 0;
      case '!=': return a !== b ? 1 : 0;
      case '<': return a < b ? 1 : 0;
      case '<=': return a <= b ? 1 : 0;
      case '>': return a > b ? 1 : 0;
      case '>=': return a >= b ? 1 : 0;
      case '<<': return a << b;
      case '>>': return a >> b;
      case '+': return int(a + b);
      case '-': return int(a - b);
      case '*': return int(a * b);
      case '**': return int(a ** b);
      case '/':
      case '%':
        if (b === 0) throw new ShellRuntimeError('division by zero');
        return op === '/' ? int(a / b) : int(a % b);
      case '||': return a || b ? 1 : 0;
      case '&&': return a && b ? 1 : 0;
      case '|': return a | b;
      case '^': return a ^ b;
      default: return a & b;
    }
  };
  const assignment = (): number => {
    const t = toks[pos];
    const op = toks[pos + 1];
    if (isName(t) && op !== undefined && /^([-+*/%&|^]|<<|>>)?=$/.test(op) && op !== '==') {
      pos += 2;
      const rhs = assignment();
      const v = op === '=' ? rhs : apply(op.slice(0, -1), varValue(t), rhs);
      ctx.set(t, String(v));
      return v;
    }
    return ternary();
  };
  const ternary = (): number => {
    const c = level(0);
    if (toks[pos] !== '?') return c;
    pos++;
    const a = assignment();
    if (toks[pos++] !== ':') throw new ShellRuntimeError('arithmetic syntax error');
    const b = assignment();
    return c ? a : b;
  };
  const level = (n: number): number => {
    if (n === levels.length) return power();
    let a = level(n + 1);
    while (levels[n].includes(toks[pos])) {
      const op = toks[pos++];
      a = apply(op, a, level(n + 1));
    }
    return a;
  };
  const power = (): number => {
    const a = unary();
    if (toks[pos] === '**') {
      pos++;
      return apply('**', a, power());
    }
    return a;
  };
  const unary = (): number => {
    const t = toks[pos];
    if (t === '-' || t === '+' || t === '!' || t === '~') {
      pos++;
      const v = unary();
      return t === '-' ? -v : t === '+' ? v : t === '!' ? (v ? 0 : 1) : ~v;
    }
    if ((t === '++' || t === '--') && isName(toks[pos + 1])) {
      const name = toks[pos + 1];
      pos += 2;
      const v = varValue(name) + (t === '++' ? 1 : -1);
      ctx.set(name, String(v));
      return v;
    }
    return primary();
  };
  const primary = (): number => {
    const t = toks[pos++];
    if (t === '(') {
      const v = assignment();
      if (toks[pos++] !== ')') throw new ShellRuntimeError('arithmetic syntax error');
      return v;
    }
    if (t === undefined) throw new ShellRuntimeError('arithmetic syntax error');
    if (isName(t)) {
      const v = varValue(t);
      if (toks[pos] === '++' || toks[pos] === '--') {
        ctx.set(t, String(v + (toks[pos] === '++' ? 1 : -1)));
        pos++;
      }
      return v;
    }
    if (/^[0-9]/.test(t)) return num(t);
    throw new ShellRuntimeError('arithmetic syntax error');
  };
  if (toks.length === 0) return 0;
  const result = assignment();
  if (pos !== toks.length) throw new ShellRuntimeError('arithmetic syntax error');
  return result;
}

// --- test / [ -----------------------------------------------------------

const UNARY = new Set(['-n', '-z', '-e', '-f', '-d', '-s', '-r', '-w', '-x', '-L', '-h', '-p', '-S', '-b', '-c', '-t']);
const BINARY = new Set(['=', '==', '!=', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '<', '>']);

/**
 * The `test` utility: exit status 0 (true), 1 (false) or 2 (error, with a
 * message). `file` says whether a path exists in the simulated container.
 */
export function testExpression(args: readonly string[], file: (path: string) => 'file' | 'dir' | undefined, name = 'test'): { status: number; error?: string } {
  let pos = 0;
  const integer = (s: string): number => {
    if (!/^\s*[-+]?[0-9]+\s*$/.test(s)) throw new ShellRuntimeError(`${name}: ${s}: integer expression expected`);
    return Number(s);
  };
  const primary = (): boolean => {
    const a = args[pos];
    if (a === '!' && pos + 1 < args.length) { pos++; return !primary(); }
    if (a === '(' && args.length - pos > 2) {
      pos++;
      const v = or();
      if (args[pos++] !== ')') throw new ShellRuntimeError(`${name}: missing ')'`);
      return v;
    }
    if (pos + 2 < args.length && BINARY.has(args[pos + 1])) {
      const [l, op, r] = [args[pos], args[pos + 1], args[pos + 2]];
      pos += 3;
      switch (op) {
        case '=': case '==': return l === r;
        case '!=': return l !== r;
        case '<': return l < r;
        case '>': return l > r;
        case '-eq': return integer(l) === integer(r);
        case '-ne': return integer(l) !== integer(r);
        case '-lt': return integer(l) < integer(r);
        case '-le': return integer(l) <= integer(r);
        case '-gt': return integer(l) > integer(r);
        default: return integer(l) >= integer(r);
      }
    }
    if (UNARY.has(a) && pos + 1 < args.length) {
      const operand = args[pos + 1];
      pos += 2;
      switch (a) {
        case '-n': return operand !== '';
        case '-z': return operand === '';
        case '-d': return file(operand) === 'dir';
        case '-f': case '-s': return file(operand) === 'file';
        case '-e': case '-r': case '-w': return file(operand) !== undefined;
        default: return false; // sockets, devices, links, terminals: none in the simulation
      }
    }
    if (a === undefined) throw new ShellRuntimeError(`${name}: argument expected`);
    pos++;
    return a !== '';
  };
  const and = (): boolean => {
    let v = primary();
    while (args[pos] === '-a') { pos++; v = primary() && v; }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (args[pos] === '-o') { pos++; v = and() || v; }
    return v;
  };
  try {
    if (args.length === 0) return { status: 1 };
    const v = or();
    if (pos !== args.length) return { status: 2, error: `${name}: ${args[pos]}: unexpected operator` };
    return { status: v ? 0 : 1 };
  } catch (e) {
    if (e instanceof ShellRuntimeError) return { status: 2, error: e.message };
    throw e;
  }
}
