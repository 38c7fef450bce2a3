/**
 * A named check of one dependency. `name` is a stable id (`database`, `rentprog:batumi`);
 * the bot turns it into the label operators read.
 */
export type ProbeSpec =
  | { kind: 'database' | 'umnico' | 'stripe'; name: string }
  | { kind: 'rentprog'; name: string; branch: string };

/** The checks `/status` runs: the database, RentProg once per branch, Umnico and Stripe. */
export function standardProbes(branches: string[]): ProbeSpec[] {
  return [
    { kind: 'database', name: 'database' },
    ...branches.map((branch) => ({ kind: 'rentprog' as const, name: `rentprog:${branch}`, branch })),
    { kind: 'umnico', name: 'umnico' },
    { kind: 'stripe', name: 'stripe' },
  ];
}

export interface ProbeResult {
  name: string;
  ok: boolean;
  /** Why it failed, at most 30 characters (the bot shows it on one line). */
  reason?: string;
  latencyMs: number;
  /** The dependency has no credentials configured: neither ok nor failing. */
  notConfigured?: true;
}

export interface HealthReport {
  /** True when every configured probe is ok. */
  ok: boolean;
  probes: ProbeResult[];
}

export const MAX_REASON_LENGTH = 30;
