/** Every workflow the worker registers. Deterministic code only: see eslint.config.js. */
export { healthCheck } from './health-check.js';
export { quarantine } from './quarantine.js';
export { rentprogEvent } from './rentprog-event.js';
export { branchSync } from './branch-sync.js';
export { dailyAgenda } from './daily-agenda.js';
