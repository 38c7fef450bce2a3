import { describe, it } from 'vitest';
import { runCli } from '../../harness/processes.js';

/** Enough configuration for every command to get as far as reading its flags. */
const env = {
  RENTPROG_BRANCH_KEYS: '{"tbilisi":"placeholder-company-token"}',
  RENTPROG_WEBHOOK_SECRETS: '{"tbilisi":"placeholder-webhook-secret"}',
};

// Each case is its own process, so they run side by side.
describe.concurrent('rentprog-flow usage errors (the real binary)', () => {
  it.for<[string[], string]>([
    [['launch'], "unknown command 'launch'"],
    [['webhooks', '--once', '--full', '--role', 'nonsense'], "unknown option '--once'"],
    [['status', '--wait'], "unknown option '--wait'"],
    [['start', '--role', 'nonsense'], 'Allowed choices are all, ingress, worker, bot'],
    [['sync', 'tbilisi', 'batumi'], 'too many arguments'],
    [['simulator', '--port', 'x'], 'It must be a whole number'],
  ])('%j exits 2 with the reason and the usage on stderr', async ([args, reason], { expect }) => {
    const { code, stdout, stderr } = await runCli(args, env);
    expect(code).toBe(2);
    expect(stderr).toContain(`rentprog-flow: `);
    expect(stderr).toContain(reason);
    expect(stderr).toContain('Usage: rentprog-flow');
    expect(stdout).toBe('');
  });

  it('prints the overview with exit 0 when asked, or given no command', async ({ expect }) => {
    for (const args of [[], ['--help']]) {
      const { code, stdout } = await runCli(args, {});
      expect(code).toBe(0);
      for (const command of ['start', 'status', 'sync', 'webhooks', 'demo', 'simulator', 'codec-server']) {
        expect(stdout).toContain(`  ${command} `);
      }
    }
  });

  it('shows each command only its own flags', async ({ expect }) => {
    const { code, stdout } = await runCli(['webhooks', '--help'], {});
    expect(code).toBe(0);
    expect(stdout).toContain('--show-secrets');
    expect(stdout).not.toContain('--once');
    expect(stdout).not.toContain('--role');
  });
});
