import type { Context } from 'grammy';
import { checkSystem } from '../temporal/system-status.js';
import type { BotDeps } from './deps.js';
import { botTexts } from '../texts/bot.js';

/** `/status`: the health table, also when Temporal itself is down (then the probes run here). */
export function statusCommand(deps: BotDeps) {
  return async (ctx: Context): Promise<void> => {
    const status = await checkSystem({
      client: deps.client,
      taskQueue: deps.taskQueue,
      branches: deps.branches,
      probeDirectly: deps.probeDirectly,
      deadLetters: deps.deadLetters,
      timeoutMs: 10_000,
    });
    await ctx.reply(botTexts.status(status.lines, status.checkedAt, deps.timeZone));
  };
}
