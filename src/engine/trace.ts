/**
 * The cluster's trace: every request the API server carried out or refused,
 * and every reconcile that failed, stamped with simulated time. It is the
 * story failure messages and reports tell, and what determinism is checked
 * against (one seed, one trace).
 */
import type { AuditEntry } from './apiserver/apiserver.ts';
import type { ReconcileError } from './controllers/manager.ts';
import { EPOCH_MS } from './clock/clock.ts';

export type TraceEntry =
  | ({ kind: 'request' } & AuditEntry)
  | ({ kind: 'reconcile-error' } & ReconcileError)
  | { kind: 'step'; at: number; text: string }
  /** Something a Perturbation did to the event loop (a controller manager crash and restart). */
  | { kind: 'perturbation'; at: number; text: string };

/** `+1h02m03.400s`-style offset from the start of the cluster's history. */
export function formatOffset(at: number, start = EPOCH_MS): string {
  const ms = Math.max(0, at - start);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const milli = ms % 1000;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `+${h ? `${h}h` : ''}${pad(m)}m${pad(s)}.${pad(milli, 3)}s`;
}

export class Trace {
  readonly entries: TraceEntry[] = [];
  private limit: number;

  constructor(limit = 1_000_000) {
    this.limit = limit;
  }

  record(e: TraceEntry): void {
    this.entries.push(e);
    // Keep memory bounded on very long runs: drop the oldest half.
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length >> 1);
  }

  /** One line per entry, in order. */
  lines(filter?: (e: TraceEntry) => boolean, start = EPOCH_MS): string[] {
    const out: string[] = [];
    for (const e of this.entries) if (!filter || filter(e)) out.push(formatEntry(e, start));
    return out;
  }

  /** Entries at or after `at`. */
  since(at: number): TraceEntry[] {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid].at < at) lo = mid + 1;
      else hi = mid;
    }
    return this.entries.slice(lo);
  }
}

export function formatEntry(e: TraceEntry, start = EPOCH_MS): string {
  const t = formatOffset(e.at, start);
  switch (e.kind) {
    case 'request': {
      const target = `${e.resource}${e.subresource ? `/${e.subresource}` : ''} ${e.namespace ? `${e.namespace}/` : ''}${e.name}`;
      const outcome = e.code >= 400 ? ` -> ${e.code}${e.message ? ` ${e.message}` : ''}` : e.message ? ` (${e.message})` : '';
      return `${t} ${e.component} ${e.verb} ${target}${outcome}`;
    }
    case 'reconcile-error':
      return `${t} ${e.controller} failed to reconcile ${e.key}: ${e.message}`;
    case 'step':
      return `${t} == ${e.text}`;
    case 'perturbation':
      return `${t} !! ${e.text}`;
  }
}
