/**
 * Command-line flags with the semantics and messages of spf13/pflag, which
 * kubectl uses: `--name=value`, `--name value`, `-n value`, `-nvalue`,
 * combined boolean shorthands, `--` ending flags, flags anywhere among the
 * arguments, and pflag's own error texts (`unknown flag: --foo`).
 */

export type FlagKind = 'bool' | 'string' | 'int' | 'duration' | 'stringSlice' | 'stringArray';

/** One flag a command accepts. */
export interface FlagSpec {
  name: string;
  short?: string;
  kind: FlagKind;
  /** The value when the flag is given without one (pflag NoOptDefVal), for non-bool flags. */
  noOptDefault?: string;
}

/** Parsed values: bool, string, number (int; duration in ms) or string[] (slices and arrays). */
export type FlagValue = boolean | string | number | string[];

export interface ParsedArgs {
  /** Values of the flags that were given. */
  values: Map<string, FlagValue>;
  /** Arguments that are not flags, in order. */
  positional: string[];
  /** Arguments after `--`, also included in `positional`. */
  afterDash: string[];
}

/** A malformed command line, in pflag's words. */
export class FlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlagError';
  }
}

const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

function displayName(f: FlagSpec): string {
  return f.short ? `-${f.short}, --${f.name}` : `--${f.name}`;
}

function parseIntGo(s: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[1-9][0-9]*|0)$/.exec(s.replace(/_/g, ''));
  if (!m || s.includes('__')) return undefined;
  const body = m[2];
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (body.length > 1 && body.startsWith('0')) n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  return m[1] === '-' ? -n : n;
}

function setValue(values: Map<string, FlagValue>, f: FlagSpec, raw: string): void {
  const bad = (why: string) => new FlagError(`invalid argument ${JSON.stringify(raw)} for ${JSON.stringify(displayName(f))} flag: ${why}`);
  switch (f.kind) {
    case 'bool':
      if (TRUE.includes(raw)) values.set(f.name, true);
      else if (FALSE.includes(raw)) values.set(f.name, false);
      else throw bad(`strconv.ParseBool: parsing ${JSON.stringify(raw)}: invalid syntax`);
      return;
    case 'int': {
      const n = parseIntGo(raw);
      if (n === undefined) throw bad(`strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`);
      values.set(f.name, n);
      return;
    }
    case 'duration':
      try {
        values.set(f.name, parseDuration(raw));
      } catch (e) {
        throw bad(e instanceof DurationError ? e.message : String(e));
      }
      return;
    case 'stringSlice': {
      const prev = (values.get(f.name) as string[] | undefined) ?? [];
      values.set(f.name, [...prev, ...(raw === '' ? [] : raw.split(','))]);
      return;
    }
    case 'stringArray': {
      const prev = (values.get(f.name) as string[] | undefined) ?? [];
      values.set(f.name, [...prev, raw]);
      return;
    }
    default:
      values.set(f.name, raw);
  }
}

/** Parses `args` against `specs`; throws FlagError with pflag's message on a bad flag. */
export function parseFlags(args: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const long = new Map(specs.map((s) => [s.name, s]));
  const short = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const values = new Map<string, FlagValue>();
  const positional: string[] = [];
  const afterDash: string[] = [];
  let i = 0;
  while (i < args.length) {
    const a = args[i++];
    if (a === '--') {
      afterDash.push(...args.slice(i));
      positional.push(...args.slice(i));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
      const f = long.get(name);
      if (!f) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) setValue(values, f, a.slice(eq + 1));
      else if (f.kind === 'bool') values.set(f.name, true);
      else if (f.noOptDefault !== undefined) setValue(values, f, f.noOptDefault);
      else if (i < args.length) setValue(values, f, args[i++]);
      else throw new FlagError(`flag needs an argument: --${name}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let j = 1;
      while (j < a.length) {
        const c = a[j];
        const f = short.get(c);
        if (!f) throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        const rest = a.slice(j + 1);
        if (f.kind === 'bool') {
          if (rest.startsWith('=')) {
            setValue(values, f, rest.slice(1));
            break;
          }
          values.set(f.name, true);
          j++;
          continue;
        }
        if (rest.length > 0) setValue(values, f, rest.startsWith('=') ? rest.slice(1) : rest);
        else if (f.noOptDefault !== undefined) setValue(values, f, f.noOptDefault);
        else if (i < args.length) setValue(values, f, args[i++]);
        else throw new FlagError(`flag needs an argument: '${c}' in ${a}`);
        break;
      }
      continue;
    }
    positional.push(a);
  }
  return { values, positional, afterDash };
}

/** Typed access to parsed flags with defaults. */
export class Flags {
  constructor(private readonly parsed: ParsedArgs) {}
  get positional(): string[] {
    return this.parsed.positional;
  }
  /** Arguments after `--`. */
  get afterDash(): string[] {
    return this.parsed.afterDash;
  }
  has(name: string): boolean {
    return this.parsed.values.has(name);
  }
  bool(name: string, dflt = false): boolean {
    const v = this.parsed.values.get(name);
    return typeof v === 'boolean' ? v : dflt;
  }
  string(name: string, dflt = ''): string {
    const v = this.parsed.values.get(name);
    return typeof v === 'string' ? v : dflt;
  }
  int(name: string, dflt: number): number {
    const v = this.parsed.values.get(name);
    return typeof v === 'number' ? v : dflt;
  }
  strings(name: string): string[] {
    const v = this.parsed.values.get(name);
    return Array.isArray(v) ? v : [];
  }
}import { DurationError, parseDuration } from '../../engine/index.ts';

