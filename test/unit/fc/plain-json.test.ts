import { describe, expect, it } from 'vitest';
import { isPlainJson } from '../../../infra/local/fc/plain-json.ts';

describe('isPlainJson', () => {
  it('accepts an HTTP trigger answer and any value made of strings, finite numbers, booleans, null, arrays and plain objects', () => {
    expect(isPlainJson({ statusCode: 200, headers: { 'content-type': 'application/json', 'x-count': 2 }, isBase64Encoded: false, body: '{"waybillNo":"SF1"}' })).toBe(true);
    expect(isPlainJson([1, 'two', true, null, { nested: [{}] }])).toBe(true);
    expect(isPlainJson(Object.assign(Object.create(null) as object, { waybillNo: 'SF1' }))).toBe(true);
    expect(isPlainJson('lone surrogate \ud800 survives JSON')).toBe(true);
  });

  it('refuses what JSON would change: non-finite numbers, -0, undefined members, functions, toJSON, class instances', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, -0, { left: undefined }, [undefined], { call: () => 1 }, { toJSON: () => 'x' }, new Date(0), new Map(), Buffer.from('x'), 1n, Symbol('s')]) {
      expect(isPlainJson(value)).toBe(false);
    }
  });

  it('refuses arrays with holes or extra properties, and an own __proto__ key', () => {
    const sparse: unknown[] = [];
    sparse[2] = 'SF1';
    const tagged = Object.assign(['SF1'], { note: 'dropped by JSON' });
    expect(isPlainJson(sparse)).toBe(false);
    expect(isPlainJson(tagged)).toBe(false);
    expect(isPlainJson(JSON.parse('{"__proto__":{"x":1}}'))).toBe(false);
  });

  it('refuses a Proxy, which looks plain but cannot be structured-cloned to the runtime', () => {
    expect(isPlainJson(new Proxy({ waybillNo: 'SF1' }, {}))).toBe(false);
    expect(isPlainJson({ answer: new Proxy([1, 2], {}) })).toBe(false);
  });

  it('gives up past its budget of values, and on a cycle', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(isPlainJson(Array.from({ length: 10 }, (_, index) => index), 5)).toBe(false);
    expect(isPlainJson(Array.from({ length: 10 }, (_, index) => index), 11)).toBe(true);
    expect(isPlainJson(cyclic)).toBe(false);
  });
});
