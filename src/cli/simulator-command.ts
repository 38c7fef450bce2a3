import { loadConfig } from '../config/load-config.js';
import { Simulator } from '../simulator/simulator.js';

/** `rentprog-flow simulator`: a RentProg look-alike API until Ctrl-C. */
export async function runSimulator(
  numbers: { port: number; seed: number; scale: number },
  log: (line: string) => void,
): Promise<void> {
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
