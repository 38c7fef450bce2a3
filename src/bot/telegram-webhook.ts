import type { Request, Response } from 'express';
import type { Bot } from 'grammy';
import type { Logger } from 'pino';

/**
 * Where Telegram posts updates in webhook mode. Not the secret itself: a path ends up in
 * proxy logs, and Telegram's `secret_token` header already proves who is calling.
 */
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';

/**
 * Answers Telegram at once, then handles the update. Telegram redelivers an update whose
 * answer takes too long, and a `/status` that waits on every probe easily does; a failure
 * after the answer is logged, and the operator simply sends the command again.
 */
export function answerFirst(bot: Bot, logger: Logger) {
  return (req: Request, res: Response): void => {
    res.status(200).json({ ok: true });
    const update: unknown = req.body;
    void (async () => {
      if (!bot.isInited()) await bot.init();
      await bot.handleUpdate(update as Parameters<Bot['handleUpdate']>[0]);
    })().catch((err: unknown) =>
      logger.error({ err: err instanceof Error ? err.message : String(err) }, 'bot: update failed'),
    );
  };
}
