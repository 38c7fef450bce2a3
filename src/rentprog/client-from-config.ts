import type { Config } from '../config/config.js';
import type { Metrics } from '../metrics/metrics.js';
import { RentProgClient } from './client.js';

export function rentprogClientFromConfig(rentprog: Config['rentprog'], metrics?: Metrics): RentProgClient {
  return new RentProgClient({
    observe: metrics ? (observation) => metrics.rentprogRequest(observation) : undefined,
    baseUrl: rentprog.baseUrl,
    branchKeys: rentprog.branchKeys,
    timeoutMs: rentprog.timeoutMs,
    maxRequestsPerMinute: rentprog.maxRequestsPerMinute,
  });
}
