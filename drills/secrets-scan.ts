import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Drill } from './harness/drill.js';
import { type Needle, searchFile } from './harness/secret-search.js';
import { namedSecrets } from './harness/secrets.js';

/** The simulator's request tokens: `sim.` and 24 random bytes in base64url. */
const REQUEST_TOKEN: Needle = {
  name: 'a RentProg request token',
  match: /sim\.[A-Za-z0-9_-]{32}/g,
  maxLength: 36,
};

export const secretsScanDrill: Drill = {
  title: 'secrets scan of every log line and every workflow history',
  summary:
    'Reads everything the other drills’ processes wrote (ingress, worker and migrate output, Temporal dev ' +
    'servers, Postgres) and every workflow history of every dev server (payloads decoded), and searches it ' +
    'for each configured secret (company tokens, webhook secrets, the bot token, the database password, ' +
    'all random per run) and for any request token the simulator issued. A canary file first proves the ' +
    'search finds a secret split between two read chunks. Must hold: zero hits.',

  async run(context, report) {
    const needles: Needle[] = [
      ...namedSecrets(context.secrets).map(({ name, value }) => ({
        name,
        match: value,
        maxLength: value.length,
      })),
      REQUEST_TOKEN,
    ];
    const canary = path.join(context.workDir, 'canary.txt');
    const secret = context.secrets.botToken;
    await writeFile(canary, `${'x'.repeat(1000 - 7)}${secret}\n`);
    const canaryHits = (await searchFile(canary, needles, 1000)).hits.get('Telegram bot token') ?? 0;
    report.check(
      'the search finds a secret split between two chunks',
      canaryHits === 1,
      `${canaryHits} hits`,
    );

    const totals = { log: { files: 0, lines: 0, bytes: 0 }, histories: { files: 0, lines: 0, bytes: 0 } };
    const leaks: string[] = [];
    for (const { kind, file } of await context.evidence.list()) {
      const { hits, bytes, lines } = await searchFile(file, needles);
      totals[kind].files++;
      totals[kind].lines += lines;
      totals[kind].bytes += bytes;
      for (const [name, count] of hits) leaks.push(`${name} ×${count} in ${path.basename(file)}`);
    }
    const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    report.figure(
      'process logs: files / lines / MiB',
      `${totals.log.files} / ${totals.log.lines} / ${mb(totals.log.bytes)}`,
    );
    report.figure(
      'workflow histories: dev servers / runs / MiB',
      `${totals.histories.files} / ${totals.histories.lines} / ${mb(totals.histories.bytes)}`,
    );
    report.figure('secrets searched for', `${needles.length - 1} + the request-token pattern`);
    report.figure('hits', leaks.length);
    report.check(
      'there were logs and histories to search',
      totals.log.lines > 0 && totals.histories.lines > 0,
    );
    report.check(
      'every drill’s logs and histories were kept',
      context.evidence.missing.length === 0,
      context.evidence.missing.join('; '),
    );
    report.check('no secret in any log line or workflow history', leaks.length === 0, leaks.join('; '));
  },
};
