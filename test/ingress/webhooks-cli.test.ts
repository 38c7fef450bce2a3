import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const secret = 'a-long-webhook-secret-0123456789';
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/rentprog-flow.js', 'webhooks', ...args], {
    env: {
      PATH: process.env.PATH,
      RENTPROG_BRANCH_KEYS: '{"tbilisi":"placeholder-company-token","batumi":"placeholder-company-token-2"}',
      RENTPROG_WEBHOOK_SECRETS: JSON.stringify({
        tbilisi: secret,
        batumi: ['batumi-current-secret-01', 'batumi-previous-secret-02'],
      }),
      PUBLIC_BASE_URL: 'https://rentprog.example.org',
    },
    encoding: 'utf8',
    timeout: 30_000,
  });

describe('rentprog-flow webhooks', () => {
  it('prints every branch URL with the secret masked', () => {
    const { stdout, status } = run();
    expect(status).toBe(0);
    expect(stdout).toContain('https://rentprog.example.org/webhooks/rentprog/tbilisi?t=a-l***');
    expect(stdout).toContain('https://rentprog.example.org/webhooks/rentprog/batumi?t=bat***');
    expect(stdout).not.toContain(secret);
    expect(stdout).not.toContain('batumi-current-secret-01');
  });

  it('prints them whole with --show-secrets, for pasting into RentProg', () => {
    const { stdout } = run('--show-secrets');
    expect(stdout).toContain(`/webhooks/rentprog/tbilisi?t=${secret}`);
    expect(stdout).toContain('/webhooks/rentprog/batumi?t=batumi-current-secret-01');
  });
});
