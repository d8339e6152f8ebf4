import { describe, expect, it } from 'vitest';
import { BadReplayToken, formatReplay, parseReplay } from '../../src/fuzz/replay.ts';
import { parsePerturbation, perturbationText } from '../../src/fuzz/arbitraries/perturbation.ts';
import { propertyTag } from '../../src/fuzz/property/tags.ts';

describe('replay tokens', () => {
  it('read what failures print, with or without the commands part', () => {
    expect(parseReplay('1234:5:0:2')).toEqual({ seed: 1234, path: '5:0:2' });
    expect(parseReplay('-7:0')).toEqual({ seed: -7, path: '0' });
    expect(parseReplay('42:3:1~BA:D')).toEqual({ seed: 42, path: '3:1', commands: 'BA:D' });
    for (const t of ['1234:5:0:2', '42:3:1~BA:D', '9:0~A/+:']) expect(formatReplay(parseReplay(t))).toBe(t);
  });

  it('refuse anything else with a message saying how to write one', () => {
    for (const bad of ['', '12', '12:', 'a:1', '1:2:x', '1:2~', '99999999999999999999:1']) {
      expect(() => parseReplay(bad)).toThrow(BadReplayToken);
    }
    expect(() => parseReplay('12')).toThrow('write it as <seed>:<path>');
  });
});

describe('perturbation specs', () => {
  it('round-trip through their text form', () => {
    const spec = { seed: 7, delay: 20, maxDelayMs: 3000, coalesce: 10, drop: 2, crash: 0.5, downMs: 5000 };
    expect(perturbationText(spec)).toBe('seed=7 delay=20% max-delay=3s coalesce=10% drop=2% crash=0.5% down=5s');
    expect(parsePerturbation(perturbationText(spec))).toEqual(spec);
  });

  it('name what is wrong', () => {
    expect(() => parsePerturbation('delay=20')).toThrow('delay=20: write a percentage between 0% and 100%');
    expect(() => parsePerturbation('jitter=1%')).toThrow('unknown setting "jitter"');
    expect(() => parsePerturbation('seed')).toThrow('"seed" is not key=value');
  });
});

describe('property tags', () => {
  it('default to 100 runs and read runs, seed and path', () => {
    expect(propertyTag(['@smoke'], 'x')).toBeUndefined();
    expect(propertyTag(['@property'], 'x')).toEqual({ runs: 100 });
    expect(propertyTag(['@property(runs=200)'], 'x')).toEqual({ runs: 200 });
    expect(propertyTag(['@property(runs=5, seed=7, path=3:0:1)'], 'x')).toEqual({ runs: 5, seed: 7, path: '3:0:1' });
  });

  it('refuse what they do not understand', () => {
    expect(() => propertyTag(['@property(runs=0)'], 'a.feature:3')).toThrow('a.feature:3: "runs=0" in @property(runs=0) is not understood');
    expect(() => propertyTag(['@property(tries=5)'], 'x')).toThrow('is not understood');
  });
});
