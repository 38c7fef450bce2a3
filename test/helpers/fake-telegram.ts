import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  token: string;
  method: string;
  body: { chat_id: number | string; text: string };
}

/** A stand-in for the Telegram Bot API: records `sendMessage` calls and answers like Telegram. */
export async function startFakeTelegram() {
  const sent: SentMessage[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
      if (!match)
        return void res.writeHead(404).end('{"ok":false,"error_code":404,"description":"Not Found"}');
      const body = JSON.parse(raw || '{}') as SentMessage['body'];
      sent.push({ token: match[1]!, method: match[2]!, body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          ok: true,
          result: { message_id: sent.length, chat: { id: body.chat_id }, text: body.text },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    sent,
    apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
