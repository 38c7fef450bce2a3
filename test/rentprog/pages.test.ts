import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RentProgInvalidResponseError } from '../../src/rentprog/api/errors.js';
import { type ListKind, pages } from '../../src/rentprog/api/pages.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { clientFor, companyTokens, failure, startSimulator } from '../helpers/simulator.js';

describe('pagination against the simulator', () => {
  const keys = companyTokens();
  let sim: Simulator;
  beforeAll(async () => {
    // Sizes chosen around page boundaries: bookings come 10 a page whatever we ask.
    sim = await startSimulator(keys, {
      branches: [
        { name: 'tbilisi', companyToken: keys.tbilisi!, bookings: 25, cars: 7, clients: 45 },
        { name: 'batumi', companyToken: keys.batumi!, bookings: 30, cars: 3, clients: 40 },
      ],
    });
  });
  afterEach(() => sim.requests.reset());
  afterAll(() => sim.stop());

  async function walk(branch: string, kind: ListKind, pageCap?: number) {
    const ids: number[] = [];
    const sizes: number[] = [];
    for await (const page of pages(clientFor(sim, keys), branch, kind, { pageSize: 20, pageCap })) {
      ids.push(...page.items.map((item) => item.id));
      sizes.push(page.items.length);
    }
    return { ids, sizes };
  }

  const simulatorIds = (branch: string, kind: 'booking' | 'car' | 'client') =>
    sim
      .branch(branch)
      .list(kind, 0, 1000)
      .map((e) => e.id);

  it('walks bookings across page boundaries and stops on the short last page', async () => {
    const { ids, sizes } = await walk('tbilisi', 'bookings');
    expect(sizes).toEqual([10, 10, 5]);
    expect(ids).toEqual(simulatorIds('tbilisi', 'booking'));
    expect(sim.requests.count({ route: 'all_bookings' })).toBe(3);
  });

  it('asks once more after an exactly full last page and stops on the empty one', async () => {
    const { ids, sizes } = await walk('batumi', 'bookings');
    expect(sizes).toEqual([10, 10, 10]);
    expect(new Set(ids).size).toBe(30);
    expect(sim.requests.count({ route: 'all_bookings' })).toBe(4);
  });

  it('stops when an endpoint ignores paging and sends the same ids again', async () => {
    const { ids } = await walk('tbilisi', 'cars');
    expect(ids).toEqual(simulatorIds('tbilisi', 'car'));
    expect(sim.requests.count({ route: 'all_cars_full' })).toBe(2);
  });

  it('honours a page size the server does respect', async () => {
    const { sizes, ids } = await walk('tbilisi', 'clients');
    expect(sizes).toEqual([20, 20, 5]);
    expect(ids).toEqual(simulatorIds('tbilisi', 'client'));
  });

  it('skips archived bookings, as RentProg lists do', async () => {
    const archived = simulatorIds('tbilisi', 'booking')[4]!;
    await sim.archiveBooking('tbilisi', archived);
    const { ids } = await walk('tbilisi', 'bookings');
    expect(ids).toHaveLength(24);
    expect(ids).not.toContain(archived);
  });

  it('fails loudly at the page cap instead of truncating', async () => {
    const err = await failure(walk('batumi', 'bookings', 2));
    expect(err).toBeInstanceOf(RentProgInvalidResponseError);
    expect(err.message).toBe(
      'RentProg batumi /all_bookings: still more after 2 pages; raise RENTPROG_MAX_PAGES if this branch really is that large',
    );
  });
});
