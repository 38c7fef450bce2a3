import os from 'node:os';
import type { Drill, DrillReport } from './drill.js';

export interface DrillOutcome {
  drill: Drill;
  report: DrillReport;
  ms: number;
}

const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
};

/** drills/results.md: the machine, the date, and per drill its figures, checks and verdict. */
export function resultsMarkdown(outcomes: DrillOutcome[], started: Date, totalMs: number): string {
  const failed = outcomes.filter((o) => !o.report.passed);
  const cpu = os.cpus()[0]?.model ?? 'cpu';
  const sections = outcomes.map(({ drill, report, ms }, i) => {
    const figures = report.figures.map((f) => `| ${f.label} | ${f.value} |`).join('\n');
    const checks = report.checks
      .map((c) => `- ${c.ok ? 'PASS' : 'FAIL'}: ${c.name}${c.detail ? ` (${c.detail})` : ''}`)
      .join('\n');
    return `## ${i + 1}. ${drill.title}: ${report.passed ? 'PASS' : 'FAIL'} (${duration(ms)})

${drill.summary}

| figure | value |
|---|---|
${figures}

${checks}
`;
  });
  return `# Failure drills

Machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}.
Run: ${started.toISOString()} (\`npm run drills\`), ${duration(totalMs)} in total.
Result: ${failed.length === 0 ? `all ${outcomes.length} drills PASS` : `${failed.length} of ${outcomes.length} drills FAIL`}.

Everything is real and on loopback: the service's own processes (\`node bin/rentprog-flow.js ingress|worker\`),
Temporal dev servers from the local CLI with their state in SQLite files, private Postgres clusters
(initdb into a temp dir, password auth), the RentProg simulator and a fake Telegram Bot API. Secrets
(company tokens, webhook secrets, bot token, database password) are random per run and never printed.

${sections.join('\n')}`;
}
