import type { Client } from '@temporalio/client';
import { type ProbeResult, type ProbeSpec, standardProbes } from '../workflows/health-check-types.js';
import { runHealthCheck } from './run-health-check.js';

/** Why a line failed when this module decides it rather than a probe; the texts say it in words. */
export type StatusProblem =
  | { code: 'no-worker' }
  | { code: 'temporal-unreachable' }
  | { code: 'not-checked' }
  | { code: 'dead-letters'; count: number }
  | { code: 'dead-letters-unreadable' };

export interface StatusLine {
  /** `database`, `temporal`, `webhooks`, `rentprog:<branch>`, `umnico`, `stripe`. */
  id: string;
  state: 'ok' | 'fail' | 'off';
  /** The probe's own reason (`auth refused (401)`). */
  reason?: string;
  problem?: StatusProblem;
}

export interface SystemStatus {
  ok: boolean;
  lines: StatusLine[];
  checkedAt: Date;
}

export interface SystemStatusDeps {
  client: Client;
  taskQueue: string;
  branches: string[];
  /** Runs one probe in this process, for when Temporal cannot run the healthCheck workflow. */
  probeDirectly?: (spec: ProbeSpec) => Promise<ProbeResult>;
  /** Webhooks Temporal refused for good: anything there needs a person. */
  deadLetters?: () => Promise<number>;
  timeoutMs?: number;
}

/**
 * The health table behind `/status` and `rentprog-flow status`: the healthCheck workflow
 * when Temporal answers, so the check itself proves the engine and a worker are up; the
 * same probes run in-process, with Temporal marked failed, when it does not.
 */
export async function checkSystem(deps: SystemStatusDeps): Promise<SystemStatus> {
  const probes = standardProbes(deps.branches);
  const timeoutMs = deps.timeoutMs ?? 15_000;
  let temporal: StatusLine;
  let lines: StatusLine[];
  try {
    const report = await deps.client.withDeadline(Date.now() + timeoutMs, () =>
      runHealthCheck(deps.client, { taskQueue: deps.taskQueue, probes, timeoutMs }),
    );
    temporal = { id: 'temporal', state: 'ok' };
    lines = report.probes.map(toLine);
  } catch (err) {
    temporal = { id: 'temporal', state: 'fail', problem: temporalProblem(err) };
    lines = deps.probeDirectly
      ? (await Promise.all(probes.map((spec) => deps.probeDirectly!(spec)))).map(toLine)
      : probes.map((spec) => ({ id: spec.name, state: 'fail', problem: { code: 'not-checked' } }));
  }
  lines.splice(1, 0, temporal);
  if (deps.deadLetters) lines.splice(2, 0, await deadLetterLine(deps.deadLetters));
  return { ok: lines.every((line) => line.state !== 'fail'), lines, checkedAt: new Date() };
}

function toLine(result: ProbeResult): StatusLine {
  if (result.notConfigured) return { id: result.name, state: 'off' };
  return result.ok
    ? { id: result.name, state: 'ok' }
    : { id: result.name, state: 'fail', reason: result.reason };
}

async function deadLetterLine(count: () => Promise<number>): Promise<StatusLine> {
  try {
    const n = await count();
    return n === 0
      ? { id: 'webhooks', state: 'ok' }
      : { id: 'webhooks', state: 'fail', problem: { code: 'dead-letters', count: n } };
  } catch {
    return { id: 'webhooks', state: 'fail', problem: { code: 'dead-letters-unreadable' } };
  }
}

function temporalProblem(err: unknown): StatusProblem {
  const name = err instanceof Error ? err.name : '';
  // A workflow that started but did not finish means no worker is polling.
  if (name === 'WorkflowFailedError') return { code: 'no-worker' };
  return { code: 'temporal-unreachable' };
}
