import type { Context, NextFunction } from 'grammy';
import type { BotDeps } from './deps.js';
import { botTexts } from '../texts/bot.js';

/**
 * Lets only TELEGRAM_ADMIN_IDS (users, or group chats) through. Anyone else gets one
 * polite refusal, once, and is logged by id so an admin can add them if they should be.
 */
export function adminOnly(deps: Pick<BotDeps, 'adminIds' | 'logger'>) {
  const allowed = new Set(deps.adminIds);
  const refused = new Set<number>();
  return async (ctx: Context, next: NextFunction): Promise<void> => {
    const userId = ctx.from?.id;
    const chatId = ctx.chat?.id;
    if ((userId !== undefined && allowed.has(userId)) || (chatId !== undefined && allowed.has(chatId))) {
      return next();
    }
    deps.logger.warn({ userId, chatId }, 'bot: refused a user who is not in TELEGRAM_ADMIN_IDS');
    const who = userId ?? chatId;
    if (who === undefined || refused.has(who)) return;
    refused.add(who);
    if (ctx.chat) await ctx.reply(botTexts.refused);
  };
}
