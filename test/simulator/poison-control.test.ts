import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POISON } from '../../src/simulator/poison.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { companyTokens, startSimulator } from '../helpers/simulator.js';

describe('simulator poison (values Postgres cannot take as sent)', () => {
  const keys = companyTokens();
  let sim: Simulator;
  const hooks: string[] = [];
  let receiver: http.Server;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      hooks.push(req.url ?? '');
      res.writeHead(200).end('{}');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    sim = await startSimulator(keys, { webhookUrls: { tbilisi: hookUrl, batumi: hookUrl } });
  });
  afterAll(async () => {
    await sim.stop();
    await new Promise((resolve) => receiver.close(resolve));
  });

  const control = async (path: string, body?: unknown) => {
    const response = await fetch(`${sim.url}/_control/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: await response.json() };
  };
  const listed = async (branch: string, route: string) => {
    const exchange = await fetch(
      `${sim.baseUrl}/get_token?company_token=${encodeURIComponent(keys[branch]!)}`,
    );
    const { token } = (await exchange.json()) as { token: string };
    const response = await fetch(`${sim.baseUrl}${route}`, { headers: { Authorization: `Bearer ${token}` } });
    return (await response.json()) as { id: number }[];
  };

  it('serves a car with the default poison in its list, silently, and remembers it', async () => {
    const car = sim.branch('tbilisi').list('car', 0, 1)[0]!;
    const answer = await control('poison', { kind: 'car', branch: 'tbilisi', id: car.id });
    expect(answer).toEqual({ status: 200, body: { ...car, ...POISON.car } });

    const served = (await listed('tbilisi', '/all_cars_full')).find((c) => c.id === car.id);
    expect(served).toMatchObject({
      mileage: 3e9,
      company_id: '1e23',
      state: 70_000,
      car_name: 'Toyota\u0000Prius',
    });
    expect(hooks).toEqual([]);
    expect((await control('poisoned')).body).toEqual([
      { kind: 'car', branch: 'tbilisi', id: car.id, fields: POISON.car },
    ]);
  });

  it('takes chosen raw fields, a lone surrogate included, and refuses an unknown entity', async () => {
    const client = sim.branch('batumi').list('client', 0, 1)[0]!;
    const answer = await control('poison', {
      kind: 'client',
      branch: 'batumi',
      id: client.id,
      fields: { name: 'Ни\u0000но', lastname: 'Бе\ud800ридзе' },
    });
    expect(answer.status).toBe(200);
    const served = (await listed('batumi', '/clients?page=1&per_page=20')).find((c) => c.id === client.id);
    expect(served).toMatchObject({ name: 'Ни\u0000но', lastname: 'Бе\ud800ридзе' });

    const wrong = await control('poison', { kind: 'car', branch: 'batumi', id: 1 });
    expect(wrong.status).toBe(400);
    expect(hooks).toEqual([]);
  });
});
