import type { Client } from '@temporalio/client';
import type { Queryable } from '../../src/store/db.js';
import type { DrillReport } from './drill.js';
import { listRuns } from './workflows.js';

/**
 * Every webhook the ingress accepted (200 or 202) became exactly one `rentprogEvent`
 * run, that run completed, and its outcome is one `processed` row in webhook_events.
 */
export async function checkEventsProcessedOnce(
  report: DrillReport,
  client: Client,
  db: Queryable,
  acceptedAnswers: { workflowId: string }[],
  notificationsSent: number,
): Promise<void> {
  const accepted = new Set(acceptedAnswers.map((a) => a.workflowId));
  const runs = await listRuns(client, 'WorkflowType = "rentprogEvent"');
  const runsOf = new Map<string, string[]>();
  for (const run of runs) runsOf.set(run.workflowId, [...(runsOf.get(run.workflowId) ?? []), run.status]);
  const notOnce = [...accepted].filter((id) => runsOf.get(id)?.length !== 1);
  const notCompleted = [...accepted].filter((id) => runsOf.get(id)?.[0] !== 'COMPLETED');
  const unexpected = [...runsOf.keys()].filter((id) => !accepted.has(id));

  const rows = await db.query<{ event_id: string; status: string; attempts: number; type: string }>(
    'SELECT event_id, status, attempts, type FROM webhook_events',
  );
  const rowOf = new Map(rows.map((row) => [row.event_id, row]));
  const notProcessed = [...accepted].filter((id) => rowOf.get(id.split(':').at(-1)!)?.status !== 'processed');

  report.figure('accepted events / rentprogEvent runs found', `${accepted.size} / ${runs.length}`);
  report.figure(
    'outcome rows written more than once (activity retried after its write)',
    rows.filter((r) => r.attempts > 1).length,
  );
  const deliveries = await db.query<{ state: string; n: number }>(
    "SELECT state, count(*)::int AS n FROM telegram_deliveries WHERE key LIKE 'event:%' GROUP BY state",
  );
  const deliveriesIn = (state: string) => deliveries.find((d) => d.state === state)?.n ?? 0;
  report.figure(
    'Telegram messages at the Bot API / deliveries recorded sent / uncertain (not resent)',
    `${notificationsSent} / ${deliveriesIn('sent')} / ${deliveriesIn('uncertain')}`,
  );
  report.check(
    'every accepted webhook became exactly one workflow run',
    notOnce.length === 0,
    sample(notOnce),
  );
  report.check(
    'no Telegram message sent twice: at most one message per recorded delivery',
    notificationsSent <= deliveriesIn('sent') + deliveriesIn('uncertain'),
    `${notificationsSent} messages for ${deliveriesIn('sent') + deliveriesIn('uncertain')} deliveries`,
  );
  report.check('every one of those runs completed', notCompleted.length === 0, sample(notCompleted));
  report.check('no event workflow without an accepted webhook', unexpected.length === 0, sample(unexpected));
  report.check(
    'every accepted event has one processed outcome row',
    notProcessed.length === 0,
    sample(notProcessed),
  );
}

const sample = (ids: string[]) =>
  ids.length ? `${ids.length}, e.g. ${ids.slice(0, 3).join(', ')}` : undefined;
