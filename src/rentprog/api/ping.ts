import { z } from 'zod';
import type { RentProgClient } from './client.js';
import { listOf } from './schemas.js';

/**
 * The lightest authenticated call: one short car row. It proves the company token, the
 * token exchange and the API are all working for the branch.
 */
export async function pingBranch(
  client: RentProgClient,
  branch: string,
  signal?: AbortSignal,
): Promise<void> {
  await client.get(branch, '/all_cars', { query: { limit: 1 }, schema: listOf(z.unknown()), signal });
}
