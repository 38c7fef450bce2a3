import proto from '@temporalio/proto';
import { type ReplayResult, Worker } from '@temporalio/worker';
import { readdir, readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorkflows } from '../harness/workflow-bundle.js';
import { historyFromJson } from './histories/history-json.js';
import './setup-runtime.js';

const RECORDED = new URL('histories/', import.meta.url);
const BEFORE_NOTIFY_EVERY_KIND = new URL('notify/fixtures/', import.meta.url);

/** Every history in test/histories (README.md there says how they are made), by file name. */
const recorded = (await readdir(RECORDED)).filter((file) => file.endsWith('.json')).sort();
/** rentprogEvent histories begun before the 'notify-every-kind' patch, as binary protobuf. */
const beforeNotifyEveryKind = (await readdir(BEFORE_NOTIFY_EVERY_KIND)).filter((file) =>
  file.endsWith('.binpb'),
);

async function* histories() {
  for (const file of recorded) {
    yield { workflowId: file, history: historyFromJson(await readFile(new URL(file, RECORDED), 'utf8')) };
  }
  for (const file of beforeNotifyEveryKind) {
    const bytes = await readFile(new URL(file, BEFORE_NOTIFY_EVERY_KIND));
    yield { workflowId: file, history: proto.temporal.api.history.v1.History.decode(bytes) };
  }
}

describe('recorded histories replay under the current workflow code', () => {
  const results = new Map<string, ReplayResult>();

  // One replay worker for all of them: a history whose commands the code no longer
  // issues in the same order fails with a non-determinism error naming the command.
  beforeAll(async () => {
    const workflowBundle = await bundleWorkflows();
    for await (const result of Worker.runReplayHistories({ workflowBundle }, histories())) {
      results.set(result.workflowId, result);
    }
  });

  it('has the histories of branchSync, rentprogEvent and healthCheck', () => {
    expect(recorded).toEqual(
      expect.arrayContaining([
        'branch-sync-run.json',
        'branch-sync-interrupted.json',
        'branch-sync-continue-as-new.json',
        'rentprog-event-stored.json',
        'rentprog-event-not-found.json',
        'health-check.json',
        'health-check-report.json',
      ]),
    );
    expect(beforeNotifyEveryKind).toHaveLength(2);
  });

  it.each([...recorded, ...beforeNotifyEveryKind])('%s', (file) => {
    const result = results.get(file);
    expect(result, `${file} was not replayed`).toBeDefined();
    expect(result!.error?.message).toBeUndefined();
  });
});
