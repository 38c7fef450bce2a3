import type { Config } from '../config/config.js';
import { RentProgClient } from './client.js';

export function rentprogClientFromConfig(rentprog: Config['rentprog']): RentProgClient {
  return new RentProgClient({
    baseUrl: rentprog.baseUrl,
    branchKeys: rentprog.branchKeys,
    timeoutMs: rentprog.timeoutMs,
    maxRequestsPerMinute: rentprog.maxRequestsPerMinute,
  });
}
