/**
 * Label and field selectors (k8s.io/apimachinery/pkg/labels, pkg/fields).
 *
 * A selector is parsed once into requirements and then matched many times.
 * `Selector.everything()` matches all; a nil LabelSelector matches nothing,
 * an empty one matches everything, as metav1.LabelSelectorAsSelector says.
 */
import type { LabelSelector } from './types.ts';

export type Operator = 'in' | 'notin' | 'exists' | '!' | '=' | '==' | '!=' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

export class Selector {
  private constructor(
    readonly requirements: readonly Requirement[],
    private readonly nothing = false,
  ) {}

  static everything(): Selector {
    return new Selector([]);
  }
  static nothing(): Selector {
    return new Selector([], true);
  }
  static of(requirements: Requirement[]): Selector {
    return new Selector(sortRequirements(requirements));
  }

  /** From a metav1.LabelSelector; undefined (nil) selects nothing. */
  static fromLabelSelector(ls: LabelSelector | undefined | null): Selector {
    if (ls === undefined || ls === null) return Selector.nothing();
    const reqs: Requirement[] = [];
    for (const [k, v] of Object.entries(ls.matchLabels ?? {})) reqs.push({ key: k, operator: '=', values: [v] });
    for (const e of ls.matchExpressions ?? []) {
      switch (e.operator) {
        case 'In':
          reqs.push({ key: e.key, operator: 'in', values: [...(e.values ?? [])] });
          break;
        case 'NotIn':
          reqs.push({ key: e.key, operator: 'notin', values: [...(e.values ?? [])] });
          break;
        case 'Exists':
          reqs.push({ key: e.key, operator: 'exists', values: [] });
          break;
        case 'DoesNotExist':
          reqs.push({ key: e.key, operator: '!', values: [] });
          break;
        default:
          throw new Error(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
      }
    }
    return Selector.of(reqs);
  }

  /** From a map of labels that must all be equal (a Service's or ReplicationController's selector). */
  static fromSet(set: Record<string, string> | undefined): Selector {
    if (!set) return Selector.everything();
    return Selector.of(Object.entries(set).map(([k, v]) => ({ key: k, operator: '=' as const, values: [v] })));
  }

  /** Parses the string form: `app=web,tier!=db`, `env in (a,b)`, `!canary`, `gpu`. */
  static parse(s: string): Selector {
    return Selector.of(parseRequirements(s));
  }

  isEverything(): boolean {
    return !this.nothing && this.requirements.length === 0;
  }

  matches(labels: Record<string, string> | undefined): boolean {
    if (this.nothing) return false;
    const l = labels ?? {};
    for (const r of this.requirements) if (!requirementMatches(r, l)) return false;
    return true;
  }

  private cachedKey: string | undefined;

  /** A text that equal selectors share and different ones do not (for caches keyed by selector). */
  key(): string {
    return (this.cachedKey ??= this.nothing ? '<none>' : JSON.stringify(this.requirements));
  }

  toString(): string {
    if (this.nothing) return '<none>';
    return this.requirements.map(requirementString).join(',');
  }
}

function sortRequirements(reqs: Requirement[]): Requirement[] {
  return [...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function requirementMatches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const v = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return has && r.values.includes(v!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v!);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (!has) return false;
      const n = Number(v);
      if (!Number.isInteger(n)) return false;
      const bound = Number(r.values[0]);
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

function requirementString(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${[...r.values].sort().join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0]}`;
    case 'lt':
      return `${r.key}<${r.values[0]}`;
    default:
      return `${r.key}${r.operator}${r.values[0]}`;
  }
}

/** Parses a label selector string; throws an Error with the upstream wording on bad syntax. */
export function parseRequirements(input: string): Requirement[] {
  const s = input.trim();
  if (s === '') return [];
  const out: Requirement[] = [];
  let i = 0;
  const skip = () => {
    while (i < s.length && s[i] === ' ') i++;
  };
  const ident = (): string => {
    skip();
    const start = i;
    while (i < s.length && /[A-Za-z0-9_.\-/]/.test(s[i])) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skip();
    let neg = false;
    if (s[i] === '!') {
      neg = true;
      i++;
    }
    const key = ident();
    if (!key) throw new Error(`unable to parse requirement: found '${s[i] ?? ''}', expected: identifier`);
    skip();
    if (neg) {
      out.push({ key, operator: '!', values: [] });
    } else if (i >= s.length || s[i] === ',') {
      out.push({ key, operator: 'exists', values: [] });
    } else if (s.startsWith('==', i)) {
      i += 2;
      out.push({ key, operator: '==', values: [ident()] });
    } else if (s.startsWith('!=', i)) {
      i += 2;
      out.push({ key, operator: '!=', values: [ident()] });
    } else if (s[i] === '=') {
      i++;
      out.push({ key, operator: '=', values: [ident()] });
    } else if (s[i] === '>' || s[i] === '<') {
      const op = s[i] === '>' ? 'gt' : 'lt';
      i++;
      const v = ident();
      if (!/^-?[0-9]+$/.test(v)) throw new Error(`for 'gt', 'lt' operators, exactly one value is required and it must be an integer`);
      out.push({ key, operator: op, values: [v] });
    } else {
      const word = ident();
      if (word !== 'in' && word !== 'notin')
        throw new Error(`unable to parse requirement: found '${word || s[i]}', expected: in, notin, =, ==, !=, gt, lt`);
      skip();
      if (s[i] !== '(') throw new Error(`found '${s[i] ?? ''}', expected: '('`);
      i++;
      const values: string[] = [];
      for (;;) {
        const v = ident();
        values.push(v);
        skip();
        if (s[i] === ',') {
          i++;
          continue;
        }
        if (s[i] === ')') {
          i++;
          break;
        }
        throw new Error(`found '${s[i] ?? ''}', expected: ',' or ')'`);
      }
      out.push({ key, operator: word, values });
    }
    skip();
    if (i < s.length) {
      if (s[i] !== ',') throw new Error(`found '${s[i]}', expected: ',' or 'end of string'`);
      i++;
    }
  }
  return out;
}

// ---- field selectors ----

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Parses `spec.nodeName=node-1,status.phase!=Running`. */
export function parseFieldSelector(s: string | undefined): FieldRequirement[] {
  if (!s || !s.trim()) return [];
  return s.split(',').map((part) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(part);
    if (!m) throw new Error(`invalid selector: '${s}'; can't understand '${part}'`);
    return { field: m[1], operator: m[2] === '!=' ? '!=' : '=', value: m[3] };
  });
}

/** Reads a dotted field path of a plain object; absent fields read as ''. */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return String(cur);
}

export function fieldsMatch(obj: unknown, reqs: readonly FieldRequirement[]): boolean {
  for (const r of reqs) {
    const v = fieldValue(obj, r.field);
    if (r.operator === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
