export interface TelegramSettings {
  botToken?: string;
  apiRoot: string;
}

/**
 * Why a send failed, and whether the message may have arrived anyway: `delivered: 'no'`
 * when Telegram answered with an error or the connection never opened, `'unknown'` when
 * the request left and no answer came back (a timeout, a reset mid-request).
 */
export class TelegramSendError extends Error {
  constructor(
    message: string,
    readonly delivered: 'no' | 'unknown',
    readonly status?: number,
    /** Telegram's flood-control wait, for 429. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'TelegramSendError';
  }
}

// The request never reached Telegram: nothing can have been delivered.
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Sends one message through the Bot API over plain HTTP (the worker and the ingress have
 * no bot running) and returns its message id. The bot token is part of the URL, so no
 * error here ever includes the URL.
 */
export async function sendTelegramMessage(
  settings: TelegramSettings,
  chatId: number | string,
  text: string,
): Promise<number> {
  let response: Response;
  try {
    response = await fetch(`${settings.apiRoot}/bot${settings.botToken}/sendMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ chat_id: chatId, text, disable_web_page_preview: true }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    const delivered = code && NOT_CONNECTED.has(code) ? 'no' : 'unknown';
    throw new TelegramSendError(
      `Telegram sendMessage: no answer (${code ?? (err as Error).name})`,
      delivered,
    );
  }
  const body = (await response.json().catch(() => ({}))) as {
    description?: string;
    parameters?: { retry_after?: number };
    result?: { message_id?: number };
  };
  if (response.ok) return body.result?.message_id ?? 0;
  throw new TelegramSendError(
    `Telegram sendMessage → ${response.status}: ${body.description ?? 'no description'}`,
    'no',
    response.status,
    response.status === 429 ? (body.parameters?.retry_after ?? 5) : undefined,
  );
}
