/**
 * Reads the POSIX shell subset that container commands use into a syntax
 * tree: simple commands with assignments and redirections, `;`, `&`, `&&`,
 * `||`, `|`, `!`, newlines, `while`/`until`/`for`/`if`, `{ ...; }` and
 * `( ... )`; words with single and double quotes, backslashes, `$VAR`,
 * `${VAR}`, `${VAR:-word}` and friends, `$(...)`, backquotes and `$((...))`.
 *
 * Two kinds of failure, kept apart on purpose:
 * - ShellSyntaxError: the text is not valid shell; a real shell refuses it
 *   too (and exits 2), so the behaviour model reproduces that.
 * - ShellUnsupported: valid shell this reader does not model (`case`,
 *   functions, here-documents); the container then runs until stopped.
 *
 * No library fits: `shell-quote` only splits words, treats newlines as
 * blanks and drops the quoting that tells `done` from `"done"`; the full
 * parsers on npm are unmaintained or load WebAssembly asynchronously.
 */

/** One piece of a word; `quoted` parts are never split into fields. */
export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'param'; name: string; op?: string; arg?: string; quoted: boolean }
  | { kind: 'cmdsub'; script: string; quoted: boolean }
  | { kind: 'arith'; expr: string; quoted: boolean };

export type Word = WordPart[];

export interface Redirect {
  /** `>`, `>>`, `<`, `>&`, `<&`, `&>`, `>|`, `<>` */
  op: string;
  fd?: number;
  target: Word;
}

export type ShellNode =
  | { type: 'simple'; assigns: Array<{ name: string; value: Word }>; words: Word[]; redirects: Redirect[]; line: number }
  | { type: 'pipeline'; negate: boolean; commands: ShellNode[] }
  | { type: 'andor'; first: ShellNode; rest: Array<{ op: '&&' | '||'; node: ShellNode }> }
  | { type: 'list'; items: Array<{ node: ShellNode; background: boolean }> }
  | { type: 'loop'; until: boolean; cond: ShellNode; body: ShellNode }
  | { type: 'for'; name: string; words?: Word[]; body: ShellNode }
  | { type: 'if'; clauses: Array<{ cond: ShellNode; body: ShellNode }>; otherwise?: ShellNode }
  | { type: 'group'; subshell: boolean; body: ShellNode; redirects: Redirect[] };

/** Text that no POSIX shell accepts. */
export class ShellSyntaxError extends Error {
  constructor(
    /** `quote`: unterminated quote; `eof`: text ends inside a construct; `token`: a word or operator out of place. */
    readonly kind: 'quote' | 'eof' | 'token',
    readonly line: number,
    /** For `eof`: the word the shell was waiting for (`done`, `fi`, `}`). For `token`: the token. */
    readonly token?: string,
  ) {
    super(kind === 'quote' ? 'unterminated quoted string' : kind === 'eof' ? `unexpected end of file (expecting "${token}")` : `unexpected "${token}"`);
    this.name = 'ShellSyntaxError';
  }
}

/** Valid shell this reader does not model. */
export class ShellUnsupported extends Error {
  constructor(readonly what: string) {
    super(`${what} is not simulated`);
    this.name = 'ShellUnsupported';
  }
}

type Token =
  | { kind: 'word'; word: Word; line: number }
  | { kind: 'op'; op: string; line: number }
  | { kind: 'redir'; op: string; fd?: number; line: number }
  | { kind: 'eof'; line: number };

const OPERATORS = ['&&', '||', ';;', '<<-', '<<', '>>', '>&', '<&', '&>', '>|', '<>', ';', '&', '|', '(', ')', '<', '>', '\n'];
const REDIRS = new Set(['<<-', '<<', '>>', '>&', '<&', '&>', '>|', '<>', '<', '>']);
const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const RESERVED = new Set(['if', 'then', 'elif', 'else', 'fi', 'do', 'done', 'while', 'until', 'for', 'in', 'case', 'esac', '{', '}', '!']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Finds the end of `$(...)`/`$((...))` starting after the opener; depth counts parentheses, quotes are skipped. */
function matchParen(src: string, start: number, depth: number, line: number): number {
  for (let i = start; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === "'") {
      i = src.indexOf("'", i + 1);
      if (i < 0) break;
    } else if (c === '"') {
      for (i++; i < src.length && src[i] !== '"'; i++) if (src[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  throw new ShellSyntaxError('eof', line, ')');
}

/** Reads `$...` at src[i] (the `$`); returns the part and the index after it, or undefined for a lone `$`. */
function readDollar(src: string, i: number, quoted: boolean, line: number): [WordPart, number] | undefined {
  const next = src[i + 1];
  if (next === '(' && src[i + 2] === '(') {
    const end = matchParen(src, i + 1, 0, line);
    return [{ kind: 'arith', expr: src.slice(i + 3, end - 1), quoted }, end + 1];
  }
  if (next === '(') {
    const end = matchParen(src, i + 2, 1, line);
    return [{ kind: 'cmdsub', script: src.slice(i + 2, end), quoted }, end + 1];
  }
  if (next === '{') {
    const end = src.indexOf('}', i + 2);
    if (end < 0) throw new ShellSyntaxError('eof', line, '}');
    const body = src.slice(i + 2, end);
    if (body.startsWith('#') && NAME.test(body.slice(1))) return [{ kind: 'param', name: body.slice(1), op: '#', quoted }, end + 1];
    const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?$#@*!-])(?:(:?[-=+?])([\s\S]*))?$/.exec(body);
    if (!m) throw new ShellUnsupported(`the parameter expansion \${${body}}`);
    return [{ kind: 'param', name: m[1], op: m[2], arg: m[3], quoted }, end + 1];
  }
  const name = /^([A-Za-z_][A-Za-z0-9_]*|[0-9?$#@*!-])/.exec(src.slice(i + 1));
  if (!name) return undefined;
  return [{ kind: 'param', name: name[1], quoted }, i + 1 + name[1].length];
}

/** Splits shell text into tokens. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t') { i++; continue; }
    if (c === '\\' && src[i + 1] === '\n') { i += 2; line++; continue; }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      if (op === '<<' || op === '<<-') throw new ShellUnsupported('a here-document');
      tokens.push(REDIRS.has(op) ? { kind: 'redir', op, line } : { kind: 'op', op, line });
      if (op === '\n') line++;
      i += op.length;
      continue;
    }
    const word: Word = [];
    const lit = (text: string, quoted: boolean) => {
      const last = word[word.length - 1];
      if (last && last.kind === 'lit' && last.quoted === quoted) last.text += text;
      else word.push({ kind: 'lit', text, quoted });
    };
    const startLine = line;
    while (i < src.length && !META.has(src[i])) {
      const ch = src[i];
      if (ch === '\\') {
        if (src[i + 1] === '\n') { i += 2; line++; continue; }
        if (i + 1 < src.length) lit(src[i + 1], true);
        i += 2;
      } else if (ch === "'") {
        const end = src.indexOf("'", i + 1);
        if (end < 0) throw new ShellSyntaxError('quote', startLine);
        lit(src.slice(i + 1, end), true);
        line += countLines(src.slice(i, end));
        i = end + 1;
      } else if (ch === '"') {
        i++;
        for (;;) {
          if (i >= src.length) throw new ShellSyntaxError('quote', startLine);
          const d = src[i];
          if (d === '"') { i++; break; }
          if (d === '\\' && '$`"\\\n'.includes(src[i + 1] ?? '')) {
            if (src[i + 1] !== '\n') lit(src[i + 1], true);
            i += 2;
          } else if (d === '$') {
            const read = readDollar(src, i, true, line);
            if (read) [word[word.length], i] = read;
            else { lit('$', true); i++; }
          } else if (d === '`') {
            const end = src.indexOf('`', i + 1);
            if (end < 0) throw new ShellSyntaxError('quote', startLine);
            word.push({ kind: 'cmdsub', script: src.slice(i + 1, end), quoted: true });
            i = end + 1;
          } else {
            if (d === '\n') line++;
            lit(d, true);
            i++;
          }
        }
        // `""` is still a word, an empty one
        if (word.length === 0) lit('', true);
      } else if (ch === '$') {
        const read = readDollar(src, i, false, line);
        if (read) [word[word.length], i] = read;
        else { lit('$', false); i++; }
      } else if (ch === '`') {
        const end = src.indexOf('`', i + 1);
        if (end < 0) throw new ShellSyntaxError('quote', startLine);
        word.push({ kind: 'cmdsub', script: src.slice(i + 1, end), quoted: false });
        i = end + 1;
      } else {
        lit(ch, false);
        i++;
      }
    }
    // Digits right before a redirection name the file descriptor (`2>&1`).
    const only = word.length === 1 && word[0].kind === 'lit' && !word[0].quoted ? word[0].text : undefined;
    if (only !== undefined && /^[0-9]$/.test(only) && (src[i] === '<' || src[i] === '>')) {
      const rop = OPERATORS.find((o) => REDIRS.has(o) && src.startsWith(o, i))!;
      if (rop === '<<' || rop === '<<-') throw new ShellUnsupported('a here-document');
      tokens.push({ kind: 'redir', op: rop, fd: Number(only), line });
      i += rop.length;
      continue;
    }
    tokens.push({ kind: 'word', word, line: startLine });
  }
  tokens.push({ kind: 'eof', line });
  return tokens;
}

function countLines(s: string): number {
  let n = 0;
  for (const c of s) if (c === '\n') n++;
  return n;
}

/** The plain text of a word made of unquoted literals only (keywords, names), else undefined. */
export function bareText(word: Word): string | undefined {
  return word.length === 1 && word[0].kind === 'lit' && !word[0].quoted ? word[0].text : undefined;
}

/** Parses shell text; throws ShellSyntaxError or ShellUnsupported. */
export function parseShell(src: string): ShellNode {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const keyword = (t: Token = peek()) => (t.kind === 'word' ? bareText(t.word) : undefined);
  const isOp = (op: string) => { const t = peek(); return t.kind === 'op' && t.op === op; };
  const describe = (t: Token) => (t.kind === 'word' ? (keyword(t) ?? 'word') : t.kind === 'eof' ? 'end of file' : t.kind === 'op' ? (t.op === '\n' ? 'newline' : t.op) : t.op);
  const fail = (expecting: string): never => {
    const t = peek();
    throw t.kind === 'eof' ? new ShellSyntaxError('eof', t.line, expecting) : new ShellSyntaxError('token', t.line, describe(t));
  };
  const skipNewlines = () => { while (isOp('\n')) pos++; };
  const expectKeyword = (kw: string) => {
    skipNewlines();
    if (keyword() !== kw) fail(kw);
    pos++;
  };

  /** A list up to one of the closing words (or end of input when `closers` is empty). */
  const list = (closers: ReadonlySet<string>): ShellNode => {
    const items: Array<{ node: ShellNode; background: boolean }> = [];
    for (;;) {
      skipNewlines();
      const t = peek();
      if (t.kind === 'eof' || (t.kind === 'op' && t.op === ')')) break;
      const kw = keyword(t);
      if (kw !== undefined && closers.has(kw)) break;
      const node = andOr();
      let background = false;
      if (isOp('&')) { background = true; pos++; }
      else if (isOp(';')) pos++;
      else if (!isOp('\n') && peek().kind !== 'eof' && !isOp(')') && !(keyword() !== undefined && closers.has(keyword()!))) fail('newline');
      items.push({ node, background });
    }
    if (items.length === 0) fail([...closers][0] ?? 'command');
    return items.length === 1 && !items[0].background ? items[0].node : { type: 'list', items };
  };

  const andOr = (): ShellNode => {
    const first = pipeline();
    const rest: Array<{ op: '&&' | '||'; node: ShellNode }> = [];
    while (isOp('&&') || isOp('||')) {
      const op = (peek() as { op: '&&' | '||' }).op;
      pos++;
      skipNewlines();
      rest.push({ op, node: pipeline() });
    }
    return rest.length ? { type: 'andor', first, rest } : first;
  };

  const pipeline = (): ShellNode => {
    let negate = false;
    if (keyword() === '!') { negate = true; pos++; }
    const commands = [command()];
    while (isOp('|')) {
      pos++;
      skipNewlines();
      commands.push(command());
    }
    return commands.length > 1 || negate ? { type: 'pipeline', negate, commands } : commands[0];
  };

  const redirects = (): Redirect[] => {
    const out: Redirect[] = [];
    for (let t = peek(); t.kind === 'redir'; t = peek()) {
      pos++;
      const target = peek();
      if (target.kind !== 'word') fail('word');
      pos++;
      out.push({ op: t.op, fd: t.fd, target: (target as { word: Word }).word });
    }
    return out;
  };

  const command = (): ShellNode => {
    const t = peek();
    const kw = keyword(t);
    if (t.kind === 'op' && t.op === '(') {
      pos++;
      const body = list(new Set());
      if (!isOp(')')) fail(')');
      pos++;
      return { type: 'group', subshell: true, body, redirects: redirects() };
    }
    if (kw === '{') {
      pos++;
      const body = list(new Set(['}']));
      expectKeyword('}');
      return { type: 'group', subshell: false, body, redirects: redirects() };
    }
    if (kw === 'while' || kw === 'until') {
      pos++;
      const cond = list(new Set(['do']));
      expectKeyword('do');
      const body = list(new Set(['done']));
      expectKeyword('done');
      return wrap({ type: 'loop', until: kw === 'until', cond, body });
    }
    if (kw === 'for') {
      pos++;
      const nameTok = peek();
      const name = nameTok.kind === 'word' ? bareText(nameTok.word) : undefined;
      if (name === undefined || !NAME.test(name)) fail('name');
      pos++;
      let words: Word[] | undefined;
      skipNewlines();
      if (keyword() === 'in') {
        pos++;
        words = [];
        for (let w = peek(); w.kind === 'word'; w = peek()) { words.push(w.word); pos++; }
      }
      if (isOp(';')) pos++;
      expectKeyword('do');
      const body = list(new Set(['done']));
      expectKeyword('done');
      return wrap({ type: 'for', name: name!, words, body });
    }
    if (kw === 'if') {
      pos++;
      const clauses: Array<{ cond: ShellNode; body: ShellNode }> = [];
      let otherwise: ShellNode | undefined;
      for (;;) {
        const cond = list(new Set(['then']));
        expectKeyword('then');
        const body = list(new Set(['elif', 'else', 'fi']));
        clauses.push({ cond, body });
        skipNewlines();
        if (keyword() === 'elif') { pos++; continue; }
        if (keyword() === 'else') { pos++; otherwise = list(new Set(['fi'])); }
        expectKeyword('fi');
        break;
      }
      return wrap({ type: 'if', clauses, otherwise });
    }
    if (kw === 'case') throw new ShellUnsupported('a case statement');
    if (kw !== undefined && RESERVED.has(kw)) fail('command');
    return simple();
  };

  /** Compound commands may carry redirections; they are kept by wrapping in a group. */
  const wrap = (node: ShellNode): ShellNode => {
    const r = redirects();
    return r.length ? { type: 'group', subshell: false, body: node, redirects: r } : node;
  };

  const simple = (): ShellNode => {
    const line = peek().line;
    const assigns: Array<{ name: string; value: Word }> = [];
    const words: Word[] = [];
    const redirs: Redirect[] = [];
    for (;;) {
      const t = peek();
      if (t.kind === 'redir') { redirs.push(...redirects()); continue; }
      if (t.kind !== 'word') break;
      const first = t.word[0];
      const eq = words.length === 0 && first?.kind === 'lit' && !first.quoted ? first.text.indexOf('=') : -1;
      if (eq > 0 && NAME.test(first.kind === 'lit' ? first.text.slice(0, eq) : '')) {
        const text = (first as { text: string }).text;
        const value: Word = [{ kind: 'lit', text: text.slice(eq + 1), quoted: false }, ...t.word.slice(1)];
        assigns.push({ name: text.slice(0, eq), value });
      } else {
        words.push(t.word);
      }
      pos++;
      if (words.length === 1 && isOp('(') && tokens[pos + 1]?.kind === 'op' && (tokens[pos + 1] as { op: string }).op === ')') {
        throw new ShellUnsupported('a function definition');
      }
    }
    if (assigns.length === 0 && words.length === 0 && redirs.length === 0) fail('command');
    return { type: 'simple', assigns, words, redirects: redirs, line };
  };

  const root = list(new Set());
  if (peek().kind !== 'eof') fail('end of file');
  return root;
}
