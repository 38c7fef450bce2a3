import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { companyTokens } from '../helpers/simulator.js';

describe('rentprog-flow simulator', () => {
  it('serves the configured branches with their company tokens and stops on SIGINT', async () => {
    const keys = companyTokens();
    const secrets = Object.fromEntries(Object.keys(keys).map((b) => [b, `webhook-secret-${b}`]));
    const child = spawn(
      process.execPath,
      ['bin/rentprog-flow.js', 'simulator', '--port', '0', '--scale', '30'],
      {
        env: {
          PATH: process.env.PATH,
          RENTPROG_BRANCH_KEYS: JSON.stringify(keys),
          RENTPROG_WEBHOOK_SECRETS: JSON.stringify(secrets),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = once(child, 'exit');
    try {
      for (let i = 0; i < 100 && !/control API/.test(output); i++)
        await new Promise((r) => setTimeout(r, 100));
      const baseUrl = /RentProg simulator: (\S+)/.exec(output)?.[1];
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/public$/);
      const response = await fetch(`${baseUrl}/get_token?company_token=${encodeURIComponent(keys.kutaisi!)}`);
      expect(response.status).toBe(200);
      expect(output).toContain('tbilisi, batumi, kutaisi, service-center; 30 bookings each');
      for (const token of Object.values(keys)) expect(output).not.toContain(token);
      for (const secret of Object.values(secrets)) expect(output).not.toContain(secret);
    } finally {
      child.kill('SIGINT');
    }
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });
});
