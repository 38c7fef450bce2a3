import { MAX_KEY_LENGTH, parseRubyLiteral } from './ruby-literal.js';

export type ParsedWebhook =
  { ok: true; event: string; payload: Record<string, unknown> } | { ok: false; error: string };

const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Deep enough for any real payload; deeper ones would overflow recursive code further on. */
export const MAX_PAYLOAD_DEPTH = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a webhook body into `{event, payload}`. The body is JSON (or, for robustness, a
 * form); the payload an object, a JSON string, or a Ruby `Hash#inspect` string, tried in
 * that order. The event name is read from `event`, else `type`, else `name`, as the
 * original integration did. Every failure is a short reason, never an exception.
 */
export function parseWebhookBody(raw: Uint8Array, contentType = ''): ParsedWebhook {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    return { ok: false, error: 'body is not valid UTF-8' };
  }
  const envelope = contentType.includes('application/x-www-form-urlencoded')
    ? readForm(text)
    : readJson(text);
  if (!envelope.ok) return envelope;
  const { event, payload } = envelope;
  if (typeof event !== 'string' || event.trim() === '') return { ok: false, error: 'missing event name' };
  if (!EVENT_NAME.test(event)) return { ok: false, error: 'event name is not a plain identifier' };
  if (payload === undefined || payload === null) return { ok: false, error: 'missing payload' };
  const object = readPayload(payload);
  if (!object) return { ok: false, error: 'payload could not be parsed' };
  const shapeError = shapeProblem(object);
  if (shapeError) return { ok: false, error: shapeError };
  if (rentprogIdOf(object) === undefined) return { ok: false, error: 'payload has no id' };
  return { ok: true, event, payload: object };
}

/** `payload.id` as a positive integer, whether RentProg sent it as a number or a string. */
export function rentprogIdOf(payload: Record<string, unknown>): number | undefined {
  const id = payload.id;
  const value = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

type Envelope = { ok: true; event: unknown; payload: unknown } | { ok: false; error: string };

function readJson(text: string): Envelope {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, error: 'body is not valid JSON' };
  }
  if (!isObject(body)) return { ok: false, error: 'body is not a JSON object' };
  return { ok: true, event: eventNameOf(body), payload: body.payload };
}

function readForm(text: string): Envelope {
  const form = new URLSearchParams(text);
  return {
    ok: true,
    event: eventNameOf({ event: form.get('event'), type: form.get('type'), name: form.get('name') }),
    payload: form.get('payload') ?? undefined,
  };
}

function eventNameOf(body: Record<string, unknown>): unknown {
  for (const field of ['event', 'type', 'name']) {
    const value = body[field];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/**
 * Nesting deeper than MAX_PAYLOAD_DEPTH or a key longer than MAX_KEY_LENGTH: checked
 * without recursion, because a hostile body may be nested ten thousand levels deep.
 */
function shapeProblem(payload: Record<string, unknown>): string | undefined {
  const stack: { value: unknown; depth: number }[] = [{ value: payload, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_PAYLOAD_DEPTH) return `payload nested deeper than ${MAX_PAYLOAD_DEPTH} levels`;
    const children = Array.isArray(value) ? value : Object.values(value);
    if (!Array.isArray(value) && Object.keys(value).some((key) => key.length > MAX_KEY_LENGTH)) {
      return `payload has a key longer than ${MAX_KEY_LENGTH} characters`;
    }
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}

function readPayload(payload: unknown): Record<string, unknown> | undefined {
  if (isObject(payload)) return payload;
  if (typeof payload !== 'string') return undefined;
  try {
    const json: unknown = JSON.parse(payload);
    if (isObject(json)) return json;
  } catch {
    // not JSON: RentProg's usual Ruby hash, below
  }
  try {
    const ruby = parseRubyLiteral(payload);
    return isObject(ruby) ? ruby : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
