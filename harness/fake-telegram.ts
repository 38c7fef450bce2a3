import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ApiCall {
  token: string;
  method: string;
  body: Record<string, unknown> & { chat_id?: number | string; text?: string; message_id?: number };
  at: number;
  /** What the fake answered, e.g. the sent message with its `message_id`. */
  result?: unknown;
}

/**
 * A stand-in for the Telegram Bot API on loopback: serves `getUpdates` from a script of
 * updates (long polling, briefly), answers `getMe`, and records every call it gets,
 * `sendMessage` and `editMessageText` among them.
 */
export async function startFakeTelegram() {
  const calls: ApiCall[] = [];
  const updates: Record<string, unknown>[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 100;
  const failures: {
    method: string;
    status: number;
    description: string;
    retryAfter?: number;
    skip: number;
  }[] = [];

  const answer = async (method: string, body: ApiCall['body']): Promise<unknown> => {
    switch (method) {
      case 'getMe':
        return { id: 4242, is_bot: true, first_name: 'RentProg Flow', username: 'rentprog_flow_bot' };
      case 'getUpdates': {
        const offset = Number(body.offset ?? 0);
        for (let waited = 0; waited < 500; waited += 25) {
          const ready = updates.filter((u) => (u.update_id as number) >= offset);
          if (ready.length > 0) return ready;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        return [];
      }
      case 'sendMessage':
        return {
          message_id: nextMessageId++,
          date: 0,
          chat: { id: body.chat_id, type: 'private' },
          text: body.text,
        };
      case 'editMessageText':
        return {
          message_id: body.message_id,
          date: 0,
          chat: { id: body.chat_id, type: 'private' },
          text: body.text,
        };
      default:
        return true;
    }
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      if (!match)
        return void res.writeHead(404).end('{"ok":false,"error_code":404,"description":"Not Found"}');
      const body = (raw ? JSON.parse(raw) : {}) as ApiCall['body'];
      const [, token, method] = match as unknown as [string, string, string];
      const call: ApiCall = { token, method, body, at: Date.now() };
      const failure = failures.findIndex((f) => f.method === method && f.skip-- === 0);
      if (failure >= 0) {
        const [f] = failures.splice(failure, 1);
        res.writeHead(f!.status, { 'Content-Type': 'application/json' });
        const parameters = f!.retryAfter === undefined ? {} : { parameters: { retry_after: f!.retryAfter } };
        return void res.end(
          JSON.stringify({ ok: false, error_code: f!.status, description: f!.description, ...parameters }),
        );
      }
      if (method !== 'getUpdates') calls.push(call);
      void answer(method, body).then((result) => {
        call.result = result;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ ok: true, result }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    calls,
    /** The messages sent (not edits), for the notification tests. */
    get sent() {
      return calls.filter((c) => c.method === 'sendMessage') as (ApiCall & {
        body: { chat_id: number | string; text: string };
      })[];
    },
    apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Queues a text message from `fromId`, as a private chat with the bot. */
    say(fromId: number, text: string): void {
      const command = /^\/\w+/.exec(text)?.[0];
      updates.push({
        update_id: nextUpdateId++,
        message: {
          message_id: nextUpdateId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: fromId, type: 'private', first_name: 'Оператор' },
          from: { id: fromId, is_bot: false, first_name: 'Оператор' },
          text,
          ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}),
        },
      });
    },
    /**
     * A later call of `method` is refused with this status (429 with `retryAfter` seconds):
     * the next one, or the one after `skip` calls that go through.
     */
    failNext(
      method: string,
      status: number,
      description: string,
      options: { retryAfter?: number; skip?: number } = {},
    ): void {
      failures.push({ method, status, description, retryAfter: options.retryAfter, skip: options.skip ?? 0 });
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
