import { randomBytes, randomInt } from 'node:crypto';

/** The branches every drill configures. */
export const BRANCHES = ['tbilisi', 'batumi'];

/** Every secret the drills configure, fresh random values per run (never real credentials). */
export interface DrillSecrets {
  companyTokens: Record<string, string>;
  webhookSecrets: Record<string, string>;
  botToken: string;
  databasePassword: string;
  /** TEMPORAL_PAYLOAD_KEYS's one key, in base64. */
  payloadKey: string;
}

/** The id of the drills' payload key in TEMPORAL_PAYLOAD_KEYS. */
export const PAYLOAD_KEY_ID = 'drill';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

export function generateSecrets(): DrillSecrets {
  return {
    companyTokens: Object.fromEntries(BRANCHES.map((branch) => [branch, hex(20)])),
    webhookSecrets: Object.fromEntries(BRANCHES.map((branch) => [branch, hex(20)])),
    botToken: `${randomInt(100_000_000, 999_999_999)}:${randomBytes(26).toString('base64url')}`,
    databasePassword: hex(16),
    payloadKey: randomBytes(32).toString('base64'),
  };
}

/** Each secret with a name that says what it is, never its value. */
export function namedSecrets(secrets: DrillSecrets): { name: string; value: string }[] {
  return [
    ...Object.entries(secrets.companyTokens).map(([branch, value]) => ({
      name: `company token ${branch}`,
      value,
    })),
    ...Object.entries(secrets.webhookSecrets).map(([branch, value]) => ({
      name: `webhook secret ${branch}`,
      value,
    })),
    { name: 'Telegram bot token', value: secrets.botToken },
    { name: 'database password', value: secrets.databasePassword },
    { name: 'Temporal payload key', value: secrets.payloadKey },
  ];
}

/** Text safe to print: every secret replaced by its name. */
export function redact(text: string, secrets: DrillSecrets): string {
  return namedSecrets(secrets).reduce((out, { name, value }) => out.replaceAll(value, `‹${name}›`), text);
}
