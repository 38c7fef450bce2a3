import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig } from '../config/load-config.js';
import { webhookUrls } from '../ingress/webhook-urls.js';
import { type Role, ROLES } from './roles.js';

// Each command loads its modules when it runs, so help and usage errors answer at once
// instead of after loading Temporal's worker, the bot and the simulator.

const SIMULATOR_ABOUT = `Runs a RentProg look-alike API on 127.0.0.1 for the branches of RENTPROG_BRANCH_KEYS,
accepting the same company tokens. Point the service at it with
RENTPROG_BASE_URL=http://127.0.0.1:<port>/api/v1/public. --scale is bookings per branch
(cars and clients follow). Changes made through POST /_control/{update,create,archive,destroy}
send webhooks to PUBLIC_BASE_URL/webhooks/rentprog/<branch> with the branch's secret.`;

const CODEC_SERVER_ABOUT = `Serves Temporal's remote codec protocol (POST /decode, POST /encode) with the keys of
TEMPORAL_PAYLOAD_KEYS, so a Temporal Web UI shows encrypted workflow payloads in clear:
start the UI with TEMPORAL_CODEC_ENDPOINT (or the dev server with --ui-codec-endpoint)
set to http://<host>:<port>, or pass --codec-endpoint to the temporal CLI.
Whoever reaches it reads every payload: it listens on 127.0.0.1 unless --host says
otherwise, and browsers may call it only from --ui-origin (repeat it for several UIs).`;

const CONFIGURATION = `
Configuration comes from the environment; see env.example. Errors are one line; add
--verbose for the stack.`;

/**
 * The `rentprog-flow` command line. Resolves to the exit code; usage errors (unknown
 * commands and options, bad values) reject with commander's error after printing the
 * message and the usage to stderr.
 */
export async function runProgram(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = new Command('rentprog-flow')
    .description('Durable RentProg CRM integration: webhooks and syncs as Temporal workflows')
    .option('--verbose', 'print the stack with an error')
    .addHelpText('after', CONFIGURATION)
    .exitOverride()
    .showHelpAfterError()
    // One style for every error line: `rentprog-flow: unknown option '--once'`.
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'rentprog-flow: ')) });

  program
    .command('start')
    .description('run the service until Ctrl-C (all roles by default)')
    .addOption(new Option('--role <role>', 'the roles this process runs').choices(ROLES).default('all'))
    .addHelpText('after', '\nThe bot runs when TELEGRAM_BOT_TOKEN is set.')
    .action((options: { role: Role }) => serve(options.role));

  program
    .command('ingress')
    .description('the ingress alone (same as start --role ingress)')
    .addHelpText('after', '\nServes POST /webhooks/rentprog/:branch, /healthz and /readyz on PORT.')
    .action(() => serve('ingress'));

  program
    .command('worker')
    .description('the worker alone (same as start --role worker)')
    .addHelpText('after', '\nRuns the Temporal worker and makes sure each branch’s sync workflow runs.')
    .action(() => serve('worker'));

  program
    .command('status')
    .description('health of every dependency; exit 1 if anything failed')
    .option('--json', 'the report as JSON')
    .addHelpText(
      'after',
      '\nRuns the health check (database, Temporal, RentProg per branch, Umnico, Stripe).',
    )
    .action(async (options: { json?: boolean }) => {
      const { runStatus } = await import('./status-command.js');
      exitCode = await runStatus(loadConfig(process.env), { json: options.json ?? false });
    });

  program
    .command('sync')
    .description('ask for a RentProg sync now (all branches or one)')
    .argument('[branch]', 'one branch; all when left out')
    .option('--full', 'also mark rows RentProg no longer has as deleted')
    .option('--wait', 'show progress and the final counts; exit 1 if a run failed')
    .option('--json', 'the outcome as JSON')
    .action(
      async (branch: string | undefined, options: { full?: boolean; wait?: boolean; json?: boolean }) => {
        const { runSync } = await import('./sync-command.js');
        exitCode = await runSync(loadConfig(process.env), {
          branch,
          full: options.full ?? false,
          wait: options.wait ?? false,
          json: options.json ?? false,
        });
      },
    );

  program
    .command('webhooks')
    .description('each branch’s webhook URL for RentProg’s settings, secrets masked')
    .option('--show-secrets', 'print the secrets in full, for pasting into RentProg')
    .action((options: { showSecrets?: boolean }) => {
      for (const { branch, url } of webhookUrls(loadConfig(process.env), options.showSecrets)) {
        console.log(`${branch.padEnd(16)} ${url}`);
      }
    });

  program
    .command('migrate')
    .description('apply database migrations (DATABASE_URL, or PGlite in DATA_DIR)')
    .action(async () => {
      const { openDatabase } = await import('../store/open-database.js');
      const { migrate } = await import('../store/migrations.js');
      const db = await openDatabase(loadConfig(process.env, { requireBranches: false }).database);
      try {
        const applied = await migrate(db);
        console.error(applied.length ? `applied migrations ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await db.close();
      }
    });

  program
    .command('demo')
    .description('the whole system on this machine, with a summary')
    .option('--once', 'exit after the summary')
    .addHelpText(
      'after',
      '\nStarts a Temporal dev server (history in ./data, Web UI on :8233), PGlite in ./data,\n' +
        'the RentProg simulator, the worker and the ingress; syncs every branch, sends a few\n' +
        'webhooks and prints a summary.',
    )
    .action(async (options: { once?: boolean }) => {
      const { runDemo } = await import('./demo-command.js');
      await runDemo({ once: options.once ?? false });
    });

  program
    .command('simulator')
    .description('a RentProg look-alike API')
    .option('--port <port>', 'port on 127.0.0.1', port, 4010)
    .option('--seed <seed>', 'seed of the generated data', wholeNumber, 1)
    .option('--scale <bookings>', 'bookings per branch', wholeNumber, 200)
    .addHelpText('after', `\n${SIMULATOR_ABOUT}`)
    .action(async (options: { port: number; seed: number; scale: number }) => {
      const { runSimulator } = await import('./simulator-command.js');
      await runSimulator(options, cliLog);
    });

  program
    .command('codec-server')
    .description('decrypted workflow payloads for a Temporal Web UI')
    .option('--port <port>', 'port to listen on', port, 8888)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .addOption(
      new Option('--ui-origin <origin>', 'a Web UI allowed to call it (repeatable)')
        .argParser(origins)
        .default(DEFAULT_UI_ORIGINS, DEFAULT_UI_ORIGINS[0]),
    )
    .addHelpText('after', `\n${CODEC_SERVER_ABOUT}`)
    .action(async (options: { port: number; host: string; uiOrigin: string[] }) => {
      const { runCodecServer } = await import('./codec-server-command.js');
      await runCodecServer({ port: options.port, host: options.host, uiOrigins: options.uiOrigin }, cliLog);
    });

  // With no command at all, the overview on stdout, as `help` prints it.
  await program.parseAsync(argv.length ? argv : ['help'], { from: 'user' });
  return exitCode;
}

/** The service's own processes; they say once, at start, when payloads are stored in plain text. */
async function serve(role: Role): Promise<void> {
  const config = loadConfig(process.env);
  const { createLogger } = await import('../logging/logger.js');
  const { UNENCRYPTED_PAYLOADS_WARNING } = await import('../temporal/data-converter.js');
  const { runStart } = await import('./start-command.js');
  const logger = createLogger();
  if (!config.temporal.payloadKeys) logger.warn(UNENCRYPTED_PAYLOADS_WARNING);
  await runStart(config, role, logger);
}

const cliLog = (line: string) => console.error(`[rentprog-flow] ${line}`);

function wholeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError('It must be a whole number.');
  return value;
}

function port(text: string): number {
  const value = wholeNumber(text);
  if (value > 65_535) throw new InvalidArgumentError('It must be a port number.');
  return value;
}

const DEFAULT_UI_ORIGINS = ['http://localhost:8233'];

/** Each --ui-origin given replaces the default rather than adding to it. */
function origins(text: string, previous: string[]): string[] {
  return [...(previous === DEFAULT_UI_ORIGINS ? [] : previous), toOrigin(text)];
}

/** --ui-origin: what a browser sends as Origin, scheme, host and port only (`http://localhost:8080`). */
function toOrigin(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.pathname !== '/' || url.search) {
    throw new InvalidArgumentError('It must be an origin like http://localhost:8233.');
  }
  return url.origin;
}
