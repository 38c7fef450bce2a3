import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { HealthReportActivities } from '../activities/health/report-health.js';
import type { ProbeActivities } from '../activities/probes/probe-activities.js';
import type { HealthReport, ProbeResult, ProbeSpec } from './health-check-types.js';

// A probe that fails is an answer, not something to retry: the operator wants the
// state now. The activity enforces its own shorter deadline and returns a result;
// this timeout only catches a worker that died mid-probe.
const { runProbe } = proxyActivities<ProbeActivities>({
  startToCloseTimeout: '15s',
  scheduleToCloseTimeout: '20s',
  retry: { maximumAttempts: 1 },
});

// Recording the report is Postgres work: retried briefly, then the run fails visibly.
const { reportHealth } = proxyActivities<HealthReportActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '2m',
  retry: { initialInterval: '2s', maximumAttempts: 5 },
});

/**
 * Runs every probe in parallel and reports each one. A probe that cannot even run
 * (no worker picked it up in time) is reported as failed instead of failing the whole
 * check, so one broken dependency never hides the state of the others. With `report`
 * (the `health-check` schedule) the results then open and resolve incidents.
 */
export async function healthCheck(input: { probes: ProbeSpec[]; report?: boolean }): Promise<HealthReport> {
  const probes = await Promise.all(input.probes.map(runOrReport));
  const report = { ok: probes.every((p) => p.ok || p.notConfigured), probes };
  if (input.report) await reportHealth({ ...report, checkedAt: workflowInfo().runStartTime.toISOString() });
  return report;
}

async function runOrReport(spec: ProbeSpec): Promise<ProbeResult> {
  // Workflow time is the start of the current task: deterministic, and good enough
  // to say how long a probe took before it was given up.
  const startedAt = new Date().getTime();
  try {
    return await runProbe(spec);
  } catch {
    return {
      name: spec.name,
      ok: false,
      reason: 'probe did not finish',
      latencyMs: new Date().getTime() - startedAt,
    };
  }
}
