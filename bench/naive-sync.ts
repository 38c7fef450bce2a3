/**
 * The original system's sync, as the baseline for bench/sync.ts: for every branch at
 * once, fetch every page of every list into memory, then upsert one row at a time, with
 * no checkpoints (a crash starts over). Same client, schemas and SQL as the service.
 *
 *   DATABASE_URL=… RENTPROG_BASE_URL=… RENTPROG_BRANCH_KEYS=… tsx bench/naive-sync.ts <branch>…
 */
import { ENTITY_OF, toRows } from '../src/activities/sync/sync-activities.js';
import { loadConfig } from '../src/config/load-config.js';
import { RentProgClient } from '../src/rentprog/api/client.js';
import { type ListItem, pages } from '../src/rentprog/api/pages.js';
import { migrate } from '../src/store/migrations.js';
import { openDatabase } from '../src/store/open-database.js';
import { upsertEntities } from '../src/store/entity-repository.js';
import { SYNC_KINDS, type SyncKind } from '../src/workflows/branch-sync-types.js';
import { memoryOf } from '../harness/processes.js';

async function main() {
  const branches = process.argv.slice(2);
  const config = loadConfig(process.env);
  const db = await openDatabase(config.database);
  await migrate(db);
  let apiSeconds = 0;
  const client = new RentProgClient({
    baseUrl: config.rentprog.baseUrl,
    branchKeys: config.rentprog.branchKeys,
    timeoutMs: config.rentprog.timeoutMs,
    maxRequestsPerMinute: config.rentprog.maxRequestsPerMinute,
    observe: (observation) => (apiSeconds += observation.seconds),
  });
  const started = performance.now();
  const rows = await Promise.all(
    branches.map(async (branch) => {
      const fetched: { kind: SyncKind; items: ListItem<SyncKind>[] }[] = [];
      for (const kind of SYNC_KINDS) {
        const items: ListItem<SyncKind>[] = [];
        for await (const page of pages(client, branch, kind, {
          pageSize: config.rentprog.pageLimit,
          pageCap: config.rentprog.maxPages,
        })) {
          items.push(...page.items);
        }
        fetched.push({ kind, items });
      }
      let written = 0;
      const context = { fetchedAt: new Date().toISOString(), timeZone: 'Asia/Tbilisi', seenBySync: true };
      for (const { kind, items } of fetched) {
        for (const row of toRows(kind, items, context)) {
          await upsertEntities(db, ENTITY_OF[kind], branch, [row]);
          written++;
        }
      }
      return written;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await db.close();
  console.log(
    JSON.stringify({
      seconds,
      rows: rows.reduce((a, b) => a + b, 0),
      apiSeconds,
      peakRssMb: (await memoryOf(process.pid)).peakMb,
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
