/**
 * Scenario speed: every bundled feature is run several times in one process;
 * for each scenario, the median wall time and the simulated time it covered.
 * Aim: the node-failure scenario (about 6 simulated minutes) under 50 ms.
 */
import { Writable } from 'node:stream';
import { resolve } from 'node:path';
import { loadConfiguration, loadSupport, runCucumber } from '@cucumber/cucumber/api';
import type * as messages from '@cucumber/messages';
import { PACKAGE_ROOT } from '../src/harness/runner.ts';
import { SCENARIO_ATTACHMENT } from '../src/harness/world.ts';

const ROUNDS = 7;

function ms(t: messages.Timestamp): number {
  return t.seconds * 1000 + t.nanos / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(): Promise<void> {
  const silent = new Writable({ write: (_c, _e, cb) => cb() });
  const environment = { cwd: PACKAGE_ROOT, stdout: silent, stderr: silent };
  const { runConfiguration } = await loadConfiguration(
    { file: false, provided: { paths: [resolve(PACKAGE_ROOT, 'features')], import: [resolve(PACKAGE_ROOT, 'steps/*.ts')], format: [] } },
    environment,
  );
  const support = await loadSupport(runConfiguration, environment);
  const wall = new Map<string, number[]>();
  const simulated = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    const names = new Map<string, string>();
    const pickles = new Map<string, { name: string; uri: string }>();
    const started = new Map<string, { at: number; testCaseId: string }>();
    const caseToPickle = new Map<string, string>();
    await runCucumber({ ...runConfiguration, support }, environment, (e: messages.Envelope) => {
      if (e.pickle) pickles.set(e.pickle.id, { name: e.pickle.name, uri: e.pickle.uri });
      if (e.testCase) caseToPickle.set(e.testCase.id, e.testCase.pickleId);
      if (e.testCaseStarted) started.set(e.testCaseStarted.id, { at: ms(e.testCaseStarted.timestamp), testCaseId: e.testCaseStarted.testCaseId });
      if (e.attachment?.mediaType === SCENARIO_ATTACHMENT && e.attachment.testCaseStartedId) {
        names.set(e.attachment.testCaseStartedId, JSON.parse(e.attachment.body).simulatedMs);
      }
      if (e.testCaseFinished) {
        const s = started.get(e.testCaseFinished.testCaseStartedId)!;
        const p = pickles.get(caseToPickle.get(s.testCaseId)!)!;
        const key = `${p.uri.replace(/^.*features\//, '')} :: ${p.name}`;
        if (!wall.has(key)) wall.set(key, []);
        wall.get(key)!.push(ms(e.testCaseFinished.timestamp) - s.at);
        const sim = names.get(e.testCaseFinished.testCaseStartedId);
        if (sim !== undefined) simulated.set(key, Number(sim));
      }
    });
  }
  const rows = [...wall].map(([k, xs]) => ({ k, med: median(xs.slice(1)), sim: simulated.get(k) ?? 0 }));
  const width = Math.max(...rows.map((r) => r.k.length));
  console.log(`${'scenario'.padEnd(width)}  median_ms  simulated`);
  for (const r of rows) console.log(`${r.k.padEnd(width)}  ${r.med.toFixed(1).padStart(9)}  ${(r.sim / 1000).toFixed(0).padStart(7)}s`);
  const nodeFailure = rows.find((r) => r.k.includes('when a node dies, then pods reschedule'));
  const total = rows.reduce((a, r) => a + r.med, 0);
  console.log(
    `RESULT scenarios count=${rows.length} total_median_ms=${total.toFixed(1)} node_failure_ms=${nodeFailure?.med.toFixed(1) ?? 'n/a'} node_failure_simulated_s=${((nodeFailure?.sim ?? 0) / 1000).toFixed(0)}`,
  );
}
