/**
 * `npm run bench`: runs the benchmarks one after another on this machine and writes
 * bench/results.md with the machine, the date, and every figure next to its baseline.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';

type Row = Record<string, string | number>;

function run(script: string, args: string[]): Promise<Row[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited ${code}`));
      resolve(
        out
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Row),
      );
    });
  });
}

const table = (rows: Row[], columns: string[]) =>
  [
    `| ${columns.join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${columns.map((c) => r[c] ?? '').join(' | ')} |`),
  ].join('\n');

async function main() {
  const started = new Date();
  const ingress = await run('bench/ingress.ts', [process.env.BENCH_SECONDS ?? '20']);
  const sync = [
    ...(await run('bench/sync.ts', ['10000', '0'])),
    ...(await run('bench/sync.ts', ['10000', '50'])),
  ];

  const ack: Row[] = ingress
    .filter((r) => r.bench === 'ack')
    .map((r): Row => ({ ...r, rate: r.rate === 0 ? 'max' : (r.rate ?? '') }));
  const durableMax = ack.find((r) => r.variant === 'durable' && r.rate === 'max');
  const memoryMax = ack.find((r) => r.variant === 'in-memory' && r.rate === 'max');
  const bare = ack.find((r) => r.variant === 'bare-client');
  const durable100 = ack.find((r) => r.variant === 'durable' && r.rate === 100);
  const memory100 = ack.find((r) => r.variant === 'in-memory' && r.rate === 100);
  const ratio = (a?: Row, b?: Row, key = 'achieved') =>
    a && b ? (Number(a[key]) / Number(b[key])).toFixed(2) : 'n/a';

  const report = `# Benchmark results

Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.
Run: ${started.toISOString()} (\`npm run bench\`, one run, every figure next to its baseline from the same run).
Temporal: local dev server (CLI v1.5.1, server 1.29.1, SQLite in memory). Postgres 15 on loopback.

## 1. Ingress ACK (load from a second process, ${process.env.BENCH_SECONDS ?? '20'} s per step)

\`durable\` answers 200 only after Temporal accepted the workflow start; \`in-memory\` is the
same route with the start replaced by an in-memory push (the original, non-durable ACK);
\`bare-client\` is 64 concurrent \`client.workflow.start\` calls with no HTTP (the engine's
limit on this machine). Latencies in ms.

${table(ack, ['variant', 'rate', 'achieved', 'p50', 'p99', 'max', 'non2xx', 'errors'])}

- Throughput, durable vs bare client: ${ratio(durableMax, bare)} (${durableMax?.achieved} vs ${bare?.achieved} starts/s).
- Throughput, durable vs non-durable: ${ratio(durableMax, memoryMax)} (${durableMax?.achieved} vs ${memoryMax?.achieved} webhooks/s).
- Latency at 100/s, durable vs non-durable p50: ${durable100?.p50} ms vs ${memory100?.p50} ms (×${ratio(durable100, memory100, 'p50')}).

## 2. Duplicate storm

${table(
  ingress.filter((r) => r.bench === 'duplicates'),
  ['sent', 'workflowsStarted', 'duplicatesAnswered', 'other', 'seconds'],
)}

## 4. Sync (one branch, full run, real worker process)

${table(sync, ['bookings', 'latencyMs', 'rows', 'seconds', 'rowsPerSecond', 'requests', 'requestsPerSecond', 'workerPeakRssMb'])}

Not yet measured: the end-to-end benchmark (3), the naive sync baseline, the scaling curve (5)
and the drills; see issue [7/7].
`;
  await writeFile('bench/results.md', report);
  console.log(report);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
