import type { Config } from '../config/config.js';

/**
 * The URL to paste into each branch's RentProg webhook settings. The secret is masked
 * unless asked for, because these lines end up in logs and terminals.
 */
export function webhookUrls(config: Pick<Config, 'branches' | 'http' | 'rentprog'>, showSecrets = false) {
  return config.branches.map((branch) => {
    const secret = config.rentprog.webhookSecrets[branch]?.[0] ?? '';
    const shown = showSecrets ? encodeURIComponent(secret) : mask(secret);
    return { branch, url: `${config.http.publicBaseUrl}/webhooks/rentprog/${branch}?t=${shown}` };
  });
}

/** Enough to tell secrets apart, not enough to use one. */
function mask(secret: string): string {
  return secret.length <= 8 ? '***' : `${secret.slice(0, 3)}***`;
}
