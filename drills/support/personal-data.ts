import { generateClient } from '../../src/simulator/dataset.js';
import type { Needle } from './secret-search.js';

/** Enough generated clients that every name the simulator uses turns up at least once. */
const SAMPLE = 2000;

/** The simulator's phones (`+995 5dd ddd ddd`) and the drills' new ones (`+9955dddddddd`). */
const PHONE: Needle = { name: 'a client phone', match: /\+995 ?5\d{2} ?\d{3} ?\d{3}/g, maxLength: 16 };

/** Clients of the simulator as the drills' stacks seed them, for the search's own check. */
export function sampleClients(count = SAMPLE): Record<string, unknown>[] {
  const shape = { seed: 1, branchNo: 0, companyId: 1, cars: 1, clients: count, referenceDate: new Date() };
  return Array.from({ length: count }, (_, index) => generateClient(shape, index));
}

/**
 * What the simulator knows about people, as needles: every first, last and middle name
 * its clients get, and the phone pattern (every client's phone and every phone a drill
 * sets). With TEMPORAL_PAYLOAD_KEYS set, a workflow history may hold none of them readably.
 */
export function personalDataNeedles(): Needle[] {
  const names = new Set<string>();
  for (const client of sampleClients()) {
    for (const field of ['name', 'lastname', 'middlename']) {
      const value = client[field];
      if (typeof value === 'string') names.add(value);
    }
  }
  return [
    // Named alike, so a report counts the leaks without repeating what leaked.
    ...[...names].map((name) => ({ name: 'a client name', match: name, maxLength: name.length })),
    PHONE,
  ];
}
