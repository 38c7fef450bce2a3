import { ApplicationFailure } from '@temporalio/common';

export interface TelegramSettings {
  botToken?: string;
  apiRoot: string;
}

/**
 * Sends one message through the Bot API over plain HTTP (the worker has no bot running).
 * Failures become Temporal retry decisions: 429 waits Telegram's `retry_after`, other
 * 4xx (wrong chat, bot blocked) fail at once, 5xx and network errors retry. The bot token
 * is part of the URL, so no message here ever includes the URL.
 */
export async function sendTelegramMessage(settings: TelegramSettings, chatId: number | string, text: string) {
  let response: Response;
  try {
    response = await fetch(`${settings.apiRoot}/bot${settings.botToken}/sendMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ chat_id: chatId, text, disable_web_page_preview: true }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw ApplicationFailure.retryable(
      `Telegram sendMessage: no answer (${(err as Error).name})`,
      'TelegramNetworkError',
    );
  }
  if (response.ok) return;
  const body = (await response.json().catch(() => ({}))) as {
    description?: string;
    parameters?: { retry_after?: number };
  };
  const message = `Telegram sendMessage → ${response.status}: ${body.description ?? 'no description'}`;
  if (response.status === 429) {
    const seconds = body.parameters?.retry_after ?? 5;
    throw ApplicationFailure.create({ message, type: 'TelegramRateLimited', nextRetryDelay: seconds * 1000 });
  }
  if (response.status >= 500) throw ApplicationFailure.retryable(message, 'TelegramServerError');
  throw ApplicationFailure.nonRetryable(message, 'TelegramRefused');
}
