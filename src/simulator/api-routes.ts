import type { BranchData } from './branch-data.js';
import type { Entity, SimEntity } from './dataset.js';

/** What a route handler answers; the API router adds faults, auth and logging around it. */
export interface RouteAnswer {
  status: number;
  body: unknown;
}

/** What the server sends: an answer, with extra headers, a raw (broken) body, or none at all. */
export interface ServedAnswer extends RouteAnswer {
  headers?: Record<string, string>;
  raw?: string;
  hang?: boolean;
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

/**
 * The public API routes our client uses, with RentProg's shapes and quirks: `name` in the
 * request log and in fault keys, `paths` as express paths under the API root (`:id` digits only).
 */
export const API_ROUTES: { name: string; paths: string[]; handle: (req: RouteRequest) => RouteAnswer }[] = [
  {
    name: 'all_cars',
    paths: ['/all_cars'],
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
    paths: ['/all_cars_full'],
    handle: ({ branch }) => ({ status: 200, body: branch.list('car', 0, branch.count('car')) }),
  },
  {
    name: 'clients',
    paths: ['/clients'],
    handle: ({ branch, query }) => {
      const perPage = Math.min(positiveInt(query.get('per_page'), 20), CLIENTS_PAGE_MAX);
      return { status: 200, body: branch.list('client', (pageOf(query) - 1) * perPage, perPage) };
    },
  },
  {
    name: 'all_bookings',
    paths: ['/all_bookings'],
    handle: ({ branch, query }) => ({
      status: 200,
      body: branch.list('booking', (pageOf(query) - 1) * BOOKINGS_PAGE_SIZE, BOOKINGS_PAGE_SIZE),
    }),
  },
  {
    // With the car and client nested, as one integration saw (docs/rentprog-api.md, Entities).
    name: 'bookings/:id',
    paths: ['/bookings/:id'],
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
    paths: ['/car_data_with_bookings'],
    handle: ({ branch, query }) => found(branch.get('car', positiveInt(query.get('car_id'), 0))),
  },
  { name: 'client/:id', paths: ['/client/:id', '/clients/:id'], handle: byId('client') },
];
