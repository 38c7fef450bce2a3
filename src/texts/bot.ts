/** What the bot says, in Russian (event notifications are in notifications.ts). */

import type { SyncControlError } from '../temporal/sync-control.js';
import type { StatusProblem } from '../temporal/system-status.js';

export const LABELS: Record<string, string> = {
  database: 'База данных',
  temporal: 'Temporal',
  webhooks: 'Вебхуки',
  umnico: 'Umnico API',
  stripe: 'Stripe API',
};
const labelOf = (id: string) => LABELS[id] ?? (id.startsWith('rentprog:') ? `RentProg ${id.slice(9)}` : id);

const ICONS = { ok: '✅', fail: '❌', off: '⚪' } as const;

/** `25.11.2026, 15:30:00` in the branches' zone. */
export function formatTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('ru-RU', {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(date);
}

export interface StatusLineText {
  id: string;
  state: 'ok' | 'fail' | 'off';
  reason?: string;
  problem?: StatusProblem;
}

function problemText(problem: StatusProblem): string {
  switch (problem.code) {
    case 'no-worker':
      return 'нет воркера';
    case 'temporal-unreachable':
      return 'недоступен';
    case 'not-checked':
      return 'нет данных';
    case 'dead-letters':
      return `${problem.count} в dead letters`;
    case 'dead-letters-unreadable':
      return 'dead letters не прочитать';
  }
}

const SYNC_ERRORS: Record<SyncControlError, string> = {
  'not-running': 'синхронизация не запущена',
  'temporal-unreachable': 'Temporal не отвечает',
};

export interface SyncCounts {
  cars?: { fetched: number };
  clients?: { fetched: number };
  bookings?: { fetched: number };
}

const KIND_NAMES: Record<string, string> = { cars: 'авто', clients: 'клиенты', bookings: 'брони' };

/** `1 запись не сохранена`, `2 записи не сохранены`, `5 записей не сохранены`. */
function notStored(count: number): string {
  const lastTwo = count % 100;
  const last = count % 10;
  if (last === 1 && lastTwo !== 11) return `${count} запись не сохранена`;
  if (last >= 2 && last <= 4 && (lastTwo < 12 || lastTwo > 14)) return `${count} записи не сохранены`;
  return `${count} записей не сохранены`;
}

export const botTexts = {
  /** The command menu Telegram shows next to the input field (setMyCommands), in this order. */
  commandMenu: {
    status: 'Состояние системы',
    sync_rentprog: 'Синхронизировать с RentProg',
    sync_status: 'Синхронизация по филиалам',
    webhooks: 'Адреса вебхуков',
    today: 'Выдачи и возвраты сегодня',
    tomorrow: 'Выдачи и возвраты завтра',
    booking: 'Бронь по номеру или ID',
    car: 'Авто по госномеру',
    alerts: 'Открытые инциденты',
    help: 'Справка',
  },

  status: (lines: StatusLineText[], checkedAt: Date, timeZone: string) =>
    [
      '📊 Статус системы:',
      '',
      ...lines.map((line) => {
        const reason =
          line.state === 'off'
            ? 'не настроено'
            : line.state === 'fail'
              ? line.problem
                ? problemText(line.problem)
                : line.reason
              : undefined;
        return `${ICONS[line.state]} ${labelOf(line.id)}${reason ? ` — ${reason}` : ''}`;
      }),
      '',
      `⏰ Время: ${formatTime(checkedAt, timeZone)}`,
    ].join('\n'),

  syncStarted: (branches: string[]) => `🔄 Синхронизация запущена: ${branches.join(', ')}`,

  syncProgress: (rows: { branch: string; line: string }[]) =>
    ['🔄 Синхронизация…', '', ...rows.map((row) => `${row.branch}: ${row.line}`)].join('\n'),

  progressLine: (kind: string, page: number, fetched: number) =>
    `⏳ ${KIND_NAMES[kind] ?? kind}, стр. ${page} · ${fetched} записей`,
  progressWaiting: '⏳ в очереди',
  /** Why a sync could not be asked for or followed (sync-control's codes). */
  syncError: (error: SyncControlError) => SYNC_ERRORS[error],
  /** A followed run still not over when the bot stops watching. */
  syncUnfinished: 'не завершилась',
  /** A failed run that gave no reason. */
  syncFailedWithoutReason: 'ошибка',
  progressDone: '✅ готово',

  syncResults: (
    rows: ({ branch: string; counts: SyncCounts; rejects: number } | { branch: string; error: string })[],
  ) =>
    [
      '📊 Результаты синхронизации:',
      '',
      ...rows.map((row) =>
        'error' in row
          ? `❌ ${row.branch}: ${row.error}`
          : `✅ ${row.branch}: ${row.counts.cars?.fetched ?? 0} авто, ${row.counts.clients?.fetched ?? 0} клиентов, ${row.counts.bookings?.fetched ?? 0} броней` +
            (row.rejects > 0 ? `\n⚠️ ${notStored(row.rejects)} (см. sync_rejects)` : ''),
      ),
    ].join('\n'),

  syncStatus: (
    rows: (
      | { branch: string; running: boolean; lastRun?: string; counts?: SyncCounts; nextRun?: string }
      | { branch: string; error: string }
    )[],
  ) =>
    [
      '🔄 Синхронизация по филиалам:',
      '',
      ...rows.map((row) => {
        if ('error' in row) return `❌ ${row.branch}: ${row.error}`;
        const state = row.running ? '⏳ идёт' : '💤 ожидает';
        const last = row.lastRun ? `, последняя: ${row.lastRun}` : ', ещё не было';
        const next = row.nextRun ? `, следующая: ${row.nextRun}` : '';
        return `${state} ${row.branch}${last}${next}`;
      }),
    ].join('\n'),

  webhooks: (urls: { branch: string; url: string }[]) =>
    ['🔗 Вебхуки RentProg (секрет скрыт):', '', ...urls.map((u) => `${u.branch}: ${u.url}`)].join('\n'),

  help: [
    '🤖 Команды:',
    '/status — состояние системы',
    '/sync_rentprog [филиал] — синхронизировать с RentProg (все филиалы или один)',
    '/sync_status — синхронизация по филиалам',
    '/today [филиал] — выдачи и возвраты сегодня',
    '/tomorrow [филиал] — выдачи и возвраты завтра',
    '/booking <номер или ID> — карточка брони',
    '/car <госномер или его часть> — где авто и что с ним дальше',
    '/alerts — открытые инциденты',
    '/webhooks — адреса вебхуков',
    '/help — эта справка',
  ].join('\n'),

  unknownBranch: (branch: string, branches: string[]) =>
    `Филиал «${branch}» не найден. Есть: ${branches.join(', ')}`,
  unknownCommand: 'Не знаю такой команды. /help — список команд.',
  refused: 'Извините, этот бот только для сотрудников. Обратитесь к администратору.',
  failed: '⚠️ Что-то пошло не так, попробуйте ещё раз позже.',
};
