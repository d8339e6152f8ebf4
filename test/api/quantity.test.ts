/**
 * Quantities: the amounts the engine reads (MilliValue, Value) and the API
 * server's exact parse, the same on every read of the same text (parses are
 * remembered by their text).
 */
import { describe, it, expect } from 'vitest';
import { milliValue, resourceAmount, value } from '../../src/engine/api/quantity.ts';
import { formatQuantity, parseQuantity } from '../../src/engine/api/validation/quantity-format.ts';

describe('milliValue and value', () => {
  it.each<[string | number, number, number]>([
    ['100m', 100, 1],
    ['1', 1000, 1],
    ['1.5', 1500, 2],
    ['500Mi', 500 * 1024 * 1024 * 1000, 500 * 1024 * 1024],
    ['1k', 1_000_000, 1000],
    ['1e3', 1_000_000, 1000],
    ['0.1m', 1, 1],
    ['-1', -1000, -1],
    [2, 2000, 2],
  ])('%s', (q, milli, whole) => {
    for (let i = 0; i < 2; i++) {
      expect(milliValue(q)).toBe(milli);
      expect(value(q)).toBe(whole);
    }
  });

  it('refuses a malformed quantity every time', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => milliValue('1x')).toThrow("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
      expect(() => value('abc')).toThrow('quantities must match');
    }
  });

  it('reads cpu in millicores and everything else in whole units', () => {
    expect([resourceAmount('cpu', '250m'), resourceAmount('memory', '1Gi'), resourceAmount('example.com/gpu', '2')]).toEqual([250, 1024 ** 3, 2]);
  });

  it('gives the same amounts after many different quantities have been read', () => {
    for (let i = 0; i < 5000; i++) milliValue(`${i}m`);
    expect([milliValue('100m'), milliValue('4999m'), value('2Gi')]).toEqual([100, 4999, 2 * 1024 ** 3]);
  });
});

describe('parseQuantity', () => {
  it('parses exactly and prints canonically, the same on every parse', () => {
    for (let i = 0; i < 2; i++) {
      expect(formatQuantity(parseQuantity('1500m')!)).toBe('1500m');
      expect(formatQuantity(parseQuantity('1024Mi')!)).toBe('1Gi');
      expect(parseQuantity('0.5Ki')).toEqual({ nanos: 512_000_000_000n, format: 'BinarySI' });
      expect(parseQuantity('bad')).toBeUndefined();
      expect(parseQuantity(' 1 ')).toEqual(parseQuantity('1'));
    }
  });

  it('hands out parses that cannot be changed', () => {
    const q = parseQuantity('3')!;
    expect(() => {
      (q as { nanos: bigint }).nanos = 0n;
    }).toThrow();
    expect(parseQuantity('3')!.nanos).toBe(3_000_000_000n);
  });
});
