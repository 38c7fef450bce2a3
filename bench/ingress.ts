/**
 * Ingress benchmarks, each with its baseline from the same run on the same dev server:
 *  1. ACK latency and rate of the durable ingress (ACK after Temporal accepted the start) at
 *     fixed rates and at max, against the same route with the start replaced by an in-memory
 *     push (the original system's non-durable ACK), and against a bare Temporal client
 *     starting the same workflows as fast as it can (the engine's own limit here);
 *  2. a duplicate storm: 10,000 webhooks, half of them repeats.
 * Prints JSON lines; `bench/run.ts` turns them into bench/results.md.
 *   npx tsx bench/ingress.ts [seconds=20]
 */
import { Client, Connection } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import os from 'node:os';
import path from 'node:path';
import { createIngressApp } from '../src/ingress/app.js';
import { FileQuarantineBodies } from '../src/ingress/quarantine-bodies.js';
import type { EventSink } from '../src/ingress/start-workflows.js';
import type { RentProgEvent } from '../src/rentprog/webhooks/webhook-event.js';
import { webhookBody } from '../src/simulator/webhook-sender.js';
import { BRANCH_SEARCH_ATTRIBUTE, EVENT_SEARCH_ATTRIBUTE } from '../src/workflows/search-attributes.js';
import { startTemporalDevServer } from '../harness/temporal-dev-server.js';
import { runScript } from './service-process.js';

const seconds = Number(process.argv[2] ?? 20);
const RATES = [100, 300, 500, 1000, 0];
// The baseline only needs the points the ratios compare: latency at 100/s, rate at max.
const BASELINE_RATES = [100, 0];
const secret = randomBytes(12).toString('hex');
let offset = 0;

async function main() {
  const server = await startTemporalDevServer();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const logger = pino({ level: 'silent' });
  const memory: RentProgEvent[] = [];
  const inMemory: EventSink = {
    startEvent: (event) => {
      memory.push(event);
      return Promise.resolve({ workflowId: `memory:${event.eventId}`, duplicate: false });
    },
    startQuarantine: () => Promise.resolve({ workflowId: 'memory:quarantine', duplicate: false }),
  };
  const serve = async (sink?: EventSink) => {
    const app = createIngressApp({
      webhookSecrets: { tbilisi: [secret] },
      signatureHeader: 'X-Rentprog-Signature',
      starter: { client, taskQueue: 'bench-no-worker', deadlineMs: 5000 },
      sink,
      logger,
      dedupWindowMs: 60_000,
      quarantineBodies: new FileQuarantineBodies(path.join(os.tmpdir(), 'rentprog-bench-quarantine')),
      isTemporalReachable: () => Promise.resolve(true),
    });
    const server: Server = await new Promise((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    return {
      server,
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/rentprog/tbilisi?t=${secret}`,
    };
  };

  for (const [variant, sink, rates] of [
    ['durable', undefined, RATES],
    ['in-memory', inMemory, BASELINE_RATES],
  ] as const) {
    const { server, url } = await serve(sink);
    for (const rate of rates) {
      const result = await load(url, rate);
      console.log(JSON.stringify({ bench: 'ack', variant, ...result }));
    }
    await new Promise((resolve) => server.close(resolve));
  }
  console.log(JSON.stringify({ bench: 'ack', variant: 'bare-client', ...(await bareClient(client)) }));
  const durable = await serve();
  console.log(JSON.stringify({ bench: 'duplicates', ...(await duplicateStorm(durable.url)) }));
  await new Promise((resolve) => durable.server.close(resolve));
  await connection.close();
  await server.stop();
}

async function load(url: string, rate: number): Promise<Record<string, number>> {
  const args = [url, String(rate), String(seconds), String(offset)];
  offset += 1_000_000;
  return JSON.parse(await runScript('bench/load.ts', args, {})) as Record<string, number>;
}

/** The engine's own ceiling: 64 concurrent starters, no HTTP, for the same time. */
async function bareClient(client: Client) {
  const latencies: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (Date.now() < deadline) {
        const id = `bare:${offset}:${n++}`;
        const started = performance.now();
        await client.workflow.start('rentprogEvent', {
          workflowId: id,
          taskQueue: 'bench-no-worker',
          args: [{}],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: BRANCH_SEARCH_ATTRIBUTE, value: 'tbilisi' },
            { key: EVENT_SEARCH_ATTRIBUTE, value: 'booking.updated' },
          ],
        });
        latencies.push(performance.now() - started);
      }
    }),
  );
  offset += 1_000_000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))]!);
  return {
    rate: 0,
    achieved: Math.round(latencies.length / seconds),
    total: latencies.length,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
  };
}

/** 10,000 webhooks, half of them repeats of earlier ones, 64 at a time. */
async function duplicateStorm(url: string) {
  const bodies = Array.from({ length: 5000 }, (_, i) =>
    webhookBody('booking_update', { state: ['Новая', 'Отмена'], id: 500_000 + offset + i }),
  );
  const sends = [...bodies, ...bodies.map((_, i) => bodies[(i * 7919) % bodies.length]!)];
  const counts = { accepted: 0, duplicate: 0, other: 0 };
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < sends.length) {
        const body = sends[next++]!;
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const answer = (await response.json()) as { duplicate?: boolean };
        if (response.status !== 200) counts.other++;
        else if (answer.duplicate) counts.duplicate++;
        else counts.accepted++;
      }
    }),
  );
  return {
    sent: sends.length,
    workflowsStarted: counts.accepted,
    duplicatesAnswered: counts.duplicate,
    other: counts.other,
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
