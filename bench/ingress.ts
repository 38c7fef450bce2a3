/**
 * Ingress benchmarks, each with its baseline measured the same way in the same run:
 *  1. ACK latency and rate of the durable ingress (ACK after Temporal accepted the start)
 *     against the same route with the start replaced by an in-memory push (the original
 *     system's non-durable ACK), and against a bare Temporal client making the same starts
 *     with no HTTP (the engine's own latency and limit here): every variant at max (the
 *     bare client's first), then durable and bare at 100/s and at half the bare max. Every
 *     point gets a fresh dev server and the same warm-up, so none pays for the workflows of
 *     the points before it; each prints the server's workflow count after it and the CPU
 *     per request of this process, of the load generator and of the dev server.
 *  2. a duplicate storm: 10,000 webhooks, half of them repeats.
 * Load and bare starts are paced by bench/schedule.ts: open-loop at a fixed rate, 64 closed
 * loops at max. Prints JSON lines; `bench/run.ts` turns them into bench/results.md.
 *   npx tsx bench/ingress.ts [seconds=20]
 */
import { Client } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import os from 'node:os';
import path from 'node:path';
import { createIngressApp } from '../src/ingress/app.js';
import { FileQuarantineBodies } from '../src/ingress/quarantine-bodies.js';
import { type EventSink, eventStartOptions } from '../src/ingress/start-workflows.js';
import { ingressConnection } from '../src/ingress/temporal-connection.js';
import { normalizeEvent } from '../src/rentprog/webhooks/normalize-event.js';
import { parseWebhookBody, rentprogIdOf } from '../src/rentprog/webhooks/parse-webhook.js';
import type { RentProgEvent } from '../src/rentprog/webhooks/webhook-event.js';
import { webhookBody } from '../src/simulator/webhook-sender.js';
import { startTemporalDevServer } from '../harness/temporal-dev-server.js';
import { devServerCpu } from './dev-server-cpu.js';
import { drive, type DriveResult } from './schedule.js';
import { runScript } from './service-process.js';

const seconds = Number(process.argv[2] ?? 20);
/** Starts (or webhooks) before every point, unrecorded: JIT, connections and a warm server. */
const WARMUP = 200;
const TASK_QUEUE = 'bench-no-worker';
const DEDUP_WINDOW_MS = 60_000;
const secret = randomBytes(12).toString('hex');
let offset = 0;

type Variant = 'durable' | 'in-memory' | 'bare-client';
type Figures = Omit<DriveResult, 'ok' | 'failed'> & Record<string, number>;

async function main() {
  // Each durable point right next to its baseline, as the machine's other load drifts.
  const bareMax = await point('bare-client', 0);
  const durableMax = await point('durable', 0);
  await point('in-memory', 0);
  const durableAt100 = await point('durable', 100);
  const bareAt100 = await point('bare-client', 100);
  await point('in-memory', 100);
  const half = Math.max(1, Math.round(bareMax.achieved / 2));
  await point('durable', half);
  await point('bare-client', half);
  console.log(
    JSON.stringify({
      bench: 'ack-targets',
      durableMax: durableMax.achieved,
      bareMax: bareMax.achieved,
      throughputRatio: Number((durableMax.achieved / bareMax.achieved).toFixed(2)),
      throughputMet: durableMax.achieved >= 0.9 * bareMax.achieved,
      durableP99At100: durableAt100.p99,
      bareP99At100: bareAt100.p99,
      p99OverBareMs: durableAt100.p99 - bareAt100.p99,
      latencyMet: durableAt100.p99 <= bareAt100.p99 + 10,
    }),
  );
  await onFreshServer(async (client) => {
    const durable = await serve(client);
    console.log(JSON.stringify({ bench: 'duplicates', ...(await duplicateStorm(durable.url)) }));
    await new Promise((resolve) => durable.server.close(resolve));
  });
}

/**
 * One variant at one rate on a dev server of its own, after the same warm-up; prints its
 * line. `workflowsAfter` is warm-up plus accepted starts for the variants that start any.
 */
async function point(variant: Variant, rate: number): Promise<Figures> {
  return onFreshServer(async (client, serverCpu) => {
    const bench = process.cpuUsage();
    const server = serverCpu();
    const figures =
      variant === 'bare-client' ? await bareClient(client, rate) : await loadIngress(client, variant, rate);
    const cpu = process.cpuUsage(bench);
    const serverMs = serverCpu() - server;
    const requests = WARMUP + figures.total;
    const workflowsAfter = await settledCount(client);
    console.log(
      JSON.stringify({
        bench: 'ack',
        variant,
        ...figures,
        server: 'fresh',
        warmup: WARMUP,
        workflowsAfter,
        // CPU per request, warm-up included: where each variant's time goes, and whether
        // the server's share per start is the same under every variant.
        benchCpuUs: Math.round((cpu.user + cpu.system) / requests),
        serverCpuUs: Math.round((serverMs * 1000) / requests),
      }),
    );
    return figures;
  });
}

async function onFreshServer<T>(run: (client: Client, serverCpuMs: () => number) => Promise<T>): Promise<T> {
  const server = await startTemporalDevServer();
  const connection = ingressConnection(server.address);
  try {
    const client = new Client({ connection });
    return await run(client, devServerCpu(server.address));
  } finally {
    await connection.close();
    await server.stop();
  }
}

/** The event the route makes of the load's body (its id set per start): bare starts carry the same input. */
function bareEvent(): RentProgEvent {
  const parsed = parseWebhookBody(
    Buffer.from(webhookBody('booking_update', { state: ['Новая', 'Активная'], total: [1, 2], id: 100_000 })),
    'application/json',
  );
  if (!parsed.ok) throw new Error(`the bench body does not parse: ${parsed.error}`);
  return {
    eventId: '',
    ...normalizeEvent('tbilisi', parsed, rentprogIdOf(parsed.payload)!, new Date().toISOString()),
    dedupWindowMs: DEDUP_WINDOW_MS,
  };
}

/** The engine alone: the start the ingress makes for an event, straight from a client, no HTTP. */
async function bareClient(client: Client, rate: number): Promise<Figures> {
  const template = bareEvent();
  const base = offset;
  offset += 1_000_000;
  const start = async (i: number) => {
    const event = { ...template, eventId: `bare-${base + i}`, rentprogId: 100_000 + base + i };
    await client.workflow.start('rentprogEvent', eventStartOptions(event, TASK_QUEUE));
    return true;
  };
  // Warm-up ids count down from the point's, so they never meet.
  await drive((i) => start(-1 - i), { rate, seconds: 60, count: WARMUP });
  const { ok, failed, ...figures } = await drive(start, { rate, seconds });
  return { ...figures, ok2xx: ok, non2xx: failed };
}

/** The ingress in this process, loaded by bench/load.ts in another. */
async function loadIngress(client: Client, variant: 'durable' | 'in-memory', rate: number): Promise<Figures> {
  const { server, url } = await serve(client, variant === 'in-memory' ? inMemory() : undefined);
  try {
    return await load(url, rate);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

function inMemory(): EventSink {
  const memory: RentProgEvent[] = [];
  return {
    startEvent: (event) => {
      memory.push(event);
      return Promise.resolve({ workflowId: `memory:${event.eventId}`, duplicate: false });
    },
    startQuarantine: () => Promise.resolve({ workflowId: 'memory:quarantine', duplicate: false }),
  };
}

async function serve(client: Client, sink?: EventSink) {
  const app = createIngressApp({
    webhookSecrets: { tbilisi: [secret] },
    signatureHeader: 'X-Rentprog-Signature',
    starter: { client, taskQueue: TASK_QUEUE, deadlineMs: 5000 },
    sink,
    logger: pino({ level: 'silent' }),
    dedupWindowMs: DEDUP_WINDOW_MS,
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
}

/** The server's workflow count once its visibility has caught up (two equal readings). */
async function settledCount(client: Client): Promise<number> {
  let last = -1;
  for (;;) {
    const { count } = await client.workflow.count();
    if (count === last) return count;
    last = count;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function load(url: string, rate: number): Promise<Figures> {
  const args = [url, String(rate), String(seconds), String(offset), String(WARMUP)];
  offset += 1_000_000;
  return JSON.parse(await runScript('bench/load.ts', args, {})) as Figures;
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
