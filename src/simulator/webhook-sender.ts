import { rubyInspect } from './ruby-inspect.js';

/** How a webhook body is written: RentProg's Ruby hash by default, other forms on request. */
export type PayloadFormat = 'ruby' | 'ruby34' | 'json-string' | 'object';

export interface WebhookOptions {
  format?: PayloadFormat;
  /** Deliver the same body twice, as RentProg may. */
  duplicate?: boolean;
  /** Escape `>` as `\u003e` in the raw JSON, as Rails' HTML-safe JSON does. */
  htmlEscape?: boolean;
}

export interface Delivery {
  branch: string;
  event: string;
  url: string;
  status: number | 'error';
  body: string;
}

/** The JSON body RentProg posts: `{"event": …, "payload": …}`. */
export function webhookBody(
  event: string,
  payload: Record<string, unknown>,
  options: WebhookOptions = {},
): string {
  const format = options.format ?? 'ruby';
  const encoded =
    format === 'object'
      ? payload
      : format === 'json-string'
        ? JSON.stringify(payload)
        : rubyInspect(payload, { spacedArrows: format === 'ruby34' });
  const body = JSON.stringify({ event, payload: encoded });
  return options.htmlEscape ? body.replaceAll('>', '\\u003e') : body;
}

/** Posts a webhook to the branch's URL; failures are recorded, not thrown (RentProg does not care). */
export async function deliverWebhook(
  url: string,
  branch: string,
  event: string,
  body: string,
): Promise<Delivery> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'rentprog_webhook/1.0' },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    return { branch, event, url: redactQuery(url), status: response.status, body };
  } catch {
    return { branch, event, url: redactQuery(url), status: 'error', body };
  }
}

/** Webhook URLs carry their secret in `?t=`; keep it out of anything we record. */
function redactQuery(url: string): string {
  const parsed = new URL(url);
  return parsed.search ? `${parsed.origin}${parsed.pathname}?…` : url;
}

/** Where each branch's webhooks go, and every delivery made, for tests to read. */
export class WebhookOutbox {
  readonly deliveries: Delivery[] = [];
  private urls: Record<string, string>;

  constructor(
    urls: Record<string, string> = {},
    private readonly defaults: WebhookOptions = {},
  ) {
    this.urls = { ...urls };
  }

  setUrl(branch: string, url: string): void {
    this.urls = { ...this.urls, [branch]: url };
  }

  /** Posts the event to the branch's URL (twice when asked to); nothing when it has none. */
  async emit(
    branch: string,
    event: string,
    payload: Record<string, unknown>,
    override?: WebhookOptions,
  ): Promise<Delivery[]> {
    const url = this.urls[branch];
    if (!url) return [];
    const options = { ...this.defaults, ...override };
    const body = webhookBody(event, payload, options);
    const sent = [await deliverWebhook(url, branch, event, body)];
    if (options.duplicate) sent.push(await deliverWebhook(url, branch, event, body));
    this.deliveries.push(...sent);
    return sent;
  }
}
