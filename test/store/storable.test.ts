import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storable, unstorable } from '../../src/store/storable.js';
import { availableBackends, createTestDatabase, type TestDatabase } from '../helpers/database.js';

/** Characters that need the scheme (NUL, its symbol, the escape, lone surrogates) among any others. */
const tricky = fc.oneof(
  fc.constantFrom('\u0000', '\u2400', '\u241b', '\ud800', '\udbff', '\udc00', '\udfff', 'u', 'd', '8', 'a'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const text = fc.string({ unit: tricky, maxLength: 12 });
const json = fc.jsonValue({ stringUnit: tricky, maxDepth: 3 });
/** What Postgres could not store: a NUL anywhere, or a UTF-16 surrogate without its other half. */
// eslint-disable-next-line no-control-regex -- U+0000 is what Postgres refuses
const unstorableText = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

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

describe.each(availableBackends())('storable values in %s', (backend) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase(backend);
  });
  afterAll(() => test.drop());

  it('are stored as jsonb and text, and read back to exactly what was written', async () => {
    await fc.assert(
      fc.asyncProperty(json, text, async (value, plain) => {
        // jsonb keeps one of duplicate keys and prints numbers its own way: compare JSON's view.
        const expected = JSON.parse(JSON.stringify(value)) as unknown;
        const [row] = await test.db.query<{ value: unknown; plain: string }>(
          'SELECT $1::jsonb AS value, $2::text AS plain',
          [JSON.stringify(storable(value)), storable(plain)],
        );
        expect(unstorable(row!.value)).toEqual(expected);
        expect(unstorable(row!.plain)).toBe(plain);
      }),
      { numRuns: 150 },
    );
  });

  it('while the raw values themselves are refused', async () => {
    await expect(
      test.db.query('SELECT $1::jsonb', [JSON.stringify({ name: 'Ни\u0000но' })]),
    ).rejects.toMatchObject({
      code: '22P05',
    });
    await expect(test.db.query('SELECT $1::text', ['Ни\u0000но'])).rejects.toMatchObject({ code: '22021' });
    await expect(test.db.query('SELECT $1::jsonb', [JSON.stringify('x\ud800')])).rejects.toMatchObject({
      code: '22P02',
    });
  });
});
