import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

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

describe('npm run demo -- --once', () => {
  let dataDir: string;
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('runs the whole system from a clean ./data, prints the summary, exits 0, and again on the kept data', async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-demo-'));
    const env = {
      DATA_DIR: dataDir,
      TEMPORAL_ADDRESS: `localhost:${await freePortPair()}`,
      PORT: '0',
      HOME: process.env.HOME,
    };
    for (const round of ['first', 'second']) {
      const { code, stdout, stderr } = await runCli(['demo', '--once'], env, 240_000);
      expect(code, `${round} run:\n${stderr}`).toBe(0);
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
