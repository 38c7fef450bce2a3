import { ApplicationFailure } from '@temporalio/common';
import type { Queryable } from '../store/db.js';
import { sendTelegramMessage, TelegramSendError, type TelegramSettings } from './send-message.js';
import { splitText } from './split-text.js';

export interface Delivery {
  /** What the message is about, stable across retries: an event's run, an incident, an agenda day. */
  key: string;
  chatId: number | string;
  text: string;
}

/**
 * `sent`: this call sent it (all parts). `already sent`: an earlier attempt did.
 * `uncertain`: an earlier or this attempt may have sent it and no answer says so; it is
 * not sent again (at most once) and the row stays for a person to see.
 */
export type DeliveryOutcome = 'sent' | 'already sent' | 'uncertain';

/**
 * Sends a message at most once per key and chat, however often the caller is retried:
 * the row in `telegram_deliveries` is claimed before the send and marked after it. A long
 * text goes as several messages; a retry after a partial send goes on from the first part
 * not sent. Failures that certainly delivered nothing release the claim and throw, for
 * Temporal to retry (429 after Telegram's wait); a refusal (wrong chat, bot blocked) is
 * not retried.
 */
export async function deliverOnce(
  db: Queryable,
  telegram: TelegramSettings,
  delivery: Delivery,
): Promise<DeliveryOutcome> {
  const chat = String(delivery.chatId);
  const [claimed] = await db.query<{ message_ids: number[] }>(
    `INSERT INTO telegram_deliveries (key, chat_id, state) VALUES ($1, $2, 'sending')
     ON CONFLICT (key, chat_id) DO UPDATE SET state = 'sending', claimed_at = now(), error = NULL
       WHERE telegram_deliveries.state = 'unsent'
     RETURNING message_ids`,
    [delivery.key, chat],
  );
  if (!claimed) return settled(db, delivery.key, chat);

  const parts = splitText(delivery.text);
  const sentIds = claimed.message_ids.map(Number);
  for (const part of parts.slice(sentIds.length)) {
    try {
      sentIds.push(await sendTelegramMessage(telegram, delivery.chatId, part));
    } catch (err) {
      if (!(err instanceof TelegramSendError)) throw err;
      await db.query(
        `UPDATE telegram_deliveries SET state = $3, message_ids = $4, error = $5
         WHERE key = $1 AND chat_id = $2`,
        [delivery.key, chat, err.delivered === 'no' ? 'unsent' : 'uncertain', sentIds, err.message],
      );
      if (err.delivered === 'unknown') return 'uncertain';
      throw retryDecision(err);
    }
  }
  await db.query(
    `UPDATE telegram_deliveries SET state = 'sent', message_ids = $3, sent_at = now()
     WHERE key = $1 AND chat_id = $2`,
    [delivery.key, chat, sentIds],
  );
  return 'sent';
}

/** The row was claimed before: sent, or an attempt died (or is still running) mid-send. */
async function settled(db: Queryable, key: string, chat: string): Promise<DeliveryOutcome> {
  const [row] = await db.query<{ state: string }>(
    `UPDATE telegram_deliveries SET state = 'uncertain', error = 'an earlier attempt stopped mid-send'
     WHERE key = $1 AND chat_id = $2 AND state = 'sending'
     RETURNING state`,
    [key, chat],
  );
  if (row) return 'uncertain';
  const [current] = await db.query<{ state: string }>(
    'SELECT state FROM telegram_deliveries WHERE key = $1 AND chat_id = $2',
    [key, chat],
  );
  return current?.state === 'sent' ? 'already sent' : 'uncertain';
}

function retryDecision(err: TelegramSendError): ApplicationFailure {
  if (err.status === 429) {
    return ApplicationFailure.create({
      message: err.message,
      type: 'TelegramRateLimited',
      nextRetryDelay: (err.retryAfterSeconds ?? 5) * 1000,
    });
  }
  if (err.status === undefined || err.status >= 500) {
    return ApplicationFailure.retryable(err.message, 'TelegramUnavailable');
  }
  return ApplicationFailure.nonRetryable(err.message, 'TelegramRefused');
}
