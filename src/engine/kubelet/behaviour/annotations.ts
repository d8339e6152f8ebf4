/**
 * Reads the `kubecuke.io/*` annotations that pin down what a container
 * does: `exit-after`, `exit-code`, `ready-after`, `hang-after`,
 * `cpu-usage`, `memory-usage`, each pod-wide (`kubecuke.io/exit-code`) or
 * for one container (`kubecuke.io/app.exit-code`, which wins).
 *
 * A bad value never throws: it is reported as a problem naming the
 * annotation, the pod and what is wrong, and the annotation is ignored.
 */
import { closest, distance } from 'fastest-levenshtein';
import { isQuantity } from '../../api/quantity.ts';
import { parseDuration, DurationError } from '../../api/duration.ts';

export const ANNOTATION_PREFIX = 'kubecuke.io/';

/** The keys, and what kind of value each takes. */
const KEYS = {
  'exit-after': 'duration',
  'ready-after': 'duration',
  'hang-after': 'duration',
  'exit-code': 'exit code',
  'cpu-usage': 'quantity',
  'memory-usage': 'quantity',
} as const;

export type OverrideKey = keyof typeof KEYS;

/** The overrides that apply to one container; durations in milliseconds. */
export interface Overrides {
  exitAfterMs?: number;
  readyAfterMs?: number;
  hangAfterMs?: number;
  exitCode?: number;
  cpuUsage?: string;
  memoryUsage?: string;
  /** The annotation each override came from, for messages. */
  from: Partial<Record<OverrideKey, string>>;
}

/**
 * Reads the overrides for `containerName` from pod annotations. Problems
 * (bad values, misspelt keys, a container the pod does not have) are
 * returned, not thrown.
 */
export function readOverrides(
  annotations: Readonly<Record<string, string>> | undefined,
  podName: string,
  containerName: string,
  containerNames: readonly string[],
): { overrides: Overrides; problems: string[] } {
  const overrides: Overrides = { from: {} };
  const problems: string[] = [];
  const keys = Object.keys(KEYS);
  // Pod-wide keys first so that per-container ones overwrite them.
  const entries = Object.entries(annotations ?? {})
    .filter(([k]) => k.startsWith(ANNOTATION_PREFIX))
    .map(([k, v]) => {
      const name = k.slice(ANNOTATION_PREFIX.length);
      const dot = name.indexOf('.');
      return { annotation: k, value: v, container: dot >= 0 ? name.slice(0, dot) : undefined, key: dot >= 0 ? name.slice(dot + 1) : name };
    })
    .sort((a, b) => Number(a.container !== undefined) - Number(b.container !== undefined));

  for (const { annotation, value, container, key } of entries) {
    const where = `annotation ${annotation} on pod ${podName}`;
    // Each problem is said once per pod: pod-wide ones with the first container, others with theirs.
    const report = (text: string) => {
      if (container === undefined ? containerName === containerNames[0] : container === containerName) problems.push(text);
    };
    if (!(key in KEYS)) {
      // Only near misses are ours to report: other kubecuke.io annotations belong to other parts.
      const guess = closest(key, keys);
      if (distance(key, guess) <= 2 && (container === undefined || containerNames.includes(container))) {
        report(`${where} is not known; did you mean ${ANNOTATION_PREFIX}${container ? `${container}.` : ''}${guess}?`);
      }
      continue;
    }
    if (container !== undefined && !containerNames.includes(container)) {
      if (containerNames[0] === containerName) {
        problems.push(`${where} names container "${container}", which the pod does not have (it has ${containerNames.map((c) => `"${c}"`).join(', ')})`);
      }
      continue;
    }
    if (container !== undefined && container !== containerName) continue;
    const k = key as OverrideKey;
    const bad = (what: string) => report(`${where}: ${JSON.stringify(value)} ${what}; the annotation is ignored`);
    switch (KEYS[k]) {
      case 'duration': {
        let ms: number;
        try {
          ms = parseDuration(value.trim());
        } catch (e) {
          bad(`is not a duration such as "30s", "1m30s" or "2h" (${e instanceof DurationError ? e.message : String(e)})`);
          continue;
        }
        if (ms < 0) {
          bad('is negative');
          continue;
        }
        if (k === 'exit-after') overrides.exitAfterMs = ms;
        else if (k === 'ready-after') overrides.readyAfterMs = ms;
        else overrides.hangAfterMs = ms;
        break;
      }
      case 'exit code': {
        const t = value.trim();
        if (!/^[0-9]+$/.test(t) || Number(t) > 255) {
          bad('is not an exit code (a whole number from 0 to 255)');
          continue;
        }
        overrides.exitCode = Number(t);
        break;
      }
      case 'quantity':
        if (!isQuantity(value.trim()) || value.trim().startsWith('-')) {
          bad(`is not a quantity such as ${k === 'cpu-usage' ? '"250m" or "1"' : '"300Mi" or "1Gi"'}`);
          continue;
        }
        if (k === 'cpu-usage') overrides.cpuUsage = value.trim();
        else overrides.memoryUsage = value.trim();
        break;
    }
    overrides.from[k] = annotation;
  }
  return { overrides, problems };
}
