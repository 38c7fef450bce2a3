import type { Api, Context } from 'grammy';
import {
  readSyncStatus,
  requestSync,
  type SyncControlError,
  syncFinished,
} from '../temporal/sync-control.js';
import type { BotDeps } from './deps.js';
import { botTexts, type SyncCounts } from '../texts/bot.js';

const GIVE_UP_AFTER_MS = 60 * 60_000;

interface BranchProgress {
  branch: string;
  done: boolean;
  line?: string;
  counts?: SyncCounts;
  rejects?: number;
  error?: string;
}

/**
 * `/sync_rentprog [branch]`: asks for a run now, answers with one message, and edits it
 * with progress from the `syncStatus` query until every run is done, then the results.
 * The follow-up runs detached, so the bot keeps answering other commands meanwhile.
 */
export function syncCommand(deps: BotDeps) {
  return async (ctx: Context): Promise<void> => {
    const wanted = (typeof ctx.match === 'string' ? ctx.match : '').trim();
    if (wanted && !deps.branches.includes(wanted)) {
      await ctx.reply(botTexts.unknownBranch(wanted, deps.branches));
      return;
    }
    const branches = wanted ? [wanted] : deps.branches;
    const requested = await requestSync(deps.client, branches, {}, deps.syncConfig);
    const message = await ctx.reply(botTexts.syncStarted(branches));
    follow(deps, ctx.api, message.chat.id, message.message_id, requested).catch((err: unknown) =>
      deps.logger.error(
        { err: err instanceof Error ? err.message : String(err) },
        'bot: sync follow-up failed',
      ),
    );
  };
}

async function follow(
  deps: BotDeps,
  api: Api,
  chatId: number,
  messageId: number,
  requested: { branch: string; runsBefore?: number; error?: SyncControlError }[],
): Promise<void> {
  const every = deps.progressEveryMs ?? 2000;
  const started = Date.now();
  let shown = '';
  const edit = async (text: string) => {
    if (text === shown) return;
    shown = text;
    await api.editMessageText(chatId, messageId, text);
  };
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, every));
    const states: BranchProgress[] = await Promise.all(
      requested.map((r) =>
        r.error !== undefined
          ? Promise.resolve({ branch: r.branch, done: true, error: botTexts.syncError(r.error) })
          : look(deps, r.branch, r.runsBefore ?? 0),
      ),
    );
    if (states.every((s) => s.done) || Date.now() - started > GIVE_UP_AFTER_MS) {
      await edit(
        botTexts.syncResults(
          states.map((s) =>
            s.error !== undefined || !s.counts
              ? { branch: s.branch, error: s.error ?? botTexts.syncUnfinished }
              : { branch: s.branch, counts: s.counts, rejects: s.rejects ?? 0 },
          ),
        ),
      );
      return;
    }
    await edit(
      botTexts.syncProgress(states.map((s) => ({ branch: s.branch, line: s.line ?? botTexts.progressDone }))),
    );
  }
}

async function look(deps: BotDeps, branch: string, runsBefore: number): Promise<BranchProgress> {
  const state = await readSyncStatus(deps.client, branch);
  if ('error' in state) return { branch, done: true, error: botTexts.syncError(state.error) };
  const { status } = state;
  if (syncFinished(status, runsBefore)) {
    const run = status.lastRun!;
    return run.status === 'succeeded'
      ? { branch, done: true, counts: run.counts, rejects: run.rejects, line: botTexts.progressDone }
      : { branch, done: true, error: run.errors[0] ?? botTexts.syncFailedWithoutReason };
  }
  const current = status.current;
  return {
    branch,
    done: false,
    line: current
      ? botTexts.progressLine(current.kind, current.page, current.fetched)
      : botTexts.progressWaiting,
  };
}
