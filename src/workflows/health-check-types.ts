/** A named check of one dependency. More kinds (RentProg per branch, Umnico, Stripe) join later. */
export interface ProbeSpec {
  kind: 'database';
  /** Stable id of the check, e.g. `database`; the bot turns it into the label operators read. */
  name: string;
}

export interface ProbeResult {
  name: string;
  ok: boolean;
  /** Why it failed, at most 30 characters (the bot shows it on one line). */
  reason?: string;
  latencyMs: number;
}

export interface HealthReport {
  ok: boolean;
  probes: ProbeResult[];
}

export const MAX_REASON_LENGTH = 30;
