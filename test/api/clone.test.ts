/**
 * clone: the same value a JSON round trip gives, for every kind of value an object can hold.
 * deepEqual: equal as JSON is, key order and undefined fields aside.
 */
import { describe, it, expect } from 'vitest';
import { clone, deepEqual } from '../../src/engine/api/meta.ts';

const roundTrip = (v: unknown) => JSON.parse(JSON.stringify(v));

describe('clone', () => {
  const cases: Array<[string, unknown]> = [
    ['a nested object', { a: 1, b: 'x', c: true, d: null, e: { f: [1, 'two', { g: false }] } }],
    ['undefined fields are left out', { a: undefined, b: 1, c: { d: undefined } }],
    ['undefined, functions and symbols in arrays become null', [undefined, () => 1, Symbol('s'), 3]],
    ['functions and symbols in objects are left out', { f: () => 1, s: Symbol('s'), k: 'v' }],
    ['non-finite numbers become null', { a: NaN, b: Infinity, c: [-Infinity], d: -0 }],
    ['dates become their ISO text', { at: new Date(Date.UTC(2025, 0, 1)) }],
    ['toJSON is honoured', { q: { toJSON: () => '1Gi' } }],
    ['integer-like keys keep the order JSON gives them', { b: 1, 2: 'two', a: 3, 1: 'one' }],
    ['a __proto__ key stays an own field', JSON.parse('{"__proto__": {"x": 1}, "y": 2}')],
    ['an object without a prototype', Object.assign(Object.create(null), { a: 1 })],
    ['a map becomes an empty object', { m: new Map([['a', 1]]) }],
    ['strings, numbers and null at the top', 'text'],
    ['null', null],
  ];
  it.each(cases)('%s', (_what, v) => {
    const got = clone(v);
    const want = roundTrip(v);
    expect(got).toStrictEqual(want);
    if (got && typeof got === 'object') expect(Object.keys(got)).toEqual(Object.keys(want));
    expect(JSON.stringify(got)).toBe(JSON.stringify(want));
  });

  it('copies: changing the copy leaves the original alone', () => {
    const v = { a: { b: [1, { c: 2 }] } };
    const c = clone(v);
    (c.a.b[1] as { c: number }).c = 3;
    expect(v.a.b[1]).toEqual({ c: 2 });
  });

  it('returns undefined for undefined and refuses a bigint as JSON does', () => {
    expect(clone(undefined)).toBeUndefined();
    expect(() => clone({ n: 1n })).toThrow(TypeError);
  });
});

describe('deepEqual', () => {
  const cases: Array<[string, unknown, unknown, boolean]> = [
    ['the same nested value', { a: [1, { b: 'x' }], c: null }, { a: [1, { b: 'x' }], c: null }, true],
    ['keys in another order', { a: 1, b: 2 }, { b: 2, a: 1 }, true],
    ['an undefined field counts as absent, on either side', { a: 1, b: undefined }, { a: 1 }, true],
    ['', { a: 1 }, { a: 1, b: undefined }, true],
    ['a missing field', { a: 1, b: 2 }, { a: 1 }, false],
    ['', { a: 1 }, { a: 1, b: 2 }, false],
    ['a field set to null is not absent', { a: null }, {}, false],
    ['another value deep down', { a: { b: [1, 2] } }, { a: { b: [1, 3] } }, false],
    ['lists of other lengths', [1, 2], [1, 2, 3], false],
    ['a list is not an object', { 0: 1 }, [1], false],
    ['another field with the same count', { a: 1, b: 2 }, { a: 1, c: 2 }, false],
  ];
  it.each(cases)('%s', (_name, a, b, equal) => {
    expect(deepEqual(a, b)).toBe(equal);
    expect(deepEqual(b, a)).toBe(equal);
  });
});
