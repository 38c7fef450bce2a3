import { killWorker, KILL_WORKER_STACK } from './kill-worker.js';
import { type Drill, type DrillContext, DrillReport } from './support/drill.js';
import { startProductionEngine } from './support/production-engine.js';
import { measureRequestBudget } from './support/request-budget-run.js';
import { startServiceStack } from './support/service-stack.js';
import { startSplitStack } from './support/split-stack.js';
import { Teardown } from './support/teardown.js';

export const clusterDrill: Drill = {
  title:
    'the production engine: Temporal server on Postgres, the service split, kill -9 and the request budget',
  summary:
    'The Temporal server compose runs (go.temporal.io/server v1.29.1, built from the module proxy, all ' +
    'services in one process, its default 4 partitions per task queue) on a private Postgres that also ' +
    'holds the service’s database; schema by its SQL tool, the `default` namespace and our search ' +
    'attributes by the operator API. The service runs split as compose splits it (`start --role ingress`, ' +
    '`--role worker`, `--role bot`). On it: (a) the kill -9 drill exactly as on the dev server (same data, ' +
    'one worker killed and replaced, ingress and bot beside it), run on the dev server too in this run for ' +
    'the figures in brackets; (b) two workers under a sync of two branches and a webhook stream above the ' +
    'budget with RENTPROG_MAX_RPM 60: every branch’s busiest 60 s of RentProg requests (the simulator’s ' +
    'log) must stay within 60.',

  async run(context, report, teardown) {
    const engine = await startProductionEngine(context, teardown, 'cluster');
    for (const { label, value } of engine.figures) report.figure(label, value);

    const onEngine = await part(
      context,
      teardown,
      'kill -9 on the production engine',
      async (inner, engineReport) => {
        const stack = await startSplitStack(context, inner, {
          ...KILL_WORKER_STACK,
          name: 'cluster-kill-worker',
          temporalAddress: engine.address,
          databaseUrl: engine.serviceDatabase,
        });
        await stack.startBot();
        await killWorker(context, engineReport, stack);
      },
    );
    const budget = await part(context, teardown, 'request budget', (inner, budgetReport) =>
      measureRequestBudget(context, budgetReport, inner, engine),
    );
    // Last, so a slow machine spends its time on the production engine first.
    const onDevServer = await part(
      context,
      teardown,
      'kill -9 on the dev server',
      async (inner, devReport) => {
        await killWorker(context, devReport, await startServiceStack(context, inner, KILL_WORKER_STACK));
      },
    );

    for (const { label, value } of onEngine.figures) {
      const dev = onDevServer.figures.find((f) => f.label === label);
      report.figure(`kill -9: ${label}`, dev ? `${value} (dev server: ${dev.value})` : value);
    }
    for (const check of onEngine.checks) report.check(`kill -9: ${check.name}`, check.ok, check.detail);
    const devFailed = onDevServer.checks.filter((c) => !c.ok);
    report.figure(
      'kill -9 on the dev server in this run (comparison only)',
      devFailed.length === 0
        ? `all ${onDevServer.checks.length} checks PASS`
        : `FAIL: ${devFailed.map((c) => `${c.name}${c.detail ? ` (${c.detail})` : ''}`).join('; ')}`,
    );
    for (const { label, value } of budget.figures) report.figure(`budget: ${label}`, value);
    for (const check of budget.checks) report.check(`budget: ${check.name}`, check.ok, check.detail);
  },
};

/**
 * One part of the drill with its own report and teardown (run at its end, so its processes
 * never load the next part; the drill's teardown holds it too, for a watchdog's stop).
 * A part that throws fails as one check instead of ending the drill.
 */
async function part(
  context: DrillContext,
  teardown: Teardown,
  name: string,
  body: (inner: Teardown, report: DrillReport) => Promise<void>,
): Promise<DrillReport> {
  context.log(`${name}…`);
  const inner = new Teardown();
  teardown.add(name, () => inner.run());
  const report = new DrillReport();
  try {
    await body(inner, report);
  } catch (err) {
    report.check(`${name} ran to its end`, false, err instanceof Error ? err.message : String(err));
  } finally {
    await inner.run();
  }
  return report;
}
