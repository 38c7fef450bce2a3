import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { PostgresQuarantineBodies } from '../../src/ingress/quarantine-bodies.js';
import { signBody } from '../../src/ingress/webhook-auth.js';
import { Metrics } from '../../src/metrics/metrics.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { webhookBody } from '../../src/simulator/webhook-sender.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import { EVENT_SEARCH_ATTRIBUTE } from '../../src/workflows/search-attributes.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { historyText } from '../../harness/history.js';
import { startIngress } from '../helpers/ingress.js';
import { captureLogs } from '../helpers/log-capture.js';
import { BRANCHES, clientFor, companyTokens, startSimulator } from '../helpers/simulator.js';
import { connectToDevServer, eventOutcome, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';
import { VECTORS } from '../helpers/vectors.js';

type Answer = { ok: boolean; duplicate?: boolean; eventId?: string; workflowId?: string; error?: string };

describe('webhook ingress → rentprogEvent workflows → Postgres', () => {
  const keys = companyTokens();
  const secrets = Object.fromEntries(
    BRANCHES.map((b) => [b, [`now-${b}-${Date.now()}`, `before-${b}-secret`]]),
  );
  const botToken = '123456:fake-bot-token-for-tests';
  const taskQueue = uniqueTaskQueue('events');
  const logs = captureLogs();
  const metrics = new Metrics();
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  let ingress: Awaited<ReturnType<typeof startIngress>>;
  let quarantineBodies: PostgresQuarantineBodies;
  let workers: Worker[];
  let running: Promise<unknown>;

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    telegram = await startFakeTelegram();
    sim = await startSimulator(keys);
    quarantineBodies = new PostgresQuarantineBodies(database.db);
    ingress = await startIngress({
      client: env.client,
      taskQueue,
      webhookSecrets: secrets,
      logger: logs.logger,
      metrics,
      quarantineBodies,
    });
    for (const branch of BRANCHES) {
      sim.setWebhookUrl(branch, `${ingress.url}/webhooks/rentprog/${branch}?t=${secrets[branch]![0]}`);
    }
    workers = await createWorkers({
      connection: env.nativeConnection,
      temporal: { address: '', namespace: 'default', taskQueue },
      branches: BRANCHES,
      maxRequestsPerMinute: 6000,
      workflowBundle: workflowBundle(),
      activities: createActivities({
        db: database.db,
        rentprog: clientFor(sim, keys, { observe: (o) => metrics.rentprogRequest(o) }),
        metrics,
        telegram: {
          botToken,
          apiRoot: telegram.apiRoot,
          notifyChats: { tbilisi: -1001, kutaisi: '@kutaisi_ops' },
        },
      }),
    });
    running = Promise.all(workers.map((w) => w.run()));
  });

  afterAll(async () => {
    for (const worker of workers ?? []) worker.shutdown();
    await running;
    await ingress?.close();
    await sim?.stop();
    await telegram?.close();
    await database?.drop();
    await env?.teardown();
    // Everything this suite logged, checked for every secret it used.
    const everything = logs.lines.join('\n');
    for (const secret of [...Object.values(keys), ...Object.values(secrets).flat(), botToken]) {
      expect(everything).not.toContain(secret);
    }
  });

  const send = (branch: string, body: string, query = `?t=${secrets[branch]![0]}`, headers = {}) =>
    ingress.post(`/webhooks/rentprog/${branch}${query}`, body, headers);
  const result = (workflowId: string) =>
    workflowId.startsWith('rentprog-event:')
      ? eventOutcome(env.client, workflowId)
      : (env.client.workflow.getHandle(workflowId).result() as Promise<unknown>);
  const booking = (branch: string, id: number) =>
    database.db
      .query<{
        state: string;
        data: Record<string, unknown>;
        details_fetched_at: Date | null;
        deleted_at: Date | null;
      }>(
        'SELECT state, data, details_fetched_at, deleted_at FROM bookings WHERE branch = $1 AND rentprog_id = $2',
        [branch, id],
      )
      .then((rows) => rows[0]);

  describe('the shared test vectors', () => {
    it.each(VECTORS.map((v) => [v.file, v] as const))('%s', async (_file, vector) => {
      const response = await send(vector.branch, vector.body, undefined, {
        'Content-Type': vector.contentType,
      });
      const answer = (await response.json()) as Answer;
      if ('error' in vector.expected) {
        expect(response.status).toBe(400);
        expect(answer.error).toBe(vector.expected.error);
        return;
      }
      expect(response.status).toBe(200);
      expect(answer.workflowId).toBe(`rentprog-event:${vector.branch}:${answer.eventId}`);
      const described = await env.client.workflow.getHandle(answer.workflowId!).describe();
      expect(described.typedSearchAttributes.get(EVENT_SEARCH_ATTRIBUTE)).toBe(vector.expected.type);
      await result(answer.workflowId!);
    });
  });

  describe('HTTP answers', () => {
    const body = webhookBody('booking_update', { state: ['Новая', 'Активная'], id: 777001 });

    it('200 once Temporal holds the event, 200 duplicate for the same event again', async () => {
      const first = await send('tbilisi', body);
      expect(first.status).toBe(200);
      const answer = (await first.json()) as Answer & { queued: boolean; syncMs: number };
      expect(answer).toMatchObject({ ok: true, queued: true, duplicate: false });
      expect(answer.syncMs).toBeGreaterThanOrEqual(0);
      const again = (await (await send('tbilisi', body)).json()) as Answer;
      expect(again).toMatchObject({
        ok: true,
        duplicate: true,
        eventId: answer.eventId,
        workflowId: answer.workflowId,
      });
    });

    it('treats reordered keys and another payload encoding as the same event', async () => {
      const reordered = JSON.stringify({
        payload: { id: 777002, state: ['Новая', 'Отмена'] },
        event: 'booking_update',
      });
      const ruby = webhookBody(
        'booking_update',
        { state: ['Новая', 'Отмена'], id: 777002 },
        { format: 'ruby34' },
      );
      const a = (await (await send('batumi', reordered)).json()) as Answer;
      const b = (await (await send('batumi', ruby)).json()) as Answer;
      expect(a.duplicate).toBe(false);
      expect(b).toMatchObject({ duplicate: true, eventId: a.eventId });
    });

    it('401 for a wrong secret, a wrong signature, or none', async () => {
      expect((await send('tbilisi', body, '?t=wrong')).status).toBe(401);
      expect((await send('tbilisi', body, '')).status).toBe(401);
      const forged = signBody(body, 'not-the-secret');
      expect((await send('tbilisi', body, '', { 'X-Rentprog-Signature': forged })).status).toBe(401);
    });

    it('accepts an HMAC signature with or without the sha256= prefix, and the previous secret', async () => {
      const signed = webhookBody('booking_update', { state: ['Новая', 'Активная'], id: 777003 });
      const signature = signBody(signed, secrets.kutaisi![0]!);
      expect((await send('kutaisi', signed, '', { 'X-Rentprog-Signature': signature })).status).toBe(200);
      const bare = signature.replace('sha256=', '');
      expect((await send('kutaisi', signed, '', { 'X-Rentprog-Signature': bare })).status).toBe(200);
      expect((await send('kutaisi', signed, `?t=${secrets.kutaisi![1]}`)).status).toBe(200);
    });

    it('404 for any unknown branch, the same answer for every name', async () => {
      const a = await send('paris', body, '?t=x');
      const b = await send('__proto__', body, '?t=x');
      expect([a.status, b.status]).toEqual([404, 404]);
      expect(await a.text()).toBe(await b.text());
    });

    it('/readyz is ready while Temporal answers', async () => {
      const ready = await fetch(`${ingress.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ ok: true, temporal: true });
    });

    it('413 for a body over 1 MiB', async () => {
      const huge = JSON.stringify({ event: 'booking_update', payload: 'x'.repeat(1024 * 1024 + 10) });
      expect((await send('tbilisi', huge)).status).toBe(413);
    });

    it('400 for an authentic body it cannot read, kept as a quarantine workflow and an unparsed row', async () => {
      const broken = '{"event":"car_update","payload":"{\\"mileage\\"=>[1200, 1350], \\"id\\"=>"}';
      const response = await send('service-center', broken);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as Answer & { quarantined: boolean };
      expect(answer).toMatchObject({ ok: false, error: 'payload could not be parsed', quarantined: true });
      expect(answer.workflowId).toMatch(/^rentprog-quarantine:service-center:[0-9a-f]{64}$/);
      await result(answer.workflowId!);
      const [row] = await database.db.query<{
        status: string;
        error: string;
        payload: { bodySha256: string; bodyRef: string; bytes: number };
      }>('SELECT status, error, payload FROM webhook_events WHERE workflow_id = $1', [answer.workflowId]);
      expect(row).toMatchObject({ status: 'unparsed', error: 'payload could not be parsed' });
      expect(row!.payload).toMatchObject({ bytes: Buffer.byteLength(broken) });
      expect(row!.payload.bodyRef).toBe(`postgres:webhook_bodies/${row!.payload.bodySha256}`);
      expect((await quarantineBodies.get(row!.payload.bodySha256))?.toString()).toBe(broken);
      // The body is kept by reference: the workflow history carries its digest, not its content.
      const history = historyText(await env.client.workflow.getHandle(answer.workflowId!).fetchHistory());
      expect(history).toContain(row!.payload.bodySha256);
      expect(history).not.toContain('mileage');
    });

    it('400 and quarantine for an event too large to be a workflow input, never a 5xx', async () => {
      const huge = JSON.stringify({
        event: 'client_update',
        payload: { id: 777010, name: ['a', 'ж'.repeat(200_000)] },
      });
      const response = await send('tbilisi', huge);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as Answer & { quarantined: boolean };
      expect(answer.error).toMatch(/^event input of \d+ bytes is over the 262144-byte cap$/);
      expect(answer.quarantined).toBe(true);
      await result(answer.workflowId!);
    });

    it('reads the event name from `type` or `name` when `event` is absent', async () => {
      const typed = JSON.stringify({ type: 'booking_update', payload: { id: 777011, state: ['a', 'b'] } });
      const named = JSON.stringify({ name: 'booking_update', payload: { id: 777011, state: ['a', 'b'] } });
      const a = (await (await send('tbilisi', typed)).json()) as Answer;
      const b = (await (await send('tbilisi', named)).json()) as Answer;
      expect(a).toMatchObject({ ok: true, duplicate: false });
      expect(b).toMatchObject({ ok: true, duplicate: true, eventId: a.eventId });
    });

    it('authenticates any method like a POST: 401 on a wrong secret, then 405 with Allow: POST', async () => {
      const get = (query: string) => fetch(`${ingress.url}/webhooks/rentprog/tbilisi${query}`);
      expect((await get('?t=invalid')).status).toBe(401);
      expect((await get('')).status).toBe(401);
      const allowed = await get(`?t=${secrets.tbilisi![0]}`);
      expect(allowed.status).toBe(405);
      expect(allowed.headers.get('allow')).toBe('POST');
    });

    it('a wrong secret in the query is refused before the body is read', async () => {
      // A body that never finishes: only an answer that does not wait for it can arrive.
      const controller = new AbortController();
      const stream = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(new TextEncoder().encode('{"event":'));
        },
      });
      const response = await fetch(`${ingress.url}/webhooks/rentprog/tbilisi?t=wrong`, {
        method: 'POST',
        body: stream,
        duplex: 'half',
        signal: controller.signal,
      });
      expect(response.status).toBe(401);
      controller.abort();
    });
  });

  describe('processing', () => {
    it('a booking changed in RentProg ends with its fresh data in Postgres', async () => {
      const id = sim.branch('tbilisi').list('booking', 7, 1)[0]!.id;
      const { deliveries } = await sim.update('booking', 'tbilisi', id, {
        state: 'Подтверждена',
        total: 999,
      });
      expect(deliveries[0]!.status).toBe(200);
      // Posting the delivered body again answers with the workflow the delivery started.
      const answer = (await (await send('tbilisi', deliveries[0]!.body)).json()) as Answer;
      expect(answer.duplicate).toBe(true);
      await result(answer.workflowId!);
      const row = await booking('tbilisi', id);
      expect(row).toMatchObject({ state: 'Подтверждена' });
      expect(row!.data.total).toBe(999);
      expect(row!.details_fetched_at).toBeInstanceOf(Date);
      const [event] = await database.db.query<{ status: string }>(
        'SELECT status FROM webhook_events WHERE event_id = $1',
        [answer.eventId],
      );
      expect(event!.status).toBe('processed');
    });

    it("keeps a client's personal data out of the event's workflow history", async () => {
      const client = sim.branch('kutaisi').list('client', 2, 1)[0]!;
      const { deliveries } = await sim.update('client', 'kutaisi', client.id, { category: 'VIP' });
      const answer = (await (await send('kutaisi', deliveries[0]!.body)).json()) as Answer;
      await result(answer.workflowId!);
      const [row] = await database.db.query<{ category: string }>(
        "SELECT category FROM clients WHERE branch = 'kutaisi' AND rentprog_id = $1",
        [client.id],
      );
      expect(row!.category).toBe('VIP');
      const history = historyText(await env.client.workflow.getHandle(answer.workflowId!).fetchHistory());
      expect(history).toContain('VIP');
      expect(history).not.toContain(String(client.phone));
    });

    it('two updates arriving out of order leave the newer data', async () => {
      const id = sim.branch('batumi').list('booking', 3, 1)[0]!.id;
      // Two changes in RentProg, made without webhooks; we deliver them newest first.
      sim.branch('batumi').update('booking', id, { state: 'Подтверждена' });
      sim.branch('batumi').update('booking', id, { state: 'Активная' });
      const older = webhookBody('booking_update', { state: ['Новая', 'Подтверждена'], id });
      const newer = webhookBody('booking_update', { state: ['Подтверждена', 'Активная'], id });
      const second = (await (await send('batumi', newer)).json()) as Answer;
      const first = (await (await send('batumi', older)).json()) as Answer;
      await Promise.all([result(second.workflowId!), result(first.workflowId!)]);
      expect((await booking('batumi', id))!.state).toBe('Активная');
    });

    it('a deleted booking is marked deleted once RentProg confirms it is gone (404)', async () => {
      const id = sim.branch('kutaisi').list('booking', 1, 1)[0]!.id;
      await sim.update('booking', 'kutaisi', id, { description: 'до удаления' });
      await waitFor(async () => (await booking('kutaisi', id)) !== undefined);
      await sim.destroy('booking', 'kutaisi', id);
      await waitFor(async () => (await booking('kutaisi', id))?.deleted_at instanceof Date);
    });

    it('a forged destroy for a booking RentProg still has deletes nothing', async () => {
      const id = sim.branch('kutaisi').list('booking', 4, 1)[0]!.id;
      const forged = webhookBody('booking_destroy', { id });
      const answer = (await (await send('kutaisi', forged)).json()) as Answer;
      expect(await result(answer.workflowId!)).toMatchObject({ status: 'processed', action: 'kept' });
      const row = await booking('kutaisi', id);
      expect(row?.deleted_at).toBeNull();
      expect(row?.details_fetched_at).toBeInstanceOf(Date);
    });

    it("tells the branch's chat when a car is to be handed over", async () => {
      const target = sim.branch('tbilisi').list('booking', 9, 1)[0]!;
      await sim.update('booking', 'tbilisi', target.id, {
        start_date: '28-11-2026 10:00',
        location_start: 'Аэропорт',
      });
      await waitFor(() =>
        Promise.resolve(telegram.sent.some((m) => m.body.text.includes(String(target.id)))),
      );
      const message = telegram.sent.find((m) => m.body.text.includes(String(target.id)))!;
      expect(message).toMatchObject({ token: botToken, method: 'sendMessage', body: { chat_id: -1001 } });
      expect(message.body.text.split('\n')[0]).toBe('🚗 Выдача авто · tbilisi');
      expect(message.body.text).toContain(`→ 28.11 10:00\n📍 ${String(target.location_start)} → Аэропорт`);
    });

    it('a moved car is stored under its new branch and leaves the old one', async () => {
      const car = sim.branch('kutaisi').list('car', 0, 1)[0]!;
      await database.db.query(
        `INSERT INTO cars (branch, rentprog_id, data, fetched_at) VALUES ('service-center', $1, '{}'::jsonb, now() - interval '1 hour')`,
        [car.id],
      );
      const moved = webhookBody('car_update', { company_id: [70004, car.company_id], id: car.id });
      const answer = (await (await send('kutaisi', moved)).json()) as Answer;
      await result(answer.workflowId!);
      const rows = await database.db.query<{ branch: string; deleted: boolean }>(
        'SELECT branch, deleted_at IS NOT NULL AS deleted FROM cars WHERE rentprog_id = $1 ORDER BY branch',
        [car.id],
      );
      expect(rows).toEqual([
        { branch: 'kutaisi', deleted: false },
        { branch: 'service-center', deleted: true },
      ]);
      expect(
        telegram.sent.some((m) => m.body.chat_id === '@kutaisi_ops' && m.body.text.includes(String(car.id))),
      ).toBe(true);
    });
  });

  it('a repeat inside the dedup window is a duplicate; the same change after it is processed again', async () => {
    const short = await startIngress({
      client: env.client,
      taskQueue,
      webhookSecrets: secrets,
      logger: logs.logger,
      dedupWindowMs: 5000,
    });
    try {
      const id = sim.branch('batumi').list('booking', 5, 1)[0]!.id;
      const body = webhookBody('booking_update', { state: ['Новая', 'Активная'], id });
      const post = async () =>
        (await (
          await short.post(`/webhooks/rentprog/batumi?t=${secrets.batumi![0]}`, body)
        ).json()) as Answer;
      const first = await post();
      expect(await post()).toMatchObject({ duplicate: true, workflowId: first.workflowId });
      const handle = env.client.workflow.getHandle(first.workflowId!);
      const firstRun = (await handle.describe()).runId;
      // The workflow closes when the window does: only then is the same body news again.
      expect(await handle.result()).toMatchObject({ status: 'processed', action: 'stored' });
      const after = await post();
      expect(after).toMatchObject({ duplicate: false, workflowId: first.workflowId });
      await eventOutcome(env.client, after.workflowId!);
      expect((await env.client.workflow.getHandle(first.workflowId!).describe()).runId).not.toBe(firstRun);
      const [event] = await database.db.query<{ attempts: number; status: string }>(
        'SELECT attempts, status FROM webhook_events WHERE event_id = $1',
        [first.eventId],
      );
      expect(event).toEqual({ attempts: 2, status: 'processed' });
    } finally {
      await short.close();
    }
  });

  it('/metrics shows webhooks, ACK latency, RentProg requests and token exchanges with real values', async () => {
    const text = await (await fetch(`${ingress.url}/metrics`)).text();
    const value = (series: string) =>
      Number(new RegExp(`^${escape(series)} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    expect(
      value('rentprog_webhooks_total{branch="tbilisi",type="booking.updated",outcome="accepted"}'),
    ).toBeGreaterThan(0);
    expect(
      value('rentprog_webhooks_total{branch="tbilisi",type="booking.updated",outcome="duplicate"}'),
    ).toBeGreaterThan(0);
    expect(value('rentprog_webhooks_total{branch="unknown",type="none",outcome="rejected_404"}')).toBe(2);
    expect(
      value('rentprog_webhooks_total{branch="tbilisi",type="none",outcome="rejected_401"}'),
    ).toBeGreaterThan(0);
    expect(value('rentprog_webhook_ack_seconds_count{outcome="accepted"}')).toBeGreaterThan(0);
    expect(
      value('rentprog_api_requests_total{branch="tbilisi",endpoint="/bookings/:id",status="200"}'),
    ).toBeGreaterThan(0);
    expect(value('rentprog_token_exchanges_total{branch="tbilisi"}')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('rentprog_api_request_seconds_bucket');
  });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  return vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`condition not met within ${timeoutMs} ms`);
    },
    { timeout: timeoutMs, interval: 100 },
  );
}
