import { Client } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { RentProgEvent } from '../../src/rentprog/webhooks/webhook-event.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import { dataConverterFor } from '../../src/temporal/data-converter.js';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING } from '../../src/temporal/payload-codec.js';
import { type JsonPayload, payloadFromJson, payloadToJson } from '../../src/temporal/payload-json.js';
import type { rentprogEvent } from '../../src/workflows/rentprog-event.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { historyText } from '../../harness/history.js';
import { startCli } from '../../harness/processes.js';
import { BRANCHES, clientFor, companyTokens, startSimulator } from '../helpers/simulator.js';
import { connectToDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

/** Every Payload of a history: inputs, results, activity and local-activity (marker) data. */
function payloadsOf(value: unknown, found: Payload[] = []): Payload[] {
  if (Array.isArray(value)) value.forEach((item) => payloadsOf(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'payloads' && Array.isArray(item)) found.push(...(item as Payload[]));
      else if (!(item instanceof Uint8Array)) payloadsOf(item, found);
    }
  }
  return found;
}

const encodingOf = (payload: Payload) => Buffer.from(payload.metadata?.encoding ?? []).toString();

const LOCAL_ACTIVITY_MARKER_FIELDS = [
  'activity_id',
  'activity_type',
  'attempt',
  'backoff',
  'complete_time',
  'original_schedule_time',
  'seq',
];
/** A `patched()` marker's details, written by the SDK core: the patch's name, no data. */
const PATCH_MARKER_FIELDS = ['deprecated', 'id'];

describe('workflow payloads encrypted with TEMPORAL_PAYLOAD_KEYS, on the real dev server', () => {
  const keys = companyTokens();
  const payloadKey = { id: 'test-key', key: randomBytes(32) };
  const codec = new AesGcmPayloadCodec([payloadKey]);
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let workers: Worker[];
  let running: Promise<unknown>;
  let taskQueue: string;
  /** What the service's processes use: dataConverterFor(config.temporal). */
  let encrypting: Client;
  /** What anyone with Temporal access but no key sees, like the Web UI without the codec. */
  let plain: Client;

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    sim = await startSimulator(keys);
    taskQueue = uniqueTaskQueue('codec');
    const temporal = { address: '', namespace: 'default', taskQueue, payloadKeys: [payloadKey] };
    workers = await createWorkers({
      connection: env.nativeConnection,
      temporal,
      branches: BRANCHES,
      maxRequestsPerMinute: 60_000,
      workflowBundle: workflowBundle(),
      activities: createActivities({ db: database.db, rentprog: clientFor(sim, keys) }),
    });
    running = Promise.all(workers.map((worker) => worker.run()));
    encrypting = new Client({ connection: env.connection, dataConverter: dataConverterFor(temporal) });
    plain = new Client({ connection: env.connection });
  });
  afterAll(async () => {
    for (const worker of workers ?? []) worker.shutdown();
    await running;
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
  });

  /** A `client_update` as the ingress makes it: the changed phone and last name, old and new. */
  function clientUpdate() {
    const person = sim.branch('tbilisi').list('client', randomInt(0, 5), 1)[0]!;
    const newPhone = `+995 599 ${randomInt(100, 1000)} ${randomInt(100, 1000)}`;
    const newLastname = `Цицишвили-${randomBytes(3).toString('hex')}`;
    const event: RentProgEvent = {
      eventId: randomBytes(32).toString('hex'),
      type: 'rentprog.client_update',
      branch: 'tbilisi',
      entity: 'client',
      rentprogId: person.id,
      changes: { phone: [person.phone, newPhone], lastname: [person.lastname, newLastname] },
      receivedAt: new Date().toISOString(),
      rawEvent: 'client_update',
    };
    return { event, personal: [String(person.phone), newPhone, newLastname] };
  }

  async function run(client: Client, event: RentProgEvent) {
    const handle = await client.workflow.start<typeof rentprogEvent>('rentprogEvent', {
      workflowId: `test-codec-${event.eventId.slice(0, 16)}`,
      taskQueue,
      args: [event],
    });
    const outcome = await encrypting.workflow.getHandle<typeof rentprogEvent>(handle.workflowId).result();
    return { workflowId: handle.workflowId, outcome };
  }

  const fetchHistory = (workflowId: string): Promise<History> =>
    plain.workflow.getHandle(workflowId).fetchHistory();

  it('keeps a client_update’s names and phones out of the stored history; the codec’s client reads the outcome', async () => {
    const { event, personal } = clientUpdate();
    const { workflowId, outcome } = await run(encrypting, event);
    expect(outcome).toMatchObject({ status: 'processed', action: 'stored' });

    const history = await fetchHistory(workflowId);
    const stored = JSON.stringify(history) + historyText(history);
    for (const value of personal) expect(stored).not.toContain(value);

    // Input, the fetch activity, the local activity's result and the outcome: all ciphertext.
    // Only the SDK core's own bookkeeping (each local activity, the patch marker) stays plain,
    // and holds no data.
    const payloads = payloadsOf(history);
    const encrypted = payloads.filter((p) => encodingOf(p) === ENCRYPTED_ENCODING);
    expect(encrypted.length).toBeGreaterThanOrEqual(4);
    for (const payload of payloads.filter((p) => !encrypted.includes(p))) {
      const bookkeeping = defaultPayloadConverter.fromPayload<Record<string, unknown>>(payload);
      expect([LOCAL_ACTIVITY_MARKER_FIELDS, PATCH_MARKER_FIELDS]).toContainEqual(
        Object.keys(bookkeeping).sort(),
      );
    }

    // The key holder reads the very same bytes; without it the result is unreadable.
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    const [decoded] = await codec.decode(input);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(event);
    await expect(plain.workflow.getHandle(workflowId).result()).rejects.toThrow(/binary\/encrypted/);
  });

  it('still runs workflows started before the keys were set, and encrypts what they write from then on', async () => {
    const { event, personal } = clientUpdate();
    const { workflowId, outcome } = await run(plain, event);
    expect(outcome).toMatchObject({ status: 'processed', action: 'stored' });

    const history = await fetchHistory(workflowId);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
    expect(started.map(encodingOf)).toEqual(['json/plain']);
    expect(historyText(history)).toContain(personal[1]);
    const completed =
      history.events?.at(-1)?.workflowExecutionCompletedEventAttributes?.result?.payloads ?? [];
    expect(completed.map(encodingOf)).toEqual([ENCRYPTED_ENCODING]);
  });

  it('`rentprog-flow codec-server` decodes a payload of a stored history over HTTP, as the Web UI asks', async () => {
    const { event, personal } = clientUpdate();
    const { workflowId } = await run(encrypting, event);
    const history = await fetchHistory(workflowId);
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];

    const server = await startCodecServerProcess(`${payloadKey.id}:${payloadKey.key.toString('base64')}`);
    try {
      const response = await fetch(`${server.url}/decode`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Namespace': 'default',
          Origin: 'http://localhost:8233',
        },
        body: JSON.stringify({ payloads: input.map(payloadToJson) }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:8233');
      const { payloads } = (await response.json()) as { payloads: JsonPayload[] };
      const decoded = defaultPayloadConverter.fromPayload<RentProgEvent>(payloadFromJson(payloads[0]));
      expect(decoded.changes.phone).toEqual([personal[0], personal[1]]);
      expect(server.output()).not.toContain(payloadKey.key.toString('base64'));
    } finally {
      await server.stop();
    }
  });
});

/** The real CLI on a free port; its one log line says where it listens. */
async function startCodecServerProcess(payloadKeys: string) {
  const server = startCli(['codec-server', '--port', '0'], { env: { TEMPORAL_PAYLOAD_KEYS: payloadKeys } });
  const [, url] = await server.waitForOutput(/codec server (http:\/\/\S+)/, 30_000);
  return { url: url!, output: () => server.output, stop: () => server.stop('SIGTERM') };
}
