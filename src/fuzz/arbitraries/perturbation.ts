/**
 * Perturbations of the event loop, drawn by fast-check and played through
 * the engine's one hook (engine/api/perturbation.ts): each watch batch may
 * be delayed, coalesced or dropped (the watcher relists), and each reconcile
 * may crash the controller manager partway. Rates shrink towards zero, so a
 * counterexample that does not need them loses them.
 *
 * A spec has a text form, used by the step
 * `Given the event loop is perturbed with "<spec>"`:
 *   seed=7 delay=20% max-delay=3s coalesce=10% drop=2% crash=0.5% down=5s
 */
import fc from 'fast-check';
import { Random, formatDuration, parseDuration, type ControllerCrash, type Perturbation, type WatchBatch, type WatchDelivery } from '../../engine/index.ts';

export interface PerturbationSpec {
  seed: number;
  /** Percent of watch batches delivered late. */
  delay: number;
  /** Longest delay, ms. */
  maxDelayMs: number;
  /** Percent of batches whose intermediate modifications of an object are skipped. */
  coalesce: number;
  /** Percent of batches dropped, ending the watch (the watcher lists again). */
  drop: number;
  /** Percent of reconciles during which the controller manager crashes. */
  crash: number;
  /** How long a crashed controller manager stays down, ms (at least the kubelet's restart back-off). */
  downMs: number;
}

/** Watchers never perturbed: the fuzzer's own observers, which check the API server's promises. */
export const OBSERVER_COMPONENT = 'kubecuke-observer';

export function perturbationArb(): fc.Arbitrary<PerturbationSpec> {
  return fc.record({
    seed: fc.integer({ min: 1, max: 999_999 }),
    delay: fc.constantFrom(0, 10, 30, 60),
    maxDelayMs: fc.constantFrom(1000, 5000, 200, 30_000),
    coalesce: fc.constantFrom(0, 10, 30),
    drop: fc.constantFrom(0, 2, 10),
    crash: fc.constantFrom(0, 1, 5),
    downMs: fc.constantFrom(5000, 0, 30_000),
  });
}

/** Perturbation on a share of histories, none on the others. */
export function maybePerturbationArb(freq = 2): fc.Arbitrary<PerturbationSpec | undefined> {
  return fc.option(perturbationArb(), { nil: undefined, freq });
}

export function perturbationText(p: PerturbationSpec): string {
  return `seed=${p.seed} delay=${p.delay}% max-delay=${formatDuration(p.maxDelayMs)} coalesce=${p.coalesce}% drop=${p.drop}% crash=${p.crash}% down=${formatDuration(p.downMs)}`;
}

/** Parses the text form; throws an Error naming what is wrong. */
export function parsePerturbation(text: string): PerturbationSpec {
  const spec: PerturbationSpec = { seed: 1, delay: 0, maxDelayMs: 1000, coalesce: 0, drop: 0, crash: 0, downMs: 0 };
  const percent = (k: string, v: string): number => {
    const m = /^(\d+(?:\.\d+)?)%$/.exec(v);
    if (!m || Number(m[1]) > 100) throw new Error(`${k}=${v}: write a percentage between 0% and 100%`);
    return Number(m[1]);
  };
  for (const part of text.trim().split(/\s+/).filter(Boolean)) {
    const [k, v] = part.split('=');
    if (v === undefined) throw new Error(`"${part}" is not key=value`);
    switch (k) {
      case 'seed':
        if (!/^\d+$/.test(v)) throw new Error(`seed=${v}: write a whole number`);
        spec.seed = Number(v);
        break;
      case 'delay':
      case 'coalesce':
      case 'drop':
      case 'crash':
        spec[k] = percent(k, v);
        break;
      case 'max-delay':
        spec.maxDelayMs = parseDuration(v);
        break;
      case 'down':
        spec.downMs = parseDuration(v);
        break;
      default:
        throw new Error(`unknown setting "${k}": use seed, delay, max-delay, coalesce, drop, crash and down`);
    }
  }
  return spec;
}

/** Plays a spec through the engine's hook, from its own seeded source; `stop()` ends every perturbation. */
export class SeededPerturbation implements Perturbation {
  private readonly random: Random;
  private active = true;
  /** What was done, for summaries. */
  readonly counts = { delayed: 0, coalesced: 0, dropped: 0, crashes: 0 };

  constructor(readonly spec: PerturbationSpec) {
    this.random = new Random(spec.seed);
  }

  stop(): void {
    this.active = false;
  }

  private chance(percent: number): boolean {
    return percent > 0 && this.random.int(100_000) < percent * 1000;
  }

  watchDelivery(batch: WatchBatch): WatchDelivery | undefined {
    if (!this.active || batch.watcher === OBSERVER_COMPONENT) return undefined;
    const s = this.spec;
    if (batch.canRelist && this.chance(s.drop)) {
      this.counts.dropped++;
      return { drop: true };
    }
    const out: WatchDelivery = {};
    if (this.chance(s.delay)) {
      out.delayMs = 1 + this.random.int(s.maxDelayMs);
      this.counts.delayed++;
    }
    if (this.chance(s.coalesce)) {
      out.coalesce = true;
      this.counts.coalesced++;
    }
    return out.delayMs || out.coalesce ? out : undefined;
  }

  reconcile(): ControllerCrash | undefined {
    if (!this.active || !this.chance(this.spec.crash)) return undefined;
    this.counts.crashes++;
    return { afterWrites: this.random.int(3), downMs: this.spec.downMs };
  }
}

/** What a perturbation means for judging a history: how stale a component's view may be, and whether caches may lag at all. */
export function judgement(p: unknown): { staleness: number; watchesPerturbed: boolean; perturbed: boolean } {
  if (!(p instanceof SeededPerturbation)) return { staleness: 0, watchesPerturbed: false, perturbed: false };
  const s = p.spec;
  const watches = s.delay > 0 || s.coalesce > 0 || s.drop > 0;
  return { staleness: s.delay > 0 ? s.maxDelayMs : 0, watchesPerturbed: watches, perturbed: watches || s.crash > 0 };
}
