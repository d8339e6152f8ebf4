/**
 * kubecuke's Cucumber formatter: one line per scenario with the simulated
 * time it covered, then each failure in full (the failing step's message,
 * never a stack trace for a user's mistake), undefined steps with the
 * closest known phrasings, and a summary.
 */
import { Formatter, formatterHelpers, type IFormatterOptions } from '@cucumber/cucumber';
import type * as messages from '@cucumber/messages';
import { closestPhrasings } from '../harness/suggest.ts';
import { SCENARIO_ATTACHMENT } from '../harness/world.ts';

interface ScenarioInfo {
  simulatedMs?: number;
}

function human(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${sec}s`;
}

export default class KubecukeFormatter extends Formatter {
  static override readonly documentation = 'kubecuke: scenarios, simulated time, failures with explanations';
  private printedFeature = '';

  constructor(options: IFormatterOptions) {
    super(options);
    options.eventBroadcaster.on('envelope', (e: messages.Envelope) => {
      if (e.testCaseFinished && !e.testCaseFinished.willBeRetried) this.scenarioFinished(e.testCaseFinished.testCaseStartedId);
      if (e.testRunFinished) this.runFinished(e.testRunFinished);
    });
  }

  private attempt(testCaseStartedId: string) {
    return this.eventDataCollector.getTestCaseAttempt(testCaseStartedId);
  }

  private info(parsed: ReturnType<typeof formatterHelpers.parseTestCaseAttempt>): ScenarioInfo {
    for (const s of parsed.testSteps) {
      for (const a of s.attachments) if (a.mediaType === SCENARIO_ATTACHMENT) return JSON.parse(a.body) as ScenarioInfo;
    }
    return {};
  }

  private scenarioFinished(id: string): void {
    const attempt = this.attempt(id);
    const parsed = formatterHelpers.parseTestCaseAttempt({ testCaseAttempt: attempt, snippetBuilder: this.snippetBuilder, supportCodeLibrary: this.supportCodeLibrary });
    const feature = attempt.gherkinDocument.feature?.name ?? attempt.gherkinDocument.uri ?? '';
    if (feature !== this.printedFeature) {
      this.printedFeature = feature;
      this.log(`\n${this.colorFns.location(attempt.gherkinDocument.uri ?? '')}  Feature: ${feature}\n`);
    }
    const status = attempt.worstTestStepResult.status;
    const mark = status === 'PASSED' ? this.colorFns.forStatus(status)('✔') : status === 'SKIPPED' ? this.colorFns.forStatus(status)('-') : this.colorFns.forStatus(status)('✖');
    const info = this.info(parsed);
    const sim = info.simulatedMs !== undefined ? `  (${human(info.simulatedMs)} simulated)` : '';
    this.log(`  ${mark} ${parsed.testCase.name}${sim}\n`);
  }

  private runFinished(_finished: messages.TestRunFinished): void {
    const attempts = this.eventDataCollector.getTestCaseAttempts();
    const failures = attempts.filter((a) => !a.willBeRetried && a.worstTestStepResult.status !== 'PASSED' && a.worstTestStepResult.status !== 'SKIPPED');
    const patterns = this.supportCodeLibrary.stepDefinitions.map((d) => String(d.pattern));
    if (failures.length) this.log(`\n${this.colorFns.forStatus('FAILED' as messages.TestStepResultStatus)('Failures')}:\n`);
    failures.forEach((a, i) => {
      const parsed = formatterHelpers.parseTestCaseAttempt({ testCaseAttempt: a, snippetBuilder: this.snippetBuilder, supportCodeLibrary: this.supportCodeLibrary });
      const loc = parsed.testCase.sourceLocation;
      this.log(`\n${i + 1}) Scenario: ${parsed.testCase.name} ${this.colorFns.location(loc ? `# ${loc.uri}:${loc.line}` : '')}\n`);
      for (const s of parsed.testSteps) {
        if (!s.text && s.result.status === 'PASSED') continue;
        const st = s.result.status;
        const sym = st === 'PASSED' ? '✔' : st === 'SKIPPED' ? '-' : st === 'UNDEFINED' ? '?' : '✖';
        const where = s.sourceLocation ? this.colorFns.location(` # ${s.sourceLocation.uri}:${s.sourceLocation.line}`) : '';
        this.log(`   ${this.colorFns.forStatus(st)(`${sym} ${s.keyword}${s.text ?? s.name ?? ''}`)}${where}\n`);
        if (st === 'FAILED' && s.result.message) this.log(`${indent(s.result.message, 7)}\n`);
        if (st === 'UNDEFINED' && s.text) {
          // Time-qualified forms repeat every check; suggest them only when the text uses one.
          const qualified = /^(within|for|at all times)\b/.test(s.text);
          const near = closestPhrasings(s.text, qualified ? patterns : patterns.filter((p) => !/^(within \{duration\}|for \{duration\}|at all times) /.test(p)), 3);
          this.log(`${indent(`No step matches this text. The closest known phrasings are:\n${near.map((p) => `  - ${p}`).join('\n')}\nThe whole vocabulary is in docs/steps.md.`, 7)}\n`);
        }
        if (st === 'AMBIGUOUS' && s.result.message) this.log(`${indent(s.result.message, 7)}\n`);
      }
    });
    const counts = new Map<string, number>();
    let simulated = 0;
    for (const a of attempts) {
      if (a.willBeRetried) continue;
      const st = a.worstTestStepResult.status.toLowerCase();
      counts.set(st, (counts.get(st) ?? 0) + 1);
      const parsed = formatterHelpers.parseTestCaseAttempt({ testCaseAttempt: a, snippetBuilder: this.snippetBuilder, supportCodeLibrary: this.supportCodeLibrary });
      simulated += this.info(parsed).simulatedMs ?? 0;
    }
    const total = [...counts.values()].reduce((x, y) => x + y, 0);
    const parts = [...counts].map(([st, n]) => this.colorFns.forStatus(st.toUpperCase() as messages.TestStepResultStatus)(`${n} ${st}`));
    this.log(`\n${total} scenario${total === 1 ? '' : 's'} (${parts.join(', ') || 'none'}), ${human(simulated)} of cluster time simulated\n`);
  }
}

function indent(text: string, n: number): string {
  const pad = ' '.repeat(n);
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}
