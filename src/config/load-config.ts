import type { z } from 'zod';
import { type Config, DEFAULT_TIME_ZONE } from './config.js';
import { type Env, envSchema, SECRET_VARIABLES } from './schema.js';

/** Raised when the environment is invalid; the message lists every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `Invalid environment (see env.example):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** The demo brings its own simulator branches, so RentProg keys may be absent there. */
  requireBranches?: boolean;
}

/** Parses the environment into a Config, or throws one ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv, options: LoadOptions = {}): Config {
  const requireBranches = options.requireBranches ?? true;
  // `FOO=` in an env file means "not set", as docker-compose users expect.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim()));

  // Each variable is parsed on its own so that one message can list every bad one,
  // including the cross-checks among those that did parse.
  const values: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const [variable, schema] of Object.entries(envSchema.shape)) {
    const parsed = (schema as z.ZodType).safeParse(present[variable]);
    if (parsed.success) values[variable] = parsed.data;
    else problems.push({ variable, message: describe(parsed.error.issues[0], variable, present[variable]) });
  }
  const failed = new Set(problems.map((p) => p.variable));
  // Without a readable branch list there is nothing to check the other maps against.
  if (!failed.has('RENTPROG_BRANCH_KEYS')) {
    problems.push(...crossCheck(values as Env, requireBranches).filter((p) => !failed.has(p.variable)));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(values as Env);
}

type Problem = { variable: string; message: string };

function describe(issue: z.core.$ZodIssue | undefined, variable: string, value: string | undefined): string {
  if (!issue) return 'invalid';
  // A bad key in a branch map: say which key and why, not zod's generic "Invalid key".
  const message =
    issue.code === 'invalid_key'
      ? `"${String(issue.path.at(-1))}": ${issue.issues[0]?.message}`
      : issue.message;
  const where = issue.code !== 'invalid_key' && issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
  return `${message}${where}${shownValue(variable, value)}`;
}

function shownValue(variable: string, value: string | undefined): string {
  if (value === undefined || SECRET_VARIABLES.has(variable)) return '';
  const short = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return ` (got ${JSON.stringify(short)})`;
}

function crossCheck(env: Env, requireBranches: boolean): Problem[] {
  const problems: Problem[] = [];
  const branches = Object.keys(env.RENTPROG_BRANCH_KEYS ?? {});
  const known = new Set(branches);

  if (requireBranches && branches.length === 0) {
    problems.push({
      variable: 'RENTPROG_BRANCH_KEYS',
      message: 'required: a JSON map of branch name to RentProg company token (Settings → API in RentProg)',
    });
  }
  if (requireBranches && !env.RENTPROG_WEBHOOK_SECRETS) {
    problems.push({
      variable: 'RENTPROG_WEBHOOK_SECRETS',
      message: 'required: a JSON map of branch name to the secret in that branch’s webhook URL',
    });
  }
  const secrets = env.RENTPROG_WEBHOOK_SECRETS;
  if (secrets) {
    const missing = branches.filter((b) => !(b in secrets));
    if (missing.length > 0) {
      problems.push({ variable: 'RENTPROG_WEBHOOK_SECRETS', message: `no secret for ${missing.join(', ')}` });
    }
  }
  const maps = {
    RENTPROG_WEBHOOK_SECRETS: secrets,
    RENTPROG_BRANCH_TIMEZONES: env.RENTPROG_BRANCH_TIMEZONES,
    TELEGRAM_NOTIFY_CHATS: env.TELEGRAM_NOTIFY_CHATS,
    RENTPROG_BRANCH_NAMES: env.RENTPROG_BRANCH_NAMES,
  };
  for (const [variable, map] of Object.entries(maps)) {
    const unknown = Object.keys(map ?? {}).filter((b) => !known.has(b));
    if (unknown.length > 0) {
      problems.push({
        variable,
        message: `unknown branch ${unknown.join(', ')} (branches are the keys of RENTPROG_BRANCH_KEYS)`,
      });
    }
  }
  if (env.TELEGRAM_BOT_TOKEN && !env.TELEGRAM_ADMIN_IDS) {
    problems.push({
      variable: 'TELEGRAM_ADMIN_IDS',
      message: 'required when TELEGRAM_BOT_TOKEN is set: the Telegram user ids allowed to use the bot',
    });
  }
  return problems;
}

function toConfig(env: Env): Config {
  const branchKeys = env.RENTPROG_BRANCH_KEYS ?? {};
  const branches = Object.keys(branchKeys);
  const secrets = env.RENTPROG_WEBHOOK_SECRETS ?? {};
  return {
    branches,
    branchNames: Object.fromEntries(branches.map((b) => [b, env.RENTPROG_BRANCH_NAMES?.[b] ?? b])),
    rentprog: {
      baseUrl: env.RENTPROG_BASE_URL,
      branchKeys,
      webhookSecrets: Object.fromEntries(
        Object.entries(secrets).map(([branch, list]) => [branch, typeof list === 'string' ? [list] : list]),
      ),
      signatureHeader: env.RENTPROG_WEBHOOK_SIGNATURE_HEADER,
      timeoutMs: env.RENTPROG_TIMEOUT_MS,
      pageLimit: env.RENTPROG_PAGE_LIMIT,
      pollSinceDays: env.RENTPROG_POLL_SINCE_DAYS,
      syncIntervalMs: env.RENTPROG_SYNC_INTERVAL,
      maxRequestsPerMinute: env.RENTPROG_MAX_RPM,
      maxPages: env.RENTPROG_MAX_PAGES,
      timeZones: Object.fromEntries(
        branches.map((b) => [b, env.RENTPROG_BRANCH_TIMEZONES?.[b] ?? DEFAULT_TIME_ZONE]),
      ),
      cancelStates: env.RENTPROG_CANCEL_STATES,
    },
    http: {
      port: env.PORT,
      publicBaseUrl: env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`,
    },
    ingress: { dedupWindowMs: env.WEBHOOK_DEDUP_WINDOW, spoolMaxBytes: env.SPOOL_MAX_BYTES },
    temporal: {
      address: env.TEMPORAL_ADDRESS,
      namespace: env.TEMPORAL_NAMESPACE,
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      metricsAddress: env.TEMPORAL_METRICS_ADDRESS,
      payloadKeys: env.TEMPORAL_PAYLOAD_KEYS,
      workflowCache: env.TEMPORAL_WORKFLOW_CACHE,
    },
    database: { url: env.DATABASE_URL, dataDir: env.DATA_DIR },
    telegram: {
      botToken: env.TELEGRAM_BOT_TOKEN,
      adminIds: env.TELEGRAM_ADMIN_IDS ?? [],
      apiRoot: env.TELEGRAM_API_ROOT,
      notifyChats: env.TELEGRAM_NOTIFY_CHATS ?? {},
      webhookSecret: env.TELEGRAM_WEBHOOK_SECRET,
      notifyEvents: env.TELEGRAM_NOTIFY_EVENTS,
      alertChat: env.TELEGRAM_ALERT_CHAT,
      agendaTime: env.AGENDA_TIME,
    },
    health: { checkIntervalMs: env.HEALTH_CHECK_INTERVAL },
    metricsPort: env.METRICS_PORT,
    umnico: { token: env.UMNICO_API_TOKEN, baseUrl: env.UMNICO_BASE_URL },
    stripe: { secretKey: env.STRIPE_SECRET_KEY, baseUrl: env.STRIPE_BASE_URL },
  };
}
