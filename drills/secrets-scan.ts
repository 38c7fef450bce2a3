import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Drill } from './support/drill.js';
import { personalDataNeedles, sampleClients } from './support/personal-data.js';
import { type Needle, searchFile } from './support/secret-search.js';
import { namedSecrets } from './support/secrets.js';

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
    'the payload key, all random per run) and for any request token the simulator issued; the histories ' +
    'also for every client name the simulator uses and any client phone (the drills run the service with ' +
    'TEMPORAL_PAYLOAD_KEYS, and their webhooks change client phones). Canary files first prove the search ' +
    'finds a secret split between two read chunks and a simulated client’s name and phone. Must hold: zero hits.',

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

    const people = personalDataNeedles();
    const person = sampleClients(1)[0]!;
    const personCanary = path.join(context.workDir, 'canary-person.txt');
    await writeFile(
      personCanary,
      `${JSON.stringify({ changes: { phone: [person.phone, '+995500000001'] } })}\n${JSON.stringify(person)}\n`,
    );
    const personHits = (await searchFile(personCanary, people)).hits;
    report.check(
      'the search finds a simulated client’s names and both phone formats',
      (personHits.get('a client phone') ?? 0) === 3 && (personHits.get('a client name') ?? 0) >= 2,
      [...personHits].map(([name, count]) => `${name} ×${count}`).join(', '),
    );

    const totals = { log: { files: 0, lines: 0, bytes: 0 }, histories: { files: 0, lines: 0, bytes: 0 } };
    const leaks: string[] = [];
    const readable: string[] = [];
    for (const { kind, file } of await context.evidence.list()) {
      const { hits, bytes, lines } = await searchFile(file, needles);
      totals[kind].files++;
      totals[kind].lines += lines;
      totals[kind].bytes += bytes;
      for (const [name, count] of hits) leaks.push(`${name} ×${count} in ${path.basename(file)}`);
      if (kind !== 'histories') continue;
      for (const [name, count] of (await searchFile(file, people)).hits) {
        readable.push(`${name} ×${count} in ${path.basename(file)}`);
      }
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
    report.figure(
      'personal data searched for in histories',
      `${people.length - 1} client names + the phone pattern`,
    );
    report.figure('personal data hits', readable.length);
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
    report.check(
      'no client name or phone readable in any workflow history',
      readable.length === 0,
      readable.join('; '),
    );
  },
};
