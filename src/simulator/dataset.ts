import { entityRandom } from './random.js';

// Invented people, plates and amounts (no real personal data); Russian states and
// `DD-MM-YYYY H:mm` local dates as RentProg writes them (docs/rentprog-api.md, Entities).

const FIRST_NAMES = [
  'Нино',
  'Георгий',
  'Анна',
  'Давид',
  'Мариам',
  'Лука',
  'Елена',
  'Сандро',
  'Тамара',
  'Иван',
];
const LAST_NAMES = [
  'Беридзе',
  'Капанадзе',
  'Иванова',
  'Гелашвили',
  'Смирнов',
  'Абашидзе',
  'Петрова',
  'Чхеидзе',
];
const MIDDLE_NAMES = ['Георгиевна', 'Давидович', 'Ивановна', 'Сергеевич', null];
const CATEGORIES = ['Новый', 'Постоянный', 'Лояльный'];
const MODELS = [
  ['Toyota Prius', 'PRI'],
  ['Toyota Camry', 'CAM'],
  ['Hyundai Elantra', 'ELA'],
  ['Kia Sportage', 'SPO'],
  ['Mitsubishi Outlander', 'OUT'],
  ['Toyota RAV4', 'RAV'],
  ['Nissan X-Trail', 'XTR'],
  ['Subaru Forester', 'FOR'],
  ['Honda CR-V', 'CRV'],
  ['Mercedes-Benz E 220', 'E22'],
] as const;
const COLORS = ['белый', 'чёрный', 'серебристый', 'синий', 'красный'];
const LOCATIONS = ['Офис', 'Аэропорт, терминал 1', 'Отель в центре', 'Ж/д вокзал'];
const PLATE_LETTERS = 'ABEKMHOPCTX';

export const BOOKING_STATES = {
  future: ['Новая', 'Подтверждена', 'Не подтверждена'],
  current: 'Активная',
  past: ['Отъездила', 'Отъездила', 'Отъездила', 'Отмена', 'Отказ клиента'],
} as const;
const ACTIVE_STATES = new Set<string>(['Новая', 'Подтверждена', 'Не подтверждена', 'Активная']);

export interface DatasetShape {
  seed: number;
  branchNo: number;
  companyId: number;
  cars: number;
  clients: number;
  /** "Now" for the dataset: bookings lie around it (past, current, future). */
  referenceDate: Date;
}

/** Ids are global in RentProg and encode (branch, index) here so lookups need no index. */
export const ID_SPACE = {
  car: { base: 10_000, perBranch: 20_000 },
  client: { base: 100_000, perBranch: 200_000 },
  booking: { base: 100_000, perBranch: 200_000 },
} as const;

export type SimEntity = 'car' | 'client' | 'booking';
export type Entity = Record<string, unknown> & { id: number };

export const idOf = (kind: SimEntity, branchNo: number, index: number) =>
  ID_SPACE[kind].base + branchNo * ID_SPACE[kind].perBranch + index + 1;

export function locate(kind: SimEntity, id: number): { branchNo: number; index: number } | undefined {
  const offset = id - ID_SPACE[kind].base - 1;
  if (!Number.isInteger(offset) || offset < 0) return undefined;
  return {
    branchNo: Math.floor(offset / ID_SPACE[kind].perBranch),
    index: offset % ID_SPACE[kind].perBranch,
  };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** RentProg's local date format: zero-padded day and month, unpadded hour. */
export function formatLocal(date: Date): string {
  return `${pad(date.getUTCDate())}-${pad(date.getUTCMonth() + 1)}-${date.getUTCFullYear()} ${date.getUTCHours()}:${pad(date.getUTCMinutes())}`;
}

/** ISO with milliseconds and the +04:00 offset RentProg stamps on `created_at`. */
function formatCreatedAt(localWallClock: Date): string {
  return localWallClock.toISOString().replace('Z', '+04:00');
}

export function generateCar(shape: DatasetShape, index: number): Entity {
  const r = entityRandom(shape.seed, 'car', shape.branchNo, index);
  const [name, short] = r.pick(MODELS);
  const digits = r.int(100, 999);
  const plate = `${PLATE_LETTERS[r.int(0, 10)]}${PLATE_LETTERS[r.int(0, 10)]}-${digits}-${PLATE_LETTERS[r.int(0, 10)]}${PLATE_LETTERS[r.int(0, 10)]}`;
  return {
    id: idOf('car', shape.branchNo, index),
    company_id: shape.companyId,
    car_name: name,
    code: `${short} ${digits}`,
    number: plate,
    vin: `SIM${shape.branchNo}${String(index).padStart(13, '0')}`,
    year: r.int(2014, 2024),
    color: r.pick(COLORS),
    transmission: r.chance(0.85) ? 'Автомат' : 'Механика',
    fuel: r.pick(['Бензин', 'Гибрид', 'Дизель']),
    state: r.chance(0.9) ? 1 : r.int(2, 6),
    active: true,
    clean_state: r.chance(0.8),
    mileage: r.int(20_000, 250_000),
    deposit: r.int(4, 10) * 50,
    price_hour: r.int(10, 30),
    number_seats: 5,
    engine_capacity: String(r.pick(['1.6', '1.8', '2.0', '2.5'])),
    custom_field_1: null,
    prices: [],
  };
}

export function generateClient(shape: DatasetShape, index: number): Entity {
  const r = entityRandom(shape.seed, 'client', shape.branchNo, index);
  const id = idOf('client', shape.branchNo, index);
  const createdDaysAgo = r.int(1, 900);
  return {
    id,
    company_id: shape.companyId,
    name: r.pick(FIRST_NAMES),
    lastname: r.pick(LAST_NAMES),
    middlename: r.pick(MIDDLE_NAMES),
    phone: `+995 5${r.int(10, 99)} ${r.int(100, 999)} ${r.int(100, 999)}`,
    email: r.chance(0.6) ? `client${id}@example.com` : null,
    category: r.pick(CATEGORIES),
    debtor: r.chance(0.03),
    balance: 0,
    lang: r.pick(['ru', 'en', 'ka']),
    country: 'Грузия',
    created_at: formatCreatedAt(new Date(shape.referenceDate.getTime() - createdDaysAgo * 86_400_000)),
  };
}

export function generateBooking(shape: DatasetShape, index: number): Entity {
  const r = entityRandom(shape.seed, 'booking', shape.branchNo, index);
  const dayMs = 86_400_000;
  const referenceDay = Math.floor(shape.referenceDate.getTime() / dayMs) * dayMs;
  const start = new Date(
    referenceDay + r.int(-180, 60) * dayMs + r.int(8, 20) * 3_600_000 + r.pick([0, 30]) * 60_000,
  );
  const days = r.int(1, 14);
  const end = new Date(start.getTime() + days * dayMs);
  const now = shape.referenceDate.getTime();
  const state =
    end.getTime() < now
      ? r.pick(BOOKING_STATES.past)
      : start.getTime() <= now
        ? BOOKING_STATES.current
        : r.pick(BOOKING_STATES.future);
  const carIndex = r.int(0, shape.cars - 1);
  const clientIndex = r.int(0, shape.clients - 1);
  const car = generateCar(shape, carIndex);
  const client = generateClient(shape, clientIndex);
  const price = r.int(16, 50) * 5;
  const delivery = r.chance(0.3) ? 20 : 0;
  const technical = r.chance(0.02);
  return {
    id: idOf('booking', shape.branchNo, index),
    number: index + 1,
    car_id: car.id,
    client_id: client.id,
    car_name: car.car_name,
    car_code: car.code,
    state,
    active: ACTIVE_STATES.has(state),
    in_rent: state === BOOKING_STATES.current,
    archive: false,
    technical,
    start_date: formatLocal(start),
    end_date: formatLocal(end),
    days,
    price,
    rental_cost: technical ? 0 : price * days,
    delivery,
    total: technical ? 0 : price * days + delivery,
    deposit: car.deposit,
    first_name: client.name,
    last_name: client.lastname,
    middle_name: client.middlename,
    location_start: r.pick(LOCATIONS),
    location_end: r.pick(LOCATIONS),
    start_worker_id: r.chance(0.5) ? r.int(5000, 5010) : null,
    end_worker_id: null,
    responsible: null,
    description: r.chance(0.2) ? 'Детское кресло, встреча с табличкой' : '',
    source: r.pick(['widget', 'Сотрудник']),
    payments_type: 'full',
    created_at: formatCreatedAt(new Date(start.getTime() - r.int(1, 30) * dayMs)),
  };
}
