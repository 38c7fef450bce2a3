import type { Context } from 'grammy';
import { formatTime } from '../texts/bot.js';
import { readSyncStatus } from '../temporal/sync-control.js';
import type { BotDeps } from './deps.js';
import { botTexts } from '../texts/bot.js';

/** `/sync_status`: each branch's sync, idle or running, last and next run. */
export function syncStatusCommand(deps: BotDeps) {
  return async (ctx: Context): Promise<void> => {
    const states = await Promise.all(deps.branches.map((branch) => readSyncStatus(deps.client, branch)));
    const time = (iso: string | null | undefined) =>
      iso ? formatTime(new Date(iso), deps.timeZone) : undefined;
    await ctx.reply(
      botTexts.syncStatus(
        states.map((s) =>
          'error' in s
            ? { branch: s.branch, error: botTexts.syncError(s.error) }
            : {
                branch: s.branch,
                running: s.status.state === 'running',
                lastRun: time(s.status.lastRun?.finishedAt),
                nextRun: time(s.status.nextRunAt),
              },
        ),
      ),
    );
  };
}

export const webhooksCommand = (deps: BotDeps) => (ctx: Context) =>
  ctx.reply(botTexts.webhooks(deps.webhookUrls));
export const helpCommand = () => (ctx: Context) => ctx.reply(botTexts.help);
