/**
 * The load generator, run as its own process so it does not share a CPU queue with the
 * ingress: signed-by-URL webhooks with unique bodies at a fixed rate (0 = as fast as it can).
 *   tsx bench/load.ts <url> <rate> <seconds> <idOffset>
 */
import autocannon from 'autocannon';
import { webhookBody } from '../src/simulator/webhook-sender.js';

const [url = '', rateText = '0', secondsText = '20', offsetText = '0'] = process.argv.slice(2);
const rate = Number(rateText);
let next = Number(offsetText);

const instance = autocannon(
  {
    url,
    method: 'POST',
    duration: Number(secondsText),
    connections: rate > 0 ? Math.min(100, Math.max(4, Math.ceil(rate / 10))) : 64,
    ...(rate > 0 ? { overallRate: rate } : {}),
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          body: webhookBody('booking_update', {
            state: ['Новая', 'Активная'],
            total: [1, next],
            id: 100_000 + next++,
          }),
        }),
      },
    ],
  },
  (err, result) => {
    if (err) throw err;
    const seconds = Number(secondsText);
    console.log(
      JSON.stringify({
        rate,
        achieved: Math.round(result.requests.total / seconds),
        total: result.requests.total,
        p50: result.latency.p50,
        p99: result.latency.p99,
        max: result.latency.max,
        ok2xx: result['2xx'],
        non2xx: result.non2xx,
        errors: result.errors + result.timeouts,
      }),
    );
  },
);
process.once('SIGINT', () => instance.stop());
