/**
 * A container's environment as the kubelet builds it, and Kubernetes'
 * `$(VAR)` expansion of env values, command and args
 * (k8s.io/kubernetes third_party/forked/golang/expansion).
 */
import type { Container } from '../../api/types.ts';
import type { EnvView } from './images.ts';

/**
 * Expands `$(VAR)` references: a defined variable is replaced by its value,
 * an undefined one is left as written, `$$` is a literal `$`, and a `$` not
 * followed by `(` or `$` is kept with the character after it.
 */
export function expandReferences(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    let advance = 1;
    if (next === '$') {
      out += '$';
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close < 0) {
        out += '$(';
      } else {
        const name = input.slice(cursor + 2, close);
        out += lookup(name) ?? `$(${name})`;
        advance = close - cursor;
      }
    } else {
      out += `$${next}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/**
 * The environment of one container. Values from `valueFrom` and `envFrom`
 * live in other objects; unless the caller resolved them, their names are
 * known (valueFrom) or not even that (envFrom), and checks that depend on
 * them give the container the benefit of the doubt.
 */
export class ContainerEnv implements EnvView {
  private constructor(
    readonly values: ReadonlyMap<string, string>,
    /** Names set from a source that was not resolved. */
    readonly opaque: ReadonlySet<string>,
    /** True when `envFrom` sources were not resolved: any name may be set. */
    readonly openEnded: boolean,
  ) {}

  /**
   * Reads `env` (in order, each value expanded against those before it) or,
   * when `resolved` is given, takes it as the complete environment.
   */
  static of(container: Pick<Container, 'env' | 'envFrom'>, resolved?: Readonly<Record<string, string>>): ContainerEnv {
    if (resolved) return new ContainerEnv(new Map(Object.entries(resolved)), new Set(), false);
    const values = new Map<string, string>();
    const opaque = new Set<string>();
    for (const e of container.env ?? []) {
      if (e.valueFrom) {
        values.delete(e.name);
        opaque.add(e.name);
      } else {
        opaque.delete(e.name);
        values.set(e.name, expandReferences(e.value ?? '', (n) => values.get(n)));
      }
    }
    return new ContainerEnv(values, opaque, (container.envFrom ?? []).length > 0);
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  nonEmpty(name: string): boolean | undefined {
    const v = this.values.get(name);
    if (v !== undefined) return v !== '';
    return this.opaque.has(name) || this.openEnded ? undefined : false;
  }

  /** Expands `$(VAR)` in a command or arg; unresolved names stay as written, as the kubelet leaves unknown ones. */
  expand(text: string): string {
    return expandReferences(text, (n) => this.values.get(n));
  }
}
