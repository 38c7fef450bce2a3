import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Entity } from '../../src/simulator/dataset.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { webhookBody } from '../../src/simulator/webhook-sender.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { historyText } from '../../harness/history.js';
import { startIngress } from '../helpers/ingress.js';
import { captureLogs } from '../helpers/log-capture.js';
import { startService } from '../helpers/service.js';
import { BRANCHES, companyTokens, startSimulator } from '../helpers/simulator.js';
import { connectToDevServer } from '../helpers/temporal.js';

const BOT_TOKEN = '123456:fake-token-for-the-notification-tests';
const NAMES: Record<string, string> = {
  tbilisi: 'Тбилиси',
  batumi: 'Батуми',
  kutaisi: 'Кутаиси',
  'service-center': 'Сервис-центр',
};
const CHATS: Record<string, number> = {
  tbilisi: -1001,
  batumi: -1002,
  kutaisi: -1003,
  'service-center': -1004,
};
// Kutaisi's zone differs from the first branch's: its times say which zone they are in.
const ZONES = {
  tbilisi: 'Asia/Tbilisi',
  batumi: 'Asia/Tbilisi',
  kutaisi: 'Europe/Istanbul',
  'service-center': 'Asia/Tbilisi',
};
const CANCEL_STATES = ['Отмена', 'Отказ клиента'];

/** The simulator's records, with the fields these tests read. */
interface SimBooking {
  id: number;
  number: number;
  car_id: number;
  client_id: number;
  state: string;
  start_date: string;
  end_date: string;
  location_start: string;
  location_end: string;
}
interface SimClient {
  id: number;
  name: string;
  lastname: string;
  phone: string;
}
interface SimCar {
  id: number;
  company_id: number;
  car_name: string;
  number: string;
}
const asBooking = (entity: Entity) => entity as unknown as SimBooking;
const asCar = (entity: Entity) => entity as unknown as SimCar;

/** `09-07-2026 9:00` (RentProg's local time) as the messages show it: `09.07 09:00`. */
function short(local: string): string {
  const [day, month, , hour, minute] = local.split(/[- :]/);
  return `${day}.${month} ${hour!.padStart(2, '0')}:${minute}`;
}

describe('branch chats hear of bookings and cars, end to end (simulator → ingress → Temporal → Telegram)', () => {
  const keys = companyTokens();
  const secrets = Object.fromEntries(BRANCHES.map((b) => [b, [`secret-${b}-${Date.now()}`]]));
  const logs = captureLogs();
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  let service: Awaited<ReturnType<typeof startService>>;
  let ingress: Awaited<ReturnType<typeof startIngress>>;

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    telegram = await startFakeTelegram();
    sim = await startSimulator(keys, {
      branches: BRANCHES.map((name) => ({
        name,
        companyToken: keys[name]!,
        bookings: 40,
        cars: 5,
        clients: 21,
      })),
    });
    // The first sync stores every branch's cars, which tell each branch's company id.
    service = await startService(env, database, sim, keys, {
      telegram: { botToken: BOT_TOKEN, apiRoot: telegram.apiRoot, notifyChats: CHATS },
      branchNames: NAMES,
      timeZones: ZONES,
      cancelStates: CANCEL_STATES,
    });
    ingress = await startIngress({
      client: env.client,
      taskQueue: service.taskQueue,
      webhookSecrets: secrets,
      logger: logs.logger,
    });
    for (const branch of BRANCHES) {
      sim.setWebhookUrl(branch, `${ingress.url}/webhooks/rentprog/${branch}?t=${secrets[branch]![0]}`);
    }
  });
  afterAll(async () => {
    await service?.stop();
    await ingress?.close();
    await sim?.stop();
    await telegram?.close();
    await database?.drop();
    await env?.teardown();
    expect(logs.lines.join('\n')).not.toContain(BOT_TOKEN);
  });

  const used = new Set<number>();
  /** A booking no other test touched: a customer's, not cancelled. */
  function freshBooking(branch: string): SimBooking {
    const booking = sim
      .branch(branch)
      .list('booking', 0, 40)
      .find((b) => !used.has(b.id) && b.technical !== true && !CANCEL_STATES.includes(String(b.state)));
    used.add(booking!.id);
    return asBooking(booking!);
  }
  const factsOf = (branch: string, booking: SimBooking) => ({
    client: sim.branch(branch).get('client', booking.client_id) as unknown as SimClient,
    car: asCar(sim.branch(branch).get('car', booking.car_id)!),
  });
  const about = (id: number) => telegram.sent.filter((m) => new RegExp(`ID ${id}(\\D|$)`).test(m.body.text));
  const messageTo = (chat: number, id: number) =>
    vi.waitFor(
      () => {
        const message = about(id).find((m) => m.body.chat_id === chat);
        if (!message) throw new Error(`no message about ${id} in ${chat} yet`);
        return message.body.text;
      },
      { timeout: 30_000, interval: 100 },
    );
  /** The event's outcome row: written after its messages, so by then all of them are sent. */
  const outcomeOf = (branch: string, id: number, type: string) =>
    vi.waitFor(
      async () => {
        const [row] = await database.db.query<{ status: string; workflow_id: string }>(
          `SELECT status, workflow_id FROM webhook_events
           WHERE branch = $1 AND rentprog_id = $2 AND type = $3 AND status <> 'received'`,
          [branch, id, type],
        );
        if (!row) throw new Error(`no outcome for ${type} ${id} yet`);
        return row;
      },
      { timeout: 30_000, interval: 100 },
    );
  const post = (branch: string, body: string) =>
    ingress.post(`/webhooks/rentprog/${branch}?t=${secrets[branch]![0]}`, body);

  it('a booking made on the website: client, car, handover and return, and where it came from', async () => {
    const { entity } = await sim.create('booking', 'tbilisi', {
      source: 'widget',
      technical: false,
      start_date: '10-12-2026 10:00',
      end_date: '15-12-2026 12:00',
      location_start: 'Аэропорт',
      location_end: 'Офис',
    });
    const booking = asBooking(entity);
    const { client, car } = factsOf('tbilisi', booking);
    expect(await messageTo(CHATS.tbilisi!, booking.id)).toBe(
      [
        '🆕 Новая бронь · Тбилиси',
        `Бронь №${booking.number} · ID ${booking.id}`,
        `👤 ${client.name} ${client.lastname} · ${client.phone}`,
        `🚙 ${car.car_name} · ${car.number}`,
        '🔑 Выдача: 10.12 10:00 · Аэропорт',
        '🏁 Возврат: 15.12 12:00 · Офис',
        '🌐 Источник: с сайта',
      ].join('\n'),
    );
    // The message names the client; the notify activity's input in the history does not.
    const { workflow_id } = await outcomeOf('tbilisi', booking.id, 'booking.created');
    const history = await env.client.workflow.getHandle(workflow_id).fetchHistory();
    const scheduled = history.events!.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'notifyBranch',
    );
    expect(scheduled).toHaveLength(1);
    expect(historyText(scheduled)).not.toContain(client.lastname);
  });

  it('a handover moved: old → new time and place, in the branch zone, said which', async () => {
    const booking = freshBooking('kutaisi');
    await sim.update('booking', 'kutaisi', booking.id, {
      start_date: '11-12-2026 12:00',
      location_start: 'Отель в центре',
    });
    const { client, car } = factsOf('kutaisi', booking);
    expect(await messageTo(CHATS.kutaisi!, booking.id)).toBe(
      [
        '🚗 Выдача авто · Кутаиси',
        `Бронь №${booking.number} · ID ${booking.id}`,
        `👤 ${client.name} ${client.lastname} · ${client.phone}`,
        `🚙 ${car.car_name} · ${car.number}`,
        `🕒 ${short(booking.start_date)} → 11.12 12:00 (Europe/Istanbul, UTC+3)`,
        `📍 ${booking.location_start} → Отель в центре`,
      ].join('\n'),
    );
  });

  it('a return moved', async () => {
    const booking = freshBooking('tbilisi');
    await sim.update('booking', 'tbilisi', booking.id, { end_date: '20-12-2026 9:00' });
    const text = await messageTo(CHATS.tbilisi!, booking.id);
    expect(text.split('\n')[0]).toBe('🔙 Возврат авто · Тбилиси');
    expect(text).toContain(`\n🕒 ${short(booking.end_date)} → 20.12 09:00\n📍 ${booking.location_end}`);
  });

  it('handover and return moved in one update: both told, in one message', async () => {
    const booking = freshBooking('batumi');
    await sim.update('booking', 'batumi', booking.id, {
      start_date: '12-12-2026 10:30',
      end_date: '19-12-2026 10:30',
    });
    const text = await messageTo(CHATS.batumi!, booking.id);
    expect(text.split('\n')[0]).toBe('🚗🔙 Выдача и возврат авто · Батуми');
    expect(text).toContain(
      [
        'Выдача:',
        `🕒 ${short(booking.start_date)} → 12.12 10:30`,
        `📍 ${booking.location_start}`,
        'Возврат:',
        `🕒 ${short(booking.end_date)} → 19.12 10:30`,
        `📍 ${booking.location_end}`,
      ].join('\n'),
    );
    await outcomeOf('batumi', booking.id, 'booking.issue.planned');
    expect(about(booking.id)).toHaveLength(1);
  });

  it("a cancellation (state 'Отмена') is told, though the event stays booking.updated", async () => {
    const booking = freshBooking('tbilisi');
    await sim.update('booking', 'tbilisi', booking.id, { state: 'Отмена' });
    const { client } = factsOf('tbilisi', booking);
    const text = await messageTo(CHATS.tbilisi!, booking.id);
    expect(text.split('\n')[0]).toBe('❌ Бронь отменена · Тбилиси');
    expect(text).toContain(`👤 ${client.name} ${client.lastname} · ${client.phone}`);
    expect(text).toContain(`📋 ${booking.state} → Отмена`);
    expect(text).toContain(`🔑 Выдача: ${short(booking.start_date)} · ${booking.location_start}`);
    expect((await outcomeOf('tbilisi', booking.id, 'booking.updated')).status).toBe('processed');
  });

  it('a service trip is labelled as such, with no customer presented', async () => {
    const booking = freshBooking('batumi');
    await sim.update('booking', 'batumi', booking.id, { technical: true, start_date: '13-12-2026 8:00' });
    const { client } = factsOf('batumi', booking);
    const text = await messageTo(CHATS.batumi!, booking.id);
    expect(text).toContain('\n🔧 Служебная поездка\n');
    expect(text).not.toContain(client.phone);
    expect(text).not.toContain(client.lastname);
  });

  it('a car move is told to the branch it arrived at and to the branch it left', async () => {
    const car = asCar(sim.branch('kutaisi').list('car', 1, 1)[0]!);
    const from = sim.branch('service-center').companyId;
    await post('kutaisi', webhookBody('car_update', { company_id: [from, car.company_id], id: car.id }));
    const arrived = await messageTo(CHATS.kutaisi!, car.id);
    const left = await messageTo(CHATS['service-center']!, car.id);
    expect(arrived).toBe(
      [
        '🔁 Перемещение авто · Кутаиси',
        `🚙 ${car.car_name} · ${car.number}`,
        '📥 Авто прибыло из Сервис-центр',
        `ID ${car.id}`,
      ].join('\n'),
    );
    expect(left).toBe(
      [
        '🔁 Перемещение авто · Сервис-центр',
        `🚙 ${car.car_name} · ${car.number}`,
        '📤 Авто уехало в Кутаиси',
        `ID ${car.id}`,
      ].join('\n'),
    );
  });

  it('a car from a company that is no branch of ours: named as such, told only where it arrived', async () => {
    const car = asCar(sim.branch('kutaisi').list('car', 2, 1)[0]!);
    await post('kutaisi', webhookBody('car_update', { company_id: [99_999, car.company_id], id: car.id }));
    expect(await messageTo(CHATS.kutaisi!, car.id)).toContain(
      '📥 Авто прибыло из компании 99999 (не наш филиал)',
    );
    await outcomeOf('kutaisi', car.id, 'car.moved');
    expect(about(car.id)).toHaveLength(1);
  });

  it('a booking whose client and car the branch has no row of: both fetched first, and named', async () => {
    const booking = freshBooking('tbilisi');
    const { client, car } = factsOf('tbilisi', booking);
    await database.db.query("DELETE FROM clients WHERE branch = 'tbilisi' AND rentprog_id = $1", [client.id]);
    await database.db.query("DELETE FROM cars WHERE branch = 'tbilisi' AND rentprog_id = $1", [car.id]);
    await sim.update('booking', 'tbilisi', booking.id, { location_start: 'Ж/д вокзал' });
    expect(await messageTo(CHATS.tbilisi!, booking.id)).toContain(
      `\n👤 ${client.name} ${client.lastname} · ${client.phone}\n🚙 ${car.car_name} · ${car.number}\n`,
    );
    const rows = await database.db.query(
      `SELECT 1 FROM clients WHERE branch = 'tbilisi' AND rentprog_id = $1
       UNION ALL SELECT 1 FROM cars WHERE branch = 'tbilisi' AND rentprog_id = $2`,
      [client.id, car.id],
    );
    expect(rows).toHaveLength(2);
  });

  it('RentProg has no such booking (404): told from the webhook alone, saying the details are missing', async () => {
    const missing = 199_999;
    const body = webhookBody('booking_update', {
      start_date: ['10-12-2026 10:00', '11-12-2026 12:00'],
      location_start: ['Офис', 'Аэропорт'],
      id: missing,
    });
    expect((await post('tbilisi', body)).status).toBe(200);
    expect(await messageTo(CHATS.tbilisi!, missing)).toBe(
      [
        '🚗 Выдача авто · Тбилиси',
        '⚠️ Подробности из RentProg недоступны',
        `Бронь №— · ID ${missing}`,
        '🚙 —',
        '🕒 10.12 10:00 → 11.12 12:00',
        '📍 Офис → Аэропорт',
      ].join('\n'),
    );
    expect((await outcomeOf('tbilisi', missing, 'booking.issue.planned')).status).toBe('not_found');
  });
});
