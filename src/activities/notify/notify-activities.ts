import { texts } from '../../texts/bot.js';
import type { Queryable } from '../../store/db.js';
import { sendTelegramMessage, type TelegramSettings } from '../../telegram/send-message.js';

export interface NotifyDeps {
  db: Queryable;
  telegram: TelegramSettings & { notifyChats: Record<string, number | string> };
}

export interface NotifyRequest {
  branch: string;
  type: string;
  rentprogId: number;
}

export type NotifyResult = { sent: true; chatId: number | string } | { sent: false; reason: string };

/** Tells a branch's chat about events that need a person: a car to hand over, take back, or that moved. */
export function createNotifyActivities(deps: NotifyDeps) {
  return {
    async notifyBranch(request: NotifyRequest): Promise<NotifyResult> {
      const chatId = deps.telegram.notifyChats[request.branch];
      if (!deps.telegram.botToken || chatId === undefined) return { sent: false, reason: 'not configured' };
      const text = await messageFor(deps.db, request);
      if (!text) return { sent: false, reason: `no message for ${request.type}` };
      await sendTelegramMessage(deps.telegram, chatId, text);
      return { sent: true, chatId };
    },
  };
}

/** Built from the stored row, which the event workflow has just refreshed. */
async function messageFor(
  db: Queryable,
  { branch, type, rentprogId }: NotifyRequest,
): Promise<string | undefined> {
  if (type === 'car.moved') {
    const [car] = await db.query<{ car_name: string | null; number: string | null }>(
      'SELECT car_name, number FROM cars WHERE branch = $1 AND rentprog_id = $2',
      [branch, rentprogId],
    );
    return texts.carMoved(branch, rentprogId, { carName: car?.car_name, plate: car?.number });
  }
  const issue = type === 'booking.issue.planned';
  if (!issue && type !== 'booking.return.planned') return undefined;
  const [booking] = await db.query<{ number: number | null; data: Record<string, string | null> }>(
    'SELECT number, data FROM bookings WHERE branch = $1 AND rentprog_id = $2',
    [branch, rentprogId],
  );
  const facts = {
    number: booking?.number,
    carName: booking?.data.car_name,
    when: issue ? booking?.data.start_date : booking?.data.end_date,
    where: issue ? booking?.data.location_start : booking?.data.location_end,
  };
  return issue
    ? texts.issuePlanned(branch, rentprogId, facts)
    : texts.returnPlanned(branch, rentprogId, facts);
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;
