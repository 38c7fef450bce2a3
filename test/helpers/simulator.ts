import { randomBytes } from 'node:crypto';
import { RentProgClient, type RentProgClientOptions } from '../../src/rentprog/api/client.js';
import { Simulator, type SimulatorOptions } from '../../src/simulator/simulator.js';

export const BRANCHES = ['tbilisi', 'batumi', 'kutaisi', 'service-center'];

/** Fresh random company tokens per run: whatever leaks them into a message fails the test. */
export const companyTokens = (): Record<string, string> =>
  Object.fromEntries(BRANCHES.map((b) => [b, `company-${b}-${randomBytes(12).toString('hex')}`]));

export async function startSimulator(
  keys: Record<string, string>,
  options: Partial<SimulatorOptions> = {},
): Promise<Simulator> {
  const sim = new Simulator({
    seed: 7,
    scale: 25,
    referenceDate: new Date('2026-11-25T08:00:00Z'),
    ...options,
    branches:
      options.branches ?? Object.entries(keys).map(([name, companyToken]) => ({ name, companyToken })),
  });
  return sim.start();
}

/** Every branch with 30 bookings, 3 cars and 12 clients: enough for what a command prints. */
export const startSmallSimulator = (keys: Record<string, string>) =>
  startSimulator(keys, {
    branches: Object.entries(keys).map(([name, companyToken]) => ({
      name,
      companyToken,
      bookings: 30,
      cars: 3,
      clients: 12,
    })),
  });

export function clientFor(
  sim: Simulator,
  keys: Record<string, string>,
  overrides: Partial<RentProgClientOptions> = {},
) {
  return new RentProgClient({
    baseUrl: sim.baseUrl,
    branchKeys: keys,
    timeoutMs: 2000,
    maxRequestsPerMinute: 60_000,
    ...overrides,
  });
}

/** Captures a rejection so a test can check its class and that no secret is in it. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`rejected with a non-error: ${String(err)}`, { cause: err });
  }
  throw new Error('expected a failure');
}

export function expectNoSecret(text: string, keys: Record<string, string>): void {
  for (const token of Object.values(keys)) {
    if (text.includes(token)) throw new Error(`a company token leaked into: ${text}`);
  }
}
