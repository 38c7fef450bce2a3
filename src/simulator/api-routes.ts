import type { BranchData } from './branch-data.js';
import type { Entity, SimEntity } from './dataset.js';

/** What a route handler answers; the server adds faults, auth and logging around it. */
export interface RouteAnswer {
  status: number;
  body: unknown;
}

export interface RouteRequest {
  branch: BranchData;
  query: URLSearchParams;
  /** The `:id` of paths like `/bookings/:id`. */
  id?: number;
}

/** RentProg serves bookings ten at a time whatever `per_page` says (docs/rentprog-api.md, Lists and paging). */
export const BOOKINGS_PAGE_SIZE = 10;
const CLIENTS_PAGE_MAX = 100;

const positiveInt = (text: string | null, fallback: number) => {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};
/** Pages are 1-based; page 0 is read as page 1, as some integrations sent it. */
const pageOf = (query: URLSearchParams) => positiveInt(query.get('page'), 1);

const found = (entity: Entity | undefined): RouteAnswer =>
  entity ? { status: 200, body: entity } : { status: 404, body: { error: 'Not found' } };

const byId = (kind: SimEntity) => (req: RouteRequest) =>
  found(req.id ? req.branch.get(kind, req.id) : undefined);

/** The public API routes our client uses, with RentProg's shapes and quirks. */
export const API_ROUTES: { name: string; pattern: RegExp; handle: (req: RouteRequest) => RouteAnswer }[] = [
  {
    name: 'all_cars',
    pattern: /^\/all_cars$/,
    handle: ({ branch, query }) => ({
      status: 200,
      body: branch
        .list('car', 0, positiveInt(query.get('limit'), branch.count('car')))
        .map(({ id, car_name, year, transmission }) => ({ id, car_name, year, transmission })),
    }),
  },
  {
    // Probably ignores paging and returns every car at once (docs/rentprog-api.md, Lists and paging).
    name: 'all_cars_full',
    pattern: /^\/all_cars_full$/,
    handle: ({ branch }) => ({ status: 200, body: branch.list('car', 0, branch.count('car')) }),
  },
  {
    name: 'clients',
    pattern: /^\/clients$/,
    handle: ({ branch, query }) => {
      const perPage = Math.min(positiveInt(query.get('per_page'), 20), CLIENTS_PAGE_MAX);
      return { status: 200, body: branch.list('client', (pageOf(query) - 1) * perPage, perPage) };
    },
  },
  {
    name: 'all_bookings',
    pattern: /^\/all_bookings$/,
    handle: ({ branch, query }) => ({
      status: 200,
      body: branch.list('booking', (pageOf(query) - 1) * BOOKINGS_PAGE_SIZE, BOOKINGS_PAGE_SIZE),
    }),
  },
  {
    // With the car and client nested, as one integration saw (docs/rentprog-api.md, Entities).
    name: 'bookings/:id',
    pattern: /^\/bookings\/(\d+)$/,
    handle: (req) => {
      const booking = req.id ? req.branch.get('booking', req.id) : undefined;
      if (!booking) return found(undefined);
      const car = req.branch.get('car', booking.car_id as number);
      const client = req.branch.get('client', booking.client_id as number);
      return { status: 200, body: { ...booking, car: car ?? null, client: client ?? null } };
    },
  },
  {
    name: 'car_data_with_bookings',
    pattern: /^\/car_data_with_bookings$/,
    handle: ({ branch, query }) => found(branch.get('car', positiveInt(query.get('car_id'), 0))),
  },
  { name: 'client/:id', pattern: /^\/clients?\/(\d+)$/, handle: byId('client') },
];
