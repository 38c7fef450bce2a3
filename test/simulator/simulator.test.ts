import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rubyInspect } from '../../src/simulator/ruby-inspect.js';
import { Simulator } from '../../src/simulator/simulator.js';
import { companyTokens, startSimulator } from '../helpers/simulator.js';

/** A stand-in for our ingress that records what the simulator posts. */
async function startReceiver() {
  const received: { url: string; body: string; contentType?: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body, contentType: req.headers['content-type'] });
      res.writeHead(200).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { received, url, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('the RentProg simulator', () => {
  const keys = companyTokens();
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    sim = await startSimulator(keys, {
      webhookUrls: { tbilisi: `${receiver.url}/webhooks/rentprog/tbilisi?t=hook-secret` },
    });
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.close();
  });

  const token = async (branch: string) => {
    const url = `${sim.baseUrl}/get_token?company_token=${encodeURIComponent(keys[branch]!)}`;
    return ((await (await fetch(url)).json()) as { token: string; exp: string }).token;
  };

  it('generates the same data from the same seed, and other data from another', () => {
    const shape = {
      branches: [{ name: 'tbilisi', companyToken: 'x' }],
      scale: 50,
      referenceDate: new Date('2026-01-01'),
    };
    const a = new Simulator({ ...shape, seed: 1 }).branch('tbilisi').list('booking', 0, 50);
    const b = new Simulator({ ...shape, seed: 1 }).branch('tbilisi').list('booking', 0, 50);
    const c = new Simulator({ ...shape, seed: 2 }).branch('tbilisi').list('booking', 0, 50);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const booking of a) {
      expect(booking.start_date).toMatch(/^\d{2}-\d{2}-\d{4} \d{1,2}:\d{2}$/);
      expect(typeof booking.total).toBe('number');
      expect([
        'Новая',
        'Подтверждена',
        'Не подтверждена',
        'Активная',
        'Отъездила',
        'Отмена',
        'Отказ клиента',
      ]).toContain(booking.state);
    }
  });

  it('serves 100,000 bookings a branch without holding them', () => {
    const big = new Simulator({
      branches: [{ name: 'tbilisi', companyToken: 'x', bookings: 100_000 }],
      seed: 3,
    });
    const data = big.branch('tbilisi');
    expect(data.count('booking')).toBe(100_000);
    expect(data.count('client')).toBe(40_000);
    expect(data.count('car')).toBe(4000);
    const last = data.list('booking', 99_995, 10);
    expect(last).toHaveLength(5);
    expect(data.get('booking', last[4]!.id)).toEqual(last[4]);
  });

  it('accepts the token with and without "Bearer", and refuses others with 401', async () => {
    const issued = await token('tbilisi');
    const get = (authorization: string) =>
      fetch(`${sim.baseUrl}/all_cars?limit=1`, { headers: { Authorization: authorization } });
    expect((await get(`Bearer ${issued}`)).status).toBe(200);
    expect((await get(issued)).status).toBe(200);
    expect((await get('Bearer forged')).status).toBe(401);
    sim.expireTokens();
    expect((await get(issued)).status).toBe(401);
  });

  it('returns exp as an ISO time with milliseconds and +00:00', async () => {
    const url = `${sim.baseUrl}/get_token?company_token=${encodeURIComponent(keys.batumi!)}`;
    const body = (await (await fetch(url)).json()) as { exp: string };
    expect(body.exp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/);
    expect(Date.parse(body.exp) - Date.now()).toBeGreaterThan(230_000);
  });

  it('posts an update webhook with [old, new] pairs as a Ruby hash, and shows the change to reads', async () => {
    const booking = sim.branch('tbilisi').list('booking', 2, 1)[0]!;
    const { deliveries } = await sim.update('booking', 'tbilisi', booking.id, {
      state: 'Отмена',
      description: 'a "quote" #{x}',
    });
    expect(deliveries.map((d) => d.status)).toEqual([200]);
    const last = receiver.received.at(-1)!;
    expect(last.url).toBe('/webhooks/rentprog/tbilisi?t=hook-secret');
    expect(last.contentType).toBe('application/json');
    const body = JSON.parse(last.body) as { event: string; payload: string };
    expect(body.event).toBe('booking_update');
    expect(body.payload).toBe(
      rubyInspect({
        state: [booking.state, 'Отмена'],
        description: [booking.description, 'a "quote" #{x}'],
        id: booking.id,
        created_from_api: false,
        updated_from_api: false,
        user_id: 5001,
      }),
    );
    expect(body.payload).toContain('"state"=>[');
    expect(body.payload).toContain('\\#{x}');
    expect(sim.branch('tbilisi').get('booking', booking.id)?.state).toBe('Отмена');
    expect(sim.deliveries.at(-1)!.url).not.toContain('hook-secret');
  });

  it('delivers twice on request, and in the other payload encodings', async () => {
    const before = receiver.received.length;
    const car = sim.branch('tbilisi').list('car', 0, 1)[0]!;
    await sim.update(
      'car',
      'tbilisi',
      car.id,
      { mileage: 123_456 },
      { duplicate: true, format: 'json-string' },
    );
    const [first, second] = receiver.received.slice(before);
    expect(second!.body).toBe(first!.body);
    const { payload } = JSON.parse(first!.body) as { payload: string };
    expect(JSON.parse(payload)).toMatchObject({
      mileage: [car.mileage, 123_456],
    });

    await sim.create('client', 'tbilisi', { name: 'Тест' }, { format: 'object', htmlEscape: true });
    const created = receiver.received.at(-1)!.body;
    expect(JSON.parse(created)).toMatchObject({ event: 'client_create', payload: { name: 'Тест' } });
  });

  it('deletes: the entity is gone (404) and a destroy webhook carries only its id', async () => {
    const client = sim.branch('tbilisi').list('client', 0, 1)[0]!;
    await sim.destroy('client', 'tbilisi', client.id);
    expect(JSON.parse(receiver.received.at(-1)!.body)).toEqual({
      event: 'client_destroy',
      payload: `{"id"=>${client.id}}`,
    });
    const response = await fetch(`${sim.baseUrl}/client/${client.id}`, {
      headers: { Authorization: `Bearer ${await token('tbilisi')}` },
    });
    expect(response.status).toBe(404);
  });

  it('takes faults and reports counters over its HTTP control API', async () => {
    const control = (path: string, body?: unknown) =>
      fetch(`${sim.url}/_control/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        body: JSON.stringify(body),
      });
    await control('reset-counters', {});
    await control('fault', { route: 'all_cars', fault: { status: 500 } });
    const issued = await token('kutaisi');
    const failed = await fetch(`${sim.baseUrl}/all_cars`, { headers: { Authorization: issued } });
    expect(failed.status).toBe(500);
    await control('clear-faults', {});
    expect(await (await control('counters')).json()).toEqual({
      'get_token kutaisi': 1,
      'all_cars kutaisi': 1,
    });
  });

  it('throttles a share of requests with 429 and Retry-After, on top of the error share', async () => {
    sim.setFault('all_cars@batumi', { errorRate: 0.3, throttled: { share: 0.1, retryAfterSeconds: 2 } });
    const issued = await token('batumi');
    const statuses = new Map<number, number>();
    const retryAfters = new Set<string | null>();
    for (let i = 0; i < 400; i++) {
      const response = await fetch(`${sim.baseUrl}/all_cars`, { headers: { Authorization: issued } });
      await response.body?.cancel();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (response.status === 429) retryAfters.add(response.headers.get('retry-after'));
    }
    sim.faults.clear();
    expect(statuses.get(503)).toBeGreaterThan(80);
    expect(statuses.get(503)).toBeLessThan(160);
    expect(statuses.get(429)).toBeGreaterThan(20);
    expect(statuses.get(429)).toBeLessThan(60);
    expect(statuses.get(200)).toBe(400 - statuses.get(503)! - statuses.get(429)!);
    expect([...retryAfters]).toEqual(['2']);
  });
});

describe('Ruby inspect', () => {
  it('writes hashes as Ruby 3.3 and 3.4 do', () => {
    const value = { a: null, b: [1, 2.5, 'x'], c: true, 'd"e': 'Привет\n' };
    expect(rubyInspect(value)).toBe('{"a"=>nil, "b"=>[1, 2.5, "x"], "c"=>true, "d\\"e"=>"Привет\\n"}');
    expect(rubyInspect({ a: 1 }, { spacedArrows: true })).toBe('{"a" => 1}');
  });
});

it('keeps working company tokens out of its request log', async () => {
  const keys = companyTokens();
  const sim = await startSimulator(keys);
  try {
    await fetch(`${sim.baseUrl}/get_token?company_token=${keys.tbilisi}`);
    expect(JSON.stringify(sim.requests.list())).not.toContain(keys.tbilisi);
  } finally {
    await sim.stop();
  }
});
