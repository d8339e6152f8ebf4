/**
 * The cluster's one seeded random source (pure-rand's xoroshiro128+). It
 * serves generated names, uids, load-balancing choices and tie-breaks; the
 * same seed gives the same sequence.
 */
import { xoroshiro128plus, unsafeUniformIntDistribution, type RandomGenerator } from 'pure-rand';

/** utilrand.String's alphabet: consonants and digits, no vowels or look-alikes. */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const HEX = '0123456789abcdef';

export class Random {
  private rng: RandomGenerator;

  constructor(readonly seed: number) {
    this.rng = xoroshiro128plus(seed | 0);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (n <= 1) return 0;
    return unsafeUniformIntDistribution(0, n - 1, this.rng);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.int(2 ** 30) / 2 ** 30;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** `n` characters from utilrand's alphabet: the 5-character suffix of generateName. */
  nameSuffix(n = 5): string {
    let s = '';
    for (let i = 0; i < n; i++) s += NAME_ALPHABET[this.int(NAME_ALPHABET.length)];
    return s;
  }

  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += HEX[this.int(16)];
    return s;
  }

  /** A version 4 UUID built from this source. */
  uuid(): string {
    const variant = HEX[8 + this.int(4)];
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }
}
