import type { Client } from '@temporalio/client';
import { type ProbeResult, type ProbeSpec, standardProbes } from '../workflows/health-check-types.js';
import { runHealthCheck } from './run-health-check.js';

export interface StatusLine {
  /** `database`, `temporal`, `webhooks`, `rentprog:<branch>`, `umnico`, `stripe`. */
  id: string;
  state: 'ok' | 'fail' | 'off';
  reason?: string;
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
  let results: ProbeResult[];
  try {
    const report = await deps.client.withDeadline(Date.now() + timeoutMs, () =>
      runHealthCheck(deps.client, { taskQueue: deps.taskQueue, probes, timeoutMs }),
    );
    temporal = { id: 'temporal', state: 'ok' };
    results = report.probes;
  } catch (err) {
    temporal = { id: 'temporal', state: 'fail', reason: temporalReason(err) };
    results = deps.probeDirectly
      ? await Promise.all(probes.map((spec) => deps.probeDirectly!(spec)))
      : probes.map((spec) => ({ name: spec.name, ok: false, reason: 'нет данных', latencyMs: 0 }));
  }
  const lines = results.map(toLine);
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
      : { id: 'webhooks', state: 'fail', reason: `${n} в dead letters` };
  } catch {
    return { id: 'webhooks', state: 'fail', reason: 'dead letters не прочитать' };
  }
}

function temporalReason(err: unknown): string {
  const name = err instanceof Error ? err.name : '';
  // A workflow that started but did not finish means no worker is polling.
  if (name === 'WorkflowFailedError') return 'нет воркера';
  return 'недоступен';
}
