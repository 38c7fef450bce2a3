import type { Context } from 'grammy';
import { splitText } from '../telegram/split-text.js';

/** Replies with a text of any length: over Telegram's 4,096 characters it goes as several messages, never cut. */
export async function replyInParts(ctx: Context, text: string): Promise<void> {
  for (const part of splitText(text)) await ctx.reply(part);
}
