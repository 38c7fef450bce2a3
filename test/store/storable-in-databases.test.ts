import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storable, unstorable } from '../../src/store/storable.js';
import { availableBackends, createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { json, text } from './storable-values.js';

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
