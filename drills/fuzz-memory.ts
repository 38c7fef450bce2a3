import path from 'node:path';
import { Random, seededRandom } from '../src/simulator/random.js';
import { hostileRequest } from '../harness/hostile-request.js';
import type { Drill } from './support/drill.js';
import { freePort } from '../harness/ports.js';
import { BRANCHES } from './support/secrets.js';
import { serviceEnv } from './support/service-env.js';
import { startCli } from '../harness/processes.js';
import { startTemporalDevServer } from '../harness/temporal-dev-server.js';
import { sleep } from '../harness/wait.js';

const REQUESTS = 10_000;
const WARM_UP = 2000;
const CONCURRENCY = 32;
const SETTLE_MS = 20_000;
const MARGIN_MB = 64;
const DOCUMENTED = new Set([200, 202, 400, 401, 404, 413]);

export const fuzzMemoryDrill: Drill = {
  title: 'fuzz the ingress process: 10,000 hostile requests',
  summary:
    'The real ingress process (`rentprog-flow ingress`, file spool, a dev server behind it, no worker) gets ' +
    `${REQUESTS.toLocaleString('en')} hostile requests, ${CONCURRENCY} at a time, from the fuzz test’s ` +
    'generator (harness/hostile-request.ts): random bytes, 20,000-deep nesting, strings up to 1.1 MB, ' +
    'wrong content types, wrong or missing secrets, bad signatures, odd branch names. Must hold: the process ' +
    'never crashes or answers 5xx, gives only documented answers (200, 202, 400, 401, 404, 413), still ' +
    `answers /healthz, and its resident memory is back within ${MARGIN_MB} MiB of the baseline (taken after ` +
    `a warm-up of ${WARM_UP.toLocaleString('en')} requests of the same mix) after ${SETTLE_MS / 1000} s idle.`,

  async run(context, report, teardown) {
    const dir = path.join(context.workDir, 'fuzz-memory');
    const temporal = await startTemporalDevServer({
      cli: context.temporalCli,
      dbFile: path.join(dir, 'temporal.sqlite'),
      log: context.evidence.logFile('fuzz-memory-temporal'),
    });
    teardown.add('Temporal dev server', async () => {
      await context.evidence.saveHistories(temporal.address, 'fuzz-memory');
      await temporal.stop();
    });
    const port = await freePort();
    const env = serviceEnv({
      secrets: context.secrets,
      branches: BRANCHES,
      // The ingress never calls RentProg; the variable only has to be valid.
      rentprogBaseUrl: 'http://127.0.0.1:9/api/v1/public',
      temporalAddress: temporal.address,
      dataDir: path.join(dir, 'data'),
      port,
    });
    const ingress = startCli(['ingress'], {
      env,
      name: 'fuzz-memory-ingress',
      log: context.evidence.logFile('fuzz-memory-ingress'),
    });
    teardown.add('ingress', () => ingress.stop());
    await ingress.waitForOutput(/ingress listening/, 60_000);
    const url = `http://127.0.0.1:${port}`;
    const secret = context.secrets.webhookSecrets.tbilisi!;

    const atStart = await ingress.memory();
    // The baseline is taken after a warm-up of the same mix, so lazily loaded code, JIT and
    // the allocator's working size are in it and only growth that stays counts.
    await fire(url, secret, 1, WARM_UP);
    await sleep(5000);
    const baseline = await ingress.memory();
    let peakMb = baseline.rssMb;
    const sampler = setInterval(() => {
      if (!ingress.running) return;
      void ingress.memory().then(
        (m) => (peakMb = Math.max(peakMb, m.rssMb)),
        () => undefined,
      );
    }, 250);
    const t0 = Date.now();
    const { statuses, failures } = await fire(url, secret, 20261125, REQUESTS).finally(() =>
      clearInterval(sampler),
    );
    const ms = Date.now() - t0;
    const healthz = await fetch(`${url}/healthz`).then(
      (r) => r.status,
      () => 'no answer',
    );
    await sleep(SETTLE_MS);
    const alive = ingress.running;
    const after = alive ? await ingress.memory() : undefined;

    const fiveXx = [...statuses].filter(([status]) => status >= 500).reduce((n, [, count]) => n + count, 0);
    const undocumented = [...statuses.keys()].filter((status) => !DOCUMENTED.has(status));
    report.figure('requests / seconds', `${REQUESTS} / ${(ms / 1000).toFixed(1)}`);
    report.figure(
      'answers',
      [...statuses]
        .sort(([a], [b]) => a - b)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', '),
    );
    report.figure(
      'RSS at start / baseline (after warm-up) / peak / after',
      `${atStart.rssMb} / ${baseline.rssMb} / ${peakMb} / ${after?.rssMb ?? '–'} MiB`,
    );
    report.check('the ingress process is alive', alive, alive ? undefined : ingress.exitDescription);
    report.check(
      'every request got an answer (no dropped connections)',
      failures === 0,
      `${failures} without an answer`,
    );
    report.check('zero 5xx', fiveXx === 0, `${fiveXx}`);
    report.check('only documented answers', undocumented.length === 0, undocumented.join(', '));
    report.check('/healthz answers 200 afterwards', healthz === 200, String(healthz));
    report.check(
      `memory back within ${MARGIN_MB} MiB of the baseline`,
      after !== undefined && after.rssMb <= baseline.rssMb + MARGIN_MB,
      after
        ? `${after.rssMb - baseline.rssMb >= 0 ? '+' : ''}${after.rssMb - baseline.rssMb} MiB`
        : undefined,
    );
  },
};

/** Sends `count` hostile requests from a seeded generator, CONCURRENCY at a time. */
async function fire(url: string, secret: string, seed: number, count: number) {
  const r = new Random(seededRandom(seed));
  const statuses = new Map<number, number>();
  let failures = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const { path: target, body, headers } = hostileRequest(r, next++, secret);
        try {
          const response = await fetch(`${url}${target}`, {
            method: 'POST',
            headers,
            body: new Uint8Array(body),
          });
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        } catch {
          failures++;
        }
      }
    }),
  );
  return { statuses, failures };
}
