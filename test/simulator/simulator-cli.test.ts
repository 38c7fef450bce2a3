import { describe, expect, it } from 'vitest';
import { startCli } from '../../harness/processes.js';
import { companyTokens } from '../helpers/simulator.js';

describe('rentprog-flow simulator', () => {
  it('serves the configured branches with their company tokens and stops on SIGINT', async () => {
    const keys = companyTokens();
    const secrets = Object.fromEntries(Object.keys(keys).map((b) => [b, `webhook-secret-${b}`]));
    const simulator = startCli(['simulator', '--port', '0', '--scale', '30'], {
      env: { RENTPROG_BRANCH_KEYS: JSON.stringify(keys), RENTPROG_WEBHOOK_SECRETS: JSON.stringify(secrets) },
    });
    try {
      await simulator.waitForOutput(/control API/, 10_000);
      const output = simulator.stderr;
      const baseUrl = /RentProg simulator: (\S+)/.exec(output)?.[1];
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/public$/);
      const response = await fetch(`${baseUrl}/get_token?company_token=${encodeURIComponent(keys.kutaisi!)}`);
      expect(response.status).toBe(200);
      expect(output).toContain('tbilisi, batumi, kutaisi, service-center; 30 bookings each');
      for (const token of Object.values(keys)) expect(output).not.toContain(token);
      for (const secret of Object.values(secrets)) expect(output).not.toContain(secret);
    } finally {
      await simulator.stop('SIGINT');
    }
    expect(simulator.exitCode).toBe(0);
  });
});
