import type { Context } from 'grammy';
import { openIncidents } from '../incidents/table-store.js';
import { alertTexts } from '../texts/alerts.js';
import type { BotDeps } from './deps.js';

/** `/alerts`: the incidents open now, oldest first, each since when (in its branch's zone). */
export function alertsCommand(deps: BotDeps) {
  return async (ctx: Context): Promise<void> => {
    const open = await openIncidents(deps.db);
    await ctx.reply(
      alertTexts.list(open, {
        branchNames: deps.branchNames,
        timeZones: deps.timeZones,
        timeZone: deps.timeZone,
      }),
    );
  };
}
