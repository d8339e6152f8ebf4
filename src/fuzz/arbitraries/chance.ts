/**
 * `sometimes(arb, percent)`: a value of `arb` that often, undefined
 * otherwise, shrinking towards undefined. (fc.option's `freq` sets the
 * chance of nil to 1/freq, so it cannot make a feature rare.)
 */
import fc from 'fast-check';

export function sometimes<T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ withCrossShrink: true }, { weight: 100 - percent, arbitrary: fc.constant(undefined) }, { weight: percent, arbitrary: arb });
}
