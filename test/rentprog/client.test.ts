import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getEntity } from '../../src/rentprog/api/entities.js';
import {
  RentProgAuthError,
  RentProgInvalidResponseError,
  RentProgNetworkError,
  RentProgNotFoundError,
  RentProgRateLimitedError,
  RentProgServerError,
} from '../../src/rentprog/api/errors.js';
import { pingBranch } from '../../src/rentprog/api/ping.js';
import { listOf } from '../../src/rentprog/api/schemas.js';
import type { Entity } from '../../src/simulator/dataset.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { freePort } from '../../harness/ports.js';
import { clientFor, companyTokens, expectNoSecret, failure, startSimulator } from '../helpers/simulator.js';

describe('RentProg client against the simulator', () => {
  const keys = companyTokens();
  let sim: Simulator;
  const errors: Error[] = [];
  const failed = async (promise: Promise<unknown>) => {
    const err = await failure(promise);
    errors.push(err);
    return err;
  };

  beforeAll(async () => {
    sim = await startSimulator(keys);
  });
  afterEach(() => {
    sim.faults.clear();
    sim.requests.reset();
  });
  afterAll(async () => {
    // Every failure message and stack seen in this file, checked for company tokens.
    for (const err of errors) expectNoSecret(`${err.message}\n${err.stack}\n${String(err.cause)}`, keys);
    await sim.stop();
  });

  describe('request tokens', () => {
    it('makes one token exchange for 50 concurrent requests on a cold cache', async () => {
      const client = clientFor(sim, keys);
      await Promise.all(Array.from({ length: 50 }, () => pingBranch(client, 'tbilisi')));
      expect(sim.requests.count({ route: 'get_token' })).toBe(1);
      expect(sim.requests.count({ route: 'all_cars', branch: 'tbilisi' })).toBe(50);
    });

    it('keeps one token per branch', async () => {
      const client = clientFor(sim, keys);
      await Promise.all(['tbilisi', 'batumi', 'tbilisi', 'batumi'].map((b) => pingBranch(client, b)));
      expect(sim.requests.counters()).toMatchObject({ 'get_token tbilisi': 1, 'get_token batumi': 1 });
    });

    it('exchanges again before the token expires, without a 401', async () => {
      const shortLived = await startSimulator(keys, { tokenTtlSeconds: 1 });
      try {
        const client = clientFor(shortLived, keys);
        await pingBranch(client, 'kutaisi');
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await pingBranch(client, 'kutaisi');
        expect(shortLived.requests.count({ route: 'get_token' })).toBe(2);
        expect(shortLived.requests.list().filter((r) => r.status === 401)).toEqual([]);
      } finally {
        await shortLived.stop();
      }
    });

    it('after a 401 exchanges once and retries the request once', async () => {
      const client = clientFor(sim, keys);
      await pingBranch(client, 'tbilisi');
      sim.expireTokens();
      await pingBranch(client, 'tbilisi');
      expect(sim.requests.list({ route: 'all_cars' }).map((r) => r.status)).toEqual([200, 401, 200]);
      expect(sim.requests.count({ route: 'get_token' })).toBe(2);
    });

    it('gives up with an auth error when the retry is refused too', async () => {
      const client = clientFor(sim, keys);
      sim.setFault('all_cars', { status: 403 });
      const err = await failed(pingBranch(client, 'batumi'));
      expect(err).toBeInstanceOf(RentProgAuthError);
      expect(err.message).toBe('RentProg batumi /all_cars → 403: RentProg refused a fresh token');
      expect(sim.requests.count({ route: 'all_cars' })).toBe(2);
    });

    it('reports a wrong company token as an auth error that names the variable', async () => {
      const client = clientFor(sim, { ...keys, tbilisi: 'not-the-right-token' });
      const err = await failed(pingBranch(client, 'tbilisi'));
      expect(err).toBeInstanceOf(RentProgAuthError);
      expect(err.message).toContain('check RENTPROG_BRANCH_KEYS');
      expect(err.message).not.toContain('not-the-right-token');
    });
  });

  describe('failures, one class each', () => {
    it('404 → not found (an id of another branch)', async () => {
      const client = clientFor(sim, keys);
      const batumiBooking = sim.branch('batumi').list('booking', 0, 1)[0]!.id;
      const err = await failed(getEntity(client, 'tbilisi', 'booking', batumiBooking));
      expect(err).toBeInstanceOf(RentProgNotFoundError);
      expect(err.message).toBe(`RentProg tbilisi /bookings/${batumiBooking} → 404: not found in this branch`);
    });

    it('429 → rate limited, with Retry-After in seconds or as an HTTP date', async () => {
      const client = clientFor(sim, keys);
      await pingBranch(client, 'tbilisi');
      sim.setFault('all_cars', { rateLimit: { limit: 0, retryAfter: { seconds: 7 } } });
      const inSeconds = await failed(pingBranch(client, 'tbilisi'));
      expect(inSeconds).toBeInstanceOf(RentProgRateLimitedError);
      expect((inSeconds as RentProgRateLimitedError).retryAfterMs).toBe(7000);

      sim.setFault('all_cars', { rateLimit: { limit: 0, retryAfter: { date: true } } });
      const asDate = (await failed(pingBranch(client, 'tbilisi'))) as RentProgRateLimitedError;
      expect(asDate.retryAfterMs).toBeGreaterThan(0);
      expect(asDate.retryAfterMs).toBeLessThanOrEqual(61_000);

      sim.setFault('all_cars', { rateLimit: { limit: 0, retryAfter: 'none' } });
      const unsaid = (await failed(pingBranch(client, 'tbilisi'))) as RentProgRateLimitedError;
      expect(unsaid.retryAfterMs).toBe(60_000);
    });

    it('5xx → server error', async () => {
      sim.setFault('all_cars', { status: 502 });
      const err = await failed(pingBranch(clientFor(sim, keys), 'kutaisi'));
      expect(err).toBeInstanceOf(RentProgServerError);
      expect(err.message).toBe('RentProg kutaisi /all_cars → 502: RentProg server error');
    });

    it('no answer in time → network error naming the timeout', async () => {
      const client = clientFor(sim, keys, { timeoutMs: 300 });
      await pingBranch(client, 'tbilisi');
      sim.setFault('all_cars', { hang: true });
      const err = await failed(pingBranch(client, 'tbilisi'));
      expect(err).toBeInstanceOf(RentProgNetworkError);
      expect(err.message).toBe('RentProg tbilisi /all_cars: no answer within 300 ms');
    });

    it('nobody listening → network error', async () => {
      const client = clientFor(sim, keys, {
        // A port that was free a moment ago, so nothing listens there.
        baseUrl: `http://127.0.0.1:${await freePort()}/api/v1/public`,
      });
      const err = await failed(pingBranch(client, 'tbilisi'));
      expect(err).toBeInstanceOf(RentProgNetworkError);
      expect(err.message).toBe('RentProg tbilisi /get_token: network error (ECONNREFUSED)');
    });

    it('broken JSON or the wrong shape → invalid response, with the first bad path', async () => {
      const client = clientFor(sim, keys);
      sim.setFault('all_bookings', { malformedJson: true });
      const broken = await failed(client.get('tbilisi', '/all_bookings', { schema: z.unknown() }));
      expect(broken).toBeInstanceOf(RentProgInvalidResponseError);
      expect(broken.message).toBe('RentProg tbilisi /all_bookings → 200: the answer is not JSON');

      sim.setFault('all_bookings', { replaceBody: [{ id: 900001 }, { state: 'Новая' }] });
      const shape = await failed(getEntityList(client));
      expect(shape).toBeInstanceOf(RentProgInvalidResponseError);
      expect(shape.message).toMatch(/^RentProg tbilisi \/all_bookings → 200: unexpected answer at 1\.id: /);
    });

    it('an answer about another entity → invalid response', async () => {
      const client = clientFor(sim, keys);
      const id = sim.branch('tbilisi').list('booking', 3, 1)[0]!.id;
      sim.setFault('bookings/:id', { wrongId: true });
      const err = await failed(getEntity(client, 'tbilisi', 'booking', id));
      expect(err).toBeInstanceOf(RentProgInvalidResponseError);
      expect(err.message).toContain(`asked for booking ${id} but got booking ${id + 1}`);
    });
  });

  describe('entity reads', () => {
    it('reads a booking with its car and client nested, a car and a client', async () => {
      const client = clientFor(sim, keys);
      const expected = sim.branch('kutaisi').list('booking', 5, 1)[0]!;
      const booking = await getEntity(client, 'kutaisi', 'booking', expected.id);
      expect(booking).toMatchObject({
        id: expected.id,
        state: expected.state,
        start_date: expected.start_date,
      });
      // Records come back as RentProg sent them; the nested car and client included.
      const { car, client: person } = booking as typeof booking & { car: Entity; client: Entity };
      expect(car.id).toBe(expected.car_id);
      expect(person.id).toBe(expected.client_id);
      expect((await getEntity(client, 'kutaisi', 'car', car.id)).number).toBe(car.number);
      expect((await getEntity(client, 'kutaisi', 'client', person.id)).phone).toBe(person.phone);
    });
  });

  describe('throttle', () => {
    it('spaces a 300-request burst, the token exchange included, at the configured rate', async () => {
      const perMinute = 3000; // one request every 20 ms
      // Virtual time: the clock stands at 0 and a wait is noted as the request's start, not slept.
      const starts: number[] = [];
      const throttleClock = {
        now: () => 0,
        sleep: (ms: number) => {
          starts.push(ms);
          return Promise.resolve();
        },
      };
      // Nothing waits, so all 300 go at once: a busy machine needs more than the usual 2 s each.
      const client = clientFor(sim, keys, {
        maxRequestsPerMinute: perMinute,
        throttleClock,
        timeoutMs: 30_000,
      });
      await Promise.all(Array.from({ length: 300 }, () => pingBranch(client, 'service-center')));
      expect(sim.requests.list({ branch: 'service-center' })).toHaveLength(301);
      // The first request waits for nothing, so it starts at 0 and notes no wait.
      expect([0, ...starts].sort((a, b) => a - b)).toEqual(Array.from({ length: 301 }, (_, i) => i * 20));
    });
  });

  function getEntityList(client: ReturnType<typeof clientFor>) {
    return client.get('tbilisi', '/all_bookings', { schema: listOf(z.object({ id: z.number() })) });
  }
});
