import { Connection } from '@temporalio/client';
import { createProbeActivities } from '../activities/probes/probe-activities.js';
import { botTexts } from '../texts/bot.js';
import type { Config } from '../config/config.js';
import { deadLetterCounter } from '../ingress/dead-letter-count.js';
import { rentprogClientFromConfig } from '../rentprog/api/client-from-config.js';
import { openDatabase } from '../store/open-database.js';
import { serviceClient } from '../temporal/data-converter.js';
import { checkSystem } from '../temporal/system-status.js';

/** `rentprog-flow status`: the bot's health table in the terminal; exit code 1 if anything failed. */
export async function runStatus(config: Config, options: { json: boolean }): Promise<number> {
  const db = await openDatabase(config.database);
  const connection = Connection.lazy({ address: config.temporal.address });
  try {
    const probes = createProbeActivities({
      db,
      rentprog: rentprogClientFromConfig(config.rentprog),
      umnico: config.umnico,
      stripe: config.stripe,
    });
    const status = await checkSystem({
      client: serviceClient(connection, config.temporal),
      taskQueue: config.temporal.taskQueue,
      branches: config.branches,
      probeDirectly: (spec) => probes.runProbe(spec),
      deadLetters: deadLetterCounter(config.database, db),
      timeoutMs: 10_000,
    });
    const zone = config.rentprog.timeZones[config.branches[0] ?? ''] ?? 'Asia/Tbilisi';
    console.log(
      options.json ? JSON.stringify(status, null, 2) : botTexts.status(status.lines, status.checkedAt, zone),
    );
    return status.ok ? 0 : 1;
  } finally {
    await connection.close();
    await db.close();
  }
}
