import { type DrillSecrets, PAYLOAD_KEY_ID } from './secrets.js';

/**
 * The environment of the service's processes in a drill: real configuration through
 * the variables an operator sets, secrets included, nothing inherited but PATH.
 */
export function serviceEnv(options: {
  secrets: DrillSecrets;
  branches: string[];
  rentprogBaseUrl: string;
  temporalAddress: string;
  /** Postgres; without it the service uses PGlite and a file spool in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  port?: number;
  /** The fake Telegram's root; the branches' chats get the event notifications. */
  telegramApiRoot?: string;
  /** Kept at ≤ 1,199 by default so each sync activity walks one page (see pagesPerActivity). */
  maxRequestsPerMinute?: number;
}): NodeJS.ProcessEnv {
  const pick = (map: Record<string, string>) =>
    JSON.stringify(Object.fromEntries(options.branches.map((branch) => [branch, map[branch]])));
  return {
    PATH: process.env.PATH,
    RENTPROG_BASE_URL: options.rentprogBaseUrl,
    RENTPROG_BRANCH_KEYS: pick(options.secrets.companyTokens),
    RENTPROG_WEBHOOK_SECRETS: pick(options.secrets.webhookSecrets),
    RENTPROG_MAX_RPM: String(options.maxRequestsPerMinute ?? 1000),
    TEMPORAL_ADDRESS: options.temporalAddress,
    // Short, so the drills can wait for every event workflow to close; their streams never
    // repeat a change, so no webhook meets the window.
    WEBHOOK_DEDUP_WINDOW: '2s',
    // Encrypted payloads, as in production: the secrets scan checks no client's data is readable.
    TEMPORAL_PAYLOAD_KEYS: `${PAYLOAD_KEY_ID}:${options.secrets.payloadKey}`,
    DATA_DIR: options.dataDir,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.port === undefined ? {} : { PORT: String(options.port) }),
    ...(options.telegramApiRoot
      ? {
          TELEGRAM_BOT_TOKEN: options.secrets.botToken,
          TELEGRAM_ADMIN_IDS: '1001',
          TELEGRAM_API_ROOT: options.telegramApiRoot,
          TELEGRAM_NOTIFY_CHATS: JSON.stringify(
            Object.fromEntries(options.branches.map((branch, i) => [branch, -1000 - i])),
          ),
        }
      : {}),
  };
}
