import { MockActivityEnvironment } from '@temporalio/testing';
import type { z } from 'zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createSyncActivities,
  PAGES_AHEAD,
  type SliceRequest,
  type SliceResult,
} from '../../src/activities/sync/sync-activities.js';
import { RentProgClient, type RequestOptions } from '../../src/rentprog/api/client.js';
import { RentProgServerError } from '../../src/rentprog/api/errors.js';
import { FIRST_PAGE } from '../../src/rentprog/api/pages.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import type { Queryable } from '../../src/store/db.js';
import { SLICE_TIME_MS } from '../../src/workflows/branch-sync-types.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startSimulator } from '../helpers/simulator.js';

// A real simulator and a real database (PGlite here) under the sync slice, with the
// RentProg client and the database watched: which booking pages were asked for, in what
// order, and how many the slice had asked for when it began writing each page.
describe('a sync slice fetching ahead of its writes', () => {
  const keys = { tbilisi: 'placeholder-company-token-sync-pages-test' };
  const BOOKINGS = 75; // seven full pages of ten and a short eighth
  let sim: Simulator;
  let database: TestDatabase;
  let requested: number[];
  let writes: { requestedBefore: number }[];
  let failPage: number | undefined;
  let failWrite: number | undefined;
  let whileWriting: (write: number) => Promise<void>;
  let clock: number;

  /** Notes every booking page asked for, and fails `failPage` once as a 503 would. */
  class WatchedClient extends RentProgClient {
    override get<T extends z.ZodType>(branch: string, endpoint: string, request: RequestOptions<T>) {
      const page = Number(request.query?.page);
      if (endpoint === '/all_bookings') {
        requested.push(page);
        if (page === failPage) {
          failPage = undefined;
          return Promise.reject(
            new RentProgServerError({ branch, endpoint, status: 503 }, 'RentProg server error'),
          );
        }
      }
      return super.get(branch, endpoint, request);
    }
  }

  /** The database, but a bookings upsert first runs `whileWriting`, or fails as a lost connection would. */
  const watchedDb = (db: Queryable): Queryable => ({
    exec: (sql) => db.exec(sql),
    async query<Row>(sql: string, params?: unknown[]) {
      if (/INSERT INTO bookings/.test(sql)) {
        writes.push({ requestedBefore: requested.length });
        await whileWriting(writes.length);
        if (writes.length === failWrite) throw new Error('Connection terminated unexpectedly');
      }
      return db.query<Row>(sql, params);
    },
  });

  const bookingsIn = async () =>
    (
      await database.db.query<{ rentprog_id: number }>(
        "SELECT rentprog_id FROM bookings WHERE branch = 'tbilisi' ORDER BY rentprog_id",
      )
    ).map((row) => row.rentprog_id);
  const pageIds = (from: number, to: number) =>
    sim
      .branch('tbilisi')
      .list('booking', (from - 1) * 10, (to - from + 1) * 10)
      .map((booking) => booking.id)
      .sort((a, b) => a - b);

  function slice(request: Partial<SliceRequest>): Promise<SliceResult> {
    const activities = createSyncActivities({
      db: watchedDb(database.db),
      rentprog: new WatchedClient({
        baseUrl: sim.baseUrl,
        branchKeys: keys,
        timeoutMs: 2000,
        maxRequestsPerMinute: 60_000,
      }),
      timeZones: { tbilisi: 'Asia/Tbilisi' },
      now: () => new Date(clock),
    });
    return new MockActivityEnvironment().run((slice: SliceRequest) => activities.syncPages(slice), {
      branch: 'tbilisi',
      kind: 'bookings' as const,
      cursor: FIRST_PAGE,
      pageSize: 10,
      maxPages: 100,
      since: null,
      ...request,
    });
  }

  /** A few answers of the simulator: time enough for a fetcher that ignored its bound to run on. */
  const simulatorRoundTrips = async () => {
    for (let i = 0; i < 3; i++) await (await fetch(`${sim.baseUrl}/_control/counters`)).text();
  };

  beforeAll(async () => {
    sim = await startSimulator(keys, {
      branches: [{ name: 'tbilisi', companyToken: keys.tbilisi, bookings: BOOKINGS, cars: 2, clients: 5 }],
    });
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await sim?.stop();
    await database?.drop();
  });
  beforeEach(async () => {
    await database.db.exec('DELETE FROM bookings');
    requested = [];
    writes = [];
    failPage = undefined;
    failWrite = undefined;
    whileWriting = () => Promise.resolve();
    clock = Date.parse('2026-12-01T10:00:00Z');
  });

  it(`fetches the next page while writing one, never more than ${PAGES_AHEAD} ahead, and none past its limit`, async () => {
    whileWriting = async (write) => {
      // The page after this one is fetched meanwhile, and nothing beyond the bound.
      const ahead = Math.min(write + PAGES_AHEAD, 5);
      await vi.waitFor(() => expect(requested.length).toBeGreaterThanOrEqual(ahead));
      await simulatorRoundTrips();
      expect(requested).toHaveLength(ahead);
    };
    const result = await slice({ maxPages: 5 });

    expect(result).toMatchObject({ pages: 5, fetched: 50, upserted: 50, next: { page: 6 } });
    writes.forEach((write, i) =>
      expect(write.requestedBefore).toBeLessThanOrEqual(Math.min(i + 1 + PAGES_AHEAD, 5)),
    );
    expect(requested).toEqual([1, 2, 3, 4, 5]);
    expect(await bookingsIn()).toEqual(pageIds(1, 5));
  });

  it('ends at its page limit with nothing fetched to waste; the next slice starts at the first unwritten page', async () => {
    const first = await slice({ maxPages: 3 });
    expect(first).toMatchObject({ pages: 3, next: { page: 4 } });
    expect(requested).toEqual([1, 2, 3]);
    expect(await bookingsIn()).toEqual(pageIds(1, 3));

    const rest = await slice({ cursor: first.next! });
    expect(rest).toMatchObject({ pages: 5, fetched: BOOKINGS - 30, next: null });
    expect(requested).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(writes).toHaveLength(8);
    expect(await bookingsIn()).toEqual(pageIds(1, 8));
  });

  it('ends when its time is up, writing the page already asked for and asking for none after it', async () => {
    whileWriting = async (write) => {
      if (write !== 2) return;
      await vi.waitFor(() => expect(requested).toHaveLength(3));
      clock += SLICE_TIME_MS;
    };
    const result = await slice({});
    expect(result).toMatchObject({ pages: 3, next: { page: 4 } });
    expect(requested).toEqual([1, 2, 3]);
    expect(await bookingsIn()).toEqual(pageIds(1, 3));
  });

  it('ends before a page that fails, and the retry starts at that page: none skipped, none written twice', async () => {
    failPage = 4;
    const first = await slice({});
    expect(first).toMatchObject({ pages: 3, next: { page: 4 } });
    // The failed page is the one fetched ahead: nothing after it was asked for.
    expect(requested).toEqual([1, 2, 3, 4]);

    const retry = await slice({ cursor: first.next! });
    expect(retry).toMatchObject({ pages: 5, next: null });
    expect(requested).toEqual([1, 2, 3, 4, 4, 5, 6, 7, 8]);
    expect(writes).toHaveLength(8);
    expect(await bookingsIn()).toEqual(pageIds(1, 8));
  });

  it('drops the page fetched ahead when a write fails, and resumes at the page it could not write', async () => {
    failWrite = 3;
    const first = await slice({});
    expect(first).toMatchObject({ pages: 2, next: { page: 3 } });
    // At most the bound was fetched beyond the page that failed.
    expect(requested.length).toBeLessThanOrEqual(3 + PAGES_AHEAD);
    expect(await bookingsIn()).toEqual(pageIds(1, 2));

    const wasted = requested.length - 3;
    const retry = await slice({ cursor: first.next! });
    expect(retry).toMatchObject({ pages: 6, next: null });
    expect(requested.slice(3 + wasted)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(await bookingsIn()).toEqual(pageIds(1, 8));
  });

  it('fails for the retry policy when its first page fails, having written nothing', async () => {
    failPage = 1;
    await expect(slice({})).rejects.toThrow(/RentProg server error/);
    expect(requested).toEqual([1]);
    expect(writes).toHaveLength(0);
  });
});
