/**
 * The task queue of one branch's RentProg activities. Its dispatch rate is limited by
 * the Temporal server for all workers together (`maxTaskQueueActivitiesPerSecond`), so
 * adding worker processes never raises the request rate a branch sees.
 */
export const rentprogTaskQueue = (baseTaskQueue: string, branch: string): string =>
  `${baseTaskQueue}.rentprog.${branch}`;
