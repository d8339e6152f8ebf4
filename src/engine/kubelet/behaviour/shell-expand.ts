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

/** Binary operators by precedence, loosest first. */
const LEVELS: readonly string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

const isName = (t: string | undefined): t is string => t !== undefined && /^[A-Za-z_]/.test(t);
const int = (v: number) => Math.trunc(v) | 0;

function num(t: string): number {
  const v = /^0[xX]/.test(t) ? parseInt(t, 16) : /^0[0-7]+$/.test(t) ? parseInt(t, 8) : Number(t);
  if (!Number.isFinite(v)) throw new ShellRuntimeError('arithmetic syntax error');
  return v;
}

function apply(op: string, a: number, b: number): number {
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
}

/** A recursive-descent evaluator over the tokens of one `$((...))`. */
class Arithmetic {
  private pos = 0;
  constructor(private readonly toks: string[], private readonly ctx: ExpandContext) {}

  run(): number {
    if (this.toks.length === 0) return 0;
    const result = this.assignment();
    if (this.pos !== this.toks.length) throw new ShellRuntimeError('arithmetic syntax error');
    return result;
  }

  private varValue(name: string): number {
    const v = (this.ctx.get(name) ?? '').trim();
    return v === '' ? 0 : num(v);
  }

  private assignment(): number {
    const t = this.toks[this.pos];
    const op = this.toks[this.pos + 1];
    if (isName(t) && op !== undefined && op !== '==' && /^([-+*/%&|^]|<<|>>)?=$/.test(op)) {
      this.pos += 2;
      const rhs = this.assignment();
      const v = op === '=' ? rhs : apply(op.slice(0, -1), this.varValue(t), rhs);
      this.ctx.set(t, String(v));
      return v;
    }
    const c = this.level(0);
    if (this.toks[this.pos] !== '?') return c;
    this.pos++;
    const a = this.assignment();
    if (this.toks[this.pos++] !== ':') throw new ShellRuntimeError('arithmetic syntax error');
    const b = this.assignment();
    return c ? a : b;
  }

  private level(n: number): number {
    if (n === LEVELS.length) return this.power();
    let a = this.level(n + 1);
    while (LEVELS[n].includes(this.toks[this.pos])) {
      const op = this.toks[this.pos++];
      a = apply(op, a, this.level(n + 1));
    }
    return a;
  }

  private power(): number {
    const a = this.unary();
    if (this.toks[this.pos] !== '**') return a;
    this.pos++;
    return apply('**', a, this.power());
  }

  private unary(): number {
    const t = this.toks[this.pos];
    if (t === '-' || t === '+' || t === '!' || t === '~') {
      this.pos++;
      const v = this.unary();
      return t === '-' ? -v : t === '+' ? v : t === '!' ? (v ? 0 : 1) : ~v;
    }
    const name = this.toks[this.pos + 1];
    if ((t === '++' || t === '--') && isName(name)) {
      this.pos += 2;
      const v = this.varValue(name) + (t === '++' ? 1 : -1);
      this.ctx.set(name, String(v));
      return v;
    }
    return this.primary();
  }

  private primary(): number {
    const t = this.toks[this.pos++];
    if (t === '(') {
      const v = this.assignment();
      if (this.toks[this.pos++] !== ')') throw new ShellRuntimeError('arithmetic syntax error');
      return v;
    }
    if (isName(t)) {
      const v = this.varValue(t);
      const post = this.toks[this.pos];
      if (post === '++' || post === '--') {
        this.ctx.set(t, String(v + (post === '++' ? 1 : -1)));
        this.pos++;
      }
      return v;
    }
    if (t !== undefined && /^[0-9]/.test(t)) return num(t);
    throw new ShellRuntimeError('arithmetic syntax error');
  }
}

/** Evaluates `$((...))` with the C operators the shell knows; variables read as numbers (unset is 0). */
export function arithmetic(expr: string, ctx: ExpandContext): number {
  const toks: string[] = [];
  let at = 0;
  while (at < expr.length) {
    ARITH_TOKEN.lastIndex = at;
    const m = ARITH_TOKEN.exec(expr);
    if (!m) {
      if (/^\s*$/.test(expr.slice(at))) break;
      throw new ShellRuntimeError('arithmetic syntax error');
    }
    toks.push(m[1]);
    at = ARITH_TOKEN.lastIndex;
  }
  return new Arithmetic(toks, ctx).run();
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
