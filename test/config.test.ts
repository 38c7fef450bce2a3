import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/load-config.js';

const COMPANY_TOKEN = 'placeholder-company-token-tbilisi-0001';
const WEBHOOK_SECRET = 'placeholder-webhook-secret-0001';

const validEnv = (): NodeJS.ProcessEnv => ({
  RENTPROG_BRANCH_KEYS: JSON.stringify({
    tbilisi: COMPANY_TOKEN,
    batumi: 'placeholder-company-token-batumi',
  }),
  RENTPROG_WEBHOOK_SECRETS: JSON.stringify({
    tbilisi: WEBHOOK_SECRET,
    batumi: ['new-secret-0123456789', 'old-secret-0123456789'],
  }),
});

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected the environment to be rejected');
}

describe('configuration', () => {
  it('applies the documented defaults and takes branches from RENTPROG_BRANCH_KEYS', () => {
    const config = loadConfig(validEnv());
    expect(config.branches).toEqual(['tbilisi', 'batumi']);
    expect(config.rentprog).toMatchObject({
      baseUrl: 'https://rentprog.net/api/v1/public',
      signatureHeader: 'X-Rentprog-Signature',
      timeoutMs: 10_000,
      pageLimit: 20,
      pollSinceDays: 14,
      syncIntervalMs: 15 * 60_000,
      maxRequestsPerMinute: 100,
      timeZones: { tbilisi: 'Asia/Tbilisi', batumi: 'Asia/Tbilisi' },
      webhookSecrets: {
        tbilisi: [WEBHOOK_SECRET],
        batumi: ['new-secret-0123456789', 'old-secret-0123456789'],
      },
    });
    expect(config.http).toEqual({ port: 3000, publicBaseUrl: 'http://localhost:3000' });
    expect(config.temporal).toEqual({
      address: 'localhost:7233',
      namespace: 'default',
      taskQueue: 'rentprog',
      workflowCache: 100,
    });
    expect(config.database).toEqual({ url: undefined, dataDir: './data' });
    expect(config.telegram).toMatchObject({ botToken: undefined, adminIds: [], notifyChats: {} });
  });

  it('parses every kind of value', () => {
    const config = loadConfig({
      ...validEnv(),
      PORT: '8080',
      RENTPROG_SYNC_INTERVAL: '1h30m',
      RENTPROG_BRANCH_TIMEZONES: '{"batumi": "Europe/Moscow"}',
      TELEGRAM_BOT_TOKEN: '123456:placeholder-bot-token',
      TELEGRAM_ADMIN_IDS: '101, 202',
      TELEGRAM_NOTIFY_CHATS: '{"tbilisi": -100123, "batumi": "@batumi_ops"}',
      RENTPROG_BASE_URL: 'http://127.0.0.1:4010/api/v1/public/',
      DATABASE_URL: 'postgres://app@db:5432/rentprog',
      EMPTY_MEANS_UNSET: '',
      TEMPORAL_ADDRESS: '',
    });
    expect(config.http).toEqual({ port: 8080, publicBaseUrl: 'http://localhost:8080' });
    expect(config.rentprog.syncIntervalMs).toBe(90 * 60_000);
    expect(config.rentprog.baseUrl).toBe('http://127.0.0.1:4010/api/v1/public');
    expect(config.rentprog.timeZones).toEqual({ tbilisi: 'Asia/Tbilisi', batumi: 'Europe/Moscow' });
    expect(config.telegram.adminIds).toEqual([101, 202]);
    expect(config.telegram.notifyChats).toEqual({ tbilisi: -100123, batumi: '@batumi_ops' });
    expect(config.temporal.address).toBe('localhost:7233');
  });

  it('names every bad variable in one message and says what is wrong', () => {
    const err = configError({
      ...validEnv(),
      RENTPROG_BRANCH_KEYS: `{tbilisi: ${COMPANY_TOKEN}`,
      PORT: 'abc',
      RENTPROG_SYNC_INTERVAL: 'often',
      RENTPROG_BRANCH_TIMEZONES: '{"tbilisi": "Mars/Olympus"}',
    });
    expect(err.problems.map((p) => p.variable).sort()).toEqual([
      'PORT',
      'RENTPROG_BRANCH_KEYS',
      'RENTPROG_BRANCH_TIMEZONES',
      'RENTPROG_SYNC_INTERVAL',
    ]);
    expect(err.message).toContain('RENTPROG_BRANCH_KEYS: must be a JSON object');
    expect(err.message).toContain('PORT: must be a whole number from 0 to 65535 (got "abc")');
    expect(err.message).toContain('RENTPROG_SYNC_INTERVAL: must be a duration like 30s, 15m or 1h');
    expect(err.message).toContain('must be an IANA time zone');
    expect(err.message).not.toContain(COMPANY_TOKEN);
  });

  it('checks that the branch maps agree and never prints a secret', () => {
    const err = configError({
      RENTPROG_BRANCH_KEYS: JSON.stringify({ tbilisi: COMPANY_TOKEN, kutaisi: 'k' }),
      RENTPROG_WEBHOOK_SECRETS: JSON.stringify({
        tbilisi: WEBHOOK_SECRET,
        batumi: 'batumi-secret-0123456789',
      }),
      TELEGRAM_NOTIFY_CHATS: '{"Tbilisi": 1}',
      DATABASE_URL: 'mysql://user:hunter2@db/x',
    });
    expect(err.message).toContain('RENTPROG_WEBHOOK_SECRETS: no secret for kutaisi');
    expect(err.message).toContain('RENTPROG_WEBHOOK_SECRETS: unknown branch batumi');
    expect(err.message).toContain('TELEGRAM_NOTIFY_CHATS: "Tbilisi": branch names are lowercase');
    expect(err.message).toContain('DATABASE_URL: must be a postgres:// connection URL');
    for (const secret of [COMPANY_TOKEN, WEBHOOK_SECRET, 'hunter2'])
      expect(err.message).not.toContain(secret);
  });

  it('requires the RentProg maps outside the demo, and admins when the bot is on', () => {
    const err = configError({ TELEGRAM_BOT_TOKEN: '123:secret-bot-token' });
    expect(err.problems.map((p) => p.variable)).toEqual([
      'RENTPROG_BRANCH_KEYS',
      'RENTPROG_WEBHOOK_SECRETS',
      'TELEGRAM_ADMIN_IDS',
    ]);
    expect(err.message).not.toContain('secret-bot-token');
    expect(loadConfig({}, { requireBranches: false }).branches).toEqual([]);
  });

  it('refuses webhook secrets shorter than 16 characters, in any branch and any position', () => {
    const err = configError({
      ...validEnv(),
      RENTPROG_WEBHOOK_SECRETS: JSON.stringify({ tbilisi: WEBHOOK_SECRET, batumi: [WEBHOOK_SECRET, 'x'] }),
    });
    expect(err.message).toContain('RENTPROG_WEBHOOK_SECRETS: every secret needs at least 16 characters');
    expect(err.message).not.toContain(WEBHOOK_SECRET);
  });

  it('reads the dedup window, the spool cap and the payload keys', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      ...validEnv(),
      WEBHOOK_DEDUP_WINDOW: '20s',
      SPOOL_MAX_BYTES: String(64 * 1024 * 1024),
      TEMPORAL_PAYLOAD_KEYS: `k2:${key}, k1:${Buffer.alloc(32, 1).toString('base64')}`,
    });
    expect(config.ingress).toEqual({ dedupWindowMs: 20_000, spoolMaxBytes: 64 * 1024 * 1024 });
    expect(config.temporal.payloadKeys?.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(config.temporal.payloadKeys?.[0]?.key.equals(Buffer.alloc(32, 7))).toBe(true);
    expect(loadConfig(validEnv()).ingress).toEqual({
      dedupWindowMs: 15 * 60_000,
      spoolMaxBytes: 1024 * 1024 * 1024,
    });

    const bad = configError({
      ...validEnv(),
      WEBHOOK_DEDUP_WINDOW: '500ms',
      TEMPORAL_PAYLOAD_KEYS: `k1:${Buffer.alloc(16).toString('base64')}`,
    });
    expect(bad.message).toContain('WEBHOOK_DEDUP_WINDOW: must be at least 1s');
    expect(bad.message).toContain('TEMPORAL_PAYLOAD_KEYS: must be id:key pairs');
    expect(bad.message).not.toContain(Buffer.alloc(16).toString('base64'));
  });

  it("reads what the operators' Telegram needs, with defaults for every branch", () => {
    const defaults = loadConfig(validEnv());
    expect(defaults.branchNames).toEqual({ tbilisi: 'tbilisi', batumi: 'batumi' });
    expect(defaults.rentprog.cancelStates).toEqual(['Отмена', 'Отказ клиента']);
    expect(defaults.telegram).toMatchObject({
      notifyEvents: ['created', 'issue', 'return', 'cancelled', 'moved'],
      alertChat: undefined,
      agendaTime: { hour: 9, minute: 0 },
    });
    expect(defaults.health.checkIntervalMs).toBe(5 * 60_000);
    expect(defaults.metricsPort).toBeUndefined();

    const config = loadConfig({
      ...validEnv(),
      RENTPROG_BRANCH_NAMES: '{"tbilisi": "Тбилиси"}',
      RENTPROG_CANCEL_STATES: 'Отмена, Возврат денег,',
      TELEGRAM_NOTIFY_EVENTS: 'issue,return',
      TELEGRAM_ALERT_CHAT: '-100200300',
      AGENDA_TIME: '7:30',
      HEALTH_CHECK_INTERVAL: '2m',
      METRICS_PORT: '9464',
    });
    expect(config.branchNames).toEqual({ tbilisi: 'Тбилиси', batumi: 'batumi' });
    expect(config.rentprog.cancelStates).toEqual(['Отмена', 'Возврат денег']);
    expect(config.telegram).toMatchObject({
      notifyEvents: ['issue', 'return'],
      alertChat: -100200300,
      agendaTime: { hour: 7, minute: 30 },
    });
    expect(config.health.checkIntervalMs).toBe(120_000);
    expect(config.metricsPort).toBe(9464);
    expect(loadConfig({ ...validEnv(), TELEGRAM_ALERT_CHAT: '@rentprog_alerts' }).telegram.alertChat).toBe(
      '@rentprog_alerts',
    );
  });

  it('names each bad Telegram variable and says what it should be', () => {
    const err = configError({
      ...validEnv(),
      RENTPROG_BRANCH_NAMES: '{"kutaisi": "Кутаиси"}',
      TELEGRAM_NOTIFY_EVENTS: 'issue,refund',
      TELEGRAM_ALERT_CHAT: 'ops room',
      AGENDA_TIME: '25:00',
      HEALTH_CHECK_INTERVAL: '10s',
    });
    expect(err.message).toContain('RENTPROG_BRANCH_NAMES: unknown branch kutaisi');
    expect(err.message).toContain(
      'TELEGRAM_NOTIFY_EVENTS: each must be one of created, issue, return, cancelled, moved',
    );
    expect(err.message).toContain('TELEGRAM_ALERT_CHAT: a chat is a numeric id or an @channel name');
    expect(err.message).toContain('AGENDA_TIME: must be a 24-hour time like 09:00');
    expect(err.message).toContain('HEALTH_CHECK_INTERVAL: must be at least 60s');
  });

  it('stops the service at start-up with the message and exit code 1', () => {
    const result = spawnSync(process.execPath, ['bin/rentprog-flow.js', 'worker'], {
      env: {
        PATH: process.env.PATH,
        RENTPROG_BRANCH_KEYS: `not json ${COMPANY_TOKEN}`,
        RENTPROG_WEBHOOK_SECRETS: JSON.stringify({ tbilisi: WEBHOOK_SECRET }),
        PORT: 'abc',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid environment');
    expect(result.stderr).toContain('RENTPROG_BRANCH_KEYS: must be a JSON object');
    expect(result.stderr).toContain('PORT: must be a whole number');
    expect(result.stderr).not.toContain(COMPANY_TOKEN);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
