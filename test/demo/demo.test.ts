import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN, RunningProcess, runCli, runProcess } from '../../harness/processes.js';

/** A port that is free, and whose +1000 (the dev server's Web UI) is free too. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await isFree(port)) && (await isFree(port + 1000))) return port;
  }
}
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('npm run demo', () => {
  let dataDir: string;
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  /**
   * `npm run demo` in a terminal until Ctrl-C: the terminal sends SIGINT to the whole
   * foreground process group (the demo and its Temporal dev server), so the demo leads its
   * own group here and the group gets the signal.
   */
  async function demoUntilCtrlC(env: Record<string, string | undefined>) {
    const child = spawn(process.execPath, [CLI_BIN, 'demo'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const demo = new RunningProcess('rentprog-flow demo', child, { env });
    try {
      await demo.waitForOutput(/Ctrl-C stops/, 240_000);
      process.kill(-demo.pid, 'SIGINT');
      return await runProcess(demo, 60_000);
    } finally {
      if (demo.running) process.kill(-demo.pid, 'SIGKILL');
    }
  }

  it('runs the whole system from a clean ./data, prints the summary, exits 0, and again on the kept data until Ctrl-C', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-demo-'));
    const env = {
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: `localhost:${await freePortPair()}`,
      PORT: '0',
      HOME: process.env.HOME,
    };
    for (const round of ['first', 'second']) {
      const { code, stdout, stderr } =
        round === 'first' ? await runCli(['demo', '--once'], env, 240_000) : await demoUntilCtrlC(env);
      expect(code, `${round} run:\n${stderr}`).toBe(0);
      // The first screen: each branch's webhook URL with its secret masked, and no warnings.
      expect(stdout).toMatch(
        /tbilisi\s+http:\/\/127\.0\.0\.1:\d+\/webhooks\/rentprog\/tbilisi\?t=\w{3}\*\*\*\n/,
      );
      expect(stderr).not.toMatch(/WARN|"level":(40|50|60)/);
      // The last: a goodbye, not a worker shut down twice.
      expect(stdout).toContain('Goodbye.');
      expect(stdout + stderr).not.toContain('Not running');
      for (const branch of ['tbilisi', 'batumi', 'kutaisi', 'service-center']) {
        expect(stdout).toMatch(
          new RegExp(`${branch}\\s+[1-9]\\d* cars, [1-9]\\d* clients, [1-9]\\d* bookings`),
        );
        expect(stdout).toContain(`workflows?query=RentProgBranch%3D%22${branch}%22`);
      }
      expect(stdout).toContain('Webhooks: 4 received, 3 processed as events, 1 duplicate suppressed');
      // No bot token: the summary shows what the branch chats would read, the moved
      // handover and return in one message and the agenda that now lists it.
      expect(stdout).toContain('Telegram (no TELEGRAM_BOT_TOKEN, so not sent)');
      expect(stdout).toMatch(
        /→ chat -1001\n\s+🚗🔙 Выдача и возврат авто · tbilisi\n[\s\S]*?🕒 .+ → .+ 18:00/,
      );
      expect(stdout).toMatch(
        /Agenda: the Schedule agenda-tbilisi sends this at 09:00[^\n]*\n\s+📅 tbilisi · [\s\S]*?18:00 🚗 Выдача №/,
      );
    }
  }, 600_000);
});
