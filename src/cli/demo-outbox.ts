import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OutboxMessage {
  chatId: number | string;
  text: string;
}

/**
 * The demo's stand-in for Telegram when no bot token is set: a local Bot API endpoint that
 * answers `sendMessage` and keeps what would have been sent, so the summary can show the
 * notifications and the agenda a branch chat would read.
 */
export async function startDemoOutbox() {
  const messages: OutboxMessage[] = [];
  let nextId = 1;
  const app = express();
  app.use(express.json());
  app.post('/:bot/sendMessage', (req, res) => {
    const body = req.body as { chat_id: number | string; text: string };
    messages.push({ chatId: body.chat_id, text: body.text });
    res.json({
      ok: true,
      result: { message_id: nextId++, date: 0, chat: { id: body.chat_id }, text: body.text },
    });
  });
  app.use((_req, res) => void res.status(404).json({ ok: false, error_code: 404, description: 'Not Found' }));
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    apiRoot: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    messages,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
