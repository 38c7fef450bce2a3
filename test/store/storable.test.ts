import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { storable, unstorable } from '../../src/store/storable.js';
import { json, text, unstorableText } from './storable-values.js';

describe('storable', () => {
  it('round-trips every string and JSON value exactly', () => {
    fc.assert(fc.property(text, (value) => unstorable(storable(value)) === value));
    fc.assert(
      fc.property(json, (value) => {
        expect(unstorable(storable(value))).toEqual(value);
      }),
    );
  });

  it('leaves nothing Postgres refuses, in values or keys', () => {
    fc.assert(
      fc.property(json, (value) => {
        const strings: string[] = [];
        JSON.stringify(storable(value), (key, item: unknown) => {
          strings.push(key);
          if (typeof item === 'string') strings.push(item);
          return item;
        });
        expect(strings.filter((s) => unstorableText.test(s))).toEqual([]);
      }),
    );
  });

  it('rewrites only strings that need it, and returns clean values as they are', () => {
    const clean = { name: 'Нино', tags: ['a', 'b'], nested: { n: 1, ok: true, none: null } };
    expect(storable(clean)).toBe(clean);
    expect(storable('Ни\u0000но')).toBe('Ни␀но');
    expect(storable('␀ and ␛')).toBe('␛␀ and ␛␛');
    expect(storable('x\ud800y')).toBe('x␛ud800y');
    expect(storable({ 'k\u0000': ['\u0000'] })).toEqual({ 'k␀': ['␀'] });
  });
});
