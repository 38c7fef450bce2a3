/**
 * `npm run drills`: the failure drills, one after another, against the real processes
 * of the service; writes drills/results.md and exits 1 if any drill failed.
 * `npx tsx drills/run.ts <drill …>` runs only the named ones and writes no results file
 * (but a selection with `cluster` writes drills/results-cluster.md).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { ensureTemporalCli } from '../src/cli/temporal-cli.js';
import { ensureTemporalServer } from '../harness/temporal-server.js';
import { apiStormDrill } from './api-storm.js';
import { clusterDrill } from './cluster.js';
import { type Drill, type DrillContext, DrillReport } from './support/drill.js';
import { Evidence } from './support/evidence.js';
import { type DrillOutcome, resultsMarkdown } from './support/results-markdown.js';
import { generateSecrets, redact } from './support/secrets.js';
import { Teardown } from './support/teardown.js';
import { fuzzMemoryDrill } from './fuzz-memory.js';
import { killWorkerDrill } from './kill-worker.js';
import { poisonDrill } from './poison.js';
import { restartDevServerDrill } from './restart-dev-server.js';
import { restartPostgresDrill } from './restart-postgres.js';
import { secretsScanDrill } from './secrets-scan.js';

// The secrets scan comes last: it reads what every other drill left behind.
const DRILLS: Record<string, Drill> = {
  'kill-worker': killWorkerDrill,
  'restart-dev-server': restartDevServerDrill,
  'restart-postgres': restartPostgresDrill,
  'api-storm': apiStormDrill,
  'fuzz-memory': fuzzMemoryDrill,
  poison: poisonDrill,
  cluster: clusterDrill,
  'secrets-scan': secretsScanDrill,
};

/**
 * Only when named: it builds the production Temporal server the first time (minutes) and
 * runs the kill -9 drill twice besides. `npx tsx drills/run.ts cluster [secrets-scan]`
 * writes its own results file, drills/results-cluster.md.
 */
const OPT_IN = new Set(['cluster']);
const RESULTS_FILE = (names: string[]) =>
  names.length === 0 ? 'results.md' : names.includes('cluster') ? 'results-cluster.md' : undefined;

// Far above any drill's own waits: only a drill stuck for good meets it.
const DRILL_TIMEOUT_MS = 10 * 60_000;
const CLUSTER_TIMEOUT_MS = 20 * 60_000;

function watchdog(ms: number): Promise<never> {
  return new Promise((_resolve, reject) => {
    setTimeout(() => reject(new Error(`stopped after ${ms / 60_000} min`)), ms).unref();
  });
}

/**
 * The report of the drill under way. An error thrown where no drill awaits it (a gRPC
 * retry timer after its connection was closed by a timed-out drill's teardown) fails
 * that drill instead of ending the run with processes left behind.
 */
let current: DrillReport | undefined;
function failCurrent(err: unknown): void {
  if (!current) {
    console.error(err);
    process.exit(1);
  }
  current.check('no uncaught error', false, err instanceof Error ? err.message : String(err));
}
process.on('uncaughtException', failCurrent);
process.on('unhandledRejection', failCurrent);

async function main(names: string[]): Promise<number> {
  const unknown = names.filter((name) => !(name in DRILLS));
  if (unknown.length)
    throw new Error(`unknown drill ${unknown.join(', ')}; drills: ${Object.keys(DRILLS).join(', ')}`);
  const selected = names.length ? names : Object.keys(DRILLS).filter((name) => !OPT_IN.has(name));
  // Built before any drill starts, so a first build never meets a drill's watchdog.
  if (selected.includes('cluster')) await ensureTemporalServer((line) => console.log(line));
  const started = new Date();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-drills-'));
  const secrets = generateSecrets();
  const context: DrillContext = {
    secrets,
    evidence: await Evidence.create(path.join(workDir, 'evidence')),
    temporalCli: await ensureTemporalCli(),
    workDir,
    log: (line) => console.log(`  ${redact(line, secrets)}`),
  };
  const outcomes: DrillOutcome[] = [];
  try {
    for (const name of selected) {
      const drill = DRILLS[name]!;
      console.log(`${name}: ${drill.title}`);
      const report = new DrillReport();
      current = report;
      const teardown = new Teardown();
      const t0 = Date.now();
      try {
        await Promise.race([
          drill.run(context, report, teardown),
          watchdog(name === 'cluster' ? CLUSTER_TIMEOUT_MS : DRILL_TIMEOUT_MS),
        ]);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        report.check('the drill ran to its end', false, redact(message, secrets));
      } finally {
        await teardown.run();
      }
      outcomes.push({ drill, report, ms: Date.now() - t0 });
      for (const check of report.checks) {
        context.log(
          `${check.ok ? 'PASS' : 'FAIL'} ${check.name}${check.ok || !check.detail ? '' : `: ${check.detail}`}`,
        );
      }
    }
  } finally {
    // What a failed drill left behind (logs, histories) is kept for a look.
    if (outcomes.every((o) => o.report.passed)) await rm(workDir, { recursive: true, force: true });
    else console.log(`logs and histories kept in ${workDir}`);
  }
  const resultsFile = RESULTS_FILE(names);
  const results = fileURLToPath(new URL(resultsFile ?? 'results.md', import.meta.url));
  // Formatted as `npm run lint` expects, so a fresh results file never fails the lint.
  const markdown = await format(
    redact(resultsMarkdown(outcomes, started, Date.now() - started.getTime()), secrets),
    {
      ...(await resolveConfig(results)),
      parser: 'markdown',
    },
  );
  if (resultsFile) await writeFile(results, markdown);
  console.log(`\n${markdown}`);
  return outcomes.every((o) => o.report.passed) ? 0 : 1;
}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
