import { z } from 'zod';
import { parseDuration } from './duration.js';

/** Branch names appear in URLs, workflow ids and search attributes, so they stay plain. */
export const branchName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'branch names are lowercase letters, digits and dashes');

/**
 * Variables whose values must never be printed, not even in a validation error.
 * DATABASE_URL may carry a password.
 */
export const SECRET_VARIABLES = new Set([
  'RENTPROG_BRANCH_KEYS',
  'RENTPROG_WEBHOOK_SECRETS',
  'DATABASE_URL',
  'TELEGRAM_BOT_TOKEN',
  'TELEGRAM_WEBHOOK_SECRET',
  'UMNICO_API_TOKEN',
  'STRIPE_SECRET_KEY',
  'TEMPORAL_PAYLOAD_KEYS',
]);

/** A JSON-encoded object; the parse error never quotes the input (it may be a secret). */
const jsonObject = z.string().transform((text, ctx) => {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
  } catch {
    // fall through to the issue below: the engine's message would quote the input
  }
  ctx.addIssue({ code: 'custom', message: 'must be a JSON object like {"tbilisi": "..."}' });
  return z.NEVER;
});

const jsonMapOf = <T extends z.ZodType>(value: T) => jsonObject.pipe(z.record(branchName, value));

/** A webhook secret is the only thing between the internet and a workflow start: no short ones. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;
const webhookSecret = z
  .string()
  .min(MIN_WEBHOOK_SECRET_LENGTH, `every secret needs at least ${MIN_WEBHOOK_SECRET_LENGTH} characters`);
const secretList = z.union([webhookSecret, z.array(webhookSecret).min(1, 'list at least one secret')]);

/**
 * `id:base64key` pairs, comma-separated, each key 32 bytes (AES-256): the first encrypts,
 * every one decrypts, so keys rotate by putting a new one first. The error never quotes a key.
 */
const payloadKeys = z.string().transform((text, ctx) => {
  const keys: { id: string; key: Buffer }[] = [];
  for (const part of text.split(',')) {
    const match = /^\s*([A-Za-z0-9_-]{1,32}):([A-Za-z0-9+/=]+)\s*$/.exec(part);
    const key = match ? Buffer.from(match[2]!, 'base64') : undefined;
    if (!match || key?.length !== 32) {
      ctx.addIssue({
        code: 'custom',
        message:
          'must be id:key pairs, comma-separated, each key 32 bytes in base64 (openssl rand -base64 32)',
      });
      return z.NEVER;
    }
    if (keys.some((k) => k.id === match[1])) {
      ctx.addIssue({ code: 'custom', message: `key id ${match[1]} appears twice` });
      return z.NEVER;
    }
    keys.push({ id: match[1]!, key: key });
  }
  return keys;
});

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const duration = (minMs: number) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration like 30s, 15m or 1h' });
      return z.NEVER;
    }
    if (ms < minMs) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${minMs / 1000}s` });
      return z.NEVER;
    }
    return ms;
  });

const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .transform((url) => url.replace(/\/+$/, ''));

const postgresUrl = z.string().refine((text) => /^postgres(ql)?:\/\/\S+$/.test(text), {
  message: 'must be a postgres:// connection URL',
});

const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Asia/Tbilisi' },
);

const telegramChat = z.union([
  z.number().int(),
  z.string().regex(/^(-?\d+|@\w{4,})$/, 'a chat is a numeric id or an @channel name'),
]);

const idList = z
  .string()
  .regex(/^\s*-?\d+(\s*,\s*-?\d+)*\s*$/, 'must be comma-separated numeric Telegram ids')
  .transform((text) => text.split(',').map((id) => Number(id.trim())));

const optionalSecret = z.string().min(1).optional();

/** Comma-separated words; empty items are dropped, so `a, b,` is `[a, b]`. */
const commaList = z.string().transform((text) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/** The kinds of branch notification `TELEGRAM_NOTIFY_EVENTS` chooses from. */
export const NOTIFY_EVENT_KINDS = ['created', 'issue', 'return', 'cancelled', 'moved'] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENT_KINDS)[number];

const notifyEvents = commaList.pipe(
  z.array(z.enum(NOTIFY_EVENT_KINDS, { error: `each must be one of ${NOTIFY_EVENT_KINDS.join(', ')}` })),
);

/** `HH:MM`, 24-hour. */
const clockTime = z
  .string()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time like 09:00')
  .transform((text) => {
    const [hour, minute] = text.split(':').map(Number);
    return { hour: hour!, minute: minute! };
  });

/** Every environment variable the service reads, with its default. README's configuration table lists the same. */
export const envSchema = z.object({
  RENTPROG_BASE_URL: httpUrl.default('https://rentprog.net/api/v1/public'),
  RENTPROG_BRANCH_KEYS: jsonMapOf(z.string().min(1, 'a company token must not be empty')).optional(),
  RENTPROG_WEBHOOK_SECRETS: jsonMapOf(secretList).optional(),
  RENTPROG_WEBHOOK_SIGNATURE_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .default('X-Rentprog-Signature'),
  RENTPROG_TIMEOUT_MS: integer(100, 600_000).default(10_000),
  RENTPROG_PAGE_LIMIT: integer(1, 1000).default(20),
  RENTPROG_POLL_SINCE_DAYS: integer(1, 3650).default(14),
  RENTPROG_SYNC_INTERVAL: duration(1000).default(15 * 60_000),
  RENTPROG_MAX_RPM: integer(1, 1_000_000).default(100),
  RENTPROG_MAX_PAGES: integer(1, 1_000_000).default(1000),
  RENTPROG_BRANCH_TIMEZONES: jsonMapOf(timeZone).optional(),
  RENTPROG_BRANCH_NAMES: jsonMapOf(
    z.string().trim().min(1, 'a display name must not be empty').max(64),
  ).optional(),
  RENTPROG_CANCEL_STATES: commaList
    .pipe(z.array(z.string()).min(1, 'list at least one state'))
    .default(['Отмена', 'Отказ клиента']),
  PUBLIC_BASE_URL: httpUrl.optional(),
  PORT: integer(0, 65_535).default(3000),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'must be host:port, e.g. localhost:7233')
    .default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('rentprog'),
  TEMPORAL_PAYLOAD_KEYS: payloadKeys.optional(),
  // The SDK's own default grows with the heap limit (about 2,300 on a 24 GiB machine) and
  // keeps every open event workflow of the dedup window in memory; evicted ones replay.
  TEMPORAL_WORKFLOW_CACHE: integer(40, 100_000).default(100),
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(/^[\w.-]+:\d+$/, 'must be host:port, e.g. 0.0.0.0:9464')
    .optional(),
  WEBHOOK_DEDUP_WINDOW: duration(1000).default(15 * 60_000),
  SPOOL_MAX_BYTES: integer(1024 * 1024, Number.MAX_SAFE_INTEGER).default(1024 * 1024 * 1024),
  DATABASE_URL: postgresUrl.optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[\w-]+$/, 'must look like <bot id>:<secret> as given by @BotFather')
    .optional(),
  TELEGRAM_ADMIN_IDS: idList.optional(),
  TELEGRAM_API_ROOT: httpUrl.default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{16,256}$/,
      'must be 16–256 letters, digits, _ or - (Telegram’s secret_token rules)',
    )
    .optional(),
  TELEGRAM_NOTIFY_CHATS: jsonMapOf(telegramChat).optional(),
  TELEGRAM_NOTIFY_EVENTS: notifyEvents.default([...NOTIFY_EVENT_KINDS]),
  TELEGRAM_ALERT_CHAT: z
    .string()
    .regex(/^(-?\d+|@\w{4,})$/, 'a chat is a numeric id or an @channel name')
    .transform((chat) => (/^-?\d+$/.test(chat) ? Number(chat) : chat))
    .optional(),
  AGENDA_TIME: clockTime.default({ hour: 9, minute: 0 }),
  HEALTH_CHECK_INTERVAL: duration(60_000).default(5 * 60_000),
  METRICS_PORT: integer(0, 65_535).optional(),
  UMNICO_API_TOKEN: optionalSecret,
  UMNICO_BASE_URL: httpUrl.default('https://api.umnico.com'),
  STRIPE_SECRET_KEY: optionalSecret,
  STRIPE_BASE_URL: httpUrl.default('https://api.stripe.com'),
});

export type Env = z.infer<typeof envSchema>;
