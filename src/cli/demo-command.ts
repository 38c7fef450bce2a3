import { type Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { agendaText } from '../activities/agenda/agenda-text.js';
import { activitiesFromConfig } from '../activities/from-config.js';
import { createBot } from '../bot/create-bot.js';
import type { Config } from '../config/config.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';
import { serveIngress } from '../ingress/serve-ingress.js';
import { webhookUrls } from '../ingress/webhook-urls.js';
import { localDayOf } from '../time/local-day.js';
import { formatLocal } from '../simulator/dataset.js';
import { Simulator } from '../simulator/simulator.js';
import { openDatabase } from '../store/open-database.js';
import { serveCodec } from '../temporal/codec-server.js';
import { createWorkers, stopWorkers } from '../temporal/create-worker.js';
import { serviceClient } from '../temporal/data-converter.js';
import { agendaScheduleId, ensureAgendaSchedules } from '../temporal/ensure-agenda-schedules.js';
import { ensureBranchSyncs } from '../temporal/ensure-branch-syncs.js';
import { installRuntime } from '../temporal/install-runtime.js';
import { AesGcmPayloadCodec } from '../temporal/payload-codec.js';
import { readSyncStatus, requestSync, syncFinished } from '../temporal/sync-control.js';
import { startDemoOutbox } from './demo-outbox.js';
import { demoPayloadKeys } from './demo-payload-key.js';
import { devServerUiUrl, startDevServer } from './dev-server.js';
import { ensureTemporalCli } from './temporal-cli.js';

const DEMO_BRANCHES = ['tbilisi', 'batumi', 'kutaisi', 'service-center'];
const say = (line = '') => console.log(line);

/**
 * `npm run demo`: the whole system on one machine — a Temporal dev server with its
 * history in ./data, PGlite in ./data, the RentProg simulator with four branches, the
 * worker, the ingress (and the bot when TELEGRAM_BOT_TOKEN is set) — then a sync of
 * every branch and a few real webhooks, and a summary of what happened.
 */
export async function runDemo(options: { once: boolean }): Promise<void> {
  // The summary is the demo's output: only warnings from the SDK and our logs.
  installRuntime({ level: 'WARN' });
  const logger = createLogger();
  logger.level = 'warn';
  // Demo-only credentials, made up per run and shared in-process with the simulator.
  const keys = Object.fromEntries(DEMO_BRANCHES.map((b) => [b, randomBytes(16).toString('hex')]));
  const secrets = Object.fromEntries(DEMO_BRANCHES.map((b) => [b, randomBytes(12).toString('hex')]));
  const base = loadConfig(process.env, { requireBranches: false });
  const dataDir = path.resolve(base.database.dataDir);

  say('rentprog-flow demo');
  const cli = await ensureTemporalCli({ log: (line) => say(`  ${line}`) });
  const sim = await new Simulator({
    branches: DEMO_BRANCHES.map((name) => ({ name, companyToken: keys[name]! })),
    seed: 1,
    scale: 200,
  }).start();
  const config = loadConfig({
    ...process.env,
    RENTPROG_BRANCH_KEYS: JSON.stringify(keys),
    RENTPROG_WEBHOOK_SECRETS: JSON.stringify(secrets),
    RENTPROG_BASE_URL: sim.baseUrl,
    DATA_DIR: dataDir,
    // Histories in ./data are encrypted with a key kept next to them; the Web UI decodes
    // through the codec server below.
    TEMPORAL_PAYLOAD_KEYS: await demoPayloadKeys(dataDir),
  });
  const uiUrl = devServerUiUrl(base.temporal.address);
  const codecServer = await serveCodec({
    codec: new AesGcmPayloadCodec(config.temporal.payloadKeys!),
    host: '127.0.0.1',
    port: 0,
    uiOrigins: [uiUrl, uiUrl.replace('//localhost:', '//127.0.0.1:')],
    log: (line) => logger.warn(line),
  });
  const devServer = await startDevServer({
    cli,
    address: base.temporal.address,
    dbFile: path.join(dataDir, 'temporal.sqlite'),
    codecEndpoint: codecServer.url,
  });
  say(
    `  Temporal dev server ${devServer.startedHere ? 'started' : 'already running'} at ${devServer.address}`,
  );

  const db = await openDatabase({ dataDir, url: config.database.url });
  const clientConnection = await Connection.connect({ address: devServer.address });
  const client = serviceClient(clientConnection, config.temporal);
  const nativeConnection = await NativeConnection.connect({ address: devServer.address });
  // Without a bot token the branch chats are an outbox here, and the summary shows what they would read.
  const outbox = base.telegram.botToken ? undefined : await startDemoOutbox();
  const telegram = outbox
    ? {
        ...config.telegram,
        botToken: 'demo-outbox',
        apiRoot: outbox.apiRoot,
        notifyChats: Object.fromEntries(DEMO_BRANCHES.map((b, i) => [b, -1001 - i])),
        alertChat: undefined,
      }
    : config.telegram;
  const workers = await createWorkers({
    connection: nativeConnection,
    temporal: config.temporal,
    branches: config.branches,
    maxRequestsPerMinute: 6000, // the simulator is not rate-limited like RentProg
    activities: activitiesFromConfig(config, { db, logger, telegram }),
  });
  const running = Promise.all(workers.map((w) => w.run()));

  const outcomes: { status: number; duplicate?: boolean }[] = [];
  const ingress = await serveIngress({
    config,
    client,
    logger,
    host: '127.0.0.1',
    observe: (outcome) => outcomes.push(outcome),
  });
  const ingressUrl = ingress.url;
  for (const branch of DEMO_BRANCHES) {
    sim.setWebhookUrl(branch, `${ingressUrl}/webhooks/rentprog/${branch}?t=${secrets[branch]}`);
  }
  say(`  simulator ${sim.baseUrl}, ingress ${ingressUrl}, worker on "${config.temporal.taskQueue}"`);
  const localUrls = webhookUrls({ ...config, http: { ...config.http, publicBaseUrl: ingressUrl } });
  say('  Webhook URLs, as RentProg is told them (secrets masked):');
  for (const { branch, url } of localUrls) say(`    ${branch.padEnd(16)} ${url}`);

  const bot = config.telegram.botToken
    ? createBot({
        token: config.telegram.botToken,
        apiRoot: config.telegram.apiRoot,
        adminIds: config.telegram.adminIds,
        client,
        taskQueue: config.temporal.taskQueue,
        branches: config.branches,
        branchNames: config.branchNames,
        timeZone: config.rentprog.timeZones[config.branches[0]!]!,
        timeZones: config.rentprog.timeZones,
        cancelStates: config.rentprog.cancelStates,
        db,
        webhookUrls: localUrls,
        logger,
      })
    : undefined;
  void bot?.start();

  try {
    say('\nSyncing every branch…');
    await ensureBranchSyncs(client, config);
    const requested = await requestSync(client, config.branches, {}, config);
    await Promise.all(requested.map((r) => waitForSync(client, r.branch, r.runsBefore ?? 0)));

    say('Changing a few entities in RentProg, which sends their webhooks…');
    // Only this run's events count: a kept ./data holds the last run's rows too.
    const changedFrom = new Date();
    const stamp = Date.now() % 100_000;
    // A handover moved to this evening and the return three days on: a message with both
    // changes, and a line in today's agenda (the simulator starts from the same seed each run).
    const tbilisiBooking = sim.branch('tbilisi').list('booking', 3, 1)[0]!;
    const today = localDayOf(new Date(), config.rentprog.timeZones.tbilisi!);
    const evening = (days: number) =>
      formatLocal(new Date(Date.parse(`${today}T18:00:00Z`) + days * 86_400_000));
    await sim.update('booking', 'tbilisi', tbilisiBooking.id, {
      state: 'Подтверждена',
      total: 500 + stamp,
      start_date: evening(0),
      end_date: evening(3),
    });
    const batumiCar = sim.branch('batumi').list('car', 0, 1)[0]!;
    await sim.update('car', 'batumi', batumiCar.id, { mileage: 100_000 + stamp }, { format: 'json-string' });
    const kutaisiBooking = sim.branch('kutaisi').list('booking', 5, 1)[0]!;
    await sim.update(
      'booking',
      'kutaisi',
      kutaisiBooking.id,
      { description: `demo ${stamp}` },
      { duplicate: true },
    );
    await waitForProcessed(db, 3, changedFrom);

    await ensureAgendaSchedules(client, config);

    await printSummary(db, outcomes, devServer.uiUrl, config.branches);
    printTelegram(outbox?.messages);
    await printAgenda(db, config, today);
    say(`  Payloads encrypted; the Web UI decodes them through ${codecServer.url} (this process)`);
    if (!options.once) {
      say(
        `\nRunning. Webhooks: ${ingressUrl}/webhooks/rentprog/<branch>; Web UI: ${devServer.uiUrl}. Ctrl-C stops.`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    }
  } finally {
    await bot?.stop();
    await ingress.stop();
    stopWorkers(workers);
    await running;
    await nativeConnection.close();
    await clientConnection.close();
    await sim.stop();
    await db.close();
    await devServer.stop();
    await codecServer.stop();
    await outbox?.stop();
  }
  say('\nDemo stopped; ./data keeps its history for the next run. Goodbye.');
}

/** Tbilisi's day as its chat reads it at AGENDA_TIME (its Schedule sends it) and as /today shows it. */
async function printAgenda(db: Awaited<ReturnType<typeof openDatabase>>, config: Config, day: string) {
  const { text } = await agendaText(
    db,
    {
      branchNames: config.branchNames,
      timeZones: config.rentprog.timeZones,
      usualZone: config.rentprog.timeZones.tbilisi!,
    },
    { branch: 'tbilisi', day, cancelStates: config.rentprog.cancelStates },
  );
  const { hour, minute } = config.telegram.agendaTime;
  const at = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  say(
    `  Agenda: the Schedule ${agendaScheduleId('tbilisi')} sends this at ${at} Tbilisi time (/today shows the same):`,
  );
  for (const line of text.split('\n')) say(`      ${line}`);
}

/** What the branch chats got: with no bot token, the outbox's messages in full. */
function printTelegram(messages: { chatId: number | string; text: string }[] | undefined): void {
  if (!messages) {
    say('  Telegram: messages went to the chats in TELEGRAM_NOTIFY_CHATS');
    return;
  }
  say(
    `  Telegram (no TELEGRAM_BOT_TOKEN, so not sent): what the branch chats would read (${messages.length})`,
  );
  for (const message of messages) {
    say(`    → chat ${message.chatId}`);
    for (const line of message.text.split('\n')) say(`      ${line}`);
  }
}

async function waitForSync(client: Client, branch: string, runsBefore: number): Promise<void> {
  for (;;) {
    const state = await readSyncStatus(client, branch);
    if (!('error' in state) && syncFinished(state.status, runsBefore)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function waitForProcessed(
  db: Awaited<ReturnType<typeof openDatabase>>,
  expected: number,
  since: Date,
): Promise<void> {
  let processed = 0;
  for (let i = 0; i < 240; i++) {
    const [row] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM webhook_events WHERE status = 'processed' AND received_at >= $1",
      [since.toISOString()],
    );
    processed = row?.n ?? 0;
    if (processed >= expected) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  say(`  (${processed} of ${expected} events processed after a minute; the rest go on in the background)`);
}

async function printSummary(
  db: Awaited<ReturnType<typeof openDatabase>>,
  outcomes: { status: number; duplicate?: boolean }[],
  uiUrl: string,
  branches: string[],
): Promise<void> {
  const rows = await db.query<{ branch: string; cars: number; clients: number; bookings: number }>(
    `SELECT b.branch,
            (SELECT count(*)::int FROM cars c WHERE c.branch = b.branch AND c.deleted_at IS NULL) AS cars,
            (SELECT count(*)::int FROM clients c WHERE c.branch = b.branch AND c.deleted_at IS NULL) AS clients,
            (SELECT count(*)::int FROM bookings c WHERE c.branch = b.branch AND c.deleted_at IS NULL) AS bookings
       FROM unnest($1::text[]) AS b(branch)`,
    [branches],
  );
  const accepted = outcomes.filter((o) => o.status === 200);
  say('\nSummary');
  say('  Postgres (PGlite in ./data) per branch:');
  for (const row of rows) {
    say(`    ${row.branch.padEnd(16)} ${row.cars} cars, ${row.clients} clients, ${row.bookings} bookings`);
  }
  say(
    `  Webhooks: ${outcomes.length} received, ${accepted.filter((o) => !o.duplicate).length} processed as events, ` +
      `${accepted.filter((o) => o.duplicate).length} duplicate suppressed`,
  );
  say(`  Temporal Web UI: ${uiUrl}`);
  for (const branch of branches) {
    const query = encodeURIComponent(`RentProgBranch="${branch}"`);
    say(`    ${branch.padEnd(16)} ${uiUrl}/namespaces/default/workflows?query=${query}`);
  }
}
