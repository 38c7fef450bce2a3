import type { Simulator } from '../src/simulator/simulator.js';
import type { SimEntity } from '../src/simulator/dataset.js';
import type { Drill } from './support/drill.js';
import { checkEventsProcessedOnce } from './support/event-checks.js';
import { compareWithSimulator } from '../harness/database-vs-simulator.js';
import { startServiceStack } from './support/service-stack.js';
import { sleep, waitFor } from '../harness/wait.js';
import { WebhookStream } from './support/webhook-stream.js';
import { firstRunDone, waitForSync } from '../harness/sync-status.js';

const OUTAGE_MS = 8000;
const POISONED_PER_KIND = 2;

/** A hostile or unlucky body, and what the ingress must make of it. */
interface PoisonBody {
  name: string;
  contentType: string;
  body: (sim: Simulator, branch: string) => string;
  /** `event`: readable, processed like any other; `quarantine`: kept with a reason. */
  expect: 'event' | 'quarantine';
}

const someId = (sim: Simulator, branch: string, kind: SimEntity) => {
  const data = sim.branch(branch);
  return data.list(kind, Math.floor(Math.random() * data.count(kind)), 1)[0]!.id;
};
/** Each body is new (a fresh value), so each readable one is a distinct event. */
let serial = 0;
const fresh = () => `${Date.now()}-${++serial}`;

const BODIES: PoisonBody[] = [
  {
    name: 'NUL in a Ruby payload',
    contentType: 'application/json',
    expect: 'event',
    body: (sim, branch) =>
      JSON.stringify({
        event: 'client_update',
        payload: `{"id"=>${someId(sim, branch, 'client')}, "name"=>["a", "Ни\\u0000но ${fresh()}"]}`,
      }),
  },
  {
    name: 'NUL in a JSON payload',
    contentType: 'application/json',
    expect: 'event',
    body: (sim, branch) =>
      JSON.stringify({
        event: 'booking_update',
        payload: { id: someId(sim, branch, 'booking'), description: ['x', `до\u0000после ${fresh()}`] },
      }),
  },
  {
    name: 'NUL in a form body',
    contentType: 'application/x-www-form-urlencoded',
    expect: 'event',
    body: (sim, branch) =>
      `event=car_update&payload=${encodeURIComponent(
        JSON.stringify({ id: someId(sim, branch, 'car'), description: ['x', `a\u0000b ${fresh()}`] }),
      )}`,
  },
  {
    name: 'numbers out of range in a webhook payload',
    contentType: 'application/json',
    expect: 'event',
    body: (sim, branch) =>
      JSON.stringify({
        event: 'car_update',
        payload: { id: someId(sim, branch, 'car'), mileage: [1, 3e9], company_id: ['1e23', fresh()] },
      }),
  },
  {
    // Raw NULs in a Ruby string: 3 bytes each in the form (%00), 6 in a workflow input (\u0000),
    // so a 1 MiB body would be a 2 MB input, Temporal's blob limit.
    name: 'a form body of NULs that expands past the blob limit',
    contentType: 'application/x-www-form-urlencoded',
    expect: 'quarantine',
    body: (sim, branch) =>
      `event=client_update&payload=${encodeURIComponent(
        `{"id"=>${someId(sim, branch, 'client')}, "note"=>["", "${'\u0000'.repeat(340_000)}"]}`,
      )}`,
  },
  {
    name: 'a JSON payload nested 10,000 deep',
    contentType: 'application/json',
    expect: 'quarantine',
    body: (sim, branch) =>
      `{"event":"booking_update","payload":{"id":${someId(sim, branch, 'booking')},"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}}`,
  },
  {
    name: 'a Ruby payload with a 900 KB numeric key',
    contentType: 'application/json',
    expect: 'quarantine',
    body: (sim, branch) =>
      JSON.stringify({
        event: 'booking_update',
        payload: `{"id"=>${someId(sim, branch, 'booking')}, ${'9'.repeat(900_000)}=>1}`,
      }),
  },
];

interface PoisonAnswer {
  name: string;
  expect: PoisonBody['expect'];
  status: number | 'error';
  workflowId?: string;
  error?: string;
  quarantined: boolean;
}

export const poisonDrill: Drill = {
  title: 'poison: values and bodies nothing downstream can take, with Temporal stopped for part of it',
  summary:
    'Before the first sync, the simulator gives two cars, clients and bookings per branch values Postgres ' +
    'cannot hold as sent (mileage 3e9, company_id "1e23", NUL and a lone surrogate in names, a total of ' +
    '1e999). While signed webhooks stream in (10/s), the drill posts, three times over (the second time ' +
    `with the dev server stopped for ${OUTAGE_MS / 1000} s), NUL in Ruby, JSON and form bodies, out-of-range ` +
    'numbers, a form body of NULs that expands past the 2 MB blob limit, a 10,000-deep JSON payload and a ' +
    '900 KB numeric Ruby key. Must hold: no 5xx; every normal webhook and every readable poison one ' +
    'processed exactly once; every unreadable one answered 400 and quarantined with its reason and body; ' +
    'the spool drained with nothing dead-lettered; each sync run finished with the poisoned rows stored as ' +
    'NULL columns or in `sync_rejects`; Postgres equals the simulator for every other row.',

  async run(context, report, teardown) {
    const stack = await startServiceStack(context, teardown, {
      name: 'poison',
      seed: 505,
      branches: [
        { name: 'tbilisi', bookings: 200 },
        { name: 'batumi', bookings: 100 },
      ],
    });
    const { client, db, sim } = stack;
    for (const branch of stack.branches) {
      for (const kind of ['car', 'client', 'booking'] as const) {
        for (const entity of sim.branch(branch).list(kind, 3, POISONED_PER_KIND)) {
          sim.poison(kind, branch, entity.id);
        }
      }
    }
    await stack.startIngress();
    const worker = await stack.startWorker();
    const firstRuns = [];
    for (const branch of stack.branches) {
      firstRuns.push(await waitForSync(client, branch, firstRunDone, 'the first run finished', 180_000));
    }

    const stream = new WebhookStream({
      sim,
      ingressUrl: stack.ingressUrl,
      webhookSecrets: context.secrets.webhookSecrets,
      branches: stack.branches,
      perSecond: 10,
    });
    const answers: PoisonAnswer[] = [];
    const sendPoison = async () => {
      for (const branch of stack.branches) {
        for (const poison of BODIES) {
          answers.push(
            await post(stack.ingressUrl, context.secrets.webhookSecrets[branch]!, branch, sim, poison),
          );
        }
      }
    };
    stream.start();
    await sendPoison();
    let during: Promise<void> = Promise.resolve();
    await stack.restartTemporal(OUTAGE_MS, {
      whileDown: () => {
        during = sendPoison();
      },
      beforeStart: () => during,
    });
    await sendPoison();
    await sleep(3000);
    await stream.stop();
    const spoolDepth = async () =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_inbox'))[0]!.n;
    await waitFor(async () => (await spoolDepth()) === 0, { what: 'the spool drained', timeoutMs: 180_000 });
    await stack.waitForEvents(240_000);

    const summary = stream.summary();
    const fiveHundreds = [...stream.answers, ...answers].filter(
      (a) => a.status === 'error' || (typeof a.status === 'number' && a.status >= 500),
    );
    const readable = answers.filter((a) => a.expect === 'event');
    const unreadable = answers.filter((a) => a.expect === 'quarantine');
    report.figure('normal webhooks sent / accepted', `${summary.sent} / ${summary.accepted}`);
    report.figure(
      'poison webhooks sent (readable / unreadable)',
      `${answers.length} (${readable.length} / ${unreadable.length})`,
    );
    report.figure('answers: poison, by status', countBy(answers.map((a) => String(a.status))));
    report.check(
      'no 5xx and no connection error',
      fiveHundreds.length === 0,
      countBy(fiveHundreds.map((a) => String(a.status))),
    );

    const readableAccepted = readable.filter(
      (a): a is PoisonAnswer & { workflowId: string } =>
        (a.status === 200 || a.status === 202) && a.workflowId !== undefined,
    );
    report.check(
      'every readable poison webhook was accepted as an event',
      readableAccepted.length === readable.length,
      describeAnswers(readable.filter((a) => !readableAccepted.includes(a as never))),
    );
    await checkEventsProcessedOnce(
      report,
      client,
      db,
      [...stream.accepted, ...readableAccepted],
      stack.telegram.sent.length,
    );

    const wrongQuarantine = unreadable.filter((a) => a.status !== 400 || !a.quarantined || !a.workflowId);
    report.check(
      'every unreadable body was answered 400 and quarantined',
      wrongQuarantine.length === 0,
      describeAnswers(wrongQuarantine),
    );
    const quarantineIds = [
      ...new Set(unreadable.map((a) => a.workflowId).filter((id): id is string => !!id)),
    ];
    const rows = await db.query<{ workflow_id: string; status: string; error: string | null; sha: string }>(
      `SELECT workflow_id, status, error, payload->>'bodySha256' AS sha FROM webhook_events
        WHERE workflow_id = ANY($1::text[])`,
      [quarantineIds],
    );
    const bodies = await db.query<{ sha256: string }>('SELECT sha256 FROM webhook_bodies');
    const kept = new Set(bodies.map((b) => b.sha256));
    const unrecorded = quarantineIds.filter(
      (id) =>
        !rows.some((r) => r.workflow_id === id && r.status === 'unparsed' && r.error && kept.has(r.sha)),
    );
    report.figure('quarantine workflows / bodies kept', `${quarantineIds.length} / ${kept.size}`);
    report.figure('quarantine reasons', [...new Set(rows.map((r) => r.error))].join('; '));
    report.check(
      'each quarantined body has an unparsed row with its reason, and the body in webhook_bodies',
      unrecorded.length === 0,
      unrecorded.slice(0, 3).join(', ') || undefined,
    );

    const [dead] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_dead_letters');
    report.check(
      'the spool drained, nothing dead-lettered',
      (await spoolDepth()) === 0 && dead!.n === 0,
      `${dead!.n} dead letters`,
    );

    const runs = await db.query<{
      branch: string;
      status: string;
      rejects: number | null;
      error: string | null;
    }>('SELECT branch, status, rejects, error FROM sync_runs ORDER BY id');
    const rejects = await db.query<{ branch: string; kind: string; rentprog_id: number; reason: string }>(
      'SELECT branch, kind, rentprog_id, reason FROM sync_rejects ORDER BY branch, kind, rentprog_id',
    );
    report.figure(
      'sync runs (status, rejects)',
      runs.map((r) => `${r.branch} ${r.status} ${r.rejects ?? 0}`).join(', '),
    );
    report.figure('rows in sync_rejects', rejects.length);
    report.figure(
      'reject reasons',
      [...new Set(rejects.map((r) => r.reason.slice(0, 80)))].join('; ') || 'none',
    );
    for (const status of firstRuns) {
      report.check(
        `${status.branch}: the first sync run finished (succeeded, despite the poisoned rows)`,
        status.lastRun?.status === 'succeeded',
        status.lastRun?.errors.join('; '),
      );
    }

    const poisoned = new Set(sim.poisoned.map((p) => `${p.branch}:${p.kind}:${p.id}`));
    const TABLE = { car: 'cars', client: 'clients', booking: 'bookings' } as const;
    const lost: string[] = [];
    for (const p of sim.poisoned) {
      const [row] = await db.query(`SELECT 1 FROM ${TABLE[p.kind]} WHERE branch = $1 AND rentprog_id = $2`, [
        p.branch,
        p.id,
      ]);
      const rejected = rejects.some((r) => r.branch === p.branch && r.rentprog_id === p.id);
      if (!row && !rejected) lost.push(`${p.branch} ${p.kind} ${p.id}`);
    }
    report.check(
      'every poisoned record is stored (NULL in the bad columns) or in sync_rejects',
      sim.poisoned.length > 0 && lost.length === 0,
      lost.slice(0, 3).join(', ') || undefined,
    );
    for (const branch of stack.branches) {
      const comparison = await compareWithSimulator(db, sim, branch);
      const unexpected = comparison.kinds.flatMap((k) =>
        [...k.missing, ...k.extra, ...k.different]
          .filter((id) => !poisoned.has(`${branch}:${k.kind}:${id}`))
          .map((id) => `${k.kind} ${id}`),
      );
      report.check(
        `${branch}: Postgres equals the simulator for every row not poisoned`,
        unexpected.length === 0,
        unexpected.length ? `${unexpected.length}, e.g. ${unexpected.slice(0, 3).join(', ')}` : undefined,
      );
    }
    report.check('the worker survived', worker.running, worker.running ? undefined : worker.exitDescription);
  },
};

async function post(
  ingressUrl: string,
  secret: string,
  branch: string,
  sim: Simulator,
  poison: PoisonBody,
): Promise<PoisonAnswer> {
  const base = { name: poison.name, expect: poison.expect, quarantined: false };
  try {
    const response = await fetch(`${ingressUrl}/webhooks/rentprog/${branch}?t=${secret}`, {
      method: 'POST',
      headers: { 'Content-Type': poison.contentType },
      body: poison.body(sim, branch),
      signal: AbortSignal.timeout(30_000),
    });
    const answer = (await response.json().catch(() => ({}))) as {
      workflowId?: string;
      error?: string;
      quarantined?: boolean;
    };
    return {
      ...base,
      status: response.status,
      workflowId: answer.workflowId,
      error: answer.error,
      quarantined: answer.quarantined === true,
    };
  } catch {
    return { ...base, status: 'error' };
  }
}

const countBy = (values: string[]) =>
  Object.entries(values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {}))
    .map(([value, n]) => `${value}: ${n}`)
    .join(', ') || 'none';

const describeAnswers = (answers: PoisonAnswer[]) =>
  answers.length
    ? answers
        .slice(0, 3)
        .map((a) => `${a.name} → ${a.status}${a.error ? ` (${a.error})` : ''}`)
        .join('; ')
    : undefined;
