/**
 * A campaign spread over worker threads. Chunks are handed out in order and
 * their results taken in order, so the outcome (histories, figures, the
 * failure reported) is the one `runCampaign` gives with the same seed, only
 * sooner. The wall clock decides only when to stop handing out chunks.
 */
import { Worker } from 'node:worker_threads';
import { type CampaignOptions, type CampaignResult, type Failure, type Progress } from './campaign.ts';
import { type FromWorker, revived, toPortable } from './portable.ts';

function spawn(data: unknown): Worker {
  return new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: data });
}

interface Done {
  progress: Progress;
  states: string[];
  failure?: Failure;
}

export async function runCampaignInWorkers(o: CampaignOptions, workers: number): Promise<CampaignResult> {
  const now = o.now ?? (() => performance.now());
  const started = now();
  const runs = o.runs ?? 300;
  const chunk = Math.max(1, o.chunk ?? 20);
  const chunks: number[] = [];
  for (let done = 0; done < runs; done += chunk) chunks.push(Math.min(chunk, runs - done));
  const results = new Map<number, Done>();
  const live: Progress = { histories: 0, steps: 0, changes: 0, distinctStates: 0, simulatedMs: 0, wallMs: 0 };
  const seenStates = new Set<string>();
  let next = 0;
  let stop: 'time' | 'failure' | undefined;
  let firstFailure = Infinity;
  const pool = Array.from({ length: Math.max(1, Math.min(workers, chunks.length)) }, () => spawn({ options: toPortable(o), seed: o.seed ?? 1 }));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const give = () => {
              if (o.timeBudgetMs !== undefined && now() - started >= o.timeBudgetMs) stop ??= 'time';
              if (stop || next >= chunks.length || next > firstFailure) return resolve();
              const index = next++;
              w.postMessage({ type: 'chunk', index, numRuns: chunks[index] });
            };
            w.on('message', (m: FromWorker) => {
              if (m.type === 'history') {
                live.histories++;
                live.steps += m.steps;
                live.changes += m.changes;
                live.simulatedMs += m.simulatedMs;
                live.wallMs = now() - started;
                o.onProgress?.({ ...live });
                return;
              }
              results.set(m.index, { progress: m.progress, states: m.states, failure: m.failure });
              for (const st of m.states) seenStates.add(st);
              live.distinctStates = seenStates.size;
              if (m.failure) firstFailure = Math.min(firstFailure, m.index);
              give();
            });
            w.on('error', reject);
            give();
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  // Take the chunks in order, up to the first that failed, as runCampaign would have.
  const states = new Set<string>();
  const total: Progress = { histories: 0, steps: 0, changes: 0, distinctStates: 0, simulatedMs: 0, wallMs: now() - started };
  for (let i = 0; results.has(i); i++) {
    const r = results.get(i)!;
    if (r.failure) {
      const failure = revived({ ...r.failure, foundAfter: total.histories + r.failure.foundAfter });
      add(total, r, states);
      return { ...total, stopped: 'failure', failure };
    }
    add(total, r, states);
  }
  return { ...total, stopped: stop === 'time' ? 'time' : 'runs' };
}

function add(total: Progress, r: Done, states: Set<string>): void {
  total.histories += r.progress.histories;
  total.steps += r.progress.steps;
  total.changes += r.progress.changes;
  total.simulatedMs += r.progress.simulatedMs;
  for (const s of r.states) states.add(s);
  total.distinctStates = states.size;
}
