/**
 * The load generator, run as its own process so it does not share a CPU queue with the
 * ingress: signed-by-URL webhooks with unique bodies, paced by bench/schedule.ts exactly as
 * the bare-client baseline is (open-loop at a fixed rate; 64 closed loops at rate 0), after
 * `warmup` unrecorded ones at the same pace. Its own CPU per request is reported, so a run
 * shows how much of the machine the load took.
 *   tsx bench/load.ts <url> <rate> <seconds> <idOffset> [warmup=0]
 */
import { webhookBody } from '../src/simulator/webhook-sender.js';
import { KeepAlivePoster } from './keep-alive-poster.js';
import { drive } from './schedule.js';

const [url = '', rateText = '0', secondsText = '20', offsetText = '0', warmupText = '0'] =
  process.argv.slice(2);
const rate = Number(rateText);
const seconds = Number(secondsText);
let next = Number(offsetText);
const poster = new KeepAlivePoster(url);

async function post(): Promise<boolean> {
  const status = await poster.post(
    webhookBody('booking_update', { state: ['Новая', 'Активная'], total: [1, next], id: 100_000 + next++ }),
  );
  return status >= 200 && status < 300;
}

async function main() {
  await drive(post, { rate, seconds: 60, count: Number(warmupText) });
  const cpu = process.cpuUsage();
  const result = await drive(post, { rate, seconds });
  const { user, system } = process.cpuUsage(cpu);
  poster.close();
  const { ok, failed, ...figures } = result;
  console.log(
    JSON.stringify({
      ...figures,
      ok2xx: ok,
      non2xx: failed,
      loadCpuUs: Math.round((user + system) / Math.max(1, result.total)),
    }),
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
