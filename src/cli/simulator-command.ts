import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load-config.js';
import { Simulator } from '../simulator/simulator.js';

export const SIMULATOR_USAGE = `Usage: rentprog-flow simulator [--port 4010] [--seed 1] [--scale 200]

Runs a RentProg look-alike API on 127.0.0.1 for the branches of RENTPROG_BRANCH_KEYS,
accepting the same company tokens. Point the service at it with
RENTPROG_BASE_URL=http://127.0.0.1:<port>/api/v1/public. --scale is bookings per branch
(cars and clients follow). Changes made through POST /_control/{update,create,archive,destroy}
send webhooks to PUBLIC_BASE_URL/webhooks/rentprog/<branch> with the branch's secret.`;

export async function runSimulator(argv: string[], log: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4010' },
      seed: { type: 'string', default: '1' },
      scale: { type: 'string', default: '200' },
    },
  });
  const numbers = { port: Number(values.port), seed: Number(values.seed), scale: Number(values.scale) };
  for (const [flag, value] of Object.entries(numbers)) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`--${flag} must be a whole number`);
  }
  const config = loadConfig(process.env);
  const webhookUrls = Object.fromEntries(
    config.branches.map((branch) => {
      const url = new URL(`${config.http.publicBaseUrl}/webhooks/rentprog/${branch}`);
      url.searchParams.set('t', config.rentprog.webhookSecrets[branch]![0]!);
      return [branch, url.toString()];
    }),
  );
  const sim = await new Simulator({
    branches: config.branches.map((name) => ({ name, companyToken: config.rentprog.branchKeys[name]! })),
    seed: numbers.seed,
    scale: numbers.scale,
    webhookUrls,
  }).start(numbers.port);

  log(`RentProg simulator: ${sim.baseUrl} (${config.branches.join(', ')}; ${numbers.scale} bookings each)`);
  log(
    `control API: ${sim.url}/_control/…   webhooks to ${config.http.publicBaseUrl}/webhooks/rentprog/<branch>`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sim.stop();
  log('simulator stopped');
}
