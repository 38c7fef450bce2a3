import type { Config } from '../../config/config.js';
import type { Incidents } from '../../incidents/incidents.js';
import { incidentKeys } from '../../incidents/keys.js';
import type { Metrics } from '../../metrics/metrics.js';
import { type AuthWatch, RentProgClient } from './client.js';

export function rentprogClientFromConfig(
  rentprog: Config['rentprog'],
  metrics?: Metrics,
  incidents?: Incidents,
): RentProgClient {
  return new RentProgClient({
    observe: metrics ? (observation) => metrics.rentprogRequest(observation) : undefined,
    authWatch: incidents && authIncidents(incidents),
    baseUrl: rentprog.baseUrl,
    branchKeys: rentprog.branchKeys,
    timeoutMs: rentprog.timeoutMs,
    maxRequestsPerMinute: rentprog.maxRequestsPerMinute,
  });
}

/** A branch's token refused opens `auth:<branch>`; its next answered request resolves it. */
export function authIncidents(incidents: Incidents): AuthWatch {
  return {
    refused: (error) =>
      void incidents.raise({
        key: incidentKeys.auth(error.branch),
        kind: 'auth',
        branch: error.branch,
        detail: error.message,
      }),
    answered: (branch) => void incidents.resolve(incidentKeys.auth(branch)),
  };
}
