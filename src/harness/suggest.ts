/**
 * Suggestions for a step no definition matches: the known phrasings closest
 * to what was written, compared with quoted names and numbers set aside.
 */
import { distance } from 'fastest-levenshtein';

const EXAMPLES: Record<string, string> = {
  '{int}': 'N',
  '{string}': '"…"',
  '{workload}': 'deployment "…"',
  '{duration}': 'N minutes',
  '{quantity}': 'N',
  '{kind}': 'deployment',
  '{phase}': 'running',
  '{float}': 'N',
  '{word}': 'word',
};

/** `{int} pod(s) of {workload} is/are running` -> `N pods of deployment "…" is running`. */
export function examplePhrase(pattern: string): string {
  return pattern
    .replace(/\{[a-z]+\}/g, (p) => EXAMPLES[p] ?? '…')
    .replace(/\(([^)]*)\)/g, '$1')
    .replace(/(\S+)\/\S+/g, '$1');
}

export function normalizeStep(text: string): string {
  return text
    .replace(/"[^"]*"/g, '"…"')
    .replace(/\b\d+(?:\.\d+)?(?:m|Mi|Gi|Ki)?\b/g, 'N')
    .replace(/\bN\s+(?:seconds?|minutes?|hours?)\b/g, 'N minutes')
    .replace(/\b(?:deployment|statefulset|daemonset|replicaset|job|cronjob) "…"/g, 'deployment "…"')
    .toLowerCase();
}

/** The `n` known patterns closest to `text`, best first. */
export function closestPhrasings(text: string, patterns: readonly string[], n = 3): string[] {
  const target = normalizeStep(text);
  const scored = [...new Set(patterns)].map((p) => {
    const ex = normalizeStep(examplePhrase(p));
    return { p, d: distance(target, ex) / Math.max(target.length, ex.length, 1) };
  });
  scored.sort((a, b) => a.d - b.d || a.p.localeCompare(b.p));
  return scored.slice(0, n).map((s) => s.p);
}
