import type { Context } from 'grammy';
import { agendaText } from '../activities/agenda/agenda-text.js';
import { addDays, localDayOf } from '../time/local-day.js';
import { agendaTexts, type BranchDisplay, zoneOf } from '../texts/agenda.js';
import { botTexts } from '../texts/bot.js';
import { branchNamed, commandArgument } from './branch-argument.js';
import type { BotDeps } from './deps.js';
import { replyInParts } from './reply-in-parts.js';

export const branchDisplay = (deps: BotDeps): BranchDisplay => ({
  branchNames: deps.branchNames,
  timeZones: deps.timeZones,
  usualZone: deps.timeZone,
});

/**
 * `/today [branch]` (daysAhead 0) and `/tomorrow [branch]` (1): the agenda the branch
 * chat gets each morning, for one branch or all of them, each for its own local day.
 */
export function agendaCommand(deps: BotDeps, daysAhead: number) {
  return async (ctx: Context): Promise<void> => {
    const wanted = commandArgument(ctx.match);
    const named = wanted ? branchNamed(deps, wanted) : undefined;
    if (wanted && !named) {
      await ctx.reply(botTexts.unknownBranch(wanted, deps.branches));
      return;
    }
    const now = deps.now?.() ?? new Date();
    const display = branchDisplay(deps);
    const agendas = await Promise.all(
      (named ? [named] : deps.branches).map(async (branch) => {
        const day = addDays(localDayOf(now, zoneOf(display, branch)), daysAhead);
        const { text } = await agendaText(deps.db, display, { branch, day, cancelStates: deps.cancelStates });
        return text;
      }),
    );
    await replyInParts(ctx, agendaTexts.several(agendas));
  };
}
