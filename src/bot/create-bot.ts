import { autoRetry } from '@grammyjs/auto-retry';
import type { BotError } from 'grammy';
import { Bot, GrammyError, HttpError } from 'grammy';
import { adminOnly } from './admin-only.js';
import { alertsCommand } from './alerts-command.js';
import { agendaCommand } from './agenda-commands.js';
import type { BotDeps } from './deps.js';
import { helpCommand, syncStatusCommand, webhooksCommand } from './info-commands.js';
import { bookingCommand, carCommand } from './lookup-commands.js';
import { statusCommand } from './status-command.js';
import { syncCommand } from './sync-command.js';
import { botTexts } from '../texts/bot.js';

export const BOT_COMMANDS = Object.entries(botTexts.commandMenu).map(([command, description]) => ({
  command,
  description,
}));

/** The operators' bot: admin-only, one handler per command, failures logged and answered. */
export function createBot(deps: BotDeps): Bot {
  const bot = new Bot(deps.token, { client: { apiRoot: deps.apiRoot } });
  // Flood limits (429) are waited out instead of failing the reply.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30 }));

  bot.use(adminOnly(deps));
  bot.command('status', statusCommand(deps));
  bot.command('sync_rentprog', syncCommand(deps));
  bot.command('sync_status', syncStatusCommand(deps));
  bot.command('webhooks', webhooksCommand(deps));
  bot.command('today', agendaCommand(deps, 0));
  bot.command('tomorrow', agendaCommand(deps, 1));
  bot.command('booking', bookingCommand(deps));
  bot.command('car', carCommand(deps));
  bot.command('alerts', alertsCommand(deps));
  bot.command(['help', 'start'], helpCommand());
  bot.on('message:text', (ctx) => ctx.reply(botTexts.unknownCommand));

  bot.catch(async (err: BotError) => {
    deps.logger.error({ update: err.ctx.update.update_id, err: describe(err.error) }, 'bot: handler failed');
    await err.ctx.reply(botTexts.failed).catch(() => undefined);
  });
  return bot;
}

/** Says who failed: Telegram refused, the network, or our own handler. */
function describe(error: unknown): string {
  if (error instanceof GrammyError)
    return `Telegram refused ${error.method}: ${error.error_code} ${error.description}`;
  if (error instanceof HttpError) return 'could not reach Telegram';
  return error instanceof Error ? error.message : String(error);
}
