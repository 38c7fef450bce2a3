import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { createLogger } from '../ingress/logger.js';
import { webhookUrls } from '../ingress/webhook-urls.js';
import { migrate } from '../store/migrations.js';
import { openDatabase } from '../store/open-database.js';
import { UNENCRYPTED_PAYLOADS_WARNING } from '../temporal/data-converter.js';
import { CODEC_SERVER_USAGE, runCodecServer } from './codec-server-command.js';
import { runDemo } from './demo-command.js';
import { runSimulator, SIMULATOR_USAGE } from './simulator-command.js';
import { type Role, ROLES, runStart } from './start-command.js';
import { runStatus } from './status-command.js';
import { runSync } from './sync-command.js';

const USAGE = `Usage: rentprog-flow <command> [options] [--verbose]

Commands:
  start [--role all|ingress|worker|bot]   run the service (all roles by default)
  status [--json]                          health of every dependency; exit 1 if anything failed
  sync [branch] [--full] [--wait] [--json] ask for a RentProg sync now (all branches or one)
  demo [--once]                            the whole system on this machine, with a summary
  webhooks [--show-secrets]                each branch's webhook URL for RentProg's settings
  ingress | worker                         one role alone (same as start --role …)
  simulator [--port] [--seed] [--scale]    a RentProg look-alike API (see simulator --help)
  codec-server [--port] [--ui-origin]      decrypted workflow payloads for a Temporal Web UI
  migrate                                  apply database migrations
  help                                     this text

Configuration comes from the environment; see env.example. Errors are one line; add
--verbose for the stack.`;

const HELP: Record<string, string> = {
  start:
    'Usage: rentprog-flow start [--role all|ingress|worker|bot]\n\nRuns the chosen roles in one process until Ctrl-C. The bot runs when TELEGRAM_BOT_TOKEN is set.',
  status:
    'Usage: rentprog-flow status [--json]\n\nRuns the health check (database, Temporal, RentProg per branch, Umnico, Stripe).\nExit code 1 if anything failed.',
  sync: 'Usage: rentprog-flow sync [branch] [--full] [--wait] [--json]\n\nSignals syncNow to one branch or all. --full also marks rows RentProg no longer has as deleted.\n--wait shows progress and the final counts; exit code 1 if a run failed.',
  webhooks:
    'Usage: rentprog-flow webhooks [--show-secrets]\n\nPrints the URL to paste into each branch’s RentProg webhook settings; secrets masked unless asked.',
  ingress:
    'Usage: rentprog-flow ingress\n\nServes POST /webhooks/rentprog/:branch, /healthz and /readyz on PORT.',
  worker:
    'Usage: rentprog-flow worker\n\nRuns the Temporal worker and makes sure each branch’s sync workflow runs.',
  migrate:
    'Usage: rentprog-flow migrate\n\nApplies database migrations (DATABASE_URL, or PGlite in DATA_DIR).',
  simulator: SIMULATOR_USAGE,
  'codec-server': CODEC_SERVER_USAGE,
  demo: 'Usage: rentprog-flow demo [--once]\n\nStarts a Temporal dev server (history in ./data, Web UI on :8233), PGlite in ./data,\nthe RentProg simulator, the worker and the ingress; syncs every branch, sends a few webhooks\nand prints a summary. --once exits after the summary.',
};

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  if (['help', '--help', '-h'].includes(command)) return print(USAGE);
  if (rest.includes('--help') || rest.includes('-h')) {
    if (!HELP[command]) throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
    return print(HELP[command]);
  }
  const cliLog = (line: string) => console.error(`[rentprog-flow] ${line}`);
  if (command === 'simulator') {
    await runSimulator(rest, cliLog);
    return 0;
  }
  if (command === 'codec-server') {
    await runCodecServer(rest, cliLog);
    return 0;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      verbose: { type: 'boolean' },
      json: { type: 'boolean' },
      role: { type: 'string', default: 'all' },
      full: { type: 'boolean' },
      wait: { type: 'boolean' },
      'show-secrets': { type: 'boolean' },
      once: { type: 'boolean' },
    },
  });
  const config = () => loadConfig(process.env);
  const logger = () => createLogger();
  // The service's own processes say once, at start, when their payloads are stored in plain text.
  const serviceConfig = (warn: (line: string) => void) => {
    const loaded = config();
    if (!loaded.temporal.payloadKeys) warn(UNENCRYPTED_PAYLOADS_WARNING);
    return loaded;
  };
  switch (command) {
    case 'start': {
      const role = values.role as Role;
      if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const log = logger();
      await runStart(
        serviceConfig((line) => log.warn(line)),
        role,
        log,
      );
      return 0;
    }
    case 'demo':
      await runDemo({ once: values.once ?? false });
      return 0;
    case 'status':
      return runStatus(config(), { json: values.json ?? false });
    case 'sync':
      return runSync(config(), {
        branch: positionals[0],
        full: values.full ?? false,
        wait: values.wait ?? false,
        json: values.json ?? false,
      });
    case 'webhooks':
      for (const { branch, url } of webhookUrls(config(), values['show-secrets'])) {
        console.log(`${branch.padEnd(16)} ${url}`);
      }
      return 0;
    case 'ingress':
    case 'worker': {
      const log = logger();
      await runStart(
        serviceConfig((line) => log.warn(line)),
        command,
        log,
      );
      return 0;
    }
    case 'migrate': {
      const db = await openDatabase(loadConfig(process.env, { requireBranches: false }).database);
      try {
        const applied = await migrate(db);
        console.error(applied.length ? `applied migrations ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await db.close();
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

function print(text: string): number {
  console.log(text);
  return 0;
}

const verbose = process.argv.includes('--verbose');
main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    // Operators get one clear line; the stack only with --verbose.
    if (err instanceof ConfigError || err instanceof UsageError) console.error(err.message);
    else if (verbose && err instanceof Error) console.error(err.stack);
    else console.error(`rentprog-flow: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(err instanceof UsageError ? 2 : 1);
  });
