import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { migrate } from '../store/migrations.js';
import { openDatabase } from '../store/open-database.js';
import { runWorker } from '../temporal/run-worker.js';

const USAGE = `Usage: rentprog-flow <command> [--verbose]

Commands:
  worker    run the Temporal worker for TEMPORAL_TASK_QUEUE
  migrate   apply database migrations (DATABASE_URL, or PGlite in DATA_DIR)
  help      show this text

Configuration comes from the environment; see env.example.`;

const log = (line: string) => console.error(`[rentprog-flow] ${line}`);

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command = 'help'] = positionals;
  verbose = values.verbose ?? false;
  if (values.help || command === 'help') return void console.log(USAGE);

  switch (command) {
    case 'worker':
      return runWorker(loadConfig(process.env), log);
    case 'migrate': {
      const config = loadConfig(process.env, { requireBranches: false });
      const db = await openDatabase(config.database);
      try {
        const applied = await migrate(db);
        log(applied.length ? `applied migrations ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await db.close();
      }
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

class UsageError extends Error {}
let verbose = false;

main(process.argv.slice(2)).catch((err: unknown) => {
  // Operators get one clear line; the stack only with --verbose.
  if (err instanceof ConfigError || err instanceof UsageError) console.error(err.message);
  else if (verbose && err instanceof Error) console.error(err.stack);
  else console.error(`rentprog-flow: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
