/** Incident alerts for TELEGRAM_ALERT_CHAT and the `/alerts` list, in Russian. */
import type { Incident } from '../incidents/incident.js';
import { type IncidentKind, probeNameOf } from '../incidents/keys.js';
import { LABELS } from './bot.js';
import { branchLabel, formatShort, zoneNote } from './format.js';

/** How to name branches and in which zone to show their times. */
export interface AlertContext {
  branchNames: Record<string, string>;
  timeZones: Record<string, string>;
  /** The zone most branches use: times of incidents without a branch, and no zone note. */
  timeZone: string;
}

type Facts = Pick<Incident, 'key' | 'kind' | 'branch' | 'detail' | 'occurrences' | 'openedAt'>;

const ICONS: Record<IncidentKind, string> = {
  auth: '🔑',
  sync_failed: '🔄',
  sync_stale: '⏰',
  event_failed: '❗',
  quarantine: '📦',
  probe: '🩺',
  temporal_away: '🛑',
};

const zoneOf = (c: AlertContext, branch: string | null) => (branch && c.timeZones[branch]) || c.timeZone;

function probeLabel(name: string, c: AlertContext): string {
  if (name.startsWith('rentprog:')) return `RentProg ${branchLabel(c.branchNames, name.slice(9))}`;
  return LABELS[name] ?? name;
}

function title(i: Facts, c: AlertContext): string {
  const branch = branchLabel(c.branchNames, i.branch ?? '?');
  switch (i.kind) {
    case 'auth':
      return `RentProg не принимает токен филиала ${branch}`;
    case 'sync_failed':
      return `Синхронизация филиала ${branch} не удаётся`;
    case 'sync_stale':
      return `Филиал ${branch} давно не синхронизировался`;
    case 'event_failed':
      return `События RentProg филиала ${branch} не обработаны`;
    case 'quarantine':
      return `Вебхук филиала ${branch} не прочитан и отложен в карантин`;
    case 'probe':
      return `Проверка «${probeLabel(probeNameOf(i.key), c)}» не проходит`;
    case 'temporal_away':
      return 'Temporal недоступен больше минуты, вебхуки ждут в очереди';
  }
}

function detailLine(i: Facts, c: AlertContext): string {
  switch (i.kind) {
    case 'event_failed':
      return `Событий с ошибкой: ${i.occurrences}. Последняя причина: ${i.detail}`;
    case 'sync_stale':
      return i.detail
        ? `Последняя успешная синхронизация: ${formatShort(new Date(i.detail), zoneOf(c, i.branch))}`
        : 'Успешных синхронизаций ещё не было';
    case 'temporal_away':
      return `Вебхуков в очереди: ${i.detail}`;
    default:
      return `Причина: ${i.detail}`;
  }
}

const PROBE_CHECKS: Record<string, string> = {
  database: 'Проверьте Postgres (DATABASE_URL): запущен ли он и есть ли место на диске.',
  umnico: 'Проверьте UMNICO_API_TOKEN и доступность Umnico.',
  stripe: 'Проверьте STRIPE_SECRET_KEY и доступность Stripe.',
};

/** What a person should look at first. */
function whatToCheck(i: Facts): string {
  const sync = `rentprog-sync:${i.branch ?? ''}`;
  switch (i.kind) {
    case 'auth':
      return 'Проверьте токен компании этого филиала в RENTPROG_BRANCH_KEYS (RentProg → Настройки → API).';
    case 'sync_failed':
      return `Проверьте, отвечает ли RentProg (/status), и ошибку прогона ${sync} в Temporal UI.`;
    case 'sync_stale':
      return `Проверьте, что воркер запущен и ${sync} работает (/sync_status).`;
    case 'event_failed':
      return 'Проверьте историю события в Temporal UI и webhook_events со статусом failed.';
    case 'quarantine':
      return 'Тело вебхука сохранено. Проверьте формат вебхуков RentProg (webhook_events со статусом unparsed); после исправления его можно обработать заново.';
    case 'probe': {
      const name = probeNameOf(i.key);
      return name.startsWith('rentprog:')
        ? 'Проверьте, отвечает ли RentProg, и токен филиала в RENTPROG_BRANCH_KEYS.'
        : (PROBE_CHECKS[name] ?? 'Проверьте /status.');
    }
    case 'temporal_away':
      return 'Проверьте Temporal (TEMPORAL_ADDRESS) и воркер. Вебхуки не потеряны: они будут обработаны, когда Temporal вернётся.';
  }
}

/** `меньше минуты`, `25 мин`, `3 ч 5 мин`, `2 д 4 ч`. */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return 'меньше минуты';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days} д ${hours} ч` : `${days} д`;
  if (hours > 0) return rest > 0 ? `${hours} ч ${rest} мин` : `${hours} ч`;
  return `${rest} мин`;
}

export const alertTexts = {
  opened: (i: Facts, c: AlertContext) =>
    [`🚨 ${ICONS[i.kind]} ${title(i, c)}`, detailLine(i, c), whatToCheck(i)].join('\n'),

  reminder: (i: Facts, c: AlertContext, at: Date) =>
    [
      `⏳ Всё ещё не решено (${formatDuration(at.getTime() - i.openedAt.getTime())}): ${ICONS[i.kind]} ${title(i, c)}`,
      detailLine(i, c),
      `Повторов: ${i.occurrences}`,
    ].join('\n'),

  resolved: (i: Facts, c: AlertContext, at: Date) =>
    `✅ Решено: ${title(i, c)}\nДлилось ${formatDuration(at.getTime() - i.openedAt.getTime())}`,

  /** `/alerts`: what is open now, oldest first. */
  list: (open: Facts[], c: AlertContext) =>
    open.length === 0
      ? '✅ Открытых инцидентов нет'
      : [
          `🚨 Открытые инциденты: ${open.length}`,
          ...open.map((i) => {
            const zone = zoneOf(c, i.branch);
            const since = `с ${formatShort(i.openedAt, zone)}${zoneNote(zone, c.timeZone, i.openedAt)}`;
            return `\n${ICONS[i.kind]} ${title(i, c)}\n${since} · повторов: ${i.occurrences}\n${detailLine(i, c)}`;
          }),
        ].join('\n'),
};
