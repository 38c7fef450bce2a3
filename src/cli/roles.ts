/** What one `rentprog-flow start` process runs: everything, or one role of a scaled deployment. */
export const ROLES = ['all', 'ingress', 'worker', 'bot'] as const;
export type Role = (typeof ROLES)[number];
