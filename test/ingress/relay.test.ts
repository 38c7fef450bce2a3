import type { Connection } from '@temporalio/client';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileSpool } from '../../src/ingress/file-spool/index.js';
import { PostgresSpool } from '../../src/ingress/postgres-spool.js';
import { type Spool, type SpoolEntry } from '../../src/ingress/spool.js';
import { startSpoolRelay } from '../../src/ingress/spool-relay.js';
import {
  type EventSink,
  eventWorkflowId,
  TemporalUnavailableError,
} from '../../src/ingress/start-workflows.js';
import { TemporalBreaker } from '../../src/ingress/temporal-breaker.js';
import { ingressConnection } from '../../src/ingress/temporal-connection.js';
import { Metrics } from '../../src/metrics/metrics.js';
import type { RentProgEvent } from '../../src/rentprog/webhooks/webhook-event.js';
import { webhookBody } from '../../src/simulator/webhook-sender.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startIngress } from '../helpers/ingress.js';
import { captureLogs } from '../helpers/log-capture.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';

const event = (id: number, changes: RentProgEvent['changes'] = { state: ['a', 'b'] }): SpoolEntry => ({
  kind: 'event',
  spooledAt: new Date().toISOString(),
  input: {
    eventId: `relay-${id}-${Math.random().toString(16).slice(2)}`,
    type: 'booking.updated',
    branch: 'tbilisi',
    entity: 'booking',
    rentprogId: id,
    changes,
    receivedAt: new Date().toISOString(),
    rawEvent: 'booking_update',
  },
});

describe.each(['file', 'database'] as const)('the relay with a spool in a %s', (kind) => {
  const logs = captureLogs();
  // No worker polls this queue: the relay's job ends when Temporal holds the workflows.
  const taskQueue = uniqueTaskQueue('relay');
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let dir: string;
  let spool: Spool;

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-relay-'));
    spool = kind === 'file' ? await FileSpool.open(dir) : new PostgresSpool(database.db);
  });
  afterAll(async () => {
    await database?.drop();
    await env?.teardown();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a NUL and a lone surrogate exactly as they came', async () => {
    const odd = event(7, { name: ['Ни\u0000но', 'Бе\ud800ридзе'] });
    await spool.append(odd);
    const [back] = await spool.pending();
    expect(back!.input).toEqual(odd.input);
    await spool.ack([back!.seq]);
  });

  it('dead-letters an entry Temporal refuses for good and relays everything behind it', async () => {
    const metrics = new Metrics();
    const poison = event(1, { note: [null, 'x'.repeat(3 * 1024 * 1024)] });
    const normal = Array.from({ length: 300 }, (_, i) => event(1000 + i));
    const repeat = { ...normal[0]!, spooledAt: new Date().toISOString() };
    for (const entry of [poison, ...normal, repeat]) await spool.append(entry);

    const relay = startSpoolRelay({
      spool,
      starter: { client: env.client, taskQueue, deadlineMs: 10_000 },
      logger: logs.logger,
      metrics,
      intervalMs: 100,
    });
    try {
      await vi.waitFor(() => expect(spool.depth()).toBe(0), { timeout: 60_000, interval: 200 });
    } finally {
      await relay.stop();
    }
    const letters = await spool.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]!.entry.seq).toBeGreaterThan(0);
    expect((letters[0]!.entry.input as RentProgEvent).eventId).toBe((poison.input as RentProgEvent).eventId);
    expect(letters[0]!.reason).toMatch(/size|limit/i);
    expect(await spool.deadLetterCount()).toBe(1);
    for (const entry of [normal[0]!, normal[150]!, normal[299]!]) {
      const described = await env.client.workflow
        .getHandle(eventWorkflowId(entry.input as RentProgEvent))
        .describe();
      expect(described.status.name).toBe('RUNNING');
    }
    const text = await metrics.registry.metrics();
    expect(text).toContain('rentprog_spool_relay_total{outcome="relayed"} 300');
    expect(text).toContain('rentprog_spool_relay_total{outcome="duplicate"} 1');
    expect(text).toContain('rentprog_spool_relay_total{outcome="dead_lettered"} 1');
    expect(logs.lines.some((line) => line.includes('spool: dead-lettered'))).toBe(true);
    // What is dead is never tried again: a reopened spool has nothing pending.
    expect(await spool.pending()).toEqual([]);
  });

  it('closes a half-open breaker with its first start that goes through', async () => {
    const breaker = new TemporalBreaker({
      probe: () => Promise.resolve(true),
      logger: logs.logger,
      intervalMs: 20,
    });
    breaker.trip('test: Temporal was away');
    await vi.waitFor(() => expect(breaker.state).toBe('half-open'));
    await spool.append(event(4));
    const relay = startSpoolRelay({
      spool,
      starter: { client: env.client, taskQueue, deadlineMs: 10_000 },
      logger: logs.logger,
      breaker,
      intervalMs: 100,
    });
    try {
      await vi.waitFor(() => expect(breaker.state).toBe('closed'), { timeout: 30_000 });
      expect(spool.depth()).toBe(0);
    } finally {
      await relay.stop();
      breaker.stop();
    }
  });

  it('keeps everything while Temporal is away, and opens the breaker instead of retrying blindly', async () => {
    const down: Connection = ingressConnection('127.0.0.1:1');
    const breaker = new TemporalBreaker({ probe: () => Promise.resolve(false), logger: logs.logger });
    const entries = [event(2), event(3)];
    for (const entry of entries) await spool.append(entry);
    const relay = startSpoolRelay({
      spool,
      starter: { client: new Client({ connection: down }), taskQueue, deadlineMs: 500 },
      logger: logs.logger,
      breaker,
      intervalMs: 100,
    });
    try {
      await vi.waitFor(() => expect(breaker.state).toBe('open'), { timeout: 30_000 });
    } finally {
      await relay.stop();
      breaker.stop();
      await down.close();
    }
    expect((await spool.pending()).map((e) => (e.input as RentProgEvent).eventId)).toEqual(
      entries.map((e) => (e.input as RentProgEvent).eventId),
    );
    expect(await spool.deadLetterCount()).toBe(1);
    await spool.ack((await spool.pending()).map((e) => e.seq));
  });
});

describe('the breaker at the ingress', () => {
  const logs = captureLogs();
  const secret = 'breaker-test-secret-0001';

  it('after one start finds Temporal away, spools every webhook at once until the probe sees it again', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-breaker-'));
    let up = false;
    let starts = 0;
    // The EventSink seam stands in for Temporal so the test can count start attempts.
    const sink: EventSink = {
      startEvent: (input) => {
        starts++;
        if (!up) return Promise.reject(new TemporalUnavailableError('Temporal is away (test)'));
        return Promise.resolve({ workflowId: eventWorkflowId(input), duplicate: false });
      },
      startQuarantine: () => Promise.reject(new Error('no quarantine expected')),
    };
    const breaker = new TemporalBreaker({
      probe: () => Promise.resolve(up),
      logger: logs.logger,
      intervalMs: 20,
    });
    const spool = await FileSpool.open(dir);
    const ingress = await startIngress({
      client: undefined as never,
      taskQueue: 'unused',
      webhookSecrets: { tbilisi: [secret] },
      logger: logs.logger,
      spool,
      breaker,
      sink,
    });
    const post = (id: number) =>
      ingress.post(
        `/webhooks/rentprog/tbilisi?t=${secret}`,
        webhookBody('booking_update', { state: ['a', 'b'], id }),
      );
    try {
      expect((await post(1)).status).toBe(202);
      expect(starts).toBe(1);
      expect(breaker.state).toBe('open');
      const during = await Promise.all([2, 3, 4, 5, 6].map(post));
      expect(during.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
      expect(starts).toBe(1);
      expect(spool.depth()).toBe(6);

      // Temporal answers the probe, but only a start proves it takes work again: still spooled.
      up = true;
      await vi.waitFor(() => expect(breaker.state).toBe('half-open'), { timeout: 10_000 });
      expect((await post(7)).status).toBe(202);
      expect(starts).toBe(1);
      // The relay's first start that goes through closes the breaker (the relay tests show it).
      breaker.close();
      expect((await post(8)).status).toBe(200);
      expect(starts).toBe(2);
    } finally {
      breaker.stop();
      await ingress.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a start Temporal refuses for good at the ingress', () => {
  const logs = captureLogs();
  const secret = 'refused-test-secret-0001';

  it('is a 500 with a log line naming what to check, not a 202 that would block the relay', async () => {
    const env = await connectToDevServer();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-refused-'));
    const spool = await FileSpool.open(dir);
    const ingress = await startIngress({
      client: new Client({ connection: env.connection, namespace: 'no-such-namespace' }),
      taskQueue: 'unused',
      webhookSecrets: { tbilisi: [secret] },
      logger: logs.logger,
      spool,
    });
    try {
      const response = await ingress.post(
        `/webhooks/rentprog/tbilisi?t=${secret}`,
        webhookBody('booking_update', { state: ['a', 'b'], id: 42 }),
      );
      expect(response.status).toBe(500);
      expect(spool.depth()).toBe(0);
      const line = logs.lines.find((l) => l.includes('temporal refused the workflow start'));
      expect(line).toContain('TEMPORAL_NAMESPACE');
      expect(line).toContain('no-such-namespace');
    } finally {
      await ingress.close();
      await env.teardown();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
