import { ConfigError, loadConfig } from '../config/load-config.js';
import { migrate } from '../store/migrations.js';
import { openDatabase } from '../store/open-database.js';
import { createLogger } from '../ingress/logger.js';
import { runIngress } from '../ingress/run-ingress.js';
import { webhookUrls } from '../ingress/webhook-urls.js';
import { runWorker } from '../temporal/run-worker.js';
import { runSimulator, SIMULATOR_USAGE } from './simulator-command.js';

const USAGE = `Usage: rentprog-flow <command> [--verbose]

Commands:
  ingress     serve the webhook ingress on PORT (POST /webhooks/rentprog/:branch, /healthz, /readyz)
  webhooks    print each branch's webhook URL for RentProg's settings [--show-secrets]
  worker      run the Temporal worker for TEMPORAL_TASK_QUEUE
  migrate     apply database migrations (DATABASE_URL, or PGlite in DATA_DIR)
  simulator   run a RentProg look-alike API for the configured branches (see simulator --help)
  help        show this text

Configuration comes from the environment; see env.example.`;

const log = (line: string) => console.error(`[rentprog-flow] ${line}`);

async function main(argv: string[]): Promise<void> {
  const [command = 'help', ...rest] = argv;
  verbose = rest.includes('--verbose');
  const args = rest.filter((arg) => arg !== '--verbose');
  const wantsHelp = args.includes('--help') || args.includes('-h');
  if (command === 'help' || command === '--help' || command === '-h') return void console.log(USAGE);

  switch (command) {
    case 'ingress':
      if (wantsHelp) return void console.log(USAGE);
      return runIngress(loadConfig(process.env), createLogger());
    case 'webhooks': {
      if (wantsHelp) return void console.log(USAGE);
      const urls = webhookUrls(loadConfig(process.env), args.includes('--show-secrets'));
      for (const { branch, url } of urls) console.log(`${branch.padEnd(16)} ${url}`);
      return;
    }
    case 'worker':
      if (wantsHelp) return void console.log(USAGE);
      return runWorker(loadConfig(process.env), log);
    case 'simulator':
      if (wantsHelp) return void console.log(SIMULATOR_USAGE);
      return runSimulator(args, log);
    case 'migrate': {
      if (wantsHelp) return void console.log(USAGE);
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
