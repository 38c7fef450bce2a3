import type { Bot } from 'grammy';
import type { Logger } from 'pino';
import { BOT_COMMANDS } from './create-bot.js';

/** Long polling until SIGINT/SIGTERM; a failing handler is caught by `bot.catch`, not fatal. */
export async function runBot(bot: Bot, logger: Logger): Promise<void> {
  await bot.api
    .setMyCommands(BOT_COMMANDS)
    .catch((err: unknown) =>
      logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'bot: could not set the command menu',
      ),
    );
  const stop = () => void bot.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.info('bot: long polling');
  await bot.start({ drop_pending_updates: false });
  logger.info('bot stopped');
}
